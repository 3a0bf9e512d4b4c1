import type { Store } from '../storage/database.ts';
import { ContentEvents } from '../domain/events.ts';
import type { SiteCache } from '../cache/site-cache.ts';
import { subscribePartsCleanup } from './site/article-parts.ts';

/** What every part of the web layer is handed: storage, events, and where media files live. */
export interface AppContext {
  store: Store;
  events: ContentEvents;
  mediaDir: string;
  /** Reader page cache, attached by buildServer unless disabled (src/cache). */
  siteCache?: SiteCache;
}

/** Every context drops the story pages kept in parts that its own changes touch (src/web/site/article-parts.ts). */
export function createContext(store: Store, mediaDir: string, events = new ContentEvents()): AppContext {
  subscribePartsCleanup(store.db, events);
  return { store, events, mediaDir };
}
