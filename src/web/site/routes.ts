import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { renderDocument, type Html } from '../jsx.ts';
import { chromeFor, loadArticle, loadAuthor, loadCategoryListing, loadHome, loadMostRead, loadTag, keys, type Chrome } from './data.ts';
import { ArticlePage, HomePage, ListingPage, MessagePage, categoryCrumbs } from './pages.tsx';
import { articlePath, parseArticleFile } from '../../domain/article.ts';
import { getArticle } from '../../storage/content.ts';
import { renderSearchPage } from './search-page.tsx';
import { renderDistribution } from './distribution.ts';
import { canonicalReaderPath, isCanonicalPath, isPrivateRequest, withRequestQuery } from '../../cache/http.ts';
import { popularIds, viewsOf } from '../../cache/views.ts';
import { articlePartsFor, type ArticleParts } from './article-parts.ts';

/** A rendered public page: its bytes-to-be and the keys of everything it shows. */
export interface RenderedPage {
  status: number;
  html: string;
  keys: string[];
  redirect?: string;
  /** Defaults to HTML; feeds and sitemaps set their own. */
  contentType?: string;
  /** HTTP-date of the newest content shown (feeds), for Last-Modified / If-Modified-Since. */
  lastModified?: string;
  /** A story's own page (200): the story, whose reads are counted (src/cache/views.ts). */
  articleId?: number;
  /** The page already as a gzip body, in chunks to write in order (joined from stored parts: article-parts.ts); `html` is then empty. */
  gzip?: readonly Buffer[];
  /** Its validator, when `gzip` is set. */
  tag?: string;
}

export interface RenderOptions {
  /** Join story pages from stored parts (only for the page cache: the result carries gzip bytes, no HTML string). */
  parts?: ArticleParts;
}

const page = (status: number, root: Html, pageKeys: string[]): RenderedPage => ({ status, html: renderDocument(root), keys: [...new Set([...pageKeys, keys.settings, keys.taxonomy])] });

export function notFound(chrome: Chrome, path: string): RenderedPage {
  return page(404, MessagePage({ chrome, status: 404, path, title: 'Không tìm thấy trang', message: 'Trang bạn tìm không tồn tại hoặc đã được chuyển đi. Mời bạn về trang chủ hoặc tìm tin bài.' }), []);
}

function pageNumber(req: FastifyRequest): number | null {
  const raw = (req.query as Record<string, unknown>)?.trang;
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,5}$/.test(raw)) return null;
  return Number(raw);
}

/** Renders the page for a public URL path. Pure with respect to HTTP: the cache layer calls this on a miss. */
export async function renderPath(ctx: AppContext, path: string, req: FastifyRequest, opts: RenderOptions = {}): Promise<RenderedPage> {
  const db = ctx.store.db;
  const chrome = await chromeFor(ctx);
  const machineRead = await renderDistribution(ctx, chrome, path, req);
  if (machineRead) return machineRead;
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  if (segments.some((s) => s === null)) return notFound(chrome, path);
  const [first, second, third] = segments as string[];
  const pageNo = pageNumber(req);
  if (pageNo === null) return notFound(chrome, path);

  if (!first) {
    const data = await loadHome(db, chrome, await popularIds(ctx, chrome.settings.utcOffsetMinutes));
    return page(200, HomePage({ chrome, data }), data.keys);
  }

  if (first === 'tag' && second && !third) {
    const data = await loadTag(db, second, pageNo);
    if (!data || pageNo > data.listing.pages) return notFound(chrome, path);
    return page(200, ListingPage({ chrome, title: data.tag.name, heading: `#${data.tag.name}`, path: `/tag/${data.tag.slug}`, listing: data.listing }), [keys.tag(data.tag.id), ...data.listing.items.map((a) => keys.summary(a.id))]);
  }
  if (first === 'tac-gia' && second && !third) {
    const data = await loadAuthor(db, second, pageNo);
    if (!data || pageNo > data.listing.pages) return notFound(chrome, path);
    const p = data.person;
    return page(200, ListingPage({ chrome, title: `Tác giả ${p.name}`, heading: p.title ? `${p.name} – ${p.title}` : p.name, description: p.bio, path: `/tac-gia/${p.slug}`, listing: data.listing }), [keys.author(p.id), ...data.listing.items.map((a) => keys.summary(a.id))]);
  }

  if (!second) {
    const file = parseArticleFile(first);
    if (file) {
      const joined = await opts.parts?.page(chrome, file.id, `/${first}`);
      if (joined) return joined;
      const article = await getArticle(db, file.id);
      if (!article || !['published', 'unpublished'].includes(article.status)) return notFound(chrome, path);
      if (article.status === 'unpublished') {
        return page(410, MessagePage({ chrome, status: 410, path, title: 'Tin bài đã được gỡ', message: 'Tin bài này đã được tòa soạn gỡ xuống và không còn hiển thị với bạn đọc.' }), [keys.article(article.id)]);
      }
      // Any other spelling of the file name (old slug, no slug, capitals) moves to the canonical one.
      if (`/${first}` !== articlePath(article)) return { status: 301, html: '', keys: [keys.article(article.id)], redirect: articlePath(article) };
      const data = await loadArticle(db, article.id, article);
      if (!data) return notFound(chrome, path);
      return { ...page(200, ArticlePage({ chrome, data }), data.keys), articleId: article.id };
    }
  }

  if (!third) {
    const top = chrome.categories.find((c) => c.slug === first);
    const category = second ? top?.children.find((c) => c.slug === second) : top;
    if (!category || !top) return notFound(chrome, path);
    const listing = await loadCategoryListing(db, chrome, category.id, pageNo);
    if (pageNo > listing.pages) return notFound(chrome, path);
    const node = chrome.byId.get(category.id)!;
    // "Đọc nhiều" on a category's first page only: later pages are archive, mostly read by crawlers.
    const mostRead = pageNo === 1 ? await loadMostRead(db, await popularIds(ctx, chrome.settings.utcOffsetMinutes)) : undefined;
    return page(
      200,
      ListingPage({ chrome, title: category.name, heading: category.name, description: category.description, path: node.path, listing, currentCategoryId: top.id, crumbs: second ? categoryCrumbs(chrome, category.id) : undefined, subnav: second ? undefined : top.children, mostRead: mostRead?.listing }),
      [keys.category(category.id), ...(second ? [] : top.children.map((c) => keys.category(c.id))), ...listing.items.map((a) => keys.summary(a.id)), ...(mostRead?.keys ?? [])],
    );
  }
  return notFound(chrome, path);
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s).normalize('NFC');
  } catch {
    return null;
  }
}

