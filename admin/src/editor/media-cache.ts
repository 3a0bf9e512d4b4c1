import { api, ApiError } from '../api.ts';

/** Public URLs of library files by id, for figures and audio blocks (the body stores only the id). */
const urls = new Map<number, string | null>();
const waiting = new Map<number, Array<{ onLoad: (url: string) => void; onMissing?: () => void }>>();

export function rememberMedia(id: number, url: string | null): void {
  urls.set(id, url);
}

/** The URL if known; otherwise asks the server once and calls back (`onMissing`: the file is not in the library). */
export function mediaUrlFor(id: number, onLoad?: (url: string) => void, onMissing?: () => void): string | null {
  const known = urls.get(id);
  if (known !== undefined) {
    if (known === null) onMissing?.();
    return known;
  }
  if (onLoad) {
    const list = waiting.get(id);
    const entry = { onLoad, onMissing };
    if (list) list.push(entry);
    else {
      waiting.set(id, [entry]);
      api.get<{ url: string | null }>(`/media/${id}`).then(
        (m) => {
          urls.set(id, m.url);
          for (const cb of waiting.get(id) ?? []) {
            if (m.url) cb.onLoad(m.url);
            else cb.onMissing?.();
          }
          waiting.delete(id);
        },
        (err: unknown) => {
          // Gone from the library: say so. Any other failure may pass; the next view asks again.
          if (err instanceof ApiError && err.status === 404) {
            urls.set(id, null);
            for (const cb of waiting.get(id) ?? []) cb.onMissing?.();
          }
          waiting.delete(id);
        },
      );
    }
  }
  return null;
}
