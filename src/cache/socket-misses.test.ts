import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { articlePath } from '../domain/article.ts';
import { getArticle } from '../storage/content.ts';
import { WireClient, answerWithPathOff, startCachedSite, type CachedSite, type WireResponse, headersNotMatching, rawGet, wireGet as get, type Newsroom } from './test-support.ts';
import type { SiteCache } from './site-cache.ts';
import { SESSION_COOKIE } from './http.ts';

/** Story-page misses joined from stored parts and answered on the socket path (socket-hits.ts, SiteCache.answerMiss). */
describe('story-page misses answered on the socket', () => {
  let site: CachedSite;
  let n: Newsroom;
  let port: number;
  let cache: SiteCache;
  let path: (id: number) => Promise<string>;
  const sport = (i: number) => n.stories.sport[i]!;

  beforeAll(async () => {
    site = await startCachedSite();
    ({ n, port } = site);
    cache = site.ctx.siteCache!;
    path = async (id) => articlePath((await getArticle(site.store.db, id))!);
    // The headers the rest of the app adds are learnt from a page it sends; until then every miss goes to it.
    expect((await rawGet(site.base, '/kinh-te', { 'accept-encoding': 'gzip' })).status).toBe(200);
  });
  afterAll(async () => site?.close());
  beforeEach(() => {
    cache.pages.clear();
  });

  const stats = () => ({ ...cache.socketHits! });
  const text = (r: WireResponse) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : gunzipSync(r.body)).toString('utf8');

  /** Holds every join until released, so a test can act while a miss is being made. */
  const gateJoins = () => {
    const join = cache.joinStory!;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started = 0;
    cache.joinStory = async (p) => {
      started++;
      await gate;
      return join(p);
    };
    return {
      started: () => started,
      release: () => {
        open();
        cache.joinStory = join;
      },
    };
  };

  const until = async (what: () => boolean) => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 2));
    expect(what()).toBe(true);
  };

  it('answers a miss with the status, headers and page Node’s path gives', async () => {
    const story = await path(n.stories.market);
    // The same site with socket misses off: its miss is joined and sent by the application.
    const viaNode = await answerWithPathOff(site.store, { socketMisses: false }, '/kinh-te', story, { 'accept-encoding': 'gzip, deflate, br' });
    expect(viaNode.headers['x-cache']).toBe('MISS');

    const before = stats();
    const r = await WireClient.once(port, get(story));
    expect(stats().missesAnswered).toBe(before.missesAnswered + 1);
    expect(stats().handedOff).toBe(before.handedOff);
    expect(r.status).toBe(200);
    expect(r.headers['x-cache']).toBe('MISS');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.connection).toBe('keep-alive');
    expect(headersNotMatching(viaNode, r)).toEqual([]);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(gunzipSync(r.body).toString('utf8')).toBe(viaNode.text);
    // Stored: the next request is a hit.
    expect((await rawGet(site.base, story, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('HIT');
  });

  it('answers pipelined misses and hits in the order they were asked', async () => {
    const [a, b] = [await path(sport(0)), await path(sport(1))];
    await rawGet(site.base, a, { 'accept-encoding': 'gzip' });
    const before = stats();
    const c = await WireClient.open(port);
    c.send(get(b) + get(a) + get(b, 'Accept: text/html\r\n') + get('/the-thao'));
    const responses = [await c.response(), await c.response(), await c.response(), await c.response()];
    expect(responses.map((r) => [r.status, r.headers['x-cache']])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'MISS'],
    ]);
    expect(gunzipSync(responses[0]!.body).toString('utf8')).toContain('Vòng đấu thứ 2 ');
    expect(stats().missesAnswered).toBe(before.missesAnswered + 1);
    expect(stats().answered).toBe(before.answered + 2);
    // The listing went to Node, and the connection with it.
    expect(stats().handedOff).toBe(before.handedOff + 1);
    c.close();
  });

  it('answers HEAD and If-None-Match on a miss, and counts a read only for GET answered', async () => {
    const story = await path(sport(2));
    const c = await WireClient.open(port);
    c.send(get(story).replace('GET', 'HEAD'));
    const head = await c.response({ head: true });
    expect([head.status, head.headers['x-cache']]).toEqual([200, 'MISS']);
    const full = await rawGet(site.base, story, { 'accept-encoding': 'gzip' });
    expect(Number(head.headers['content-length'])).toBe(full.raw.length);
    expect(head.headers.etag).toBe(full.headers.etag);
    cache.pages.clear();
    const reads = cache.views?.pendingTotal();
    c.send(get(story, `If-None-Match: ${head.headers.etag}\r\n`));
    const nm = await c.response();
    expect([nm.status, nm.headers['x-cache'], nm.body.length]).toEqual([304, 'MISS', 0]);
    if (reads !== undefined) expect(cache.views!.pendingTotal()).toBe(reads + 1);
    c.close();
  });

  it('answers a shared link with tracking parameters; gives `trang`, a brotli-only client or a newsroom session to the application', async () => {
    const story = await path(sport(3));
    let before = stats();
    const shared = await WireClient.once(port, get(`${story}?fbclid=IwAR0x&utm_source=zalo`));
    expect([shared.status, shared.headers['x-cache'], stats().missesAnswered]).toEqual([200, 'MISS', before.missesAnswered + 1]);
    // Stored under the story's own key: the plain link is a hit.
    expect((await WireClient.once(port, get(story))).headers['x-cache']).toBe('HIT');
    cache.pages.clear();
    before = stats();
    for (const request of [get(story).replace('gzip, deflate, br', 'br'), get(`${story}?trang=2`), get(story, `Cookie: ${SESSION_COOKIE}=abc\r\n`)]) {
      expect((await WireClient.once(port, request)).status).toBeLessThan(500);
      cache.pages.clear();
    }
    expect(stats().missesAnswered).toBe(before.missesAnswered);
    expect(stats().handedOff).toBe(before.handedOff + 3);
  });

  it('hands what the join declines to Node with the bytes behind it: old spelling, take-down, unknown story', async () => {
    const story = await path(sport(4));
    const id = sport(4);
    const oldSpelling = story.replace(/^\/[^/]*-post/, '/ten-cu-post');
    const gone = sport(5);
    const gonePath = await path(gone);
    await site.store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', gone).execute();
    await site.ctx.events.emit({ type: 'article.unpublished', articleId: gone });
    const before = stats();
    const c = await WireClient.open(port);
    c.send(get(oldSpelling) + get(story));
    const moved = await c.response();
    const after = await c.response();
    expect([moved.status, moved.headers.location]).toEqual([301, story]);
    expect([after.status, after.headers['x-cache']]).toEqual([200, 'MISS']);
    c.close();
    const c2 = await WireClient.open(port);
    c2.send(get(gonePath) + get(`/khong-co-post${id + 100_000}.html`));
    expect((await c2.response()).status).toBe(410);
    expect((await c2.response()).status).toBe(404);
    c2.close();
    expect(stats().missesAnswered).toBe(before.missesAnswered);
    expect(stats().handedOff).toBe(before.handedOff + 2);
  });

  it('renders once for 50 connections asking for one uncached story at once', async () => {
    const story = await path(sport(6));
    let renders = 0;
    const off = cache.pages.onRender((key) => key === story && renders++);
    const clients = await Promise.all(Array.from({ length: 50 }, () => WireClient.open(port)));
    const gate = gateJoins();
    for (const c of clients) c.send(get(story));
    await until(() => gate.started() >= 1);
    gate.release();
    const responses = await Promise.all(clients.map((c) => c.response()));
    off();
    for (const c of clients) c.close();
    expect(renders).toBe(1);
    expect(gate.started()).toBe(1);
    const bodies = new Set(responses.map(text));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(bodies.size).toBe(1);
  });

  it('keeps bytes that arrive while a miss is joined, and answers them after it', async () => {
    const [a, b] = [await path(sport(7)), await path(sport(8))];
    await rawGet(site.base, b, { 'accept-encoding': 'gzip' });
    const gate = gateJoins();
    const c = await WireClient.open(port);
    c.send(get(a));
    await until(() => gate.started() === 1);
    c.send(get(b) + get(a).slice(0, 20));
    await new Promise((r) => setTimeout(r, 20));
    gate.release();
    const first = await c.response();
    const second = await c.response();
    c.send(get(a).slice(20));
    const third = await c.response();
    expect([first, second, third].map((r) => r.headers['x-cache'])).toEqual(['MISS', 'HIT', 'HIT']);
    expect(text(first)).toBe(text(third));
    c.close();
  });

  it('does not keep a page whose story changed while it was joined', async () => {
    const story = await path(sport(9));
    const gate = gateJoins();
    const c = await WireClient.open(port);
    c.send(get(story));
    await until(() => gate.started() === 1);
    cache.pages.invalidate([`a:${sport(9)}`]);
    gate.release();
    expect((await c.response()).headers['x-cache']).toBe('MISS');
    c.send(get(story));
    expect((await c.response()).headers['x-cache']).toBe('MISS');
    c.send(get(story));
    expect((await c.response()).headers['x-cache']).toBe('HIT');
    c.close();
  });

  it('survives a client that leaves, or ends its side, while its miss is joined', async () => {
    const [a, b] = [await path(sport(10)), await path(sport(11))];
    const gate = gateJoins();
    const gone = await WireClient.open(port);
    gone.send(get(a));
    const halfClosed = await WireClient.open(port);
    halfClosed.send(get(b));
    await until(() => gate.started() === 2);
    gone.close();
    halfClosed.socket.end();
    await new Promise((r) => setTimeout(r, 20));
    gate.release();
    // As Node's server does for a client that ends its side: the connection is ended without the answer.
    await halfClosed.waitClosed();
    // The pages were made and kept all the same.
    await until(() => cache.pages.has(a) && cache.pages.has(b));
    expect((await rawGet(site.base, a, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('HIT');
  });

  it('closing the server lets a miss being joined finish, with connection: close', async () => {
    const other = await buildServer(site.ctx, { cache: {} });
    const otherBase = await other.listen({ port: 0, host: '127.0.0.1' });
    await rawGet(otherBase, '/kinh-te', { 'accept-encoding': 'gzip' });
    const story = await path(sport(12));
    const gate = gateJoins();
    const c = await WireClient.open(Number(new URL(otherBase).port));
    c.send(get(story));
    await until(() => gate.started() === 1);
    const closed = other.close();
    await new Promise((r) => setTimeout(r, 20));
    gate.release();
    const r = await c.response();
    expect([r.status, r.headers.connection]).toEqual([200, 'close']);
    expect(gunzipSync(r.body).toString('utf8')).toContain('Vòng đấu thứ 13 ');
    await c.waitClosed();
    await closed;
  });

  it('leaves every miss to the application when it logs requests', async () => {
    const loggedCtx = createContext(site.store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    const logged = await buildServer(loggedCtx, { cache: {}, logger: true });
    const loggedBase = await logged.listen({ port: 0, host: '127.0.0.1' });
    await rawGet(loggedBase, '/kinh-te', { 'accept-encoding': 'gzip' });
    const c = await WireClient.open(Number(new URL(loggedBase).port));
    c.send(get(await path(sport(13))));
    expect((await c.response()).headers['x-cache']).toBe('MISS');
    c.close();
    await logged.close();
    expect(loggedCtx.siteCache!.socketHits).toMatchObject({ missesAnswered: 0, handedOff: 2 });
  });
});
