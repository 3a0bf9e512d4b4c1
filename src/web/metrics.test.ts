import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestStore } from '../storage/testing.ts';
import { createContext, type AppContext } from './context.ts';
import { buildServer } from './server.ts';
import { articlePath } from '../domain/article.ts';
import { getArticle } from '../storage/content.ts';
import { attachViews, type SiteViews } from '../cache/views.ts';
import { buildNewsroom, rawGet, type Newsroom, type RawResponse } from '../cache/test-support.ts';
import { metricsTokenFromEnv } from '../config.ts';

const engines = await testEngines();
const TOKEN = 'so-lieu-van-hanh-0123456789abcdef';
const mediaDir = () => mkdtempSync(join(tmpdir(), 'toasoan-metrics-media-'));

interface Sample {
  labels: Record<string, string>;
  value: number;
}
interface Family {
  help: string;
  type: string;
  samples: Sample[];
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is HELP, TYPE or a sample `name{labels} value`;
 * every sample's metric has exactly one HELP and one TYPE before it; a metric's samples are contiguous; no series twice.
 */
function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  let current: string | undefined;
  let pending: { name: string; help?: string; type?: string } | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      if (families.has(name)) throw new Error(`metadata after samples or twice: ${line}`);
      if (pending && pending.name !== name) throw new Error(`HELP/TYPE of ${pending.name} without samples`);
      pending ??= { name };
      if (kind === 'HELP') {
        if (pending.help !== undefined || !rest) throw new Error(`HELP twice or empty: ${line}`);
        pending.help = rest;
      } else {
        if (pending.type !== undefined || !/^(counter|gauge|summary|histogram|untyped)$/.test(rest)) throw new Error(`bad TYPE: ${line}`);
        pending.type = rest;
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels, rawValue] = m as unknown as [string, string, string | undefined, string];
    if (pending?.name === name) {
      if (pending.help === undefined || pending.type === undefined) throw new Error(`${name} lacks HELP or TYPE`);
      families.set(name, { help: pending.help, type: pending.type, samples: [] });
      pending = undefined;
      current = name;
    }
    if (current !== name || !families.has(name)) throw new Error(`sample without HELP and TYPE, or not contiguous: ${line}`);
    const labels: Record<string, string> = {};
    let rest = rawLabels ?? '';
    while (rest) {
      const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!l) throw new Error(`bad labels: ${line}`);
      if (l[1]! in labels) throw new Error(`label twice: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(l[0].length);
      if (l[3] === ',' && !rest) throw new Error(`trailing comma: ${line}`);
    }
    const value = rawValue === 'NaN' ? NaN : rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    if (rawValue !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`series twice: ${line}`);
    seen.add(series);
    families.get(name)!.samples.push({ labels, value });
  }
  if (pending) throw new Error(`HELP/TYPE of ${pending.name} without samples`);
  return families;
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const f = families.get(name);
  if (!f) throw new Error(`no metric ${name}`);
  const s = f.samples.filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (s.length !== 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${s.length} samples`);
  return s[0]!.value;
}

/** GET on a kept-alive connection of `agent`. */
function agentGet(base: string, path: string, agent: Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, raw, text: raw.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metricsTokenFromEnv', () => {
  it('is unset when empty, and refuses short or spaced tokens', () => {
    expect(metricsTokenFromEnv({})).toBeUndefined();
    expect(metricsTokenFromEnv({ TOASOAN_METRICS_TOKEN: '  ' })).toBeUndefined();
    expect(metricsTokenFromEnv({ TOASOAN_METRICS_TOKEN: ` ${TOKEN} ` })).toBe(TOKEN);
    expect(() => metricsTokenFromEnv({ TOASOAN_METRICS_TOKEN: 'ngan' })).toThrow(/TOASOAN_METRICS_TOKEN/);
    expect(() => metricsTokenFromEnv({ TOASOAN_METRICS_TOKEN: 'co khoang trang 0123456789' })).toThrow(/TOASOAN_METRICS_TOKEN/);
  });
});

