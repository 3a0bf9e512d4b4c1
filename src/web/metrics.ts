import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import type { AppContext } from './context.ts';
import { metricsTokenFromEnv } from '../config.ts';
import { viewsOf } from '../cache/views.ts';

/**
 * GET /metrics: operator numbers in the Prometheus text format (0.0.4), behind a bearer token.
 *
 * Per process: under `serve --workers N` each worker answers for itself (label `pid`), and which worker answers a
 * scrape is the kernel's choice; nothing is summed across workers. Counters already kept elsewhere (page cache,
 * socket hits, reads) are read at scrape time; the few added here (API responses, invalidations) run off the reader
 * hit path, which this module leaves untouched.
 */

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

type MetricType = 'counter' | 'gauge';

/** Builds the exposition text: HELP and TYPE once per metric, then its samples, each labelled with the pid. */
class Exposition {
  private readonly lines: string[] = [];
  private readonly pid = `pid="${process.pid}"`;

  metric(name: string, type: MetricType, help: string, samples: Array<[labels: Record<string, string>, value: number]> | number): void {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of typeof samples === 'number' ? [[{}, samples] as [Record<string, string>, number]] : samples) {
      const extra = Object.entries(labels).map(([k, v]) => `,${k}="${escapeLabel(v)}"`).join('');
      this.lines.push(`${name}{${this.pid}${extra}} ${formatValue(value)}`);
    }
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Compares digests, so neither the token's characters nor its length show in the time taken. */
function tokenMatches(header: string | undefined, expected: Buffer): boolean {
  const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return timingSafeEqual(digest(m?.[1] ?? ''), expected) && m !== null;
}

/**
 * Adds GET /metrics (and the counters only it reads) to the app. Call before the API is registered: API responses are
 * counted by an onResponse hook added to /api routes as they are declared, so no other route pays for it.
 * `token` defaults to TOASOAN_METRICS_TOKEN; without one the endpoint answers 404.
 */
export function registerMetrics(app: FastifyInstance, ctx: AppContext, token: string | undefined = metricsTokenFromEnv()): void {
  const plain = (reply: FastifyReply, status: number, text: string) => reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text);
  // Never served by the page cache: /metrics is a route of its own, so the reader catch-all never renders or stores it.
  if (token === undefined) {
    app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => plain(reply, 404, 'Không tìm thấy\n'));
    return;
  }
  const expected = digest(token);

  // API responses by status class: onResponse only on /api routes (a reader page never reaches this code).
  const apiResponses = [0, 0, 0, 0, 0, 0];
  const countApi: onResponseHookHandler = (_req, reply, done) => {
    const cls = Math.floor(reply.statusCode / 100);
    if (cls >= 1 && cls <= 5) apiResponses[cls]!++;
    done();
  };
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const own = route.onResponse;
    route.onResponse = own === undefined ? [countApi] : Array.isArray(own) ? [...own, countApi] : [own, countApi];
  });

  // Invalidations seen by this process's page cache (its own and those fanned out from other processes).
  const invalidations = { calls: 0, keys: 0 };
  const unsubscribe = ctx.siteCache?.pages.onInvalidate((keys) => {
    invalidations.calls++;
    invalidations.keys += keys.length;
  });
  // p99 since the previous scrape of this process: reset after each.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  app.addHook('onClose', async () => {
    loopDelay.disable();
    unsubscribe?.();
  });

  app.get('/metrics', { logLevel: 'warn' }, async (req: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(req.headers.authorization, expected)) {
      req.log.warn('GET /metrics: thiếu hoặc sai mã truy cập');
      return plain(reply.header('www-authenticate', 'Bearer realm="toasoan-metrics"'), 401, 'Cần mã truy cập hợp lệ (Authorization: Bearer …)\n');
    }
    const out = new Exposition();
    out.metric('toasoan_info', 'gauge', 'Build of this process (value 1; one series per worker process).', [[{ version: VERSION }, 1]]);
    out.metric('toasoan_process_uptime_seconds', 'gauge', 'Seconds since this process started.', process.uptime());
    const mem = process.memoryUsage();
    out.metric('toasoan_process_resident_memory_bytes', 'gauge', 'Resident set size of this process.', mem.rss);
    out.metric('toasoan_process_heap_used_bytes', 'gauge', 'V8 heap used by this process.', mem.heapUsed);
    out.metric('toasoan_event_loop_delay_p99_seconds', 'gauge', 'Event-loop delay, 99th percentile, since the previous scrape of this process (NaN before any sample).', loopDelay.count > 0 ? loopDelay.percentile(99) / 1e9 : NaN);
    loopDelay.reset();

    const cache = ctx.siteCache;
    if (cache) {
      const s = cache.pages.snapshot();
      const onSocket = cache.socketHits?.answered ?? 0;
      out.metric('toasoan_page_cache_hits_total', 'counter', 'Reader requests answered from the page cache by this process (304s included), by path: socket (on the keep-alive socket) or http (Node HTTP server, before or inside Fastify).', [
        [{ path: 'socket' }, onSocket],
        [{ path: 'http' }, Math.max(0, s.hits - onSocket)],
      ]);
      out.metric('toasoan_page_cache_misses_total', 'counter', 'Page cache misses in this process that started a render (concurrent requests for one page share it).', s.misses);
      out.metric('toasoan_page_cache_socket_misses_total', 'counter', 'Story-page requests this process answered on the keep-alive socket after joining the page from stored parts (misses, and requests joined to one).', cache.socketHits?.missesAnswered ?? 0);
      out.metric('toasoan_page_renders_total', 'counter', 'Page renders run for the page cache in this process.', s.renders);
      out.metric('toasoan_page_render_errors_total', 'counter', 'Page renders for the page cache that failed in this process.', s.renderErrors);
      out.metric('toasoan_page_cache_entries', 'gauge', 'Pages held in this process page cache.', s.entries);
      out.metric('toasoan_page_cache_bytes', 'gauge', 'Bytes counted against TOASOAN_CACHE_MB in this process page cache (bodies plus per-entry overhead).', s.bytes);
      out.metric('toasoan_page_cache_evictions_total', 'counter', 'Pages dropped from this process page cache to stay within its size.', s.evictions);
      out.metric('toasoan_page_cache_invalidations_total', 'counter', 'Invalidations applied to this process page cache (local and fanned out from other processes).', invalidations.calls);
      out.metric('toasoan_page_cache_invalidated_keys_total', 'counter', 'Dependency keys named by those invalidations.', invalidations.keys);
      out.metric('toasoan_page_cache_invalidated_pages_total', 'counter', 'Pages dropped from this process page cache by invalidations.', s.invalidatedPages);
    }

    const views = viewsOf(ctx);
    if (views?.counter) {
      const flushed = views.readsFlushed;
      out.metric('toasoan_reads_counted_total', 'counter', 'Story page reads counted by this process.', flushed + views.readsFlushing + views.counter.pendingTotal());
      out.metric('toasoan_reads_flushed_total', 'counter', 'Story page reads this process wrote to article_views.', flushed);
    }

    out.metric(
      'toasoan_api_responses_total',
      'counter',
      'Responses of /api routes sent by this process, by status class.',
      apiResponses.flatMap((n, cls) => (cls === 0 ? [] : [[{ code: `${cls}xx` }, n] as [Record<string, string>, number]])),
    );
    return reply.code(200).header('cache-control', 'no-store').type(METRICS_CONTENT_TYPE).send(out.text());
  });
}
