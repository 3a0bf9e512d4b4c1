import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:http';
import type { AppContext } from './context.ts';
import { registerSecurityHeaders } from './security.ts';
import { registerSiteRoutes } from './site/routes.ts';
import { registerMediaRoutes } from '../media/routes.ts';
import { registerApi } from './api/index.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerApiDocs } from './api/openapi.ts';
import { attachSearchIndex } from '../search/events.ts';
import { answerHitsOnSocket } from '../cache/socket-hits.ts';
import { createSiteCache, siteCacheOptionsFromEnv, type SiteCacheOptions } from '../cache/site-cache.ts';
import { ping } from '../storage/database.ts';
import { logServerError } from './api/problem.ts';
import { registerMetrics } from './metrics.ts';

export interface ServerOptions {
  logger?: boolean;
  /** Set when a TLS-terminating proxy sits in front: enables HSTS and Secure cookies. */
  https?: boolean;
  /** See trustProxyFrom (src/config.ts): hops in front, or their addresses. */
  trustProxy?: false | number | string[];
  /** Reader page cache: options, or false to render every request. Default: from the environment (TOASOAN_CACHE…, REDIS_URL). */
  cache?: SiteCacheOptions | false;
}

// The letters "TS" drawn as strokes, not <text>: an SVG icon with text makes the browser look up a system font for it.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#a50e0e"/><path d="M8 19h22M19 19v28M53 22c-2-3-5-4-8-4-4 0-7 2-7 6 0 8 16 5 16 14 0 4-4 7-9 7-4 0-7-2-9-5" fill="none" stroke="#fff" stroke-width="6"/></svg>`;

function errorPage(status: number): string {
  const [title, text] = status >= 500 ? ['Hệ thống đang gặp sự cố', 'Trang chưa hiển thị được lúc này. Mời bạn thử lại sau ít phút.'] : ['Yêu cầu không hợp lệ', 'Địa chỉ hoặc yêu cầu không đúng. Mời bạn về trang chủ.'];
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p><p><a href="/">Về trang chủ</a></p></main></body></html>`;
}

/** The whole HTTP application: reader site, media, newsroom API. */
export async function buildServer(ctx: AppContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const cacheOptions = opts.cache ?? siteCacheOptionsFromEnv();
  const ownsCache = cacheOptions !== false && !ctx.siteCache;
  if (ownsCache) ctx.siteCache = await createSiteCache(ctx.store, ctx.events, cacheOptions);
  const siteCache = ctx.siteCache;
  const app = Fastify({
    // Cache hits are answered before Fastify parses or routes the request: ready bytes, prepared headers.
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (!siteCache?.serveFast(req, res)) handler(req, res);
      });
      // Hits on keep-alive connections are answered on the socket, before Node's HTTP parser (src/cache/socket-hits.ts).
      // Story-page misses joined from stored parts too, unless requests are logged (the application logs misses).
      if (siteCache?.socketHitsEnabled) siteCache.socketHits = answerHitsOnSocket(server, siteCache, siteCache.socketHits, { misses: siteCache.socketMissesEnabled && !opts.logger });
      return server;
    },
    logger: opts.logger ? { level: 'info' } : false,
    // A hop count: the socket's peer and the next N-1 addresses are proxies; the address before them is the client.
    trustProxy: typeof opts.trustProxy === 'number' ? (hops => (_address: string, hop: number) => hop < hops)(opts.trustProxy) : (opts.trustProxy ?? false),
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  registerSecurityHeaders(app, { hsts: !!opts.https });
  // Reader, media and newsroom-app errors (the API has its own, problem+json): a plain Vietnamese page that shows no
  // internals (database addresses, file paths), and every server error in the log whether or not requests are logged.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) logServerError(req, err);
    return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(errorPage(status));
  });
  app.get('/favicon.svg', async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON));
  // For load balancers: a node whose database does not answer is taken out, not sent readers it would answer 500.
  app.get('/healthz', async (_req, reply) => {
    try {
      await ping(ctx.store);
      return { ok: true };
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ ok: false, database: 'unreachable' });
    }
  });
  // Before the API: it counts /api responses with a hook added as those routes are declared.
  registerMetrics(app, ctx);
  registerMediaRoutes(app, ctx);
  attachSearchIndex(ctx);
  await app.register(async (api) => registerApi(api, ctx, opts), { prefix: '/api/v1' });
  await app.register(registerApiDocs, { prefix: '/api/docs' });
  registerAdminRoutes(app);
  registerSiteRoutes(app, ctx);
  siteCache?.attach(app, { closeWithApp: ownsCache });
  return app;
}
