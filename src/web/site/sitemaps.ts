import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { articlePath } from '../../domain/article.ts';
import { isoWithOffset } from '../../domain/vietnamese.ts';
import { keys, type Chrome } from './data.ts';
import { xmlEscape as e } from './feeds.ts';
import type { RenderedPage } from './routes.ts';

type Db = Kysely<Database>;

/** The sitemaps.org limit per file. */
export const SITEMAP_MAX_URLS = 50_000;
/** Google News takes stories of the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_HOURS = 48;
const NEWS_MAX_URLS = 1000;

export const XML_TYPE = 'application/xml; charset=utf-8';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';

/**
 * Dependency keys of sitemaps that list many stories. Naming every story (`a:{id}`) would make a monthly
 * sitemap depend on thousands of keys, and the Surrogate-Key header a CDN gets would grow past what proxies
 * accept. These coarse keys catch every change of membership instead: a publication (home), a removal or a move
 * (the category listings `c:{id}`), a renamed or moved section (taxonomy). An edit that only moves a story's
 * lastmod shows once the page cache's maximum age has passed (10 minutes by default).
 */
function membershipKeys(chrome: Chrome): string[] {
  return [keys.home, keys.taxonomy, ...[...chrome.byId.keys()].map(keys.category)];
}

const xmlPage = (body: string, pageKeys: string[]): RenderedPage => ({ status: 200, html: `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, keys: [...new Set([...pageKeys, keys.settings])], contentType: XML_TYPE });

export interface MonthPage {
  month: string;
  page: number;
  count: number;
  lastmod: string;
}

/** File name of one monthly sitemap; months over 50,000 stories go on in `-2`, `-3`… */
export function monthSitemapPath(month: string, page: number): string {
  return page === 1 ? `/sitemap-${month}.xml` : `/sitemap-${month}-${page}.xml`;
}

export async function monthPages(db: Db): Promise<MonthPage[]> {
  const month = sql<string>`substr(published_at, 1, 7)`;
  const rows = await db
    .selectFrom('articles')
    .where('status', '=', 'published')
    .where('published_at', 'is not', null)
    .select([month.as('month'), (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('updated_at').as('lastmod')])
    .groupBy(month)
    .orderBy(month, 'desc')
    .execute();
  const out: MonthPage[] = [];
  for (const r of rows) {
    const n = Number(r.n);
    for (let p = 1; (p - 1) * SITEMAP_MAX_URLS < n; p++) out.push({ month: String(r.month), page: p, count: Math.min(SITEMAP_MAX_URLS, n - (p - 1) * SITEMAP_MAX_URLS), lastmod: String(r.lastmod) });
  }
  return out;
}

async function latestPublishedUpdate(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('articles').where('status', '=', 'published').select((eb) => eb.fn.max('updated_at').as('m')).executeTakeFirst();
  return row?.m ? String(row.m) : undefined;
}

export async function renderSitemapIndex(db: Db, chrome: Chrome): Promise<RenderedPage> {
  const s = chrome.settings;
  const abs = (p: string) => new URL(p, s.baseUrl).toString();
  const off = s.utcOffsetMinutes;
  const [months, latest] = await Promise.all([monthPages(db), latestPublishedUpdate(db)]);
  const entry = (path: string, lastmod?: string) => `<sitemap><loc>${e(abs(path))}</loc>${lastmod ? `<lastmod>${isoWithOffset(lastmod, off)}</lastmod>` : ''}</sitemap>`;
  const body = [
    `<sitemapindex xmlns="${SITEMAP_NS}">`,
    entry('/sitemap-news.xml', latest),
    entry('/sitemap-categories.xml', latest),
    entry('/sitemap-tags.xml', latest),
    ...months.map((m) => entry(monthSitemapPath(m.month, m.page), m.lastmod)),
    '</sitemapindex>',
  ].join('\n');
  return xmlPage(body, membershipKeys(chrome));
}

export async function renderMonthSitemap(db: Db, chrome: Chrome, month: string, page: number): Promise<RenderedPage | null> {
  const s = chrome.settings;
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'updated_at', 'published_at'])
    .where('status', '=', 'published')
    // Times are ISO-8601 UTC text on both engines: a month is a string range.
    .where('published_at', '>=', `${month}-01`)
    .where('published_at', '<', `${month}-32`)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SITEMAP_MAX_URLS)
    .offset((page - 1) * SITEMAP_MAX_URLS)
    .execute();
  if (rows.length === 0) return null;
  const body = [
    `<urlset xmlns="${SITEMAP_NS}">`,
    ...rows.map((r) => {
      const lastmod = r.published_at && r.published_at > r.updated_at ? r.published_at : r.updated_at;
      return `<url><loc>${e(new URL(articlePath(r), s.baseUrl).toString())}</loc><lastmod>${isoWithOffset(lastmod, s.utcOffsetMinutes)}</lastmod></url>`;
    }),
    '</urlset>',
  ].join('\n');
  return xmlPage(body, membershipKeys(chrome));
}

export async function renderNewsSitemap(db: Db, chrome: Chrome, now = Date.now()): Promise<RenderedPage> {
  const s = chrome.settings;
  const since = new Date(now - NEWS_WINDOW_HOURS * 3_600_000).toISOString();
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'published_at'])
    .where('status', '=', 'published')
    .where('published_at', '>=', since)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(NEWS_MAX_URLS)
    .execute();
  const language = s.language.toLowerCase().split('-')[0]!;
  const body = [
    `<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">`,
    ...rows.map(
      (r) =>
        `<url><loc>${e(new URL(articlePath(r), s.baseUrl).toString())}</loc><news:news><news:publication><news:name>${e(s.name)}</news:name><news:language>${e(language)}</news:language></news:publication><news:publication_date>${isoWithOffset(r.published_at!, s.utcOffsetMinutes)}</news:publication_date><news:title>${e(r.title)}</news:title></news:news></url>`,
    ),
    '</urlset>',
  ].join('\n');
  // A two-day window holds a few hundred stories at most, so each is named: a corrected title shows at once.
  // Stories also leave after 48 hours with no event at all: the page cache's maximum age bounds that delay.
  return xmlPage(body, [...membershipKeys(chrome), ...rows.map((r) => keys.article(r.id))]);
}

