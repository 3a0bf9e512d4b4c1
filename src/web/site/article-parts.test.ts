import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { cacheKeyFor } from '../../cache/http.ts';
import { rawGet } from '../../cache/test-support.ts';
import { testEngines, type TestStore } from '../../storage/testing.ts';
import { createContext, type AppContext } from '../context.ts';
import { buildServer } from '../server.ts';
import { seedDemo } from '../../demo/seed.ts';
import { articlePath } from '../../domain/article.ts';
import { createArticle, getArticle } from '../../storage/content.ts';
import { paragraph } from '../../domain/document.ts';
import { dropArticleParts, partsGeneration, partsStats, storeArticleParts, storeArticlePartsBatch } from '../../storage/page-parts.ts';
import { articlePartsFor, decodeParts, encodeParts, fillArticleParts, partsFormat, partsStoriesFromEnv, splitSlots } from './article-parts.ts';

const engines = await testEngines();

describe.each(engines)('story pages kept in parts on $engine', ({ open }) => {
  let store: TestStore;
  let truth: FastifyInstance;
  let mediaDir: string;
  let paths: string[];
  const servers: FastifyInstance[] = [];

  /** A server with an empty page cache over the same database, and its parts' counters. */
  async function freshServer(): Promise<{ app: FastifyInstance; ctx: AppContext }> {
    const ctx = createContext(store, mediaDir);
    const app = await buildServer(ctx, { cache: {} });
    servers.push(app);
    return { app, ctx };
  }

  async function gzipPage(app: FastifyInstance, url: string): Promise<string> {
    const res = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode, url).toBe(200);
    expect(res.headers['content-encoding'], url).toBe('gzip');
    return gunzipSync(res.rawPayload).toString('utf8');
  }

  beforeAll(async () => {
    store = await open();
    mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-media-'));
    const seedCtx = createContext(store, mediaDir);
    await seedDemo(seedCtx);
    truth = await buildServer(createContext(store, mediaDir), { cache: false });
    const rows = await store.db.selectFrom('articles').select(['id', 'slug', 'type']).where('status', '=', 'published').orderBy('id').execute();
    paths = rows.map(articlePath);
    // Every kind of story the demo has is among them (wide photo/infographic/e-magazine pages and the rest).
    expect(new Set(rows.map((r) => r.type)).size).toBeGreaterThanOrEqual(5);
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await truth?.close();
    await store?.dispose();
  });

  it('a miss joins the page from parts; it decodes to the page rendered in one piece, for every demo story', async () => {
    const { app, ctx } = await freshServer();
    for (const url of paths) expect(await gzipPage(app, url), url).toBe((await truth.inject({ url })).body);
    const parts = articlePartsFor(ctx)!;
    expect(parts.stats.rendered).toBe(paths.length);
    // Rows rendered on misses are written in batches, shortly after the pages have been answered.
    await parts.settled();
    expect(parts.stats.stored).toBe(paths.length);
    expect((await partsStats(store.db)).rows).toBe(paths.length);
  });

  it('a server started later joins every story page from the stored rows, rendering none', async () => {
    const { app, ctx } = await freshServer();
    for (const url of paths) expect(await gzipPage(app, url), url).toBe((await truth.inject({ url })).body);
    const parts = articlePartsFor(ctx)!;
    expect(parts.stats).toMatchObject({ assembled: paths.length, rendered: 0 });
    // Brotli and plain clients get the same page, made from the joined gzip.
    const br = await app.inject({ url: paths[0]!, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect((await app.inject({ url: paths[0]! })).body).toBe((await truth.inject({ url: paths[0]! })).body);
  });

  it('a browser missing a story page gets the joined gzip at once; the next one gets brotli, made then', async () => {
    const { app } = await freshServer();
    const url = paths[1]!;
    const headers = { 'accept-encoding': 'gzip, deflate, br, zstd' };
    const miss = await app.inject({ url, headers });
    expect(miss.headers).toMatchObject({ 'x-cache': 'MISS', 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
    const hit = await app.inject({ url, headers });
    expect(hit.headers).toMatchObject({ 'x-cache': 'HIT', 'content-encoding': 'br' });
    expect(brotliDecompressSync(hit.rawPayload).toString('utf8')).toBe(gunzipSync(miss.rawPayload).toString('utf8'));
  });

  it('over a real socket, a miss is written from the chunks with the headers every page carries, and the first hit copies them into one body', async () => {
    const { app, ctx } = await freshServer();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const get = async (url: string) => {
      const r = await rawGet(base, url, { 'accept-encoding': 'gzip' });
      return { ...r, body: r.raw };
    };
    // The first page of a content type goes through Fastify, which shows the cache the headers the app adds.
    const first = await get(paths[0]!);
    const [url] = paths.slice(2);
    const miss = await get(url!);
    const cached = ctx.siteCache!.pages.peek(cacheKeyFor(url!)!)!;
    expect(cached.gzipChunks?.length, 'kept as chunks until a hit').toBeGreaterThan(3);
    expect(cached.bodies.gzip).toBeUndefined();
    const hit = await get(url!);
    expect(cached.gzipChunks).toBeUndefined();
    expect(hit.body.equals(miss.body)).toBe(true);
    expect(gunzipSync(miss.body).toString('utf8')).toBe((await truth.inject({ url: url! })).body);
    expect(miss.headers).toMatchObject({ 'x-cache': 'MISS', 'content-encoding': 'gzip', 'content-length': String(miss.body.length) });
    expect(hit.headers).toMatchObject({ 'x-cache': 'HIT', etag: miss.headers.etag });
    const perResponse = new Set(['date', 'x-cache', 'content-length', 'etag', 'surrogate-key', 'cache-tag', 'keep-alive', 'connection']);
    const names = (h: Record<string, unknown>) => Object.keys(h).filter((n) => !perResponse.has(n)).sort();
    expect(names(miss.headers)).toEqual(names(first.headers));
    expect(miss.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    // HEAD on a chunked miss: the headers and no body.
    const head = await rawGet(base, paths[3]!, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.raw.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
  });

  it('rows made by other templates or from an older version of the story are made again', async () => {
    const [a, b] = await store.db.selectFrom('article_page_parts').select('article_id').orderBy('article_id').limit(2).execute();
    await store.db.updateTable('article_page_parts').set({ format: 'templates-of-another-release' }).where('article_id', '=', a!.article_id).execute();
    await store.db.updateTable('article_page_parts').set({ updated_at: '2000-01-01T00:00:00.000Z' }).where('article_id', '=', b!.article_id).execute();
    const { app, ctx } = await freshServer();
    for (const url of paths) expect(await gzipPage(app, url), url).toBe((await truth.inject({ url })).body);
    await articlePartsFor(ctx)!.settled();
    expect(articlePartsFor(ctx)!.stats).toMatchObject({ rendered: 2, stored: 2, assembled: paths.length - 2 });
    const rows = await store.db.selectFrom('article_page_parts').select(['format', 'updated_at', 'article_id']).where('article_id', 'in', [a!.article_id, b!.article_id]).execute();
    for (const r of rows) {
      expect(r.format).toBe(partsFormat());
      expect(r.updated_at).toBe((await getArticle(store.db, r.article_id))!.updated_at);
    }
  });

  it('a row rendered before a drop is refused when written back', async () => {
    const id = (await store.db.selectFrom('article_page_parts').select('article_id').limit(1).executeTakeFirstOrThrow()).article_id;
    const before = await partsGeneration(store.db);
    await dropArticleParts(store.db, { articleIds: [id], keys: [] });
    expect(await partsGeneration(store.db)).toBe(before + 1);
    const parts = Buffer.from('stale');
    expect(await storeArticleParts(store.db, store.engine, { articleId: id, format: partsFormat(), updatedAt: 'x', parts, keys: [] }, before)).toBe(false);
    expect(await store.db.selectFrom('article_page_parts').select('article_id').where('article_id', '=', id).executeTakeFirst()).toBeUndefined();
    // Settings and categories drop every row.
    await dropArticleParts(store.db, { all: true });
    expect((await partsStats(store.db)).rows).toBe(0);
  });

  it('rows written together: each is refused or written on its own generation, and a written row replaces the old one', async () => {
    const [a, b] = (await store.db.selectFrom('articles').select('id').where('status', '=', 'published').orderBy('id').limit(2).execute()).map((r) => r.id);
    const row = (id: number, text: string, generation: number) => ({ articleId: id, format: partsFormat(), updatedAt: 'x', parts: Buffer.from(text), keys: ['s:1', 's:1', 'm:2'], generation });
    const old = await partsGeneration(store.db);
    await dropArticleParts(store.db, { articleIds: [a!], keys: [] });
    const now = await partsGeneration(store.db);
    expect(await storeArticlePartsBatch(store.db, store.engine, [row(a!, 'stale', old), row(b!, 'first', now)])).toEqual([b]);
    expect(await storeArticlePartsBatch(store.db, store.engine, [row(a!, 'new a', now), row(b!, 'new b', now)])).toEqual([a, b]);
    const stored = await store.db.selectFrom('article_page_parts').select(['article_id', 'parts']).where('article_id', 'in', [a!, b!]).orderBy('article_id').execute();
    expect(stored.map((r) => Buffer.from(r.parts).toString())).toEqual(['new a', 'new b']);
    const keys = await store.db.selectFrom('article_page_part_keys').select(['article_id', 'key']).where('article_id', 'in', [a!, b!]).orderBy('article_id').orderBy('key').execute();
    expect(keys).toEqual([a, a, b, b].map((id, i) => ({ article_id: id, key: i % 2 ? 's:1' : 'm:2' })));
    await dropArticleParts(store.db, { all: true });
  });

  it('a page rendered on a miss before a drop is answered, and its row is refused when the batch is written', async () => {
    const { app, ctx } = await freshServer();
    const url = paths[4]!;
    expect(await gzipPage(app, url)).toBe((await truth.inject({ url })).body);
    const parts = articlePartsFor(ctx)!;
    expect(parts.stats).toMatchObject({ rendered: 1, stored: 0 });
    await dropArticleParts(store.db, { all: true });
    await parts.settled();
    expect(parts.stats).toMatchObject({ rendered: 1, stored: 0, refused: 1 });
    expect((await partsStats(store.db)).rows).toBe(0);
    // The next render is written; closing the app writes what still waits.
    const other = await freshServer();
    await gzipPage(other.app, url);
    await other.app.close();
    expect(articlePartsFor(other.ctx)!.stats).toMatchObject({ rendered: 1, stored: 1 });
    expect((await partsStats(store.db)).rows).toBe(1);
  });

  it('the filler stores the newest stories without parts, newest first, and then has nothing left to do', async () => {
    await dropArticleParts(store.db, { all: true });
    const ctx = createContext(store, mediaDir);
    const newest = await store.db.selectFrom('articles').select('id').where('status', '=', 'published').orderBy('published_at', 'desc').orderBy('id', 'desc').limit(5).execute();
    const pauses: number[] = [];
    expect(await fillArticleParts(ctx, { maxStories: 5, batchSize: 2, sliceMs: Infinity, pause: async (ms) => void pauses.push(ms) })).toBe(5);
    // A pause after each batch of two; with a time slice of 0 ms, one after each story.
    expect(pauses).toHaveLength(3);
    await dropArticleParts(store.db, { all: true });
    const each: number[] = [];
    expect(await fillArticleParts(ctx, { maxStories: 5, batchSize: 2, sliceMs: 0, pause: async (ms) => void each.push(ms) })).toBe(5);
    expect(each).toHaveLength(5);
    const rows = await store.db.selectFrom('article_page_parts').select('article_id').execute();
    expect(rows.map((r) => r.article_id).sort()).toEqual(newest.map((r) => r.id).sort());
    expect(await fillArticleParts(ctx, { maxStories: 5 })).toBe(0);
    expect(await fillArticleParts(ctx, { maxStories: 0 })).toBe(0);
    // A story edited since: its row is stale and made again.
    await store.db.updateTable('articles').set({ updated_at: new Date().toISOString() }).where('id', '=', newest[0]!.id).execute();
    expect(await fillArticleParts(ctx, { maxStories: 5 })).toBe(1);
  });

  it('a page cache cleared (invalidations possibly lost) drops the same-category blocks kept in memory too', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id;
    const ids: number[] = [];
    // Older than anything else in the category: these pages show the category's newest, the block kept in memory.
    for (let i = 0; i < 12; i++) ids.push(await createArticle(store.db, { title: `Tin lưu trữ số ${i + 1}`, sapo: 'Tin cũ.', body: { type: 'doc', content: [paragraph('Nội dung cũ.')] }, categoryId: cat, status: 'published', publishedAt: `2001-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));
    const { app, ctx } = await freshServer();
    const [a, b] = [articlePath((await getArticle(store.db, ids[0]!))!), articlePath((await getArticle(store.db, ids[1]!))!)];
    expect(await gzipPage(app, a)).toBe((await truth.inject({ url: a })).body);
    // A story published where this process hears nothing of it, then the cache cleared as on a Redis reconnect.
    await createArticle(store.db, { title: 'Tin mới nhất của chuyên mục', sapo: 'Mới.', body: { type: 'doc', content: [paragraph('Mới.')] }, categoryId: cat, status: 'published' });
    ctx.siteCache!.pages.clear();
    const page = await gzipPage(app, b);
    expect(page).toContain('Tin mới nhất của chuyên mục');
    expect(page).toBe((await truth.inject({ url: b })).body);
  });

  it('a story whose text holds the slot marker is rendered in one piece, never cut at it', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const id = await createArticle(store.db, { title: 'Tin thử dấu chia phần', sapo: 'Sapo có \u0000toasoan-slot:css\u0000 ở giữa.', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: cat, status: 'published' });
    const url = articlePath((await getArticle(store.db, id))!);
    const { app } = await freshServer();
    // Whether the text keeps the NUL or the newsroom's text cleaning drops it, the page is the one-piece page.
    const page = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(page.statusCode).toBe(200);
    expect(gunzipSync(page.rawPayload).toString('utf8')).toBe((await truth.inject({ url })).body);
  });
});

describe('parts settings', () => {
  it('TOASOAN_PAGE_PARTS_STORIES is a count of stories', () => {
    expect(partsStoriesFromEnv({})).toBe(20_000);
    expect(partsStoriesFromEnv({ TOASOAN_PAGE_PARTS_STORIES: '0' })).toBe(0);
    expect(() => partsStoriesFromEnv({ TOASOAN_PAGE_PARTS_STORIES: '-1' })).toThrow(/TOASOAN_PAGE_PARTS_STORIES/);
  });
});

describe('parts encoding', () => {
  it('round-trips and rejects damaged rows', () => {
    const split = splitSlots('<head>\u0000toasoan-slot:css\u0000</head><body>\u0000toasoan-slot:masthead\u0000<main>\u0000toasoan-slot:same\u0000</main>')!;
    expect(split.slots).toEqual(['css', 'masthead', 'same']);
    expect(split.segments).toEqual(['<head>', '</head><body>', '<main>', '</main>']);
    expect(splitSlots('<p>\u0000toasoan-slot:css\u0000</p>')).toBeUndefined();
    // A marker in a story's own text makes one slot too many: not cut at all.
    expect(splitSlots('<head>\u0000toasoan-slot:css\u0000</head><body>\u0000toasoan-slot:masthead\u0000<p>\u0000toasoan-slot:css\u0000</p>\u0000toasoan-slot:same\u0000')).toBeUndefined();
    const own = { tag: 't', slots: split.slots, keys: ['a:1', 's:2'], segments: split.segments.map((s) => ({ deflated: Buffer.from(s), crc: s.length, length: s.length })) };
    const back = decodeParts(encodeParts(own))!;
    expect(back.segments.map((s) => s.deflated.toString())).toEqual(split.segments);
    expect(back.keys).toEqual(own.keys);
    expect(decodeParts(encodeParts(own).subarray(0, 20))).toBeUndefined();
    expect(decodeParts(Buffer.from('xx'))).toBeUndefined();
  });
});
