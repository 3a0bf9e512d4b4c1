import { useCallback, useEffect, useState } from 'react';
import { api, type MediaItem } from '../api.ts';
import { t } from '../i18n/index.ts';
import { rememberMediaItem } from '../editor/media-cache.ts';
import { formatDuration } from './MediaName.tsx';
import { Uploader } from './Uploader.tsx';

type Kind = 'image' | 'audio';
const kindOf = (m: MediaItem): Kind => m.kind ?? (m.mime.startsWith('audio/') ? 'audio' : 'image');

/**
 * Search, list and upload; `onChoose` picks items (editor), `onSelect` opens one for editing (library page). Each item says how many stories use it; "Chưa dùng" keeps the files no story uses.
 * `kind` keeps the library to images (the image pickers: never a sound file) or to audio (the audio picker); without it the reader chooses.
 */
/** "Found N …", naming what is listed: images, sound files, or files of both kinds. */
const FOUND = {
  all: ['media.found', 'media.foundUnused'],
  image: ['media.foundImages', 'media.foundImagesUnused'],
  audio: ['media.foundAudio', 'media.foundAudioUnused'],
} as const;

export function Library({ onChoose, multiple = false, onSelect, kind }: { onChoose?: (items: MediaItem[]) => void; multiple?: boolean; onSelect?: (item: MediaItem) => void; kind?: Kind }) {
  const [q, setQ] = useState('');
  const [unused, setUnused] = useState(false);
  const [shown, setShown] = useState<Kind | ''>('');
  const [items, setItems] = useState<MediaItem[]>([]);
  const [chosen, setChosen] = useState<MediaItem[]>([]);
  /** What the last search found (null: no search yet), and why the library could not be loaded. */
  const [found, setFound] = useState<number | null>(null);
  const [error, setError] = useState('');
  const filter = kind ?? shown;
  const load = useCallback(
    (query: string, onlyUnused: boolean, only: Kind | '') => {
      // The server folds accents and case ("lao cai" finds "Lào Cai"); it only needs the words.
      const words = query.trim();
      api.get<{ items: MediaItem[]; total: number }>(`/media?perPage=60${words ? `&q=${encodeURIComponent(words)}` : ''}${onlyUnused ? '&unused=true' : ''}${only ? `&kind=${only}` : ''}`).then(
        (r) => {
          for (const m of r.items) {
            rememberMediaItem(m);
          }
          setItems(r.items);
          setFound(words || onlyUnused ? r.total : null);
          setError('');
        },
        (err: Error) => setError(t('media.loadFailed', { message: err.message })),
      );
    },
    [],
  );
  useEffect(() => load('', false, kind ?? ''), [load, kind]);

  const toggle = (m: MediaItem) => {
    if (!onChoose) return onSelect?.(m);
    if (!multiple) return onChoose([m]);
    setChosen((c) => (c.some((x) => x.id === m.id) ? c.filter((x) => x.id !== m.id) : [...c, m]));
  };
  return (
    <div className="library">
      <Uploader
        kind={kind}
        onUploaded={(m) => {
          rememberMediaItem(m);
          // The server takes images and sound alike: a file of the other kind stays in the library, unchosen.
          if (kind && kindOf(m) !== kind) return setError(t(kind === 'image' ? 'media.notImage' : 'media.notAudio', { name: m.fileName }));
          if (!filter || kindOf(m) === filter) setItems((list) => [m, ...list.filter((x) => x.id !== m.id)]);
          if (onChoose && !multiple) onChoose([m]);
          else if (onChoose) setChosen((c) => [...c, m]);
          else onSelect?.(m);
        }}
      />
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          load(q, unused, filter);
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
                load(q, e.target.checked, filter);
              }}
            />{' '}
            {t('media.unusedFilter')}
          </label>
          {!kind && (
            <label>
              {t('media.kindFilter')}{' '}
              <select
                value={shown}
                data-testid="media-kind"
                onChange={(e) => {
                  const next = e.target.value as Kind | '';
                  setShown(next);
                  load(q, unused, next);
                }}
              >
                <option value="">{t('media.kind.all')}</option>
                <option value="image">{t('media.kind.image')}</option>
                <option value="audio">{t('media.kind.audio')}</option>
              </select>
            </label>
          )}
        </div>
      </form>
      <p className="muted" aria-live="polite" data-testid="media-found">
        {found !== null ? t(FOUND[filter || 'all'][unused ? 1 : 0], { count: found }) : ''}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p>{t(filter === 'audio' ? 'media.emptyAudio' : 'media.empty')}</p>
      ) : (
        <ul className="media-grid">
          {items.map((m) => {
            const selected = chosen.some((x) => x.id === m.id);
            // A new upload comes without a count: nothing uses it yet.
            const uses = m.useCount ?? 0;
            const audio = kindOf(m) === 'audio';
            return (
              <li key={m.id}>
                <button type="button" className={selected ? 'media-tile selected' : 'media-tile'} aria-pressed={multiple ? selected : undefined} aria-describedby={`media-uses-${m.id}`} onClick={() => toggle(m)} data-kind={audio ? 'audio' : 'image'}>
                  {audio ? <AudioIcon /> : m.url ? <img src={m.url} alt="" loading="lazy" width={160} height={Math.round((160 * m.height) / Math.max(1, m.width))} /> : null}
                  <span>{m.caption || m.fileName}</span>
                  {audio && (
                    <span className="muted small">
                      {t('media.audio')}
                      {m.duration ? ` · ${formatDuration(m.duration)}` : ''}
                    </span>
                  )}
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

/** A loudspeaker drawn in SVG (the library has no thumbnail for sound): decoration, the text beside it says what it is. */
export function AudioIcon({ size = 48 }: { size?: number }) {
  return (
    <svg className="audio-icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M4 9v6h4l5 4V5L8 9H4z" fill="currentColor" />
      <path d="M16 8.5a4.5 4.5 0 0 1 0 7M18.5 6a8 8 0 0 1 0 12" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}
