import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestStore } from '../storage/testing.ts';
import { createContext, type AppContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { alsoTakesGzip } from './http.ts';
import { articlePath } from '../domain/article.ts';
import { createArticle, getArticle } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import { httpPurgeHook } from './purge.ts';
import { buildNewsroom, rawGet, type Newsroom } from './test-support.ts';
import { SESSION_COOKIE } from '../web/api/auth.ts';

const engines = await testEngines();

describe.each(engines)('cached reader pages over HTTP on $engine', ({ open }) => {
  let store: TestStore;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  let n: Newsroom;
  let purger: Server;
  const purged: Array<{ header: string; body: { keys: string[] }; auth: string | undefined }> = [];

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
    purger = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        purged.push({ header: String(req.headers['surrogate-key']), body: JSON.parse(body) as { keys: string[] }, auth: req.headers.authorization });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => purger.listen(0, '127.0.0.1', r));
    const purgeUrl = `http://127.0.0.1:${(purger.address() as AddressInfo).port}/purge`;
    ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    app = await buildServer(ctx, { cache: { purge: httpPurgeHook(purgeUrl, 'bi-mat'), policy: { sMaxAge: 300, staleWhileRevalidate: 60, staleIfError: 86400 } } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    purger?.close();
    await store?.dispose();
  });

  const path = async (id: number) => articlePath((await getArticle(store.db, id))!);

  it('50 concurrent requests for an uncached page cause exactly one render', async () => {
    const url = await path(n.stories.sport[3]!);
    const rendered: string[] = [];
    const off = ctx.siteCache!.pages.onRender((key) => rendered.push(key));
    const responses = await Promise.all(Array.from({ length: 50 }, () => rawGet(base, url, { 'accept-encoding': 'gzip' })));
    off();
    expect(rendered).toEqual([url]);
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });

  it('brotli, gzip and identity bodies decode to the same HTML, on a miss and on a hit', async () => {
    const url = await path(n.stories.rice);
    const miss = await rawGet(base, url, { 'accept-encoding': 'br' });
    expect(miss.headers['x-cache']).toBe('MISS');
    const br = await rawGet(base, url, { 'accept-encoding': 'gzip, deflate, br' });
    const gz = await rawGet(base, url, { 'accept-encoding': 'gzip' });
    const plain = await rawGet(base, url);
    expect([br.headers['x-cache'], gz.headers['x-cache'], plain.headers['x-cache']]).toEqual(['HIT', 'HIT', 'HIT']);
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.text).toBe(miss.text);
    expect(gz.text).toBe(miss.text);
    expect(plain.text).toBe(miss.text);
    expect(plain.text).toContain('Giá lúa đầu vụ');
    expect(Number(gz.headers['content-length'])).toBe(gz.raw.length);
    expect(gz.raw.length).toBeLessThan(plain.raw.length);
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('answers 304 to If-None-Match, before and after Fastify', async () => {
    const url = await path(n.stories.market);
    const first = await rawGet(base, url, { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await rawGet(base, url, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe(first.headers['cache-control']);
    expect((await rawGet(base, url, { 'accept-encoding': 'gzip', 'if-none-match': '"something-else"' })).status).toBe(200);
    // A client switching encodings still revalidates: every representation shares the validator.
    expect((await rawGet(base, url, { 'accept-encoding': 'br', 'if-none-match': `W/${etag}` })).status).toBe(304);
  });

  it('sends CDN headers: s-maxage, stale-while-revalidate, stale-if-error, Surrogate-Key, Cache-Tag, Vary', async () => {
    const url = await path(n.stories.policy);
    for (const res of [await rawGet(base, url, { 'accept-encoding': 'gzip' }), await rawGet(base, url, { 'accept-encoding': 'gzip' })]) {
      expect(res.headers['cache-control']).toBe('public, max-age=0, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400');
      expect(res.headers.vary).toBe('Accept-Encoding');
      const keys = String(res.headers['surrogate-key']).split(' ');
      expect(keys).toContain(`a:${n.stories.policy}`);
      expect(keys).toContain('settings');
      expect(String(res.headers['cache-tag']).split(',')).toEqual(keys);
    }
  });

  it('hits answered before routing carry the same security headers as the rendered response', async () => {
    const miss = await rawGet(base, '/kinh-te', { 'accept-encoding': 'gzip' });
    const hit = await rawGet(base, '/kinh-te', { 'accept-encoding': 'gzip' });
    expect(hit.headers['x-cache']).toBe('HIT');
    for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'content-type', 'permissions-policy']) {
      expect(hit.headers[h], h).toBe(miss.headers[h]);
      expect(hit.headers[h], h).toBeDefined();
    }
  });

  it('sends Cross-Origin-Opener-Policy to the newsroom and logged-in members, not with public reader pages', async () => {
    const reader = await rawGet(base, '/kinh-te', { 'accept-encoding': 'gzip' });
    expect(reader.headers['cross-origin-opener-policy']).toBeUndefined();
    const member = await rawGet(base, '/kinh-te', { cookie: `${SESSION_COOKIE}=khong-hop-le` });
    expect(member.headers['cross-origin-opener-policy']).toBe('same-origin');
    for (const path of ['/admin', '/admin/bai-viet', '/api/v1/me', '/api/docs']) {
      expect((await rawGet(base, path)).headers['cross-origin-opener-policy'], path).toBe('same-origin');
    }
  });

  it('feeds keep their content type and Last-Modified from the cache, answer If-Modified-Since, and follow publishes', async () => {
    const miss = await rawGet(base, '/rss.xml', { 'accept-encoding': 'gzip' });
    expect(miss.status).toBe(200);
    const hit = await rawGet(base, '/rss.xml', { 'accept-encoding': 'gzip' });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['content-type']).toBe(miss.headers['content-type']);
    expect(String(hit.headers['content-type'])).toContain('xml');
    expect(hit.headers['last-modified']).toBe(miss.headers['last-modified']);
    expect(hit.headers['content-security-policy']).toBeUndefined();
    const since = String(hit.headers['last-modified']);
    expect((await rawGet(base, '/rss.xml', { 'if-modified-since': since })).status).toBe(304);
    expect((await rawGet(base, '/rss.xml', { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(200);
    // Last-Modified has one-second resolution: publish in a later second than the copy the client holds.
    await new Promise((r) => setTimeout(r, 1100));
    const id = await createArticle(store.db, { title: 'Mùa nước nổi về sớm', body: { type: 'doc', content: [paragraph('Nước lên nhanh.')] }, categoryId: n.cat.thoiSu, status: 'published' });
    await ctx.events.emit({ type: 'article.published', articleId: id });
    const after = await rawGet(base, '/rss.xml', { 'accept-encoding': 'gzip', 'if-modified-since': since });
    expect(after.status).toBe(200);
    expect(after.text).toContain('Mùa nước nổi về sớm');
  });

  it('HEAD answers headers only', async () => {
    await rawGet(base, '/thoi-su', { 'accept-encoding': 'gzip' });
    const head = await rawGet(base, '/thoi-su', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.raw.length).toBe(0);
  });

  it('tracking parameters share the page\'s entry; the page number does not', async () => {
    const url = await path(n.stories.sport[5]!);
    await rawGet(base, url);
    expect((await rawGet(base, `${url}?fbclid=IwAR0abc&zarsrc=30`)).headers['x-cache']).toBe('HIT');
    await rawGet(base, '/the-thao');
    const p2 = await rawGet(base, '/the-thao?trang=2&utm_source=zalo');
    expect(p2.headers['x-cache']).toBe('MISS');
    expect(p2.text).not.toBe((await rawGet(base, '/the-thao')).text);
  });

  it('a redirect keeps each visitor\'s query string, and the cached 301 carries none of them to the next visitor', async () => {
    const canonical = await path(n.stories.market);
    const other = canonical.toUpperCase().replace('.HTML', '.html');
    const first = await rawGet(base, `${other}?utm_source=zalo&utm_medium=social`);
    expect(first.status).toBe(301);
    expect(first.headers.location).toBe(`${canonical}?utm_source=zalo&utm_medium=social`);
    expect(ctx.siteCache!.pages.peek(other)?.location).toBe(canonical);
    const second = await rawGet(base, `${other}?fbclid=IwAR0`);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.location).toBe(`${canonical}?fbclid=IwAR0`);
    // Without a query string the stored answer goes out as it is, on the socket path.
    const bare = await rawGet(base, other);
    expect([bare.status, bare.headers['x-cache'], bare.headers.location]).toEqual([301, 'HIT', canonical]);
    // Encoded CR/LF stays encoded, raw quotes and angle brackets are encoded: no header is added, the target stays here.
    const hostile = await rawGet(base, `${other}?x=%0d%0aSet-Cookie:%20a=b&u="<b>"&next=//evil.example/`);
    expect(hostile.status).toBe(301);
    expect(hostile.headers['set-cookie']).toBeUndefined();
    expect(hostile.headers.location).toBe(`${canonical}?x=%0d%0aSet-Cookie:%20a=b&u=%22%3Cb%3E%22&next=//evil.example/`);
    expect(new URL(String(hostile.headers.location), base).host).toBe(new URL(base).host);
    // Sent as raw bytes (a URL object would have encoded them first).
    const { port } = new URL(base);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${other}?u="<b>"\\{x} HTTP/1.1\r\nHost: bao.example\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 301 /);
    expect(head).toContain(`\r\nlocation: ${canonical}?u=%22%3Cb%3E%22%5C%7Bx%7D\r\n`);
    // The canonical page itself is untouched by all this.
    expect((await rawGet(base, `${canonical}?utm_source=zalo`)).status).toBe(200);
  });

  it('a trailing or doubled slash is a 301 to the canonical path with the visitor\'s query, never the page under a second key', async () => {
    const story = await path(n.stories.rice);
    for (const canonical of ['/the-thao', story]) {
      const page = await rawGet(base, canonical);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(new RegExp(`<link rel="canonical" href="https?://[^"/]+${canonical.replace(/[.]/g, '\\.')}">`));
      expect((await rawGet(base, canonical)).headers['x-cache']).toBe('HIT');
      // Asked again and again, with the page cached: a 301 each time, made by the handler, nothing stored for it.
      for (const slashed of [`${canonical}/`, `${canonical}/`, `${canonical}//`]) {
        const res = await rawGet(base, slashed);
        expect([slashed, res.status, res.headers.location, res.headers['x-cache'], res.raw.length]).toEqual([slashed, 301, canonical, undefined, 0]);
        expect(ctx.siteCache!.pages.has(slashed)).toBe(false);
      }
      const head = await rawGet(base, `${canonical}/`, {}, 'HEAD');
      expect([head.status, head.headers.location]).toEqual([301, canonical]);
      const campaign = await rawGet(base, `${canonical}/?utm_source=zalo&fbclid=IwAR0`);
      expect([campaign.status, campaign.headers.location]).toEqual([301, `${canonical}?utm_source=zalo&fbclid=IwAR0`]);
    }
    // Sent as raw bytes: a URL object would read `//evil.example/` as another host before the request is made.
    const { host, port } = new URL(base);
    const raw = (target: string) =>
      new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
        socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), location: /\r\nlocation: ([^\r]*)\r\n/.exec(text)?.[1] }));
        socket.on('error', reject);
      });
    const cases: Array<[string, string]> = [
      ['//the-thao', '/the-thao'],
      ['//the-thao/?utm_source=zalo', '/the-thao?utm_source=zalo'],
      ['//', '/'],
      ['//evil.example', '/evil.example'],
      ['//evil.example/', '/evil.example'],
      ['///evil.example/', '/evil.example'],
      ['//evil.example/x/?next=//evil.example', '/evil.example/x?next=//evil.example'],
      ['/\\evil.example/', '/%5Cevil.example'],
      ['/\\/evil.example/', '/%5C/evil.example'],
    ];
    for (const [target, location] of cases) {
      const res = await raw(target);
      expect([target, res.status, res.location]).toEqual([target, 301, location]);
      expect(new URL(location, base).host, target).toBe(host);
    }
  });

  it('never serves or stores pages for a logged-in newsroom request', async () => {
    const url = await path(n.stories.sport[6]!);
    const cookie = { cookie: `theme=dark; ${SESSION_COOKIE}=abc123` };
    const a = await rawGet(base, url, cookie);
    expect(a.status).toBe(200);
    expect(a.headers['x-cache']).toBeUndefined();
    expect(a.headers['cache-control']).toBe('private, no-store');
    expect(ctx.siteCache!.pages.has(url)).toBe(false);
    await rawGet(base, url);
    const b = await rawGet(base, url, cookie);
    expect(b.headers['x-cache']).toBeUndefined();
    expect(b.headers['cache-control']).toBe('private, no-store');
  });

  it('does not cache 404s, the API or the media routes', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await rawGet(base, '/khong-co-trang-nay');
      expect(res.status).toBe(404);
      expect(res.headers['x-cache']).toBe('MISS');
    }
    const api = await rawGet(base, '/api/v1/khong-co');
    expect(api.headers['x-cache']).toBeUndefined();
    // Their slashed URLs are theirs too: not moved to a reader spelling.
    for (const url of ['/api/v1/khong-co/', '/api/docs/', '/media/khong/co/', '/admin/', '/healthz/']) {
      const res = await rawGet(base, url);
      expect([url, res.status === 301, res.headers['x-cache']]).toEqual([url, false, undefined]);
    }
    expect(ctx.siteCache!.pages.has('/khong-co-trang-nay')).toBe(false);
  });

  it('calls the purge hook once with exactly the invalidated keys', async () => {
    purged.length = 0;
    const id = await createArticle(store.db, { title: 'Khánh thành cầu mới qua sông', body: { type: 'doc', content: [paragraph('Cầu dài ba trăm mét.')] }, categoryId: n.cat.thoiSu, status: 'published', tags: ['Giao thông'], bylines: [{ personId: n.person.lan.id }] });
    await ctx.events.emit({ type: 'article.published', articleId: id });
    expect(purged).toHaveLength(1);
    const tag = await store.db.selectFrom('tags').select('id').where('slug', '=', 'giao-thong').executeTakeFirstOrThrow();
    const expected = [`a:${id}`, `s:${id}`, `c:${n.cat.thoiSu}`, `t:${tag.id}`, `p:${n.person.lan.id}`, 'home', 'latest', `ch:${n.cat.thoiSu}`];
    expect(purged[0]!.body.keys.sort()).toEqual(expected.sort());
    expect(purged[0]!.header.split(' ').sort()).toEqual(expected.sort());
    expect(purged[0]!.auth).toBe('Bearer bi-mat');
  });
});

describe('alsoTakesGzip', () => {
  it('tells whether a client preferring brotli takes gzip as well', () => {
    expect(alsoTakesGzip('gzip, deflate, br, zstd', 'br')).toBe(true);
    expect(alsoTakesGzip('br, gzip', 'br')).toBe(true);
    expect(alsoTakesGzip('br', 'br')).toBe(false);
    expect(alsoTakesGzip('br;q=1, gzip;q=0', 'br')).toBe(false);
    expect(alsoTakesGzip('BR;q=0.9, GZIP;q=0.5', 'br')).toBe(true);
    expect(alsoTakesGzip('gzip', 'gzip')).toBe(true);
    expect(alsoTakesGzip(undefined, 'identity')).toBe(false);
  });
});
