import type { ContentEvents } from '../domain/events.ts';
import type { AppContext } from '../web/context.ts';
import { indexArticle } from './indexer.ts';
import { publishRelated } from './related.ts';
import { fillPhrasePairs } from './phrase-pairs.ts';

const attached = new WeakMap<ContentEvents, () => void>();

/**
 * Safety net: the workflow reindexes inside its own transaction (indexArticle), and this listener
 * reindexes again whenever an article event is emitted, so the index also catches writers that forgot.
 * On publish and update it also computes the story's related list and merges the story into the lists of the
 * stories it relates to, emitting `article.related_changed` for each one changed (the page cache drops their pages).
 * Once per event bus (building several servers on one context subscribes once). Returns the unsubscribe function.
 */
export function attachSearchIndex(ctx: AppContext): () => void {
  const existing = attached.get(ctx.events);
  if (existing) return existing;
  const unsubscribe = ctx.events.subscribe(async (event) => {
    if (event.type === 'article.published' || event.type === 'article.updated' || event.type === 'article.unpublished') {
      await indexArticle(ctx.store.db, event.articleId);
      // SQLite: the story's phrase pairs now (a few batches at most; a backlog is left to serve's background filler).
      await fillPhrasePairs(ctx.store.db, { batchSize: 50, maxBatches: 4, start: false });
    }
    if (event.type === 'article.published' || event.type === 'article.updated') {
      // Its own related list now, and its place in the lists of the stories it relates to; those pages change.
      const changed = await publishRelated(ctx.store.db, event.articleId);
      for (const articleId of changed) await ctx.events.emit({ type: 'article.related_changed', articleId });
    }
  });
  const detach = () => {
    unsubscribe();
    attached.delete(ctx.events);
  };
  attached.set(ctx.events, detach);
  return detach;
}
