import type { Store } from '../storage/database.ts';
import { ContentEvents } from '../domain/events.ts';

/** What every part of the web layer is handed: storage, events, and where media files live. */
export interface AppContext {
  store: Store;
  events: ContentEvents;
  mediaDir: string;
}

export function createContext(store: Store, mediaDir: string, events = new ContentEvents()): AppContext {
  return { store, events, mediaDir };
}
