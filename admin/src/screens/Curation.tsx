import { useEffect, useState } from 'react';
import { api, ApiError, type ArticleListItem } from '../api.ts';
import { t } from '../i18n/index.ts';

interface Curation {
  leadId: number | null;
  featuredIds: number[];
}

/** The managing editor picks the lead story and orders the featured slots of the reader home page. */
export default function CurationScreen() {
  const [published, setPublished] = useState<ArticleListItem[]>([]);
  const [curation, setCuration] = useState<Curation>({ leadId: null, featuredIds: [] });
  const [message, setMessage] = useState('');
  useEffect(() => {
    api.get<{ items: ArticleListItem[] }>('/articles?status=published&perPage=100').then((r) => setPublished(r.items), () => undefined);
    api.get<Curation>('/home').then(setCuration, (e: Error) => setMessage(e.message));
  }, []);
  const title = (id: number) => published.find((a) => a.id === id)?.title ?? `#${id}`;
  const move = (i: number, d: number) => {
    const list = [...curation.featuredIds];
    const j = i + d;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    setCuration({ ...curation, featuredIds: list });
  };
  return (
    <section aria-labelledby="home-title" className="curation">
      <h1 id="home-title">{t('home.title')}</h1>
      <div className="split">
        <div className="card">
          <h2>{t('home.lead')}</h2>
          <p data-testid="lead">{curation.leadId ? title(curation.leadId) : t('home.none')}</p>
          <h2>{t('home.featured')}</h2>
          <ol>
            {curation.featuredIds.map((id, i) => (
              <li key={id}>
                {title(id)}{' '}
                <button type="button" onClick={() => move(i, -1)} aria-label={`${t('home.up')}: ${title(id)}`}>
                  ↑
                </button>
                <button type="button" onClick={() => move(i, 1)} aria-label={`${t('home.down')}: ${title(id)}`}>
                  ↓
                </button>
                <button type="button" onClick={() => setCuration({ ...curation, featuredIds: curation.featuredIds.filter((x) => x !== id) })}>
                  {t('home.remove')}
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="primary"
            onClick={() =>
              api.put<Curation>('/home', curation).then(
                (c) => (setCuration(c), setMessage(t('home.saved'))),
                (e: Error) => setMessage(e instanceof ApiError ? e.message : String(e)),
              )
            }
          >
            {t('home.save')}
          </button>
          {message && <p role="status">{message}</p>}
        </div>
        <div className="card">
          <h2>{t('home.pickFrom')}</h2>
          <ul className="pick-list">
            {published.map((a) => (
              <li key={a.id}>
                <span>{a.title}</span>{' '}
                <button type="button" onClick={() => setCuration({ ...curation, leadId: a.id, featuredIds: curation.featuredIds.filter((x) => x !== a.id) })}>
                  {t('home.lead')}
                </button>
                <button type="button" disabled={curation.featuredIds.includes(a.id) || curation.leadId === a.id} onClick={() => setCuration({ ...curation, featuredIds: [...curation.featuredIds, a.id] })}>
                  {t('home.add')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
