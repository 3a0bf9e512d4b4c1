import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestStore } from '../storage/testing.ts';
import type { Store } from '../storage/database.ts';
import { createContext, type AppContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { articlePath } from '../domain/article.ts';
import { createArticle, getArticle, getSettings, saveSettings } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import { addViews, attachViews, localDay, mostRead, viewsOptionsFromEnv, VIEWS_KEPT_DAYS, type SiteViews } from './views.ts';
import { apiPublisher, buildNewsroom, publishThroughApi, rawGet, type Newsroom } from './test-support.ts';
import { SESSION_COOKIE } from '../web/api/auth.ts';

const engines = await testEngines();
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'src/cache/views.fixture.ts');
const mediaDir = () => mkdtempSync(join(tmpdir(), 'toasoan-media-'));
const pathOf = async (db: Store['db'], id: number) => articlePath((await getArticle(db, id))!);

/** Rows of article_views as "id day views", sorted. */
async function rows(db: Store['db']): Promise<string[]> {
  const r = await db.selectFrom('article_views').select(['article_id', 'day', 'views']).orderBy('article_id').orderBy('day').execute();
  return r.map((x) => `${x.article_id} ${x.day} ${x.views}`);
}

/** The story ids of the "Đọc nhiều" block, in order ([] when the page has none). */
function block(html: string): number[] {
  const list = /<ol class="most-read">(.*?)<\/ol>/s.exec(html)?.[1] ?? '';
  return [...list.matchAll(/-post(\d+)\.html/g)].map((m) => Number(m[1]));
}

