import { useEffect, useMemo, useState } from 'react';
import { api, type ArticleListItem, type Category } from '../api.ts';
import { statusLabel, t } from '../i18n/index.ts';
import { Link, useLocation, useRouter } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { SessionInfo } from '../api.ts';

const STATUSES = ['draft', 'submitted', 'editing', 'awaiting_approval', 'approved', 'scheduled', 'published', 'unpublished'];

/** What waits on a person, by their roles: what they would act on next. */
export function waitingStatuses(roles: string[]): { statuses: string[]; ownOnly: boolean } {
  if (roles.some((r) => r === 'editor_in_chief' || r === 'deputy_editor_in_chief')) return { statuses: ['awaiting_approval', 'approved'], ownOnly: false };
  if (roles.includes('managing_editor')) return { statuses: ['submitted', 'editing', 'approved'], ownOnly: false };
  if (roles.some((r) => r === 'editor' || r === 'desk_head')) return { statuses: ['submitted', 'editing'], ownOnly: false };
  return { statuses: ['draft'], ownOnly: true };
}

type Tab = 'mine' | 'waiting' | 'all';
interface ListResult {
  items: ArticleListItem[];
  total: number;
}

async function fetchList(session: SessionInfo, tab: Tab, f: { status: string; desk: string; text: string; page: number }): Promise<ListResult> {
  const base = new URLSearchParams();
  if (f.desk) base.set('desk', f.desk);
  if (f.text) base.set('text', f.text);
  base.set('perPage', '30');
  base.set('page', String(f.page));
  if (tab === 'mine') base.set('author', String(session.user.id));
  if (tab === 'waiting') {
    const w = waitingStatuses(session.user.roles);
    if (w.ownOnly) base.set('author', String(session.user.id));
    const statuses = f.status ? w.statuses.filter((s) => s === f.status) : w.statuses;
    const parts = await Promise.all(statuses.map((s) => api.get<ListResult>(`/articles?${new URLSearchParams([...base, ['status', s]])}`)));
    const items = parts.flatMap((p) => p.items).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { items, total: parts.reduce((n, p) => n + p.total, 0) };
  }
  if (f.status) base.set('status', f.status);
  return api.get<ListResult>(`/articles?${base}`);
}

export function QueueScreen() {
  const { session } = useSession();
  const { query } = useLocation();
  const { navigate } = useRouter();
  const tab = (query.get('tab') as Tab) || 'waiting';
  const filters = { status: query.get('status') ?? '', desk: query.get('desk') ?? '', text: query.get('q') ?? '', page: Number(query.get('page') ?? '1') || 1 };
  const [result, setResult] = useState<ListResult | null>(null);
  const [counts, setCounts] = useState<Record<Tab, number | null>>({ mine: null, waiting: null, all: null });
  const [categories, setCategories] = useState<Category[]>([]);
  const [error, setError] = useState('');
  const [text, setText] = useState(filters.text);

  const key = `${tab}|${filters.status}|${filters.desk}|${filters.text}|${filters.page}`;
  useEffect(() => {
    let live = true;
    setError('');
    fetchList(session, tab, filters)
      .then((r) => live && setResult(r))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [key]);

  useEffect(() => {
    api.get<{ items: Category[] }>('/categories').then((r) => setCategories(r.items), () => undefined);
    const none = { status: '', desk: '', text: '', page: 1 };
    for (const tb of ['mine', 'waiting', 'all'] as Tab[]) fetchList(session, tb, none).then((r) => setCounts((c) => ({ ...c, [tb]: r.total })), () => undefined);
  }, [session]);

  const setParam = (changes: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    if (!('page' in changes)) q.delete('page');
    navigate(`/?${q}`, true);
  };
  const catName = useMemo(() => new Map(categories.map((c) => [c.id, c.name])), [categories]);
  const tabs: Array<[Tab, string]> = [
    ['waiting', t('queue.waiting')],
    ['mine', t('queue.mine')],
    ['all', t('queue.all')],
  ];

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queue.title')}</h1>
      <div className="tabs">
        {tabs.map(([id, label]) => (
          <Link key={id} to={`/?tab=${id}`} className={tab === id ? 'tab active' : 'tab'} aria-current={tab === id ? 'page' : undefined}>
            {label} {counts[id] !== null && <span className="count">{counts[id]}</span>}
          </Link>
        ))}
      </div>
      <form
        className="filters"
        role="search"
        aria-label={t('queue.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setParam({ q: text });
        }}
      >
        <label>
          {t('queue.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          {t('queue.status')}
          <select value={filters.status} onChange={(e) => setParam({ status: e.target.value })}>
            <option value="">{t('queue.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.desk')}
          <select value={filters.desk} onChange={(e) => setParam({ desk: e.target.value })}>
            <option value="">{t('queue.allDesks')}</option>
            {categories.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {result && (
        <>
          <p className="muted" aria-live="polite">
            {t('queue.count', { count: result.total })}
          </p>
          {result.items.length === 0 ? (
            <p>{t('queue.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="queue">
                <thead>
                  <tr>
                    <th scope="col">{t('queue.colTitle')}</th>
                    <th scope="col">{t('queue.colStatus')}</th>
                    <th scope="col">{t('queue.desk')}</th>
                    <th scope="col">{t('queue.colAuthor')}</th>
                    <th scope="col">{t('queue.colUpdated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link to={`/articles/${a.id}`}>{a.title || t('queue.untitled')}</Link>
                      </td>
                      <td>
                        <span className={`badge status-${a.status}`}>{statusLabel(a.status)}</span>
                      </td>
                      <td>{catName.get(a.categoryId) ?? ''}</td>
                      <td>{a.authorName ?? ''}</td>
                      <td>
                        <time dateTime={a.updatedAt}>{new Date(a.updatedAt).toLocaleString('vi-VN')}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {tab !== 'waiting' && result.total > 30 && (
            <nav className="pager" aria-label="Phân trang">
              <button type="button" disabled={filters.page <= 1} onClick={() => setParam({ page: String(filters.page - 1) })}>
                {t('queue.prev')}
              </button>
              <button type="button" disabled={filters.page * 30 >= result.total} onClick={() => setParam({ page: String(filters.page + 1) })}>
                {t('queue.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
