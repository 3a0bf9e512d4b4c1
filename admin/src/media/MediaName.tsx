import { useEffect, useState } from 'react';
import type { MediaItem } from '../api.ts';
import { knownMediaItem, loadMediaItem } from '../editor/media-cache.ts';
import { t } from '../i18n/index.ts';

/** The library item with this id: undefined while it loads (or could not be loaded), null when there is none. */
export function useMediaItem(id: number | null): MediaItem | null | undefined {
  const [item, setItem] = useState<MediaItem | null | undefined>(id === null ? null : knownMediaItem(id));
  useEffect(() => {
    if (id === null) return setItem(null);
    const known = knownMediaItem(id);
    if (known !== undefined) return setItem(known);
    setItem(undefined);
    let live = true;
    loadMediaItem(id).then(
      (m) => live && setItem(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  return item;
}

/** What a person recognises a library file by: its caption, else its file name. */
export const mediaTitle = (m: MediaItem) => m.caption || m.fileName;

/** An image named in words (history of changes): its caption or file name, never its database id. */
export function MediaName({ id }: { id: number }) {
  const m = useMediaItem(id);
  if (m === undefined) return <span className="muted">{t('media.loadingOne')}</span>;
  if (m === null) return <span>{t('media.missing')}</span>;
  return <span title={m.fileName}>{mediaTitle(m)}</span>;
}

/** A story's cover as the writer sees it: thumbnail, caption and file name. */
export function CoverPreview({ id }: { id: number }) {
  const m = useMediaItem(id);
  if (m === undefined) return <p className="muted">{t('media.loadingOne')}</p>;
  if (m === null) return <p className="muted">{t('media.missing')}</p>;
  return (
    <figure className="cover-preview" data-testid="cover-preview">
      {m.url && <img src={m.url} alt="" width={240} height={Math.round((240 * m.height) / Math.max(1, m.width))} />}
      <figcaption>
        {m.caption && <span className="block">{m.caption}</span>}
        <span className="muted small">{m.fileName}</span>
      </figcaption>
    </figure>
  );
}

/** A playing time as people read it: 0:42, 12:05, 1:02:09. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