export function sendPage(reply: FastifyReply, rendered: RenderedPage): FastifyReply {
  // The visitor's query string (campaign parameters) goes on with them; renders and cached pages never hold it.
  if (rendered.redirect) return reply.code(rendered.status).header('location', withRequestQuery(rendered.redirect, reply.request.url)).send();
  if (rendered.lastModified) {
    reply.header('last-modified', rendered.lastModified);
    const headers = reply.request.headers;
    const since = Date.parse(String(headers['if-modified-since'] ?? ''));
    // If-None-Match wins when both are sent (RFC 9110 §13.2.2).
    if (rendered.status === 200 && !headers['if-none-match'] && since >= Date.parse(rendered.lastModified)) return reply.code(304).send();
  }
  return reply.code(rendered.status).type(rendered.contentType ?? 'text/html; charset=utf-8').send(rendered.html);
}

/** How long browsers and CDNs may keep a slash redirect: it depends on the URL alone, never on content. */
const SLASH_REDIRECT_CACHE_CONTROL = 'public, max-age=86400';

/**
 * `/thoi-su/`, `//thoi-su`, `/tag/x/`: the router (ignoreTrailingSlash) sends them here, and they would be the page
 * again under a second URL (for search engines and the page cache). They get a 301 to the spelling the page names
 * canonical, with the visitor's query string; no render and no cache entry (cacheKeyFor gives them none, so cache
 * hits never answer them). Returns true when it answered, false for a canonical path.
 *
 * A boolean, not the reply: a Fastify reply is thenable, so an async function returning it resolved to undefined once
 * sent, and the page was then rendered (and a story's read counted) after its redirect had gone out.
 */
async function redirectNonCanonical(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const path = req.url.split('?')[0] ?? '/';
  if (isCanonicalPath(path)) return false;
  const target = canonicalReaderPath(req.url);
  // Too long, or `//api/…`, `//media/…`: not a reader page under any spelling.
  if (target === null) sendPage(reply, notFound(await chromeFor(ctx), path));
  else reply.code(301).header('cache-control', SLASH_REDIRECT_CACHE_CONTROL).header('location', withRequestQuery(target, req.url)).send();
  return true;
}

export function registerSiteRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Resolved once: it reads the environment, which costs microseconds a request.
  const parts = articlePartsFor(ctx);
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    if (await redirectNonCanonical(ctx, req, reply)) return reply;
    const path = req.url.split('?')[0] ?? '/';
    if (ctx.siteCache) return ctx.siteCache.handle(req, reply, (forCache) => renderPath(ctx, path, req, forCache ? { parts } : {}), sendPage);
    const rendered = await renderPath(ctx, path, req);
    // Without a page cache a read is counted here (with one, SiteCache counts hits and misses alike).
    if (rendered.articleId !== undefined && req.method === 'GET' && !isPrivateRequest(req.headers)) viewsOf(ctx)?.counter?.count(rendered.articleId);
    return sendPage(reply, rendered);
  };
  // Story pages joined from parts on the socket path, without Fastify (src/cache/socket-hits.ts): the same join as
  // renderPath's for a story's canonical path; anything else (another spelling, a take-down) is left to renderPath.
  if (ctx.siteCache && parts) {
    ctx.siteCache.joinStory = async (path) => {
      const file = path.indexOf('/', 1) === -1 && !path.includes('%') ? parseArticleFile(path.slice(1)) : null;
      return file ? parts.page(await chromeFor(ctx), file.id, path) : undefined;
    };
  }
  // Story pages rendered on misses are written back in batches, shortly after: before the app closes, the last batch.
  app.addHook('onClose', async () => parts?.settled());
  app.get('/', handler);
  app.get('/tim-kiem', async (req, reply) => ((await redirectNonCanonical(ctx, req, reply)) ? reply : sendPage(reply.header('cache-control', 'private, max-age=0'), await renderSearchPage(ctx, req))));
  app.get('/tag/:slug', handler);
  app.get('/tac-gia/:slug', handler);
  app.get('/:first', handler);
  app.get('/:first/:second', handler);
  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.code(404).type('application/problem+json').send({ type: 'about:blank#not-found', title: 'Không tìm thấy', status: 404 });
    }
    // `/kinh-te/nong-nghiep//`, `///thoi-su`: routed nowhere, but still a page under another spelling.
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (await redirectNonCanonical(ctx, req, reply)) return reply;
    }
    const chrome = await chromeFor(ctx);
    return sendPage(reply, notFound(chrome, req.url.split('?')[0] ?? '/'));
  });
}