describe.each(engines)('reads counted over HTTP on $engine', ({ open }) => {
  let store: TestStore;
  let n: Newsroom;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  let views: SiteViews;
  let plainCtx: AppContext;
  let plain: FastifyInstance;
  let plainBase: string;
  let plainViews: SiteViews;
  let uncachedCtx: AppContext;
  let uncached: FastifyInstance;
  let uncachedBase: string;
  let uncachedViews: SiteViews;

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
    ctx = createContext(store, mediaDir());
    app = await buildServer(ctx, { cache: {} });
    views = attachViews(ctx, { refreshMs: 0 });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // The same site with hits answered through node:http (serveFast), as with TOASOAN_SOCKET_HITS=off.
    plainCtx = createContext(store, ctx.mediaDir);
    plain = await buildServer(plainCtx, { cache: { socketHits: false } });
    plainViews = attachViews(plainCtx, { refreshMs: 0 });
    plainBase = await plain.listen({ port: 0, host: '127.0.0.1' });
    uncachedCtx = createContext(store, ctx.mediaDir);
    uncached = await buildServer(uncachedCtx, { cache: false });
    uncachedViews = attachViews(uncachedCtx, { refreshMs: 0 });
    uncachedBase = await uncached.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await plain?.close();
    await uncached?.close();
    await store?.dispose();
  });

  it('counts a GET of a story page answered by a render, by a hit on the socket and as a 304', async () => {
    const id = n.stories.rice;
    const url = await pathOf(store.db, id);
    const c = views.counter!;
    const miss = await rawGet(base, url, { 'accept-encoding': 'gzip' });
    expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
    expect(c.pending(id)).toBe(1);
    const answered = ctx.siteCache!.socketHits!.answered;
    const hit = await rawGet(base, url, { 'accept-encoding': 'br' });
    expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(ctx.siteCache!.socketHits!.answered).toBe(answered + 1);
    expect(c.pending(id)).toBe(2);
    const notModified = await rawGet(base, url, { 'accept-encoding': 'br', 'if-none-match': String(hit.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(c.pending(id)).toBe(3);
    // A link shared on Facebook shares the page's cache entry, and is a read like any other.
    expect((await rawGet(base, `${url}?fbclid=abc&utm_source=zalo`)).headers['x-cache']).toBe('HIT');
    expect(c.pending(id)).toBe(4);
    expect(ctx.siteCache!.socketHits!.answered).toBe(answered + 3);
  });

  it('counts hits answered through node:http (socket path off), their misses and 304s', async () => {
    const id = n.stories.market;
    const url = await pathOf(store.db, id);
    const c = plainViews.counter!;
    expect(plainCtx.siteCache!.socketHits).toBeUndefined();
    expect((await rawGet(plainBase, url, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('MISS');
    const hit = await rawGet(plainBase, url, { 'accept-encoding': 'gzip' });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect((await rawGet(plainBase, url, { 'accept-encoding': 'gzip', 'if-none-match': String(hit.headers.etag) })).status).toBe(304);
    expect(c.pending(id)).toBe(3);
    expect(views.counter!.pending(id)).toBe(0);
  });

  it('counts reads without a page cache too, and not HEAD there', async () => {
    const id = n.stories.policy;
    const url = await pathOf(store.db, id);
    expect((await rawGet(uncachedBase, url)).status).toBe(200);
    expect((await rawGet(uncachedBase, url, {}, 'HEAD')).status).toBe(200);
    expect(uncachedViews.counter!.pending(id)).toBe(1);
  });

  it('does not count HEAD, redirects, 404, 410, the newsroom preview, search, home, category, tag, author pages or feeds', async () => {
    const c = views.counter!;
    const id = n.stories.sport[5]!;
    const url = await pathOf(store.db, id);
    c.take();
    plainViews.counter!.take();
    // HEAD on a miss, then on a hit (socket path) and through node:http.
    expect((await rawGet(base, url, {}, 'HEAD')).status).toBe(200);
    expect((await rawGet(base, url, {}, 'HEAD')).headers['x-cache']).toBe('HIT');
    expect((await rawGet(plainBase, url, {}, 'HEAD')).status).toBe(200);
    expect((await rawGet(plainBase, url, {}, 'HEAD')).headers['x-cache']).toBe('HIT');
    // An old spelling of the file name (301, rendered then kept) and a trailing slash (301 from the URL alone).
    for (let i = 0; i < 2; i++) expect((await rawGet(base, `/ten-cu-post${id}.html`)).status).toBe(301);
    expect((await rawGet(base, `/ten-cu-post${id}.html`)).headers['x-cache']).toBe('HIT');
    expect((await rawGet(base, `${url}/`)).status).toBe(301);
    expect((await rawGet(base, `/khong-co-post99999.html`)).status).toBe(404);
    // Taken down: 410 on a miss and on a hit.
    const gone = n.stories.sport[6]!;
    const goneUrl = await pathOf(store.db, gone);
    await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', gone).execute();
    await ctx.events.emit({ type: 'article.unpublished', articleId: gone });
    expect((await rawGet(base, goneUrl)).status).toBe(410);
    expect((await rawGet(base, goneUrl)).headers['x-cache']).toBe('HIT');
    // The newsroom's preview of a published story renders the article template, but is not a read.
    const cat = (await store.db.selectFrom('categories').select('id').orderBy('id').execute()).map((r) => r.id);
    const token = await apiPublisher(store.db, cat);
    const published = await publishThroughApi(base, token, { title: 'Lễ hội hoa ban nở rộ', categoryId: n.cat.thoiSu });
    const preview = await fetch(new URL(`/api/v1/articles/${published}/preview`, base), { headers: { authorization: `Bearer ${token}` } });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('Lễ hội hoa ban nở rộ');
    for (const page of ['/tim-kiem?q=l%C3%BAa', '/', '/kinh-te', '/kinh-te/nong-nghiep', '/the-thao?trang=2', '/tag/lua-gao', `/tac-gia/${n.person.lan.slug}`, '/rss.xml', '/sitemap.xml']) {
      for (let i = 0; i < 2; i++) expect((await rawGet(base, page)).status, page).toBe(200);
    }
    expect(c.take()).toEqual([]);
    expect(plainViews.counter!.take()).toEqual([]);
    // Nor a signed-in newsroom user reading the site (no cache for them), with or without a page cache.
    const publishedUrl = await pathOf(store.db, published);
    const signedIn = { cookie: `theme=dark; ${SESSION_COOKIE}=abc` };
    uncachedViews.counter!.take();
    expect((await rawGet(base, publishedUrl, signedIn)).status).toBe(200);
    expect((await rawGet(uncachedBase, publishedUrl, signedIn)).status).toBe(200);
    expect(c.take()).toEqual([]);
    expect(uncachedViews.counter!.take()).toEqual([]);
    // The page itself is still counted (the test can fail).
    await rawGet(base, publishedUrl);
    expect(c.take()).toEqual([[published, 1]]);
  });
});

describe.each(engines)('writing reads on $engine', ({ open }) => {
  let store: TestStore;
  let n: Newsroom;

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('writes under the site\'s day (Vietnam, UTC+7) either side of local midnight, adding across flushes', async () => {
    const views = attachViews(createContext(store, mediaDir()), { refreshMs: 0 });
    const c = views.counter!;
    const { rice, market } = n.stories;
    for (let i = 0; i < 3; i++) c.count(rice);
    c.count(market);
    // 23:59:59.999 in Hà Nội on 1 March.
    expect(await views.flush(Date.parse('2026-03-01T16:59:59.999Z'))).toBe(2);
    c.count(rice);
    c.count(rice);
    // Midnight in Hà Nội: 2 March there, still 1 March in UTC.
    await views.flush(Date.parse('2026-03-01T17:00:00.000Z'));
    for (let i = 0; i < 4; i++) c.count(rice);
    await views.flush(Date.parse('2026-03-01T23:59:00.000Z'));
    expect(await views.flush(Date.parse('2026-03-01T23:59:00.000Z'))).toBe(0);
    expect(rice).toBeLessThan(market);
    expect(await rows(store.db)).toEqual([`${rice} 2026-03-01 3`, `${rice} 2026-03-02 6`, `${market} 2026-03-01 1`]);
    // The day follows the offset in the settings.
    const settings = await getSettings(store.db);
    await saveSettings(store.db, { ...settings, utcOffsetMinutes: 0 });
    try {
      c.count(market);
      await views.flush(Date.parse('2026-03-01T23:59:00.000Z'));
      expect(await rows(store.db)).toContain(`${market} 2026-03-01 2`);
    } finally {
      await saveSettings(store.db, settings);
    }
    await store.db.deleteFrom('article_views').execute();
  });

  it('forgets reads older than VIEWS_KEPT_DAYS, once a day, and keeps the rest', async () => {
    const views = attachViews(createContext(store, mediaDir()), { refreshMs: 0 });
    const { rice, market } = n.stories;
    // 400 days up to 1 March 2026 (Hà Nội) start on 26 January 2025.
    await store.db.insertInto('article_views').values([
      { article_id: rice, day: '2025-01-25', views: 5 },
      { article_id: rice, day: '2025-01-26', views: 7 },
      { article_id: market, day: '2025-06-01', views: 2 },
    ]).execute();
    views.counter!.count(rice);
    await views.flush(Date.parse('2026-03-01T10:00:00.000Z'));
    expect(VIEWS_KEPT_DAYS).toBe(400);
    expect(await rows(store.db)).toEqual([`${rice} 2025-01-26 7`, `${rice} 2026-03-01 1`, `${market} 2025-06-01 2`]);
    // Later the same day an old row (say, restored from a backup) is left to the next day's flush.
    await store.db.insertInto('article_views').values({ article_id: market, day: '2024-12-31', views: 1 }).execute();
    views.counter!.count(rice);
    await views.flush(Date.parse('2026-03-01T11:00:00.000Z'));
    expect(await rows(store.db)).toContain(`${market} 2024-12-31 1`);
    views.counter!.count(rice);
    await views.flush(Date.parse('2026-03-02T11:00:00.000Z'));
    expect(await rows(store.db)).not.toContain(`${market} 2024-12-31 1`);
    await store.db.deleteFrom('article_views').execute();
  });

  it('two processes flushing at once on one database lose nothing', { timeout: 120_000 }, async () => {
    const ids = [...n.stories.sport, n.stories.rice, n.stories.market, n.stories.policy];
    const at = Date.parse('2026-03-05T05:00:00Z');
    const rounds = 50;
    // Different amounts, one list in the reverse order of the other: both write the same rows, again and again.
    const jobs = [ids.map((id, i): [number, number] => [id, (i % 3) + 1]), ids.map((id, i): [number, number] => [id, (i % 4) + 1]).reverse()];
    const children = jobs.map((reads) => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify({ url: store.url, pgSchema: store.pgSchema, reads, rounds, at })], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (out += d));
      const ready = new Promise<void>((ok, fail) => {
        child.stdout.on('data', () => out.includes('san-sang') && ok());
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      return { child, ready, exited, out: () => out };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.end('go\n');
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0]);
    expect(children.map((c) => c.out().trim())).toEqual(['san-sang\nxong', 'san-sang\nxong']);
    const expected = new Map(ids.map((id, i) => [id, rounds * ((i % 3) + 1 + (i % 4) + 1)]));
    const got = await store.db.selectFrom('article_views').select(['article_id', 'views']).where('day', '=', '2026-03-05').execute();
    expect(new Map(got.map((r) => [r.article_id, r.views]))).toEqual(expected);
    await store.db.deleteFrom('article_views').execute();
  });

  it('a story deleted for good after it was read is skipped; a failed flush keeps its counts for the next', async () => {
    const views = attachViews(createContext(store, mediaDir()), { refreshMs: 0, log: () => {} });
    const c = views.counter!;
    const doomed = await createArticle(store.db, { title: 'Tin sẽ bị xóa hẳn', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: n.cat.thoiSu, status: 'published' });
    c.count(doomed);
    c.count(n.stories.rice);
    await store.db.deleteFrom('articles').where('id', '=', doomed).execute();
    const at = Date.parse('2026-03-06T05:00:00Z');
    await views.flush(at);
    expect(await rows(store.db)).toEqual([`${n.stories.rice} 2026-03-06 1`]);
    // The table out of reach for one flush: its counts stay in memory and go with the next.
    await store.db.schema.alterTable('article_views').renameTo('article_views_away').execute();
    c.count(n.stories.rice);
    try {
      await expect(views.flush(at)).rejects.toThrow();
      expect(c.pending(n.stories.rice)).toBe(1);
    } finally {
      await store.db.schema.alterTable('article_views_away').renameTo('article_views').execute();
    }
    c.count(n.stories.rice);
    await views.flush(at);
    expect(await rows(store.db)).toEqual([`${n.stories.rice} 2026-03-06 3`]);
    // A read after the story was deleted for good: its rows go with it (cascade).
    await store.db.deleteFrom('article_views').execute();
  });

  it('mostRead: the most read published stories over today and yesterday, ties to the newer story', async () => {
    const { rice, market, policy, sport } = n.stories;
    const taken = sport[0]!;
    await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', taken).execute();
    try {
      await addViews(store.db, '2026-03-10', [[rice, 5], [market, 10], [taken, 50], [sport[1]!, 7]]);
      await addViews(store.db, '2026-03-09', [[rice, 5], [policy, 3]]);
      await addViews(store.db, '2026-03-08', [[policy, 100]]);
      // 10:00 on 10 March in Hà Nội. rice and market tie at 10: market was published later.
      const now = Date.parse('2026-03-10T03:00:00Z');
      expect(await mostRead(store.db, { sinceDays: 2, limit: 10, now })).toEqual([{ id: market, views: 10 }, { id: rice, views: 10 }, { id: sport[1]!, views: 7 }, { id: policy, views: 3 }]);
      expect((await mostRead(store.db, { sinceDays: 2, limit: 2, now })).map((e) => e.id)).toEqual([market, rice]);
      expect((await mostRead(store.db, { sinceDays: 1, limit: 10, now })).map((e) => e.id)).toEqual([market, sport[1], rice]);
      // 00:30 on 10 March in Hà Nội, still 9 March in UTC: today is the 10th.
      expect((await mostRead(store.db, { sinceDays: 1, limit: 10, now: Date.parse('2026-03-09T17:30:00Z') })).map((e) => e.id)).toEqual([market, sport[1], rice]);
      // 23:30 on 9 March in Hà Nội: the 8th and the 9th.
      expect((await mostRead(store.db, { sinceDays: 2, limit: 10, now: Date.parse('2026-03-09T16:30:00Z') })).map((e) => e.id)).toEqual([policy, rice]);
    } finally {
      await store.db.updateTable('articles').set({ status: 'published' }).where('id', '=', taken).execute();
      await store.db.deleteFrom('article_views').execute();
    }
  });

  it('reads its settings from the environment', () => {
    expect(viewsOptionsFromEnv({})).toEqual({ flushMs: 60_000, refreshMs: 300_000 });
    expect(viewsOptionsFromEnv({ TOASOAN_VIEWS_FLUSH_MS: '0', TOASOAN_POPULAR_REFRESH_MS: '1000' })).toEqual({ flushMs: 0, refreshMs: 1000 });
    expect(() => viewsOptionsFromEnv({ TOASOAN_VIEWS_FLUSH_MS: 'mot phut' })).toThrow('TOASOAN_VIEWS_FLUSH_MS không hợp lệ');
    expect(() => viewsOptionsFromEnv({ TOASOAN_POPULAR_REFRESH_MS: '-1' })).toThrow('TOASOAN_POPULAR_REFRESH_MS không hợp lệ');
    // Counting off: nothing is counted, nothing is written.
    const off = attachViews(createContext(store, mediaDir()), { flushMs: 0 });
    expect(off.counter).toBeUndefined();
  });
});

describe.each(engines)('"Đọc nhiều" on $engine', ({ open }) => {
  let store: TestStore;
  let n: Newsroom;
  let ctx: AppContext;
  let app: FastifyInstance;
  let truth: FastifyInstance;
  let base: string;
  let views: SiteViews;
  let warm: string[];
  const purged: string[][] = [];
  // 10:00 on 10 March in Hà Nội.
  const now = Date.parse('2026-03-10T03:00:00Z');
  const today = localDay(now, 420);
  const withBlock = ['/', '/thoi-su', '/kinh-te', '/kinh-te/nong-nghiep', '/the-thao'];

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
    ctx = createContext(store, mediaDir());
    app = await buildServer(ctx, { cache: { purge: async (keys) => void purged.push(keys) } });
    // Reads are added to the database by hand here (counting off), so reading pages in the test moves nothing.
    views = attachViews(ctx, { flushMs: 0, now: () => now });
    const truthCtx = createContext(store, ctx.mediaDir);
    truth = await buildServer(truthCtx, { cache: false });
    attachViews(truthCtx, { flushMs: 0, now: () => now });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    warm = [
      ...withBlock, '/the-thao?trang=2', '/tag/bong-da', '/tag/lua-gao', `/tac-gia/${n.person.lan.slug}`, '/rss.xml',
      await pathOf(store.db, n.stories.rice), await pathOf(store.db, n.stories.market), await pathOf(store.db, n.stories.sport[24]!),
    ];
  });
  afterAll(async () => {
    await app?.close();
    await truth?.close();
    await store?.dispose();
  });

  async function snapshot(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const url of warm) {
      await rawGet(base, url, { 'accept-encoding': 'gzip' });
      const again = await rawGet(base, url, { 'accept-encoding': 'gzip' });
      expect(again.headers['x-cache'], url).toBe('HIT');
      out.set(url, again.text);
    }
    return out;
  }

  /** Every warm page against an uncached render; returns those that re-rendered (each must have changed). */
  async function exact(before: Map<string, string>): Promise<string[]> {
    const missed: string[] = [];
    for (const url of warm) {
      const res = await rawGet(base, url, { 'accept-encoding': 'br' });
      const fresh = await truth.inject({ url });
      expect(res.text, `${url} must show the current page`).toBe(fresh.body);
      const hit = res.headers['x-cache'] === 'HIT';
      expect(hit, `${url} ${fresh.body !== before.get(url) ? 'changed and must re-render' : 'did not change and must stay cached'}`).toBe(fresh.body === before.get(url));
      if (!hit) missed.push(url);
    }
    return missed;
  }

  it('home and category pages show the block, most read first; later category pages, tags, authors and stories do not', async () => {
    const { rice, market, policy } = n.stories;
    // Nothing read yet: no block, but the pages depend on the ranking.
    const empty = await rawGet(base, '/');
    expect(block(empty.text)).toEqual([]);
    expect(String(empty.headers['surrogate-key']).split(' ')).toContain('popular');
    await addViews(store.db, today, [[market, 5], [rice, 3], [policy, 1]]);
    // This process's pages showed an empty ranking: the refresh announces the new one.
    expect(await views.refresh()).toBe(true);
    expect(purged).toEqual([['popular']]);
    for (const url of withBlock) {
      const res = await rawGet(base, url);
      expect([url, block(res.text)]).toEqual([url, [market, rice, policy]]);
      expect(res.text).toContain('<h2 id="doc-nhieu">Đọc nhiều</h2>');
      expect(String(res.headers['surrogate-key']).split(' '), url).toContain('popular');
    }
    for (const url of warm.filter((u) => !withBlock.includes(u))) {
      const res = await rawGet(base, url);
      expect([url, block(res.text), res.text.includes('Đọc nhiều')]).toEqual([url, [], false]);
      expect(String(res.headers['surrogate-key']).split(' '), url).not.toContain('popular');
    }
  });

  it('when the order changes, exactly the pages showing the block re-render, the CDN purges "popular", story pages stay cached', async () => {
    const before = await snapshot();
    purged.length = 0;
    const sport = n.stories.sport[24]!;
    await addViews(store.db, today, [[sport, 20]]);
    // Before the refresh every page still shows the ranking it was rendered with.
    for (const url of withBlock) expect((await rawGet(base, url)).headers['x-cache'], url).toBe('HIT');
    expect(await views.refresh()).toBe(true);
    expect(purged).toEqual([['popular']]);
    expect(await exact(before)).toEqual(withBlock);
    expect(block((await rawGet(base, '/')).text)).toEqual([sport, n.stories.market, n.stories.rice, n.stories.policy]);
  });

  it('a refresh finding the same order shown changes nothing', async () => {
    const before = await snapshot();
    purged.length = 0;
    // More reads, same order of the stories shown.
    await addViews(store.db, today, [[n.stories.market, 2], [n.stories.policy, 1]]);
    expect(await views.refresh()).toBe(false);
    expect(purged).toEqual([]);
    expect(await exact(before)).toEqual([]);
  });

  it('a story taken down leaves the block at the next request', async () => {
    const victim = n.stories.market;
    await snapshot();
    await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', victim).execute();
    await ctx.events.emit({ type: 'article.unpublished', articleId: victim });
    for (const url of withBlock) {
      const res = await rawGet(base, url);
      expect([url, res.headers['x-cache']]).toEqual([url, 'MISS']);
      expect(block(res.text), url).toEqual([n.stories.sport[24], n.stories.rice, n.stories.policy]);
    }
    // Put back: it returns to the block at once (its card key stays on the pages that skip it).
    await store.db.updateTable('articles').set({ status: 'published' }).where('id', '=', victim).execute();
    await ctx.events.emit({ type: 'article.published', articleId: victim });
    expect(block((await rawGet(base, '/kinh-te')).text)).toEqual([n.stories.sport[24], victim, n.stories.rice, n.stories.policy]);
  });

  it('a change announced by another process drops the ranking kept here: the next render shows the current one', async () => {
    await snapshot();
    await addViews(store.db, today, [[n.stories.policy, 100]]);
    expect(block((await rawGet(base, '/')).text)[0]).not.toBe(n.stories.policy);
    // What the fan-out does with an invalidation from another process.
    ctx.siteCache!.pages.invalidate(['popular']);
    const res = await rawGet(base, '/');
    expect(res.headers['x-cache']).toBe('MISS');
    expect(block(res.text)[0]).toBe(n.stories.policy);
  });

  it('pages with the block are valid HTML (W3C Nu checker)', async () => {
    const urls = ['/', '/kinh-te'];
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-vnu-'));
    const files = await Promise.all(
      urls.map(async (url, i) => {
        const res = await rawGet(base, url);
        expect(block(res.text).length, url).toBeGreaterThan(0);
        const file = join(dir, `page-${i}.html`);
        writeFileSync(file, res.text);
        return file;
      }),
    );
    const jar = resolve(import.meta.dirname, '../../node_modules/vnu-jar/build/dist/vnu.jar');
    const { stdout, stderr } = await promisify(execFile)('java', ['-jar', jar, '--format', 'json', '--also-check-css', ...files], { maxBuffer: 10 * 1024 * 1024 }).catch((e: { stdout: string; stderr: string }) => e);
    const messages = (JSON.parse(stderr || stdout || '{"messages":[]}') as { messages: Array<{ type: string; subType?: string; message: string; url: string }> }).messages;
    expect(messages.filter((m) => m.type === 'error' || m.subType === 'warning').map((m) => `${m.url}: ${m.message}`)).toEqual([]);
  });
});