export async function renderCategorySitemap(db: Db, chrome: Chrome): Promise<RenderedPage> {
  const s = chrome.settings;
  const rows = await db.selectFrom('articles').where('status', '=', 'published').select(['category_id', (eb) => eb.fn.max('updated_at').as('m')]).groupBy('category_id').execute();
  const latest = new Map(rows.map((r) => [r.category_id, String(r.m)]));
  const urls: string[] = [];
  for (const node of chrome.byId.values()) {
    const ids = 'children' in node ? [node.id, ...node.children.map((c) => c.id)] : [node.id];
    const lastmod = ids.map((id) => latest.get(id)).reduce<string | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);
    urls.push(`<url><loc>${e(new URL(node.path, s.baseUrl).toString())}</loc>${lastmod ? `<lastmod>${isoWithOffset(lastmod, s.utcOffsetMinutes)}</lastmod>` : ''}<changefreq>hourly</changefreq></url>`);
  }
  const body = [`<urlset xmlns="${SITEMAP_NS}">`, `<url><loc>${e(new URL('/', s.baseUrl).toString())}</loc><changefreq>always</changefreq><priority>1.0</priority></url>`, ...urls, '</urlset>'].join('\n');
  return xmlPage(body, membershipKeys(chrome));
}

export async function renderTagSitemap(db: Db, chrome: Chrome): Promise<RenderedPage> {
  const s = chrome.settings;
  const rows = await db
    .selectFrom('article_tags')
    .innerJoin('articles', 'articles.id', 'article_tags.article_id')
    .innerJoin('tags', 'tags.id', 'article_tags.tag_id')
    .where('articles.status', '=', 'published')
    .select(['tags.id', 'tags.slug', (eb) => eb.fn.max('articles.updated_at').as('m')])
    .groupBy(['tags.id', 'tags.slug'])
    .orderBy('tags.id')
    .limit(SITEMAP_MAX_URLS)
    .execute();
  const body = [
    `<urlset xmlns="${SITEMAP_NS}">`,
    ...rows.map((r) => `<url><loc>${e(new URL(`/tag/${encodeURIComponent(r.slug)}`, s.baseUrl).toString())}</loc><lastmod>${isoWithOffset(String(r.m), s.utcOffsetMinutes)}</lastmod></url>`),
    '</urlset>',
  ].join('\n');
  return xmlPage(body, membershipKeys(chrome));
}

export function renderRobots(chrome: Chrome): RenderedPage {
  const abs = (p: string) => new URL(p, chrome.settings.baseUrl).toString();
  const body = ['User-agent: *', 'Allow: /', 'Disallow: /api/', 'Disallow: /tim-kiem', '', `Sitemap: ${abs('/sitemap.xml')}`, `Sitemap: ${abs('/sitemap-news.xml')}`, ''].join('\n');
  return { status: 200, html: body, keys: [keys.settings], contentType: 'text/plain; charset=utf-8' };
}
