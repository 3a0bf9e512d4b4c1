import { api, ApiError, type MediaItem } from '../api.ts';

/**
 * The newsroom app's one cache of library files by id: what the library listed or an upload returned, else the API's
 * answer, fetched once. Used by the editor's figures and audio blocks (the body stores only the id) and by the
 * screens naming a file (MediaName, CoverPreview). null: the file is gone from the library.
 */
const items = new Map<number, MediaItem | null>();
const loading = new Map<number, Promise<MediaItem | null>>();

export function rememberMediaItem(m: MediaItem): void {
  items.set(m.id, m);
}

/** What is known now: the item, null when it is gone, undefined when not asked yet. */
export function knownMediaItem(id: number): MediaItem | null | undefined {
  return items.get(id);
}

/** The item, asking the server at most once at a time; null when there is none (404). Other failures reject and are asked again later. */
export function loadMediaItem(id: number): Promise<MediaItem | null> {
  const known = items.get(id);
  if (known !== undefined) return Promise.resolve(known);
  let p = loading.get(id);
  if (!p) {
    p = api.get<MediaItem>(`/media/${id}`).then(
      (m) => {
        items.set(id, m);
        loading.delete(id);
        return m;
      },
      (err: unknown) => {
        loading.delete(id);
        if (err instanceof ApiError && err.status === 404) {
          items.set(id, null);
          return null;
        }
        throw err;
      },
    );
    loading.set(id, p);
  }
  return p;
}

/** The URL if known; otherwise asks the server once and calls back (`onMissing`: the file is not in the library). */
export function mediaUrlFor(id: number, onLoad?: (url: string) => void, onMissing?: () => void): string | null {
  const known = items.get(id);
  if (known !== undefined) {
    if (known === null || !known.url) onMissing?.();
    return known?.url ?? null;
  }
  if (onLoad) {
    loadMediaItem(id).then(
      (m) => (m?.url ? onLoad(m.url) : onMissing?.()),
      // Any failure but "gone" may pass: the next view asks again.
      () => undefined,
    );
  }
  return null;
}
