import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { createArticle, createCategory, ensurePerson, ensureTag } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestSqlite, type TestStore } from '../storage/testing.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../web/context.ts';
import type { SiteCacheOptions } from './site-cache.ts';
import { createContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';

/** Test support for the cache suites: a small newsroom with known listings, and a raw HTTP client. */
export interface Newsroom {
  cat: { thoiSu: number; kinhTe: number; nongNghiep: number; theThao: number };
  tag: { lua: number; bongDa: number };
  person: { lan: { id: number; slug: string }; hung: { id: number; slug: string } };
  /** Stories by name; `sport[i]` are 25 football stories (so /the-thao has a second page). */
  stories: { rice: number; market: number; policy: number; sport: number[] };
}

const doc = (text: string) => ({ type: 'doc' as const, content: [paragraph(text)] });

export async function buildNewsroom(db: Kysely<Database>): Promise<Newsroom> {
  const thoiSu = await createCategory(db, { name: 'Thời sự', position: 1 });
  const kinhTe = await createCategory(db, { name: 'Kinh tế', position: 2 });
  const nongNghiep = await createCategory(db, { name: 'Nông nghiệp', parentId: kinhTe, position: 1 });
  const theThao = await createCategory(db, { name: 'Thể thao', position: 3 });
  const lan = await ensurePerson(db, { name: 'Trần Thị Lan', title: 'Phóng viên' });
  const hung = await ensurePerson(db, { name: 'Lê Văn Hùng', title: 'Phóng viên' });
  const lua = await ensureTag(db, 'Lúa gạo');
  const bongDa = await ensureTag(db, 'Bóng đá');
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const sport: number[] = [];
  for (let i = 0; i < 25; i++) {
    sport.push(await createArticle(db, { title: `Vòng đấu thứ ${i + 1} của giải hạng nhất`, sapo: 'Kết quả các trận đấu cuối tuần.', body: doc('Đội nhà thắng sát nút.'), categoryId: theThao, status: 'published', publishedAt: at(i), tags: ['Bóng đá'], bylines: [{ personId: hung.id }] }));
  }
  const rice = await createArticle(db, { title: 'Giá lúa đầu vụ tăng nhẹ ở đồng bằng', sapo: 'Nông dân phấn khởi vì giá lúa tăng.', body: doc('Giá lúa tăng từ tuần trước.'), categoryId: nongNghiep, status: 'published', publishedAt: at(100), tags: ['Lúa gạo'], bylines: [{ personId: lan.id }] });
  const market = await createArticle(db, { title: 'Chợ đầu mối mở cửa lại sau sửa chữa', sapo: 'Tiểu thương trở lại buôn bán.', body: doc('Chợ đã được sửa mái.'), categoryId: kinhTe, status: 'published', publishedAt: at(101), bylines: [{ personId: lan.id }] });
  const policy = await createArticle(db, { title: 'Hội đồng nhân dân tỉnh họp phiên thường kỳ', sapo: 'Kỳ họp bàn về ngân sách.', body: doc('Các đại biểu thảo luận ngân sách.'), categoryId: thoiSu, status: 'published', publishedAt: at(102), bylines: [{ name: 'Cộng tác viên' }] });
  return { cat: { thoiSu, kinhTe, nongNghiep, theThao }, tag: { lua: lua.id, bongDa: bongDa.id }, person: { lan: { id: lan.id, slug: lan.slug }, hung: { id: hung.id, slug: hung.slug } }, stories: { rice, market, policy, sport } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes as sent (possibly compressed). */
  raw: Buffer;
  /** Decoded text. */
  text: string;
}

/** GET (or HEAD) over a real socket, without the automatic decompression fetch does. */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const plain = raw.length === 0 ? raw : enc === 'gzip' ? gunzipSync(raw) : enc === 'br' ? brotliDecompressSync(raw) : raw;
        resolve({ status: res.statusCode!, headers: res.headers, raw, text: plain.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redisUp: Promise<boolean> | undefined;

/** Redis suites are required in CI; elsewhere they are skipped with a printed line when Redis is unreachable. */
export function redisAvailable(): Promise<boolean> {
  redisUp ??= (async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`Redis is required in CI but ${TEST_REDIS_URL} is unreachable: ${String(err)}`, { cause: err });
      console.log(`[skip] Redis suites skipped: ${TEST_REDIS_URL} is unreachable (${(err as Error).message})`);
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return redisUp;
}

/** A newsroom member who can take a story from draft to published through the API, by bearer token. */
export async function apiPublisher(db: Kysely<Database>, deskIds: number[]): Promise<string> {
  const { createUser, createApiToken } = await import('../storage/newsroom.ts');
  const user = await createUser(db, { email: `tong-bien-tap-${Date.now()}-${Math.random().toString(36).slice(2)}@example.vn`, name: 'Tổng biên tập', password: 'mat-khau-thu-nghiem-1', roles: ['editor_in_chief'], deskIds });
  return (await createApiToken(db, user.id, 'cache tests')).token;
}

/** Creates a story through the API and walks it to published; returns its id. */
export async function publishThroughApi(base: string, token: string, story: { title: string; categoryId: number; sapo?: string; tags?: string[] }): Promise<number> {
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(new URL(path, base), { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as { id: number; status: string };
  };
  const created = await call('POST', '/api/v1/articles', { title: story.title, categoryId: story.categoryId, sapo: story.sapo ?? 'Tin mới.', body: { type: 'doc', content: [paragraph('Nội dung tin mới.')] }, ...(story.tags ? { tags: story.tags } : {}) });
  for (const action of ['submit', 'send_for_approval', 'publish']) await call('POST', `/api/v1/articles/${created.id}/transitions`, { action });
  return created.id;
}

/** Takes a story down through the API. */
export async function unpublishThroughApi(base: string, token: string, id: number): Promise<void> {
  const res = await fetch(new URL(`/api/v1/articles/${id}/transitions`, base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'unpublish', note: 'Gỡ để xác minh.' }) });
  if (!res.ok) throw new Error(`unpublish → ${res.status}: ${await res.text()}`);
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Reads HTTP/1.1 responses off a socket as they arrive (Content-Length framed; no body for HEAD and 304). */
export class WireClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }
  static open(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new WireClient(s)));
      s.once('error', reject);
    });
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf.toString('latin1'))}`);
    await new Promise<void>((r) => this.waiters.push(r));
  }
  /** One request on a connection of its own: its response, then the connection closed. */
  static async once(port: number, request: string, opts: { head?: boolean } = {}): Promise<WireResponse> {
    const c = await WireClient.open(port);
    try {
      c.send(request);
      return await c.response(opts);
    } finally {
      c.close();
    }
  }
  send(text: string | Buffer): void {
    this.socket.write(text);
  }
  async response(opts: { head?: boolean } = {}): Promise<WireResponse> {
    let end: number;
    while ((end = this.buf.indexOf('\r\n\r\n')) === -1) await this.more();
    const lines = this.buf.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = opts.head || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
    while (this.buf.length < end + 4 + length) await this.more();
    const body = this.buf.subarray(end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    return { status, headers, body };
  }
  async waitClosed(): Promise<void> {
    while (!this.closed) await this.more().catch(() => {});
  }
  close(): void {
    this.socket.destroy();
  }
}

/** A GET request as a browser sends it (all three encodings), with extra header lines. */
export const wireGet = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip, deflate, br\r\n${extra}\r\n`;