describe.each(engines)('GET /metrics on $engine', ({ open }) => {
  let store: TestStore;
  let n: Newsroom;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  let views: SiteViews;
  let offApp: FastifyInstance;
  let offBase: string;

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
    delete process.env.TOASOAN_METRICS_TOKEN;
    offApp = await buildServer(createContext(store, mediaDir()), { cache: {} });
    offBase = await offApp.listen({ port: 0, host: '127.0.0.1' });
    process.env.TOASOAN_METRICS_TOKEN = TOKEN;
    try {
      ctx = createContext(store, mediaDir());
      app = await buildServer(ctx, { cache: {} });
    } finally {
      delete process.env.TOASOAN_METRICS_TOKEN;
    }
    // Not started: reads stay in memory until the test flushes them.
    views = attachViews(ctx, { refreshMs: 0 });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    views?.detach();
    await app?.close();
    await offApp?.close();
    await store?.dispose();
  });

  const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
  const scrape = async () => {
    const r = await rawGet(base, '/metrics', auth());
    expect(r.status).toBe(200);
    return parseExposition(r.text);
  };

  it('answers 404 when TOASOAN_METRICS_TOKEN is unset, whatever the request carries', async () => {
    for (const headers of [{}, auth()]) {
      const r = await rawGet(offBase, '/metrics', headers);
      expect(r.status).toBe(404);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.text).not.toContain('toasoan_');
    }
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      auth('sai-ma-truy-cap-0123456789abcdef'),
      auth(TOKEN.slice(0, -1)),
      auth(`${TOKEN}x`),
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
    ];
    for (const headers of wrong) {
      const r = await rawGet(base, '/metrics', headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.text).not.toContain('toasoan_');
    }
  });

  it('answers 200 with the token: Prometheus text, every metric with HELP and TYPE, labelled with the pid', async () => {
    const r = await rawGet(base, '/metrics', { authorization: `bearer ${TOKEN}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-cache']).toBeUndefined();
    const families = parseExposition(r.text);
    for (const [name, f] of families) {
      expect(name).toMatch(/^toasoan_/);
      expect(f.type === 'counter').toBe(name.endsWith('_total'));
      for (const s of f.samples) expect(s.labels.pid).toBe(String(process.pid));
    }
    expect([...families.keys()].sort()).toEqual(
      [
        'toasoan_info',
        'toasoan_process_uptime_seconds',
        'toasoan_process_resident_memory_bytes',
        'toasoan_process_heap_used_bytes',
        'toasoan_event_loop_delay_p99_seconds',
        'toasoan_page_cache_hits_total',
        'toasoan_page_cache_misses_total',
        'toasoan_page_cache_socket_misses_total',
        'toasoan_page_renders_total',
        'toasoan_page_render_errors_total',
        'toasoan_page_cache_entries',
        'toasoan_page_cache_bytes',
        'toasoan_page_cache_evictions_total',
        'toasoan_page_cache_invalidations_total',
        'toasoan_page_cache_invalidated_keys_total',
        'toasoan_page_cache_invalidated_pages_total',
        'toasoan_reads_counted_total',
        'toasoan_reads_flushed_total',
        'toasoan_api_responses_total',
      ].sort(),
    );
    expect(value(families, 'toasoan_info', { version: '0.1.0' })).toBe(1);
    expect(value(families, 'toasoan_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(families, 'toasoan_process_heap_used_bytes')).toBeGreaterThan(0);
    expect(value(families, 'toasoan_process_uptime_seconds')).toBeGreaterThan(0);
    expect(families.get('toasoan_page_cache_hits_total')!.samples.map((s) => s.labels.path).sort()).toEqual(['http', 'socket']);
    expect(families.get('toasoan_api_responses_total')!.samples.map((s) => s.labels.code)).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx']);
  });

  it('moves the hit, miss, render and read counters by exactly one miss and two hits (socket and node:http)', async () => {
    const page = articlePath((await getArticle(store.db, n.stories.market))!);
    const before = await scrape();
    const miss = await rawGet(base, page);
    expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
    // A connection of its own: answered on the socket.
    const onSocket = await rawGet(base, page);
    expect([onSocket.status, onSocket.headers['x-cache']]).toEqual([200, 'HIT']);
    // A request the socket path hands to Node first; the page then comes on that same connection through node:http.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await agentGet(base, '/favicon.svg', agent)).status).toBe(200);
      const viaHttp = await agentGet(base, page, agent);
      expect([viaHttp.status, viaHttp.headers['x-cache']]).toEqual([200, 'HIT']);
    } finally {
      agent.destroy();
    }
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('toasoan_page_cache_hits_total', { path: 'socket' })).toBe(1);
    expect(delta('toasoan_page_cache_hits_total', { path: 'http' })).toBe(1);
    expect(delta('toasoan_page_cache_misses_total')).toBe(1);
    expect(delta('toasoan_page_renders_total')).toBe(1);
    expect(delta('toasoan_page_render_errors_total')).toBe(0);
    expect(delta('toasoan_page_cache_entries')).toBe(1);
    expect(delta('toasoan_page_cache_bytes')).toBeGreaterThan(0);
    // Three GETs of a story page: three reads; the scrapes themselves are none.
    expect(delta('toasoan_reads_counted_total')).toBe(3);
    expect(delta('toasoan_reads_flushed_total')).toBe(0);
    // Reader pages are not API responses.
    for (const code of ['2xx', '3xx', '4xx', '5xx']) expect(delta('toasoan_api_responses_total', { code })).toBe(0);

    await views.flush();
    const flushed = await scrape();
    expect(value(flushed, 'toasoan_reads_flushed_total') - value(after, 'toasoan_reads_flushed_total')).toBe(3);
    expect(value(flushed, 'toasoan_reads_counted_total')).toBe(value(after, 'toasoan_reads_counted_total'));
  });

  it('is never stored in the page cache nor counted as a hit, a miss or a read', async () => {
    const entries = ctx.siteCache!.pages.snapshot().entries;
    const first = await scrape();
    for (let i = 0; i < 3; i++) {
      const r = await rawGet(base, '/metrics', auth());
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['x-cache']).toBeUndefined();
    }
    const last = await scrape();
    expect(ctx.siteCache!.pages.has('/metrics')).toBe(false);
    expect(ctx.siteCache!.pages.snapshot().entries).toBe(entries);
    for (const name of ['toasoan_page_cache_misses_total', 'toasoan_page_renders_total', 'toasoan_reads_counted_total']) expect(value(last, name)).toBe(value(first, name));
    for (const path of ['socket', 'http']) expect(value(last, 'toasoan_page_cache_hits_total', { path })).toBe(value(first, 'toasoan_page_cache_hits_total', { path }));
  });

  it('counts API responses by status class, and invalidations with the keys and pages they drop', async () => {
    const before = await scrape();
    expect((await rawGet(base, '/api/v1/articles')).status).toBe(401);
    expect((await rawGet(base, '/api/v1/articles', auth('khong-phai-ma-cua-ai-0123456789'))).status).toBe(401);
    const page = articlePath((await getArticle(store.db, n.stories.policy))!);
    expect((await rawGet(base, page)).status).toBe(200);
    expect(ctx.siteCache!.pages.has(page)).toBe(true);
    await ctx.siteCache!.invalidate({ keys: [`a:${n.stories.policy}`, 'khoa-khong-trang-nao-mang'] });
    expect(ctx.siteCache!.pages.has(page)).toBe(false);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('toasoan_api_responses_total', { code: '4xx' })).toBe(2);
    expect(delta('toasoan_api_responses_total', { code: '2xx' })).toBe(0);
    expect(delta('toasoan_page_cache_invalidations_total')).toBe(1);
    expect(delta('toasoan_page_cache_invalidated_keys_total')).toBe(2);
    expect(delta('toasoan_page_cache_invalidated_pages_total')).toBe(1);
    expect(delta('toasoan_page_cache_entries')).toBe(0);
  });
});
