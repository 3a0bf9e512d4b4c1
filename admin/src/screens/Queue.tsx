import { useEffect, useMemo, useState } from 'react';
import { api, type ArticleListItem, type Category } from '../api.ts';
import { labelOf, statusLabel, t } from '../i18n/index.ts';
import { Link, useLocation, useRouter, withParams } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { SessionInfo } from '../api.ts';
import { Pager } from '../lib/Pager.tsx';
import { formatDateTime } from '../lib/time.tsx';

const STATUSES = ['draft', 'submitted', 'editing', 'awaiting_approval', 'approved', 'scheduled', 'published', 'unpublished'];
/**
 * A value of the status filter beside the statuses: stories whose correction waits for approval. They keep their
 * status (published or taken down) meanwhile, so no status finds them.
 */
const CORRECTION_FILTER = 'correction';

/** What waits on a person, by their roles: what they would act on next. */
export function waitingStatuses(roles: string[]): { statuses: string[]; ownOnly: boolean } {
  if (roles.some((r) => r === 'editor_in_chief' || r === 'deputy_editor_in_chief')) return { statuses: ['awaiting_approval', 'approved'], ownOnly: false };
  if (roles.includes('managing_editor')) return { statuses: ['submitted', 'editing', 'approved'], ownOnly: false };
  if (roles.some((r) => r === 'editor' || r === 'desk_head')) return { statuses: ['submitted', 'editing'], ownOnly: false };
  return { statuses: ['draft'], ownOnly: true };
}

/** Those who may approve corrections find the ones waiting in their waiting tab. */
const approvesCorrections = (session: SessionInfo) => !!session.permissions.approve;

type Tab = 'mine' | 'waiting' | 'all';
/** The query of one list the API answers in one go. */
type Part = Array<[string, string]>;
const CORRECTIONS_WAITING: Part = [['correction', 'awaiting_approval']];
interface ListResult {
  items: ArticleListItem[];
  total: number;
}

const PER_PAGE = 30;
/** The API's largest page. */
const MAX_PER_PAGE = 100;

/** The API's order: last updated first, then the higher id. */
const newestFirst = (a: ArticleListItem, b: ArticleListItem) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id;

/** The first `need` stories of one list (fewer when it has fewer), in as few requests as the API's page size allows. */
async function firstOf(base: URLSearchParams, need: number): Promise<ListResult> {
  const perPage = Math.min(MAX_PER_PAGE, need);
  const page = (n: number) => api.get<ListResult>(`/articles?${new URLSearchParams([...base, ['perPage', String(perPage)], ['page', String(n)]])}`);
  const first = await page(1);
  const pages = Math.min(Math.ceil(need / perPage), Math.ceil(first.total / perPage));
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page(i + 2)));
  return { items: [first, ...rest].flatMap((r) => r.items).slice(0, need), total: first.total };
}

/**
 * A part of the waiting tab within the status filter: the same part, narrowed to the status, or null when it cannot
 * hold that status. Corrections wait on published and taken-down stories only.
 */
function narrow(part: Part, status: string): Part | null {
  const isCorrections = part.some(([k]) => k === 'correction');
  if (status === CORRECTION_FILTER) return isCorrections ? part : null;
  if (isCorrections) return status === 'published' || status === 'unpublished' ? [...part, ['status', status]] : null;
  return part.some(([k, v]) => k === 'status' && v === status) ? part : null;
}

/**
 * One page of a tab. The waiting tab can span several lists (statuses, and corrections waiting for approval), which
 * the API answers one at a time: page N of their merge lies within the first N pages of each, merged in the API's
 * order. A story is in one of them only: a waiting correction's story is published or taken down.
 */
async function fetchList(session: SessionInfo, tab: Tab, f: { status: string; desk: string; text: string; page: number }): Promise<ListResult> {
  const base = new URLSearchParams();
  if (f.desk) base.set('desk', f.desk);
  if (f.text) base.set('text', f.text);
  if (tab === 'mine') base.set('author', String(session.user.id));
  let parts: Part[] = [f.status === CORRECTION_FILTER ? CORRECTIONS_WAITING : f.status ? [['status', f.status]] : []];
  if (tab === 'waiting') {
    const w = waitingStatuses(session.user.roles);
    if (w.ownOnly) base.set('author', String(session.user.id));
    const all: Part[] = [...w.statuses.map((s): Part => [['status', s]]), ...(approvesCorrections(session) ? [CORRECTIONS_WAITING] : [])];
    parts = f.status ? all.map((p) => narrow(p, f.status)).filter((p): p is Part => p !== null) : all;
    if (!parts.length) return { items: [], total: 0 };
  }
  if (parts.length === 1) return api.get<ListResult>(`/articles?${new URLSearchParams([...base, ...parts[0]!, ['perPage', String(PER_PAGE)], ['page', String(f.page)]])}`);
  const lists = await Promise.all(parts.map((p) => firstOf(new URLSearchParams([...base, ...p]), f.page * PER_PAGE)));
  const items = lists.flatMap((p) => p.items).sort(newestFirst);
  return { items: items.slice((f.page - 1) * PER_PAGE, f.page * PER_PAGE), total: lists.reduce((n, p) => n + p.total, 0) };
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

  const setParam = (changes: Record<string, string>) => navigate(withParams('/', query, changes), true);
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
            <option value={CORRECTION_FILTER}>{t('queue.correctionFilter')}</option>
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
          <p className="muted" aria-live="polite" data-testid="queue-count">
            {result.total > PER_PAGE && result.items.length > 0
              ? t('queue.range', { from: (filters.page - 1) * PER_PAGE + 1, to: (filters.page - 1) * PER_PAGE + result.items.length, count: result.total })
              : t('queue.count', { count: result.total })}
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
                        {a.correction && (
                          <>
                            {' '}
                            <span className={`badge correction-${a.correction}`} data-testid="correction-badge">
                              {labelOf('queue.correction', a.correction)}
                            </span>
                          </>
                        )}
                      </td>
                      <td>{catName.get(a.categoryId) ?? ''}</td>
                      <td>{a.authorName ?? ''}</td>
                      <td>
                        <time dateTime={a.updatedAt}>{formatDateTime(a.updatedAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(result.total > PER_PAGE || filters.page > 1) && <Pager page={filters.page} pages={Math.max(1, Math.ceil(result.total / PER_PAGE))} onPage={(n) => setParam({ page: n > 1 ? String(n) : '' })} />}
        </>
      )}
    </section>
  );
}
