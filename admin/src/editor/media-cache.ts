import { api } from '../api.ts';

/** Public URLs of library images by id, for figures (the body stores only the id). */
const urls = new Map<number, string | null>();
const waiting = new Map<number, Array<(url: string) => void>>();

export function rememberMedia(id: number, url: string | null): void {
  urls.set(id, url);
}

/** The URL if known; otherwise asks the server once and calls back. */
export function mediaUrlFor(id: number, onLoad?: (url: string) => void): string | null {
  const known = urls.get(id);
  if (known !== undefined) return known;
  if (onLoad) {
    const list = waiting.get(id);
    if (list) list.push(onLoad);
    else {
      waiting.set(id, [onLoad]);
      api.get<{ url: string | null }>(`/media/${id}`).then(
        (m) => {
          urls.set(id, m.url);
          for (const cb of waiting.get(id) ?? []) if (m.url) cb(m.url);
          waiting.delete(id);
        },
        () => waiting.delete(id),
      );
    }
  }
  return null;
}
