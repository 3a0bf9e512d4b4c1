import cluster from 'node:cluster';
import type { RenderedPage } from '../web/site/routes.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContentEvents } from '../domain/events.ts';
import type { Store } from '../storage/database.ts';
import { PageCache, type CachedPage, type Encoding, type PageSource } from './page-cache.ts';
import { DEFAULT_CDN_POLICY, PRIVATE_CACHE_CONTROL, PreparedPage, alsoTakesGzip, SharedHeaders, cacheKeyFor, hasQuery, isPrivateRequest, negotiate, notModified, withRequestQuery, type CdnPolicy, type HitHeaders, type PreparedResponse } from './http.ts';
import { keysForEvent, loadMembership, type Membership } from './invalidation.ts';
import { keys } from '../web/site/data.ts';
import { ipcFanout, redisFanout, type Fanout, type InvalidationMessage } from './fanout.ts';
import type { SocketHitStats } from './socket-hits.ts';
import type { ViewCounter } from './views.ts';
import { httpPurgeHook, type PurgeHook } from './purge.ts';

export interface SiteCacheOptions {
  maxBytes?: number;
  maxAgeMs?: number;
  maxConcurrentRenders?: number;
  policy?: CdnPolicy;
  /** Redis URL for fan-out across machines; when unset, cluster workers use IPC. */
  redisUrl?: string;
  /** Redis channel: sites sharing one Redis (and parallel test suites) keep theirs apart. */
  redisChannel?: string;
  /** Force IPC fan-out on or off (default: on in a cluster worker without Redis). */
  ipc?: boolean;
  purge?: PurgeHook;
  /** Answer hits on the TCP socket before Node's HTTP parser (default on; TOASOAN_SOCKET_HITS=0 turns it off). */
  socketHits?: boolean;
  /**
   * On that path, also answer misses of story pages joined from stored parts (default on; TOASOAN_SOCKET_MISSES=0
   * turns it off). The server leaves it off when it logs requests: misses are then logged by the application.
   */
  socketMisses?: boolean;
  /** Where failures of the purge hook go (default console.error). */
  log?: (message: string) => void;
}

