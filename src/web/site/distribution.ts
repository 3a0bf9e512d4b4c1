import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Chrome, CategoryWithPath } from './data.ts';
import type { RenderedPage } from './routes.ts';
import { renderFeed, type FeedFormat } from './feeds.ts';
import { renderCategorySitemap, renderMonthSitemap, renderNewsSitemap, renderRobots, renderSitemapIndex, renderTagSitemap } from './sitemaps.ts';

const SITE_FEEDS: Record<string, FeedFormat> = { '/rss.xml': 'rss', '/atom.xml': 'atom', '/feed.json': 'json' };
const CATEGORY_FEED = /^\/(rss|atom|feed)\/([a-z0-9-]{1,120})\.(rss|xml|json)$/;
const CATEGORY_FEED_FORMATS: Record<string, [FeedFormat, string]> = { rss: ['rss', 'rss'], atom: ['atom', 'xml'], feed: ['json', 'json'] };
const MONTH_SITEMAP = /^\/sitemap-(\d{4})-(0[1-9]|1[0-2])(?:-([2-9]|[1-9]\d{1,3}))?\.xml$/;

/**
 * Feeds, sitemaps and robots.txt: machine-read pages, rendered through `renderPath` like every
 * other public page so the page cache keeps and invalidates them by the same keys.
 * Returns null for any other path.
 */
export async function renderDistribution(ctx: AppContext, chrome: Chrome, path: string, _req: FastifyRequest): Promise<RenderedPage | null> {
  const db = ctx.store.db;
  const site = SITE_FEEDS[path];
  if (site) return renderFeed(db, chrome, site);
  const feed = CATEGORY_FEED.exec(path);
  if (feed) {
    const [format, ext] = CATEGORY_FEED_FORMATS[feed[1]!]!;
    if (feed[3] !== ext) return null;
    const category = [...chrome.byId.values()].find((c): c is CategoryWithPath => c.slug === feed[2]);
    return category ? renderFeed(db, chrome, format, category) : null;
  }
  switch (path) {
    case '/robots.txt':
      return renderRobots(chrome);
    case '/sitemap.xml':
      return renderSitemapIndex(db, chrome);
    case '/sitemap-news.xml':
      return renderNewsSitemap(db, chrome);
    case '/sitemap-categories.xml':
      return renderCategorySitemap(db, chrome);
    case '/sitemap-tags.xml':
      return renderTagSitemap(db, chrome);
  }
  const month = MONTH_SITEMAP.exec(path);
  if (month) return renderMonthSitemap(db, chrome, `${month[1]}-${month[2]}`, month[3] ? Number(month[3]) : 1);
  return null;
}
