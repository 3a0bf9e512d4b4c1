import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import type { TestStore } from '../storage/testing.ts';
import type { AppContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { articlePath } from '../domain/article.ts';
import { getArticle } from '../storage/content.ts';
import { parseHitRequest } from './socket-hits.ts';
import { WireClient, answerWithPathOff, startCachedSite, type CachedSite, headersNotMatching, rawGet, wireGet as get, type Newsroom } from './test-support.ts';
import { SESSION_COOKIE } from '../web/api/auth.ts';

describe('parseHitRequest', () => {
  it('reads a plain GET or HEAD and the headers a hit depends on', () => {
    expect(parseHitRequest('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nIf-None-Match: "t"\r\nCookie: c=1\r\nConnection: close')).toEqual({
      method: 'GET',
      url: '/a?b=1',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': '"t"', cookie: 'c=1' },
      close: true,
    });
    expect(parseHitRequest('HEAD / HTTP/1.1\r\nhost: x')).toMatchObject({ method: 'HEAD', url: '/', close: false });
  });

  it('matches field names in any case, trims spaces and tabs, and passes over fields it does not need', () => {
    expect(parseHitRequest('GET /b HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (X11; Linux)\r\nHOST: x:8080\r\nACCEPT-ENCODING:\t br, gzip \t\r\nCookie:a=1; b=2\r\nContent-Length: 0\r\nX-Forwarded-For: 10.0.0.1\r\nconnection: Keep-Alive, CLOSE')).toEqual({
      method: 'GET',
      url: '/b',
      headers: { 'accept-encoding': 'br, gzip', cookie: 'a=1; b=2' },
      close: true,
    });
    expect(parseHitRequest('GET / HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Wed, 25 Nov 2026 12:00:00 GMT\r\nIf-None-Match: W/"a"')?.headers).toEqual({ 'if-modified-since': 'Wed, 25 Nov 2026 12:00:00 GMT', 'if-none-match': 'W/"a"' });
  });

  it.each([
    ['another method', 'POST / HTTP/1.1\r\nHost: x'],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: x'],
    ['no Host', 'GET / HTTP/1.1\r\nAccept: */*'],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y'],
    ['absolute-form target', 'GET http://x/ HTTP/1.1\r\nHost: x'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: x'],
    ['a non-ASCII target', 'GET /\u00e0 HTTP/1.1\r\nHost: x'],
    ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost : x'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\n  folded'],
    ['a bare LF', 'GET / HTTP/1.1\r\nHost: x\nX: y'],
    ['a bare CR', 'GET / HTTP/1.1\r\nHost: x\rX: y'],
    ['a control character', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\u0001b'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nnonsense'],
    ['a body', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5'],
    ['chunked', 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked'],
    ['an upgrade', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket'],
    ['Expect', 'GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue'],
    ['two Accept-Encoding', 'GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nAccept-Encoding: gzip'],
    ['an extra space in the request line', 'GET  / HTTP/1.1\r\nHost: x'],
    ['a non-ASCII field name', 'GET / HTTP/1.1\r\nHost: x\r\nX-\u00e0: y'],
    ['an empty field name', 'GET / HTTP/1.1\r\nHost: x\r\n: y'],
    ['a CR at the end of a value', 'GET / HTTP/1.1\r\nHost: x\r'],
    ['a vertical tab in a value', 'GET / HTTP/1.1\r\nHost: x\u000b'],
    ['a DEL in a value', 'GET / HTTP/1.1\r\nHost: x\u007f'],
    ['two Cookie fields', 'GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2'],
    ['Content-Length other than 0', 'GET / HTTP/1.1\r\nHost: x\r\ncontent-length: 00'],
    ['Upgrade in another case', 'GET / HTTP/1.1\r\nHost: x\r\nUPGRADE: h2c'],
  ])('leaves %s to Node', (_what, head) => {
    expect(parseHitRequest(head)).toBeNull();
  });
});

describe('cache hits answered on the socket', () => {
  let store: TestStore;
  let ctx: AppContext;
  let site: CachedSite;
  let base: string;
  let port: number;
  let n: Newsroom;
  let ricePath: string;
  let policyPath: string;

  beforeAll(async () => {
    site = await startCachedSite();
    ({ store, n, ctx, base, port } = site);
    ricePath = articlePath((await getArticle(store.db, n.stories.rice))!);
    policyPath = articlePath((await getArticle(store.db, n.stories.policy))!);
    // Warm two pages through Node's own path (a new connection's first request is a miss: handed over).
    for (const path of [ricePath, '/kinh-te']) expect((await rawGet(base, path, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('MISS');
  });
  afterAll(async () => site?.close());

  const stats = () => ({ ...ctx.siteCache!.socketHits! });

  it('answers hits with the same status, headers and bytes as Node’s path', async () => {
    // The same site with the socket path off: its hits are answered by serveFast on Node's HTTP path.
    const viaNode = await answerWithPathOff(store, { socketHits: false }, ricePath, ricePath, { 'accept-encoding': 'gzip' });
    expect(viaNode.headers['x-cache']).toBe('HIT');
    const before = stats();
    const r = await WireClient.once(port, get(ricePath));
    expect(stats().answered).toBe(before.answered + 1);
    expect(r.status).toBe(200);
    expect(r.headers['x-cache']).toBe('HIT');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers.date).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(r.headers.connection).toBe('keep-alive');
    // Every header Node's path sends for the same page (security headers included) is here, with the same value.
    const gz = await WireClient.once(port, get(ricePath).replace('gzip, deflate, br', 'gzip'));
    expect(gz.headers.connection).toBe('keep-alive');
    expect(headersNotMatching(viaNode, gz)).toEqual([]);
    expect(gunzipSync(gz.body).toString('utf8')).toBe(viaNode.text);
  });

  it('answers many requests on one connection, pipelined too, a story miss among them, then hands a listing miss to Node in order', async () => {
    const before = stats();
    const c = await WireClient.open(port);
    c.send(get(ricePath) + get('/kinh-te') + get(policyPath) + get('/the-thao') + get(ricePath));
    const responses = [await c.response(), await c.response(), await c.response(), await c.response(), await c.response()];
    expect(responses.map((r) => [r.status, r.headers['x-cache']])).toEqual([
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'MISS'],
      [200, 'MISS'],
      [200, 'HIT'],
    ]);
    expect(gunzipSync(responses[2]!.body).toString('utf8')).toContain('Hội đồng nhân dân tỉnh họp phiên thường kỳ');
    expect(stats().answered).toBe(before.answered + 2);
    expect(stats().missesAnswered).toBe(before.missesAnswered + 1);
    expect(stats().handedOff).toBe(before.handedOff + 1);
    // The connection now belongs to Node and stays usable.
    c.send(get(policyPath));
    expect((await c.response()).headers['x-cache']).toBe('HIT');
    c.close();
  });

  it('closes a connection idle for the keep-alive timeout, not sooner, and keeps one that goes on asking', async () => {
    const server = site.app.server;
    const before = server.keepAliveTimeout;
    server.keepAliveTimeout = 600;
    try {
      const idle = await WireClient.open(port);
      const busy = await WireClient.open(port);
      idle.send(get(ricePath));
      expect((await idle.response()).headers['x-cache']).toBe('HIT');
      const answeredAt = Date.now();
      let closedAfter: number | undefined;
      void idle.waitClosed().then(() => (closedAfter = Date.now() - answeredAt));
      // The busy connection asks every 100 ms until the idle one is closed (or 4 s): each request starts its timeout again.
      for (let i = 0; i < 40 && closedAfter === undefined; i++) {
        busy.send(get(ricePath));
        expect((await busy.response()).headers['x-cache']).toBe('HIT');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(closedAfter).toBeGreaterThanOrEqual(600);
      expect(busy.closed).toBe(false);
      busy.close();
    } finally {
      server.keepAliveTimeout = before;
    }
  });

  it('reads a request that arrives a few bytes at a time', async () => {
    const before = stats();
    const c = await WireClient.open(port);
    const text = get('/kinh-te');
    for (let i = 0; i < text.length; i += 7) {
      c.send(text.slice(i, i + 7));
      await new Promise((r) => setTimeout(r, 1));
    }
    const r = await c.response();
    c.close();
    expect(r.status).toBe(200);
    expect(stats().answered).toBe(before.answered + 1);
  });

  it('answers HEAD without a body and If-None-Match with 304, then goes on', async () => {
    const c = await WireClient.open(port);
    c.send(get(ricePath).replace('GET', 'HEAD'));
    const head = await c.response({ head: true });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    c.send(get(ricePath, `If-None-Match: ${head.headers.etag}\r\n`));
    const nm = await c.response();
    expect(nm.status).toBe(304);
    expect(nm.headers.etag).toBe(head.headers.etag);
    c.send(get(ricePath));
    expect((await c.response()).status).toBe(200);
    c.close();
  });

  it('closes after answering Connection: close', async () => {
    const c = await WireClient.open(port);
    c.send(get(ricePath, 'Connection: close\r\n'));
    const r = await c.response();
    expect(r.headers.connection).toBe('close');
    await c.waitClosed();
    expect(c.closed).toBe(true);
  });

  it('leaves newsroom sessions, other methods, HTTP/1.0 and malformed requests to Node', async () => {
    const before = stats();
    const cases: Array<[string, number]> = [
      [get(ricePath, `Cookie: ${SESSION_COOKIE}=abc\r\n`), 200],
      ['POST /kinh-te HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n', 404],
      [`GET ${ricePath} HTTP/1.0\r\n\r\n`, 200],
      ['GET /kinh-te HTTP/1.1\r\nHost: localhost\r\nX-Bad : value\r\n\r\n', 400],
      ['GET /kinh-te HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n', 400],
    ];
    for (const [request, status] of cases) {
      const r = await WireClient.once(port, request);
      expect([request, r.status]).toEqual([request, status]);
      if (status === 200) expect(r.headers['cache-control']).toBeDefined();
    }
    expect(stats().answered).toBe(before.answered);
    expect(stats().handedOff).toBe(before.handedOff + cases.length);
  });

  it('hands a slashed spelling of a cached page to Node, whose router answers the 301', async () => {
    const before = stats();
    const c = await WireClient.open(port);
    c.send(get('/kinh-te') + get('/kinh-te/') + get('//kinh-te?utm_source=zalo') + get('/kinh-te'));
    const responses = [await c.response(), await c.response(), await c.response(), await c.response()];
    c.close();
    expect(responses.map((r) => [r.status, r.headers.location, r.headers['x-cache']])).toEqual([
      [200, undefined, 'HIT'],
      [301, '/kinh-te', undefined],
      [301, '/kinh-te?utm_source=zalo', undefined],
      [200, undefined, 'HIT'],
    ]);
    expect(responses[1]!.body.length).toBe(0);
    expect(stats().answered).toBe(before.answered + 1);
    expect(stats().handedOff).toBe(before.handedOff + 1);
  });

  it('hands an over-long head to Node, which answers 431', async () => {
    const c = await WireClient.open(port);
    c.send(get('/kinh-te', `X-Long: ${'a'.repeat(20_000)}\r\n`));
    expect((await c.response()).status).toBe(431);
    c.close();
  });

  it('a page invalidated between two requests on one connection is rendered again', async () => {
    const c = await WireClient.open(port);
    c.send(get('/kinh-te'));
    expect((await c.response()).headers['x-cache']).toBe('HIT');
    ctx.siteCache!.pages.invalidate([`c:${n.cat.kinhTe}`]);
    c.send(get('/kinh-te'));
    expect((await c.response()).headers['x-cache']).toBe('MISS');
    c.close();
  });

  it('closing the server closes idle keep-alive connections it holds', async () => {
    const other = await buildServer(ctx, { cache: {} });
    const otherBase = await other.listen({ port: 0, host: '127.0.0.1' });
    await rawGet(otherBase, ricePath);
    const c = await WireClient.open(Number(new URL(otherBase).port));
    c.send(get(ricePath));
    expect((await c.response()).headers['x-cache']).toBe('HIT');
    await other.close();
    await c.waitClosed();
    expect(c.closed).toBe(true);
  });
});
