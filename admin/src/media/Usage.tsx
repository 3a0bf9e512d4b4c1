import { useEffect, useState } from 'react';
import { api, type MediaDetail, type MediaUse } from '../api.ts';
import { labelOf, statusLabel, t } from '../i18n/index.ts';
import { Link } from '../router.tsx';

/** One story and the ways it uses the image, in the order the API gives (cover first). */
function byStory(uses: MediaUse[]): Array<{ use: MediaUse; roles: string[] }> {
  const out = new Map<number, { use: MediaUse; roles: string[] }>();
  for (const u of uses) {
    const entry = out.get(u.articleId) ?? { use: u, roles: [] };
    entry.roles.push(labelOf('media.role', u.role));
    out.set(u.articleId, entry);
  }
  return [...out.values()];
}

/**
 * "Dùng trong": the stories using an image, each a link to its editor, so whoever re-captions it knows what changes.
 * Stories the reader may not open are only counted (the API never names them). `reload` asks again after a save.
 */
export function MediaUsage({ id, reload = 0 }: { id: number; reload?: number }) {
  const [detail, setDetail] = useState<MediaDetail | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    api.get<MediaDetail>(`/media/${id}`).then(
      (d) => live && setDetail(d),
      (err: Error) => live && setError(t('media.usageFailed', { message: err.message })),
    );
    return () => {
      live = false;
    };
  }, [id, reload]);
  const current = detail?.id === id ? detail : null;
  return (
    <section className="media-usage" aria-labelledby={`m-usage-${id}`} data-testid="media-usage">
      <h2 id={`m-usage-${id}`}>{t('media.usedIn')}</h2>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : !current ? (
        <p className="muted">{t('media.usageLoading')}</p>
      ) : current.usedIn.length === 0 && current.hiddenUses === 0 ? (
        <p>{t('media.usedInNone')}</p>
      ) : (
        <>
          {current.usedIn.length > 0 && (
            <ul>
              {byStory(current.usedIn).map(({ use, roles }) => (
                <li key={use.articleId}>
                  <Link to={`/articles/${use.articleId}`}>{use.title || t('audit.story', { id: use.articleId })}</Link>{' '}
                  <span className="muted small">
                    ({[...roles, statusLabel(use.status), ...(use.deleted ? [t('media.usageDeleted')] : [])].join(' · ')})
                  </span>
                </li>
              ))}
            </ul>
          )}
          {current.hiddenUses > 0 && <p className="muted">{t('media.usedInHidden', { count: current.hiddenUses })}</p>}
        </>
      )}
    </section>
  );
}