describe.each(engines)('the timers of a serving process on $engine', ({ open }) => {
  let store: TestStore;
  let n: Newsroom;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    store = await open();
    n = await buildNewsroom(store.db);
    ctx = createContext(store, mediaDir());
    app = await buildServer(ctx, { cache: {} });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('write reads and re-rank by themselves; stop() writes what is left', async () => {
    const views = attachViews(ctx, { flushMs: 20, refreshMs: 30 }).start();
    try {
      const id = n.stories.policy;
      const url = await pathOf(store.db, id);
      expect(block((await rawGet(base, '/')).text)).toEqual([]);
      for (let i = 0; i < 3; i++) expect((await rawGet(base, url)).status).toBe(200);
      const total = async () => Number((await store.db.selectFrom('article_views').select((eb) => eb.fn.sum<number | string>('views').as('n')).where('article_id', '=', id).executeTakeFirst())?.n ?? 0);
      await vi.waitFor(async () => expect(await total()).toBe(3), { timeout: 20_000, interval: 20 });
      // The refresh saw the home page show an empty ranking and announced the new one.
      await vi.waitFor(async () => expect(block((await rawGet(base, '/')).text)).toEqual([id]), { timeout: 20_000, interval: 20 });
      await views.stop();
      const written = await total();
      const left = attachViews(ctx, { flushMs: 60_000, refreshMs: 0 }).start();
      await rawGet(base, url);
      await rawGet(base, url);
      expect(left.counter!.pending(id)).toBe(2);
      await left.stop();
      expect(await total()).toBe(written + 2);
    } finally {
      await views.stop();
    }
  });
});