/** Cache settings from the environment (see docs/PERFORMANCE.md). */
export function siteCacheOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SiteCacheOptions | false {
  if (/^(0|off|false|no)$/i.test(env.TOASOAN_CACHE ?? '')) return false;
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} không hợp lệ: ${v}`);
    return n;
  };
  return {
    maxBytes: num('TOASOAN_CACHE_MB', 128) * 1024 * 1024,
    maxAgeMs: num('TOASOAN_CACHE_MAX_AGE', 600) * 1000,
    maxConcurrentRenders: num('TOASOAN_RENDER_CONCURRENCY', 8),
    policy: { sMaxAge: num('TOASOAN_CDN_S_MAXAGE', DEFAULT_CDN_POLICY.sMaxAge), staleWhileRevalidate: num('TOASOAN_CDN_SWR', DEFAULT_CDN_POLICY.staleWhileRevalidate), staleIfError: num('TOASOAN_CDN_SIE', DEFAULT_CDN_POLICY.staleIfError) },
    redisUrl: env.REDIS_URL || undefined,
    redisChannel: env.TOASOAN_CACHE_CHANNEL || undefined,
    socketHits: !/^(0|off|false|no)$/i.test(env.TOASOAN_SOCKET_HITS ?? ''),
    socketMisses: !/^(0|off|false|no)$/i.test(env.TOASOAN_SOCKET_MISSES ?? ''),
    purge: env.TOASOAN_PURGE_URL ? httpPurgeHook(env.TOASOAN_PURGE_URL, env.TOASOAN_PURGE_TOKEN || undefined) : undefined,
  };
}

/** Headers other parts of the app add to every response (security headers), captured per content type. */
const PER_RESPONSE = new Set(['content-length', 'last-modified', 'age', 'expires', 'content-encoding', 'etag', 'x-cache', 'vary', 'cache-control', 'surrogate-key', 'cache-tag', 'content-type', 'location', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'set-cookie']);

/** What the cache stores and serves: a rendered public page (see src/web/site/routes.ts). */
export type RenderedLike = RenderedPage;

const HTML = 'text/html; charset=utf-8';
const MAX_MEMBERSHIPS = 50_000;
const NO_SHARED_HEADERS = new SharedHeaders({});
/** A story's own page (`/{slug}-post{id}.html`, see articlePath). */
const ARTICLE_PAGE = /-?post\d+\.html$/;

/**
 * The reader site's cache as the web layer sees it: answers hits before Fastify routing (`serveFast`),
 * renders misses once (`handle`), turns content events into exact invalidations, and fans them out.
 */
export class SiteCache {
  readonly pages: PageCache;
  readonly policy: CdnPolicy;
  private readonly appHeaders = new Map<string, SharedHeaders>();
  private readonly prepared = new WeakMap<CachedPage, PreparedPage>();
  private readonly served = new WeakMap<FastifyRequest, CachedPage>();
  private readonly memberships = new Map<number, Membership>();
  private fanout: Fanout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly purge: PurgeHook | undefined;
  readonly socketHitsEnabled: boolean;
  readonly socketMissesEnabled: boolean;
  /**
   * Joins the page of a published story at its canonical path from stored parts, without the application; undefined
   * for anything else. Set by the reader site (src/web/site/routes.ts); socket misses need it.
   */
  joinStory: ((path: string) => Promise<RenderedLike | undefined>) | undefined;
  /** Counters of the socket fast path, when the server installed it. */
  socketHits: SocketHitStats | undefined;
  /** Reads of story pages, when counted (set by attachViews, src/cache/views.ts). */
  views: ViewCounter | undefined;
  private readonly log: (m: string) => void;

  constructor(opts: SiteCacheOptions = {}) {
    // Listings (home, categories, tags, authors, feeds) render before queued article pages: see PageCacheOptions.urgent.
    this.pages = new PageCache({ maxBytes: opts.maxBytes, maxAgeMs: opts.maxAgeMs, maxConcurrentRenders: opts.maxConcurrentRenders, urgent: (key) => !ARTICLE_PAGE.test(key) });
    this.policy = opts.policy ?? DEFAULT_CDN_POLICY;
    this.purge = opts.purge;
    this.socketHitsEnabled = opts.socketHits ?? true;
    this.socketMissesEnabled = opts.socketMisses ?? true;
    this.log = opts.log ?? ((m) => console.error(m));
  }

  get fanoutKind(): string {
    return this.fanout?.kind ?? 'none';
  }

  get fanoutSubscriber(): string | undefined {
    return this.fanout?.subscriberName;
  }

  /** Subscribes to content events and connects the fan-out. */
  async start(store: Store, events: ContentEvents, opts: SiteCacheOptions = {}): Promise<void> {
    const onRemote = (msg: InvalidationMessage) => this.applyRemote(msg);
    if (opts.redisUrl) this.fanout = await redisFanout(opts.redisUrl, opts.redisChannel ?? 'toasoan:cache', onRemote, () => this.pages.clear());
    else if (opts.ipc ?? cluster.isWorker) this.fanout = ipcFanout(onRemote);
    this.unsubscribe = events.subscribe(async (event) => {
      const id = 'articleId' in event ? event.articleId : undefined;
      const before = id === undefined ? undefined : ((event.type === 'article.updated' ? event.previous : undefined) ?? this.memberships.get(id));
      let after: Membership | undefined;
      try {
        after = id === undefined ? undefined : await loadMembership(store.db, id);
      } catch (err) {
        // Which listings the story is in cannot be read: drop every page here and in every other process.
        this.log(`Bộ đệm: không đọc được tin bài ${id} nằm trong những danh sách nào (${(err as Error).message}); xóa mọi trang đã lưu`);
        this.pages.clear();
        await this.invalidate({ keys: [keys.settings] });
        return;
      }
      if (id !== undefined && after) this.remember(id, after);
      await this.invalidate({ keys: keysForEvent(event, before, after), membership: id !== undefined && after ? [id, after] : undefined });
    });
  }

  private remember(id: number, m: Membership): void {
    this.memberships.delete(id);
    this.memberships.set(id, m);
    if (this.memberships.size > MAX_MEMBERSHIPS) this.memberships.delete(this.memberships.keys().next().value!);
  }

  private applyRemote(msg: InvalidationMessage): void {
    if (msg.membership) this.remember(msg.membership[0], msg.membership[1]);
    this.pages.invalidate(msg.keys);
  }

  /** Invalidates here, then in every other process, then at the CDN; resolves when all have it. */
  async invalidate(msg: InvalidationMessage): Promise<void> {
    this.pages.invalidate(msg.keys);
    await Promise.all([
      // A lost fan-out must not fail the newsroom request that already committed: peers then catch up by max age.
      this.fanout?.publish(msg).catch((err: unknown) => this.log(`Bộ đệm: không báo được cho các tiến trình khác (fan-out ${this.fanoutKind}) việc xóa ${msg.keys.join(' ')}: ${(err as Error).message}`)),
      this.purge?.(msg.keys).catch((err: unknown) => this.log(`Không xóa được bộ đệm CDN cho ${msg.keys.join(' ')}: ${(err as Error).message}`)),
    ]);
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.fanout?.close();
  }

  private preparedFor(page: CachedPage): PreparedPage | undefined {
    let p = this.prepared.get(page);
    if (p) return p;
    const app = this.appHeaders.get(page.contentType);
    if (!app) return undefined;
    p = new PreparedPage(page, app, this.policy, 'HIT');
    this.prepared.set(page, p);
    return p;
  }

  /**
   * The prepared answer to a reader request that the cache holds (200, 301, 410 or 304), or undefined when the
   * request must go to the application: not GET/HEAD, not a reader URL, a logged-in newsroom user, or a miss.
   */
  answer(method: string | undefined, url: string, headers: HitHeaders): PreparedResponse | undefined {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const key = cacheKeyFor(url);
    if (key === null || isPrivateRequest(headers)) return undefined;
    const page = this.pages.peek(key);
    if (!page) return undefined;
    // A stored redirect points at the bare path; one asked for with a query string gets it added by handle().
    if (page.location !== undefined && hasQuery(url)) return undefined;
    const prepared = this.preparedFor(page);
    if (!prepared) return undefined;
    this.countRead(page, method);
    const enc = negotiate(headers['accept-encoding']);
    if (notModified(page, headers)) return prepared.notModified(enc);
    return prepared.response(enc, () => this.pages.body(page, enc));
  }

  /**
   * The answer to a miss of a story's own page, joined from its stored parts without the application (socket path,
   * src/cache/socket-hits.ts), as `handle` would give it; undefined at once when the request is not one (the caller
   * then hands it to the application), and a promise of undefined when the page turned out to need the application
   * (not published, another spelling, a failed join): nothing is sent then, and the application answers.
   */
  answerMiss(method: string, url: string, headers: HitHeaders): Promise<PreparedResponse | undefined> | undefined {
    const join = this.joinStory;
    if (join === undefined || (method !== 'GET' && method !== 'HEAD')) return undefined;
    // Links shared on Facebook and Zalo carry tracking parameters (fbclid, zarsrc, utm_*): the key leaves them out, and
    // so does the page. A key with `trang` (it ends in the page number), or none (another spelling), is the application's.
    const path = cacheKeyFor(url);
    if (path === null || !ARTICLE_PAGE.test(path)) return undefined;
    // Before the first page sent by the application, the headers it adds are not known yet.
    const shared = this.appHeaders.get(HTML);
    if (shared === undefined || isPrivateRequest(headers)) return undefined;
    const accept = headers['accept-encoding'];
    // A joined page is gzip; a client that does not take it is left to the application.
    if (!alsoTakesGzip(accept, negotiate(accept))) return undefined;
    const fetched = this.pages.fetch(
      path,
      async () => {
        const r = await join(path);
        return r && pageSource(r);
      },
      'gzip',
      true,
    );
    return fetched.then(
      (result) => {
        const page = result.page;
        // Declined, not kept (404), or a redirect or take-down from a render by the application: it answers.
        if (page === undefined || page.status !== 200 || page.location !== undefined || page.contentType !== HTML) return undefined;
        const enc = this.encodingFor(page, result.status, accept);
        this.countRead(page, method);
        const prepared = new PreparedPage(page, shared, this.policy, result.status);
        if (notModified(page, headers)) return prepared.notModified(enc);
        const chunks = page.gzipChunks;
        return chunks && enc === 'gzip' ? prepared.chunked('gzip', chunks) : prepared.response(enc, () => this.pages.body(page, enc));
      },
      // The application tries again, and logs what fails.
      () => undefined,
    );
  }

  /** A read of a story (GET answered 200 or 304, on any path): the id kept on the page, one Map lookup. */
  private countRead(page: CachedPage, method: string | undefined): void {
    if (page.articleId !== 0 && method === 'GET') this.views?.count(page.articleId);
  }

  /**
   * The encoding a fetched page goes out in: the client's preferred one, but gzip on a miss of a page that has gzip
   * (joined from parts, article-parts.ts) to a client that takes it too. Brotli costs more than the join, and is made
   * when a second reader asks for it (a page read once never pays).
   */
  private encodingFor(page: CachedPage, status: 'HIT' | 'MISS', accept: string | undefined): Encoding {
    const preferred = negotiate(accept);
    return status === 'MISS' && !page.bodies[preferred] && (page.bodies.gzip || page.gzipChunks) && alsoTakesGzip(accept, preferred) ? 'gzip' : preferred;
  }

  /**
   * Answers a cache hit straight from the HTTP server, before Fastify parses or routes anything.
   * Returns false to let Fastify handle the request (misses, non-reader URLs, logged-in newsroom users).
   */
  serveFast(req: IncomingMessage, res: ServerResponse): boolean {
    const r = this.answer(req.method, req.url ?? '/', req.headers);
    if (!r) return false;
    res.writeHead(r.status, r.headers);
    res.end(req.method === 'HEAD' || r.status === 304 ? undefined : r.body);
    return true;
  }

  /** Fastify handler body for a reader page: from the cache, or rendered once and stored. */
  async handle(req: FastifyRequest, reply: FastifyReply, render: (forCache: boolean) => Promise<RenderedLike>, sendUncached: (reply: FastifyReply, page: RenderedLike) => FastifyReply): Promise<FastifyReply> {
    const key = cacheKeyFor(req.url);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || key === null || isPrivateRequest(req.headers)) {
      const rendered = await render(false);
      // The newsroom reading its own site (signed in) is not a reader.
      if (rendered.articleId !== undefined && req.method === 'GET' && !isPrivateRequest(req.headers)) this.views?.count(rendered.articleId);
      return sendUncached(reply.header('cache-control', PRIVATE_CACHE_CONTROL), rendered);
    }
    const result = await this.pages.fetch(key, async () => pageSource(await render(true)), negotiate(req.headers['accept-encoding']));
    if (!result.page) {
      const s = result.uncacheable!;
      // Not kept here (404s would let bots fill the cache); a CDN may hold one briefly.
      return sendUncached(reply.header('cache-control', 'public, max-age=0, s-maxage=10').header('x-cache', 'MISS'), { status: s.status, html: s.body, keys: s.keys, redirect: s.location, contentType: s.contentType, lastModified: s.lastModified });
    }
    const page = result.page;
    const enc = this.encodingFor(page, result.status, req.headers['accept-encoding']);
    this.countRead(page, req.method);
    const shared = this.appHeaders.get(page.contentType);
    const prepared = new PreparedPage(page, shared ?? NO_SHARED_HEADERS, this.policy, result.status);
    const unchanged = notModified(page, req.headers);
    const chunks = page.gzipChunks;
    if (chunks && enc === 'gzip' && shared && page.location === undefined && !unchanged) {
      // A page joined from parts, sent from its chunks in one writev: copying them into one body is left to the first
      // hit (PageCache.body). Written on the raw response, whose headers are then all ours: the app's are in `shared`.
      reply.hijack();
      const res = reply.raw;
      res.writeHead(page.status, prepared.chunked('gzip', chunks).headers);
      if (req.method === 'HEAD') res.end();
      else {
        res.cork();
        for (const c of chunks) res.write(c);
        res.end();
      }
      return reply;
    }
    // Sent by Fastify: its onSend hook learns the app's headers from this page (attach()).
    this.served.set(req, page);
    const answer = unchanged ? prepared.notModified(enc) : prepared.response(enc, () => this.pages.body(page, enc));
    // Fastify sets Content-Length itself (and leaves the body out for HEAD).
    const { 'content-length': _length, ...headers } = answer.headers;
    // The cache key leaves tracking parameters out, so the stored Location has none: this visitor's are added here.
    if (page.location !== undefined) headers.location = withRequestQuery(page.location, req.url);
    return answer.status === 304 ? reply.code(304).headers(headers).send() : reply.code(answer.status).headers(headers).send(answer.body);
  }

  /**
   * Registers the hook that learns which headers the rest of the app adds (security headers), so hits served
   * before Fastify carry exactly the same ones. Must be added after those hooks.
   */
  attach(app: FastifyInstance, opts: { closeWithApp: boolean }): void {
    app.addHook('onSend', async (req, reply, payload) => {
      const page = this.served.get(req);
      if (page && !this.appHeaders.has(page.contentType)) {
        const captured: Record<string, string> = {};
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (!PER_RESPONSE.has(name.toLowerCase()) && value !== undefined) captured[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
        }
        this.appHeaders.set(page.contentType, new SharedHeaders(captured));
      }
      return payload;
    });
    // The app that created the cache owns it; another app sharing the context must not unsubscribe it.
    if (opts.closeWithApp) app.addHook('onClose', async () => this.close());
  }
}

function pageSource(r: RenderedLike): PageSource {
  return { status: r.status, body: r.html, keys: r.keys, contentType: r.contentType ?? HTML, location: r.redirect, lastModified: r.lastModified, articleId: r.articleId, gzip: r.gzip, tag: r.tag };
}

export async function createSiteCache(store: Store, events: ContentEvents, opts: SiteCacheOptions = {}): Promise<SiteCache> {
  const cache = new SiteCache(opts);
  await cache.start(store, events, opts);
  return cache;
}
