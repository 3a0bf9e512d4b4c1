import { useCallback, useEffect, useState } from 'react';
import { api, type MediaItem } from '../api.ts';
import { t } from '../i18n/index.ts';
import { rememberMedia } from '../editor/media-cache.ts';
import { rememberMediaItem } from './MediaName.tsx';
import { Uploader } from './Uploader.tsx';

/** Search, list and upload; `onChoose` picks items (editor), `onSelect` opens one for editing (library page). Each item says how many stories use it; "Chưa dùng" keeps the images no story uses. */
export function Library({ onChoose, multiple = false, onSelect }: { onChoose?: (items: MediaItem[]) => void; multiple?: boolean; onSelect?: (item: MediaItem) => void }) {
  const [q, setQ] = useState('');
  const [unused, setUnused] = useState(false);
  const [items, setItems] = useState<MediaItem[]>([]);
  const [chosen, setChosen] = useState<MediaItem[]>([]);
  /** What the last search found (null: no search yet), and why the library could not be loaded. */
  const [found, setFound] = useState<number | null>(null);
  const [error, setError] = useState('');
  const load = useCallback((query: string, onlyUnused: boolean) => {
    // The server folds accents and case ("lao cai" finds "Lào Cai"); it only needs the words.
    const words = query.trim();
    api.get<{ items: MediaItem[]; total: number }>(`/media?perPage=60${words ? `&q=${encodeURIComponent(words)}` : ''}${onlyUnused ? '&unused=true' : ''}`).then(
      (r) => {
        for (const m of r.items) {
          rememberMedia(m.id, m.url);
          rememberMediaItem(m);
        }
        setItems(r.items);
        setFound(words || onlyUnused ? r.total : null);
        setError('');
      },
      (err: Error) => setError(t('media.loadFailed', { message: err.message })),
    );
  }, []);
  useEffect(() => load('', false), [load]);

  const toggle = (m: MediaItem) => {
    if (!onChoose) return onSelect?.(m);
    if (!multiple) return onChoose([m]);
    setChosen((c) => (c.some((x) => x.id === m.id) ? c.filter((x) => x.id !== m.id) : [...c, m]));
  };
  return (
    <div className="library">
      <Uploader
        onUploaded={(m) => {
          rememberMediaItem(m);
          setItems((list) => [m, ...list.filter((x) => x.id !== m.id)]);
          if (onChoose && !multiple) onChoose([m]);
          else if (onChoose) setChosen((c) => [...c, m]);
          else onSelect?.(m);
        }}
      />
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          load(q, unused);
        }}
      >
        <label>
          {t('media.search')} <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <div className="inline-form">
          <label>
            <input
              type="checkbox"
              checked={unused}
              onChange={(e) => {
                setUnused(e.target.checked);
                load(q, e.target.checked);
              }}
            />{' '}
            {t('media.unusedFilter')}
          </label>
        </div>
      </form>
      <p className="muted" aria-live="polite" data-testid="media-found">
        {found !== null ? t(unused ? 'media.foundUnused' : 'media.found', { count: found }) : ''}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p>{t('media.empty')}</p>
      ) : (
        <ul className="media-grid">
          {items.map((m) => {
            const selected = chosen.some((x) => x.id === m.id);
            // A new upload comes without a count: nothing uses it yet.
            const uses = m.useCount ?? 0;
            return (
              <li key={m.id}>
                <button type="button" className={selected ? 'media-tile selected' : 'media-tile'} aria-pressed={multiple ? selected : undefined} aria-describedby={`media-uses-${m.id}`} onClick={() => toggle(m)}>
                  {m.url ? <img src={m.url} alt="" loading="lazy" width={160} height={Math.round((160 * m.height) / Math.max(1, m.width))} /> : null}
                  <span>{m.caption || m.fileName}</span>
                </button>
                <span id={`media-uses-${m.id}`} className="muted small media-uses" data-testid="media-uses">
                  {uses > 0 ? t('media.useCount', { count: uses }) : t('media.notUsed')}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {onChoose && multiple && (
        <button type="button" className="primary" disabled={!chosen.length} onClick={() => onChoose(chosen)}>
          {t('media.insert')} ({chosen.length})
        </button>
      )}
    </div>
  );
}