/**
 * The reference for a faster path: how a server of the same site with that path off (`cache` options) answers `path`
 * on a keep-alive request, after one request for `warm` (which teaches it the headers the app adds).
 */
export async function answerWithPathOff(store: TestStore, cache: SiteCacheOptions, warm: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  const app = await buildServer(createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-'))), { cache });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    await rawGet(base, warm, { 'accept-encoding': 'gzip' });
    return await rawGet(base, path, { ...headers, connection: 'keep-alive' });
  } finally {
    await app.close();
  }
}

/** The headers of `reference` that `wire` lacks or sends with another value, but those per connection or response. */
export function headersNotMatching(reference: RawResponse, wire: WireResponse): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(reference.headers)) {
    if (name === 'date' || name === 'keep-alive' || name === 'connection') continue;
    const expected = Array.isArray(value) ? value.join(', ') : value;
    if (wire.headers[name] !== expected) out.push(`${name}: ${expected} ≠ ${wire.headers[name]}`);
  }
  return out;
}

/** The newsroom above in a fresh SQLite file, served with the page cache on a random port (the socket suites). */
export interface CachedSite {
  store: TestStore;
  n: Newsroom;
  ctx: AppContext;
  app: FastifyInstance;
  base: string;
  port: number;
  close(): Promise<void>;
}

export async function startCachedSite(): Promise<CachedSite> {
  const store = await openTestSqlite();
  const n = await buildNewsroom(store.db);
  const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
  const app = await buildServer(ctx, { cache: {} });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    store,
    n,
    ctx,
    app,
    base,
    port: Number(new URL(base).port),
    close: async () => {
      await app.close();
      await store.dispose();
    },
  };
}
