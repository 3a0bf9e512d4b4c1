import type { ContentEvents } from '../domain/events.ts';
import type { AppContext } from '../web/context.ts';
import { indexArticle } from './indexer.ts';

const attached = new WeakMap<ContentEvents, () => void>();

/**
 * Safety net: the workflow reindexes inside its own transaction (indexArticle), and this listener
 * reindexes again whenever an article event is emitted, so the index also catches writers that forgot.
 * Once per event bus (building several servers on one context subscribes once). Returns the unsubscribe function.
 */
export function attachSearchIndex(ctx: AppContext): () => void {
  const existing = attached.get(ctx.events);
  if (existing) return existing;
  const unsubscribe = ctx.events.subscribe(async (event) => {
    if (event.type === 'article.published' || event.type === 'article.updated' || event.type === 'article.unpublished') {
      await indexArticle(ctx.store.db, event.articleId);
    }
  });
  const detach = () => {
    unsubscribe();
    attached.delete(ctx.events);
  };
  attached.set(ctx.events, detach);
  return detach;
}