describe.each(engines)('`toasoan serve --workers 2` on $engine', ({ open }) => {
  it('each worker writes the reads it counted when the server stops', { timeout: 120_000 }, async () => {
    const store = await open();
    try {
      const n = await buildNewsroom(store.db);
      const url = await pathOf(store.db, n.stories.rice);
      const databaseUrl = store.pgSchema ? `${store.url}?options=${encodeURIComponent(`-c search_path=${store.pgSchema}`)}` : store.url;
      const free = createNetServer();
      await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
      const port = (free.address() as AddressInfo).port;
      await new Promise<void>((r) => free.close(() => r()));
      // Written only when stopping: the hour-long period never comes round during the test.
      const child = spawn(process.execPath, [join(ROOT, 'bin/toasoan.mjs'), 'serve', '--no-demo', '--workers', '2', '--host', '127.0.0.1', '--port', String(port)], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, MEDIA_DIR: mediaDir(), REDIS_URL: '', TOASOAN_VIEWS_FLUSH_MS: '3600000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (out += d));
      child.stderr.on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      try {
        // Both workers serving.
        await expect.poll(() => out.match(/đang phục vụ http/g)?.length ?? 0, { timeout: 60_000, interval: 50 }).toBe(2);
        const base = `http://127.0.0.1:${port}`;
        // New connections: the primary hands them to the workers in turn.
        for (let i = 0; i < 10; i++) expect((await rawGet(base, url)).status).toBe(200);
        expect((await rawGet(base, url, {}, 'HEAD')).status).toBe(200);
        expect(await rows(store.db)).toEqual([]);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, out).toBe(0);
      const written = await store.db.selectFrom('article_views').select(['article_id', 'views']).execute();
      expect(written.reduce((sum, r) => sum + Number(r.views), 0), out).toBe(10);
      expect(new Set(written.map((r) => r.article_id))).toEqual(new Set([n.stories.rice]));
    } finally {
      await store.dispose();
    }
  });
});
