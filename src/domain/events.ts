/**
 * Domain events: what happened to published content. The page cache, the search index and
 * (across processes) the invalidation fan-out subscribe here; the workflow emits.
 */
export type ContentEvent =
  | { type: 'article.published'; articleId: number }
  | { type: 'article.updated'; articleId: number }
  | { type: 'article.unpublished'; articleId: number }
  /** The stored "related stories" list of this story changed (another story entered it): its page changes. */
  | { type: 'article.related_changed'; articleId: number }
  /** A library image's caption, credit or alt text changed: every page drawing it changes. */
  | { type: 'media.updated'; mediaId: number }
  | { type: 'settings.changed' }
  /** The managing editor changed the home page's lead or featured slots. */
  | { type: 'home.curated' }
  | { type: 'taxonomy.changed' };

export type ContentEventListener = (event: ContentEvent) => void | Promise<void>;

export class ContentEvents {
  private readonly listeners = new Set<ContentEventListener>();

  subscribe(listener: ContentEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs every listener; waits for async ones so a caller can rely on "visible once emit returns". */
  async emit(event: ContentEvent): Promise<void> {
    const results = [...this.listeners].map(async (l) => l(event));
    const failures = (await Promise.allSettled(results)).filter((r) => r.status === 'rejected');
    if (failures.length) throw new AggregateError(failures.map((f) => (f as PromiseRejectedResult).reason), `${failures.length} event listener(s) failed for ${event.type}`);
  }
}
