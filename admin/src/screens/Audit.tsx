import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, NetworkError, WORKFLOW_ACTIONS, type Category } from '../api.ts';
import { labelOf, statusLabel, t } from '../i18n/index.ts';
import { Link, useLocation, useRouter, withParams } from '../router.tsx';

interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  userEmail: string;
  action: string;
  articleId: number | null;
  target: string;
  /** The target's current name from the server (story title, person, tag, category); null when none or not to be shown. */
  targetLabel: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  ip: string;
  userAgent: string;
  details: Record<string, unknown>;
}
interface AuditPage {
  items: AuditEntry[];
  total: number;
}
interface UserName {
  id: number;
  name: string;
}

const PER_PAGE = 50;
// The codes written by the server (appendAudit callers); an unknown code is shown as it is.
const OTHER_ACTIONS = ['create', 'update', 'update_correction', 'restore_revision', 'delete', 'restore', 'lock_takeover', 'login', 'login_failed', 'logout', 'password_change', 'password_change_failed', 'password_reset', 'user_create', 'user_update', 'category_create', 'category_update', 'tag_create', 'tag_update', 'settings_update', 'home_curate', 'media_upload', 'media_update', 'token_create', 'token_revoke', 'session_revoke'];

/** An action code in words: the audit catalogue first, then the workflow buttons' labels. */
function actionLabel(code: string): string {
  const own = labelOf('audit.action', code);
  return own !== code ? own : labelOf('action', code);
}

const TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** One page of the log, newest first (the API's `order=desc`). */
function newestFirst(filters: URLSearchParams, page: number): Promise<AuditPage> {
  return api.get<AuditPage>(`/audit?${new URLSearchParams([...filters, ['order', 'desc'], ['page', String(page)], ['perPage', String(PER_PAGE)]])}`);
}

export default function AuditScreen() {
  const { query } = useLocation();
  const { navigate } = useRouter();
  const filters = { action: query.get('action') ?? '', userId: query.get('userId') ?? '', articleId: query.get('articleId') ?? '' };
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  // With the page it shows: the label must not announce page 2 over page 3's rows while page 2 loads.
  const [result, setResult] = useState<(AuditPage & { page: number }) | null>(null);
  const [error, setError] = useState('');
  const [users, setUsers] = useState<UserName[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [articleId, setArticleId] = useState(filters.articleId);
  const [reload, setReload] = useState(0);

  const key = `${filters.action}|${filters.userId}|${filters.articleId}|${page}|${reload}`;
  useEffect(() => {
    let live = true;
    setError('');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
    newestFirst(params, page).then(
      (r) => live && setResult({ ...r, page }),
      (e: Error) => live && setError(e instanceof NetworkError ? t('error.network') : e.message),
    );
    return () => {
      live = false;
    };
  }, [key]);
  useEffect(() => setArticleId(filters.articleId), [filters.articleId]);

  useEffect(() => {
    api.get<{ items: UserName[] }>('/users').then((r) => setUsers(r.items), () => undefined);
    api.get<{ items: Category[] }>('/categories').then((r) => setCategories(r.items), () => undefined);
  }, []);
  const userName = useMemo(() => new Map(users.map((u) => [u.id, u.name])), [users]);
  const catName = useMemo(() => new Map(categories.map((c) => [c.id, c.name])), [categories]);
  const actions = useMemo(() => [...WORKFLOW_ACTIONS, ...OTHER_ACTIONS].map((a) => [a, actionLabel(a)] as const).sort((a, b) => a[1].localeCompare(b[1], 'vi')), []);

  const setParam = (changes: Record<string, string>) => navigate(withParams('/audit', query, changes), true);

  const actor = (e: AuditEntry): ReactNode => {
    if (e.userId === null && e.userEmail === 'system') return t('audit.system');
    if (e.userId === null && e.userEmail === 'cli') return t('audit.cli');
    const name = e.userId !== null ? userName.get(e.userId) : undefined;
    return name ? (
      <>
        {name}
        <br />
        <span className="muted small">{e.userEmail}</span>
      </>
    ) : (
      e.userEmail
    );
  };

  const target = (e: AuditEntry): ReactNode => {
    if (e.articleId !== null) {
      // The story's current title when the server gives it (never for a story the reader may not open), with its number.
      return (
        <Link to={`/articles/${e.articleId}`}>
          {e.targetLabel ? (
            <>
              {e.targetLabel}{' '}
              <br />
              <span className="muted small">{t('audit.story', { id: e.articleId })}</span>
            </>
          ) : (
            t('audit.story', { id: e.articleId })
          )}
        </Link>
      );
    }
    const [kind, rawId = ''] = e.target.split(':');
    const id = Number(rawId);
    const named = typeof e.details.name === 'string' ? e.details.name : '';
    switch (kind) {
      case 'user':
        return t('audit.userTarget', { name: e.targetLabel ?? userName.get(id) ?? `#${rawId}` });
      case 'tag':
        return t('audit.tagTarget', { name: e.targetLabel ?? (named || `#${rawId}`) });
      case 'category':
        return t('audit.categoryTarget', { name: e.targetLabel ?? catName.get(id) ?? (named || `#${rawId}`) });
      case 'media':
        return t('audit.mediaTarget', { id: rawId });
      case 'token':
        return t('audit.tokenTarget', { id: rawId });
      case 'home':
        return t('audit.homeTarget');
      case 'settings':
        return t('audit.settingsTarget');
      default:
        return e.target;
    }
  };

  const pages = result ? Math.max(1, Math.ceil(result.total / PER_PAGE)) : 1;
  const filtered = !!(filters.action || filters.userId || filters.articleId);
  return (
    <section aria-labelledby="audit-title" className="audit">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p className="muted">{t('audit.intro')}</p>
      <form
        className="filters"
        role="search"
        aria-label={t('audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setParam({ articleId: /^\d+$/.test(articleId.trim()) ? articleId.trim() : '' });
        }}
      >
        <div>
          <label htmlFor="audit-action">{t('audit.action')}</label>
          <select id="audit-action" value={filters.action} onChange={(e) => setParam({ action: e.target.value })}>
            <option value="">{t('audit.anyAction')}</option>
            {actions.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-user">{t('audit.user')}</label>
          <select id="audit-user" value={filters.userId} onChange={(e) => setParam({ userId: e.target.value })}>
            <option value="">{t('audit.anyUser')}</option>
            {users.map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-article">{t('audit.article')}</label>
          <input id="audit-article" type="text" inputMode="numeric" pattern="[0-9]*" size={8} value={articleId} onChange={(e) => setArticleId(e.target.value)} />
        </div>
        <button type="submit">{t('audit.apply')}</button>
        {filtered && (
          <button type="button" onClick={() => navigate('/audit', true)}>
            {t('audit.clear')}
          </button>
        )}
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          {t('audit.reload')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <>
          <p className="muted" aria-live="polite">
            {t('audit.count', { total: result.total, page: Math.min(result.page, pages), pages })}
          </p>
          {result.items.length === 0 ? (
            <p>{t('audit.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="audit-log">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.colTime')}</th>
                    <th scope="col">{t('audit.colActor')}</th>
                    <th scope="col">{t('audit.colAction')}</th>
                    <th scope="col">{t('audit.colTarget')}</th>
                    <th scope="col">{t('audit.colDetails')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((e) => (
                    <tr key={e.id} data-action={e.action}>
                      <td className="nowrap">
                        <time dateTime={e.at}>{TIME.format(new Date(e.at))}</time>
                      </td>
                      <td>{actor(e)}</td>
                      <td>{actionLabel(e.action)}</td>
                      <td>{target(e)}</td>
                      <td>
                        {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && <div>{t('audit.statusChange', { from: statusLabel(e.fromStatus), to: statusLabel(e.toStatus) })}</div>}
                        {!e.fromStatus && e.toStatus && <div>{statusLabel(e.toStatus)}</div>}
                        {e.note && <div>“{e.note}”</div>}
                        {e.ip && <div className="muted small">{t('audit.ip', { ip: e.ip })}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 && (
            <nav className="pager" aria-label={t('audit.paging')}>
              <button type="button" disabled={page <= 1} onClick={() => setParam({ page: page - 1 > 1 ? String(page - 1) : '' })}>
                {t('audit.newer')}
              </button>{' '}
              <button type="button" disabled={page >= pages} onClick={() => setParam({ page: String(page + 1) })}>
                {t('audit.older')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
