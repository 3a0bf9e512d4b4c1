import { useEffect, useState } from 'react';
import { api, ApiError, type ArticleListItem, type ArticleView } from '../api.ts';
import { statusLabel, t } from '../i18n/index.ts';
import { InlineOutcome, type Outcome } from '../lib/Messages.tsx';

interface Curation {
  leadId: number | null;
  featuredIds: number[];
}

/** The managing editor picks the lead story and orders the featured slots of the reader home page. */
export default function CurationScreen() {
  const [published, setPublished] = useState<ArticleListItem[]>([]);
  const [curation, setCuration] = useState<Curation>({ leadId: null, featuredIds: [] });
  const [message, setMessage] = useState<Outcome | null>(null);
  /** Chosen stories not in the list of published ones (older than its first 100, or taken down since): looked up one by one. */
  const [others, setOthers] = useState<Map<number, { title: string; status: string } | 'loading' | 'unknown'>>(new Map());
  const [listed, setListed] = useState(false);
  useEffect(() => {
    api.get<{ items: ArticleListItem[] }>('/articles?status=published&perPage=100').then((r) => setPublished(r.items), () => undefined).finally(() => setListed(true));
    api.get<Curation>('/home').then(setCuration, (e: Error) => setMessage({ text: e.message, error: true }));
  }, []);
  const chosen = [...(curation.leadId ? [curation.leadId] : []), ...curation.featuredIds];
  const missing = listed ? chosen.filter((id) => !published.some((a) => a.id === id) && !others.has(id)) : [];
  useEffect(() => {
    for (const id of missing) {
      setOthers((m) => new Map(m).set(id, 'loading'));
      api.get<ArticleView>(`/articles/${id}`).then(
        (a) => setOthers((m) => new Map(m).set(id, { title: a.title, status: a.status })),
        () => setOthers((m) => new Map(m).set(id, 'unknown')),
      );
    }
  }, [missing.join(',')]);
  const title = (id: number) => {
    const listedTitle = published.find((a) => a.id === id)?.title;
    if (listedTitle !== undefined) return listedTitle;
    const other = others.get(id);
    if (!listed || other === undefined || other === 'loading') return t('app.loading');
    if (other === 'unknown') return t('home.unknown', { id });
    return other.status === 'published' ? other.title : t('home.notLive', { title: other.title, status: statusLabel(other.status) });
  };
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
            onClick={() => {
              setMessage(null);
              api.put<Curation>('/home', curation).then(
                (c) => (setCuration(c), setMessage({ text: t('home.saved') })),
                (e: Error) => setMessage({ text: e instanceof ApiError ? e.message : String(e), error: true }),
              );
            }}
          >
            {t('home.save')}
          </button>
          <InlineOutcome outcome={message} testId="home-outcome" />
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
