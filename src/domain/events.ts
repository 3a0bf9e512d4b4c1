/**
 * Domain events: what happened to published content. The page cache, the search index and
 * (across processes) the invalidation fan-out subscribe here; the workflow emits.
 */
/** Where a story stood in the listings, as read in the transaction that changed it (see src/cache/invalidation.ts). */
export interface ListingPlace {
  status: string;
  categoryId: number;
  publishedAt: string | null;
  tagIds: number[];
  personIds: number[];
  /** Digest of what a listing card shows. */
  card: string;
}

export type ContentEvent =
  | { type: 'article.published'; articleId: number }
  /** `previous`: the story's place before the change, so the listings it left are known even to a process that never saw it. */
  | { type: 'article.updated'; articleId: number; previous?: ListingPlace }
  | { type: 'article.unpublished'; articleId: number }
  /** The stored "related stories" list of this story changed (another story entered it): its page changes. */
  | { type: 'article.related_changed'; articleId: number }
  /** A library image's caption, credit or alt text changed: every page drawing it changes. */
  | { type: 'media.updated'; mediaId: number }
  | { type: 'settings.changed' }
  /** The managing editor changed the home page's lead or featured slots. */
  | { type: 'home.curated' }
  /** The "Đọc nhiều" (most read) ranking shown on the home and category pages changed (src/cache/views.ts). */
  | { type: 'popular.changed' }
  | { type: 'taxonomy.changed' };

export type ContentEventListener = (event: ContentEvent) => void | Promise<void>;

export class ContentEvents {
  private readonly listeners = new Set<ContentEventListener>();

  /** Where listener failures go. Events are emitted after the change committed: a failure must not undo or hide it. */
  constructor(private readonly onError: (message: string, err: unknown) => void = (m, err) => console.error(m, err)) {}

  subscribe(listener: ContentEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs every listener; waits for async ones so a caller can rely on "visible once emit returns". A failing listener
   * is reported, not thrown: the newsroom request that emitted has committed, and answering it with an error made
   * the client retry a publish that had happened (409). Listeners that must not fail silently handle it themselves
   * (the page cache drops everything when it cannot tell what an event changed).
   */
  async emit(event: ContentEvent): Promise<void> {
    const results = await Promise.allSettled([...this.listeners].map(async (l) => l(event)));
    for (const r of results) if (r.status === 'rejected') this.onError(`Lỗi khi xử lý sự kiện ${event.type}:`, r.reason);
  }
}
