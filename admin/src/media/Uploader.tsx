import { useRef, useState, type DragEvent } from 'react';
import { ApiError, uploadFile, type MediaItem } from '../api.ts';
import { t } from '../i18n/index.ts';
import { rememberMediaItem } from '../editor/media-cache.ts';

interface Progress {
  key: string;
  name: string;
  fraction: number;
  error?: string;
  done?: boolean;
}

const IMAGE_TYPES = 'image/jpeg,image/png,image/webp,image/gif,image/avif';
// Browsers name M4A and Opus files differently: the extensions too, so the file dialog offers them everywhere.
const AUDIO_TYPES = 'audio/mpeg,audio/mp4,audio/x-m4a,audio/aac,audio/ogg,audio/opus,.mp3,.m4a,.ogg,.oga,.opus';
const WORDS = {
  image: { drop: 'media.drop', choose: 'media.choose', formats: 'media.formats', accept: IMAGE_TYPES },
  audio: { drop: 'media.dropAudio', choose: 'media.chooseAudio', formats: 'media.formatsAudio', accept: AUDIO_TYPES },
  all: { drop: 'media.dropAll', choose: 'media.chooseAll', formats: 'media.formatsAll', accept: `${IMAGE_TYPES},${AUDIO_TYPES}` },
} as const;

/**
 * Drag-and-drop and multi-file upload with a progress bar per file. `kind` says what the file dialog offers (the
 * server decides by content anyway); without it, images and audio.
 */
export function Uploader({ onUploaded, kind }: { onUploaded: (item: MediaItem) => void; kind?: 'image' | 'audio' }) {
  const words = WORDS[kind ?? 'all'];
  const [items, setItems] = useState<Progress[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const patch = (key: string, p: Partial<Progress>) => setItems((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));

  const upload = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setItems((list) => [...list, { key, name: file.name, fraction: 0 }]);
      uploadFile(file, (fraction) => patch(key, { fraction }))
        .then((item) => {
          rememberMediaItem(item);
          patch(key, { fraction: 1, done: true });
          onUploaded(item);
        })
        .catch((err: Error) => patch(key, { error: err instanceof ApiError ? err.message : t('error.network') }));
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) upload(e.dataTransfer.files);
  };

  return (
    <div className={over ? 'dropzone over' : 'dropzone'} onDragOver={(e) => (e.preventDefault(), setOver(true))} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <p>
        {t(words.drop)}{' '}
        <button type="button" onClick={() => input.current?.click()}>
          {t(words.choose)}
        </button>
      </p>
      <p className="muted">{t(words.formats)}</p>
      <input
        ref={input}
        type="file"
        accept={words.accept}
        multiple
        hidden
        aria-label={t(words.choose)}
        data-testid="media-file-input"
        onChange={(e) => {
          if (e.target.files?.length) upload(e.target.files);
          e.target.value = '';
        }}
      />
      {items.length > 0 && (
        <ul className="uploads" aria-live="polite">
          {items.map((p) => (
            <li key={p.key}>
              <span>{p.error ? t('media.failed', { name: p.name, message: p.error.startsWith(`${p.name}: `) ? p.error.slice(p.name.length + 2) : p.error }) : p.done ? t('media.uploaded', { name: p.name }) : t('media.uploading', { name: p.name })}</span>
              <progress max={1} value={p.fraction} aria-label={p.name} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
