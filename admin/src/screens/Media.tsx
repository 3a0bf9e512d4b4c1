import { useState } from 'react';
import { api, type MediaItem } from '../api.ts';
import { t } from '../i18n/index.ts';
import { Library } from '../media/Library.tsx';
import { MediaUsage } from '../media/Usage.tsx';
import { formatDuration } from '../media/MediaName.tsx';

export default function MediaScreen() {
  const [editing, setEditing] = useState<MediaItem | null>(null);
  const [message, setMessage] = useState('');
  const [version, setVersion] = useState(0);
  const audio = !!editing && (editing.kind === 'audio' || editing.mime.startsWith('audio/'));
  return (
    <section aria-labelledby="media-title" className="media-screen">
      <h1 id="media-title">{t('media.title')}</h1>
      <div className="split">
        <Library key={version} onSelect={(m) => (setEditing(m), setMessage(''))} />
        {editing && (
          <form
            className="card media-edit"
            aria-label={editing.fileName}
            onSubmit={(e) => {
              e.preventDefault();
              api.patch<MediaItem>(`/media/${editing.id}`, audio ? { caption: editing.caption, credit: editing.credit } : { caption: editing.caption, credit: editing.credit, alt: editing.alt }).then(
                (m) => {
                  setEditing(m);
                  setMessage(t(audio ? 'media.savedAudio' : 'media.saved'));
                  setVersion((v) => v + 1);
                },
                (err: Error) => setMessage(err.message),
              );
            }}
          >
            {audio ? (
              <>
                {/* key: another file's player starts afresh. */}
                {editing.url && <audio key={editing.id} controls preload="metadata" src={editing.url} aria-label={t('editor.audioPreview', { title: editing.caption || editing.fileName })} />}
                <p className="muted">
                  {editing.fileName} · {t('media.audio')}
                  {editing.duration ? ` · ${t('media.duration', { time: formatDuration(editing.duration) })}` : ''}
                </p>
              </>
            ) : (
              <>
                {editing.url && <img src={editing.url} alt={editing.alt} width={320} height={Math.round((320 * editing.height) / Math.max(1, editing.width))} />}
                <p className="muted">
                  {editing.fileName} · {editing.width}×{editing.height}
                </p>
              </>
            )}
            {/* Before the caption: a new caption shows wherever the image is used. */}
            <MediaUsage id={editing.id} reload={version} />
            <label htmlFor="m-caption">{t(audio ? 'media.audioCaption' : 'editor.caption')}</label>
            <textarea id="m-caption" value={editing.caption} onChange={(e) => setEditing({ ...editing, caption: e.target.value })} />
            <label htmlFor="m-credit">{t(audio ? 'media.audioCredit' : 'editor.credit')}</label>
            <input id="m-credit" value={editing.credit} onChange={(e) => setEditing({ ...editing, credit: e.target.value })} />
            {/* A recording has no picture to describe. */}
            {!audio && (
              <>
                <label htmlFor="m-alt">{t('editor.alt')}</label>
                <input id="m-alt" value={editing.alt} onChange={(e) => setEditing({ ...editing, alt: e.target.value })} />
              </>
            )}
            <button type="submit" className="primary">
              {t(audio ? 'media.saveAudio' : 'media.save')}
            </button>
            {message && <p role="status">{message}</p>}
          </form>
        )}
      </div>
    </section>
  );
}
