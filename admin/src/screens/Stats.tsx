import { useEffect, useMemo, useState } from 'react';
import { api, fetchMostRead, type Category, type MostReadResult } from '../api.ts';
import { labelOf, statusLabel, t } from '../i18n/index.ts';
import { Link, useLocation, useRouter, withParams } from '../router.tsx';
import { Pager } from '../lib/Pager.tsx';
import { formatDate } from '../lib/time.tsx';

/** The periods the API counts: today, 7 and 30 days of the site's calendar (today included). */
const PERIODS = [1, 7, 30] as const;
type Period = (typeof PERIODS)[number];
const PER_PAGE = 30;

const numbers = new Intl.NumberFormat('vi-VN');
/** YYYY-MM-DD (a day of the site's calendar) as dd/mm/yyyy, without going through a time zone. */
const dayText = (day: string) => day.split('-').reverse().join('/');

/** "Lượt đọc": the stories read most over a period, among those the person may see. */
export default function StatsScreen() {
  const { query } = useLocation();
  const { navigate } = useRouter();
  const asked = Number(query.get('days'));
  const days: Period = (PERIODS as readonly number[]).includes(asked) ? (asked as Period) : 7;
  const category = query.get('category') ?? '';
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const [result, setResult] = useState<MostReadResult | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setError('');
    fetchMostRead({ days, page, perPage: PER_PAGE, ...(category ? { categoryId: Number(category) } : {}) })
      .then((r) => live && setResult(r))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [days, category, page]);

  useEffect(() => {
    api.get<{ items: Category[] }>('/categories').then((r) => setCategories(r.items), () => undefined);
  }, []);

  const setParam = (changes: Record<string, string>) => navigate(withParams('/stats', query, changes), true);
  const catName = useMemo(() => new Map(categories.map((c) => [c.id, c.name])), [categories]);
  const first = (page - 1) * PER_PAGE;

  return (
    <section aria-labelledby="stats-title">
      <h1 id="stats-title">{t('stats.title')}</h1>
      <form className="filters" aria-label={t('stats.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('stats.period')}
          <select value={String(days)} onChange={(e) => setParam({ days: e.target.value === '7' ? '' : e.target.value })}>
            {PERIODS.map((p) => (
              <option key={p} value={String(p)}>
                {labelOf('stats.period', String(p))}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('stats.category')}
          <select value={category} onChange={(e) => setParam({ category: e.target.value })}>
            <option value="">{t('stats.allCategories')}</option>
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
          <p className="muted" aria-live="polite" data-testid="stats-count">
            {result.total > PER_PAGE && result.items.length > 0 ? t('stats.range', { from: first + 1, to: first + result.items.length, count: numbers.format(result.total) }) : t('stats.count', { count: numbers.format(result.total) })}
          </p>
          {result.items.length === 0 ? (
            <p>{t('stats.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="stats">
                <caption style={{ textAlign: 'left', marginBottom: '.4rem' }}>{t('stats.caption', { period: labelOf('stats.period', String(result.days)).toLowerCase(), from: dayText(result.from), to: dayText(result.to) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.colRank')}</th>
                    <th scope="col">{t('stats.colTitle')}</th>
                    <th scope="col">{t('stats.colCategory')}</th>
                    <th scope="col">{t('stats.colPublished')}</th>
                    <th scope="col" style={{ textAlign: 'right' }}>
                      {t('stats.colViews')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((a, i) => (
                    <tr key={a.id}>
                      <td>{first + i + 1}</td>
                      <th scope="row" style={{ fontWeight: 'normal' }}>
                        <Link to={`/articles/${a.id}`}>{a.title || t('queue.untitled')}</Link>
                        {a.status !== 'published' && (
                          <>
                            {' '}
                            <span className={`badge status-${a.status}`}>{statusLabel(a.status)}</span>
                          </>
                        )}
                      </th>
                      <td>{catName.get(a.categoryId) ?? ''}</td>
                      <td>{a.publishedAt ? <time dateTime={a.publishedAt}>{formatDate(a.publishedAt)}</time> : t('stats.notPublished')}</td>
                      <td style={{ textAlign: 'right' }} data-testid="stats-views">
                        {numbers.format(a.views)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(result.total > PER_PAGE || page > 1) && <Pager page={page} pages={Math.max(1, Math.ceil(result.total / PER_PAGE))} onPage={(n) => setParam({ page: n > 1 ? String(n) : '' })} />}
        </>
      )}
    </section>
  );
}
