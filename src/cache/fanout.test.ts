import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openTestPostgres, openTestSqlite, postgresAvailable, type TestStore } from '../storage/testing.ts';
import { createContext, type AppContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { articlePath } from '../domain/article.ts';
import { createArticle, getArticle } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import { redisFanout } from './fanout.ts';
import { apiPublisher, buildNewsroom, publishThroughApi, rawGet, redisAvailable, TEST_REDIS_URL, unpublishThroughApi, type Newsroom } from './test-support.ts';

const pgUp = await postgresAvailable();
const redisUp = await redisAvailable();
const ROOT = resolve(import.meta.dirname, '../..');

describe.runIf(pgUp && redisUp)('two servers over PostgreSQL and Redis (in-process, separate caches)', () => {
  let store: TestStore;
  let n: Newsroom;
  const apps: Array<{ ctx: AppContext; app: FastifyInstance; base: string }> = [];
  let token: string;

  beforeAll(async () => {
    store = await openTestPostgres();
    n = await buildNewsroom(store.db);
    token = await apiPublisher(store.db, [n.cat.theThao, n.cat.thoiSu]);
    const channel = `toasoan-test:${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
      const app = await buildServer(ctx, { cache: { redisUrl: TEST_REDIS_URL, redisChannel: channel } });
      apps.push({ ctx, app, base: await app.listen({ port: 0, host: '127.0.0.1' }) });
    }
  });
  afterAll(async () => {
    for (const a of apps) await a.app.close();
    await store?.dispose();
  });

  it('uses Redis for fan-out', () => {
    expect(apps.map((a) => a.ctx.siteCache!.fanoutKind)).toEqual(['redis', 'redis']);
  });

  it('a story published through the API of one is on the category page of the other at the next request', async () => {
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    for (const x of [a, b]) {
      await rawGet(x.base, '/the-thao');
      expect((await rawGet(x.base, '/the-thao')).headers['x-cache']).toBe('HIT');
      await rawGet(x.base, '/thoi-su');
    }
    const id = await publishThroughApi(a.base, token, { title: 'Đội bóng tỉnh nhà lên hạng', categoryId: n.cat.theThao, tags: ['Bóng đá'] });
    const onB = await rawGet(b.base, '/the-thao');
    expect(onB.headers['x-cache']).toBe('MISS');
    expect(onB.text).toContain('Đội bóng tỉnh nhà lên hạng');
    // Unrelated pages stay cached on both servers.
    for (const x of [a, b]) expect((await rawGet(x.base, '/thoi-su')).headers['x-cache']).toBe('HIT');

    const url = articlePath((await getArticle(store.db, id))!);
    for (const x of [a, b]) expect((await rawGet(x.base, url)).status).toBe(200);
    await unpublishThroughApi(a.base, token, id);
    expect((await rawGet(b.base, url)).status).toBe(410);
    expect((await rawGet(b.base, '/the-thao')).text).not.toContain('Đội bóng tỉnh nhà lên hạng');
  });

  it('a process whose Redis subscription dropped forgets every page once it is back (it may have missed invalidations)', async () => {
    const [, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    await rawGet(b.base, '/thoi-su');
    expect((await rawGet(b.base, '/thoi-su')).headers['x-cache']).toBe('HIT');
    const name = b.ctx.siteCache!.fanoutSubscriber!;
    const { Redis } = await import('ioredis');
    const admin = new Redis(TEST_REDIS_URL);
    try {
      const clients = String(await admin.call('CLIENT', 'LIST'));
      const line = clients.split('\n').find((l) => l.includes(`name=${name} `));
      expect(line).toBeDefined();
      const id = /\bid=(\d+)/.exec(line!)![1]!;
      await admin.call('CLIENT', 'KILL', 'ID', id);
      // Wait until the subscriber is connected again under its name.
      for (let i = 0; i < 200 && !String(await admin.call('CLIENT', 'LIST')).includes(`name=${name} `); i++) await new Promise((r) => setTimeout(r, 25));
      for (let i = 0; i < 200 && b.ctx.siteCache!.pages.has('/thoi-su'); i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      admin.disconnect();
    }
    expect((await rawGet(b.base, '/thoi-su')).headers['x-cache']).toBe('MISS');
  });

  it('events emitted by the workflow in one process invalidate the other before emit returns', async () => {
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    await rawGet(b.base, '/');
    expect((await rawGet(b.base, '/')).headers['x-cache']).toBe('HIT');
    const id = await createArticle(store.db, { title: 'Phiên chợ vùng cao cuối tuần', body: { type: 'doc', content: [paragraph('Chợ họp từ sáng sớm.')] }, categoryId: n.cat.thoiSu, status: 'published' });
    await a.ctx.events.emit({ type: 'article.published', articleId: id });
    const home = await rawGet(b.base, '/');
    expect(home.headers['x-cache']).toBe('MISS');
    expect(home.text).toContain('Phiên chợ vùng cao cuối tuần');
  });
});

/** Starts `toasoan serve` as a child process and resolves with its address. */
async function startServe(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/toasoan.mjs'), 'serve', '--port', '0', '--no-demo', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // Decoded as a stream: the Vietnamese start-up line must not be split inside a character.
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => (out += d));
  child.stderr!.on('data', (d: string) => (out += d));
  const base = await new Promise<string>((ok, fail) => {
    const onData = () => {
      const m = /đang phục vụ (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`toasoan serve exited ${code}: ${out}`)));
  });
  return { child, base, output: () => out };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe.runIf(redisUp)('`toasoan import` while a server runs, with REDIS_URL', () => {
  it('the imported stories are on the home page at the next request (the import announces them as a publish would)', async () => {
    const store = await openTestSqlite();
    const { ensureDefaultCategories } = await import('../demo/seed.ts');
    const { runImport } = await import('../cli/import-command.ts');
    const { configFromEnv } = await import('../config.ts');
    await ensureDefaultCategories(store.db);
    const channel = `toasoan-test:${randomUUID()}`;
    const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    const app = await buildServer(ctx, { cache: { redisUrl: TEST_REDIS_URL, redisChannel: channel } });
    const saved = { REDIS_URL: process.env.REDIS_URL, TOASOAN_CACHE_CHANNEL: process.env.TOASOAN_CACHE_CHANNEL };
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      await rawGet(base, '/');
      expect((await rawGet(base, '/')).headers['x-cache']).toBe('HIT');
      const seed = join(ROOT, '../shared/seeds/004_7b066fd2c4a738dc.txt');
      const title = readFileSync(seed, 'utf8').split('\n')[0]!.trim().normalize('NFC');
      Object.assign(process.env, { REDIS_URL: TEST_REDIS_URL, TOASOAN_CACHE_CHANNEL: channel });
      expect(await runImport([seed], { ...configFromEnv(), databaseUrl: store.url, mediaDir: ctx.mediaDir })).toBe(0);
      const home = await rawGet(base, '/');
      expect(home.headers['x-cache']).toBe('MISS');
      expect(home.text).toContain(title.replace(/&/g, '&amp;'));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await app.close();
      await store.dispose();
    }
  });
});

describe.runIf(pgUp && redisUp)('two `toasoan serve` processes over PostgreSQL and Redis', () => {
  let store: TestStore;
  let n: Newsroom;
  const servers: Array<Awaited<ReturnType<typeof startServe>>> = [];
  const channel = `toasoan-test:${randomUUID()}`;

  beforeAll(async () => {
    store = await openTestPostgres();
    n = await buildNewsroom(store.db);
    const env = {
      DATABASE_URL: `${store.url}?options=${encodeURIComponent(`-c search_path=${store.pgSchema}`)}`,
      REDIS_URL: TEST_REDIS_URL,
      TOASOAN_CACHE_CHANNEL: channel,
      MEDIA_DIR: mkdtempSync(join(tmpdir(), 'toasoan-media-')),
    };
    // One at a time, so afterAll stops the first even if the second fails to start.
    servers.push(await startServe(['--workers', '1'], env));
    servers.push(await startServe(['--workers', '1'], env));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) await stop(s.child);
    await store?.dispose();
  });

  it('a publish through one is seen through the other at once', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    expect(a.output()).toContain('fan-out redis');
    const token = await apiPublisher(store.db, [n.cat.kinhTe]);
    for (const s of servers) {
      await rawGet(s.base, '/kinh-te');
      expect((await rawGet(s.base, '/kinh-te')).headers['x-cache']).toBe('HIT');
    }
    await publishThroughApi(a.base, token, { title: 'Giá cà phê lập đỉnh mới', categoryId: n.cat.kinhTe });
    const onB = await rawGet(b.base, '/kinh-te');
    expect(onB.headers['x-cache']).toBe('MISS');
    expect(onB.text).toContain('Giá cà phê lập đỉnh mới');
  });

  it.runIf(process.platform === 'linux')('serve runs with its memory settings (bin/toasoan.mjs re-executes itself once with them)', () => {
    const pid = servers[0]!.child.pid!;
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--max-semi-space-size=8');
    expect(args).toContain('--heap-growing-percent=25');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}`);
    expect(environ).toContain(`MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_ ?? '65536'}`);
  });

  it('an invalidation sent on the channel by a third process is applied by both before it is acknowledged', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    for (const s of [a, b]) {
      await rawGet(s.base, '/thoi-su');
      await rawGet(s.base, '/the-thao');
      expect((await rawGet(s.base, '/thoi-su')).headers['x-cache']).toBe('HIT');
    }
    const fanout = await redisFanout(TEST_REDIS_URL, channel, () => {});
    try {
      await fanout.publish({ keys: [`c:${n.cat.thoiSu}`] });
    } finally {
      await fanout.close();
    }
    for (const s of [a, b]) {
      expect((await rawGet(s.base, '/thoi-su')).headers['x-cache']).toBe('MISS');
      expect((await rawGet(s.base, '/the-thao')).headers['x-cache']).toBe('HIT');
    }
  });
});

describe('`toasoan serve --workers 2`: one machine, invalidation over IPC', () => {
  let store: TestStore;
  let n: Newsroom;
  let server: Awaited<ReturnType<typeof startServe>> | undefined;

  beforeAll(async () => {
    store = await openTestSqlite();
    n = await buildNewsroom(store.db);
    server = await startServe(['--workers', '2'], { DATABASE_URL: store.url, REDIS_URL: '', MEDIA_DIR: mkdtempSync(join(tmpdir(), 'toasoan-media-')) });
  }, 60_000);
  afterAll(async () => {
    await stop(server?.child);
    await store?.dispose();
  });

  it('a publish handled by one worker is seen through every worker at the next request', async () => {
    const { base } = server!;
    // Round-robin between workers: enough requests leave the page cached in both.
    for (let i = 0; i < 6; i++) await rawGet(base, '/the-thao');
    const before = await Promise.all(Array.from({ length: 4 }, () => rawGet(base, '/the-thao')));
    expect(before.every((r) => r.headers['x-cache'] === 'HIT')).toBe(true);
    const token = await apiPublisher(store.db, [n.cat.theThao]);
    await publishThroughApi(base, token, { title: 'Giải chạy việt dã mùa xuân', categoryId: n.cat.theThao });
    const after = await Promise.all(Array.from({ length: 6 }, () => rawGet(base, '/the-thao')));
    for (const r of after) expect(r.text).toContain('Giải chạy việt dã mùa xuân');
  });

  it('a worker that cannot start ends, the primary starts others with a growing wait, then gives up with exit code 1', { timeout: 60_000 }, async () => {
    // The port is taken, so every worker's listen fails.
    const taken = createNetServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/toasoan.mjs'), 'serve', '--no-demo', '--workers', '2', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: store.url, REDIS_URL: '', MEDIA_DIR: mkdtempSync(join(tmpdir(), 'toasoan-media-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    // Decoded as a stream: the Vietnamese lines must not be split inside a character.
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (out += d));
    child.stderr!.on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await expect.poll(() => out, { timeout: 20_000, interval: 100 }).toMatch(/tiến trình phục vụ \d+ đã dừng \(1\); khởi động tiến trình mới sau 0\.5 giây/);
      expect(out).toContain('EADDRINUSE');
      // Six failed starts in a row (0.5, 1, 2, 4, 8 s apart at most) and no worker serving: the primary stops.
      expect(await exited).toBe(1);
      expect(out).toMatch(/khởi động tiến trình mới sau 1 giây/);
      expect(out).toMatch(/khởi động tiến trình mới sau 2 giây/);
      expect(out).toMatch(/6 tiến trình liên tiếp không khởi động được và không còn tiến trình nào đang phục vụ: dừng hẳn/);
    } finally {
      await stop(child);
      taken.close();
    }
  });

  it('one process and Redis unreachable at start: a clear error naming REDIS_URL and exit code 1 (it hung, retrying)', { timeout: 30_000 }, async () => {
    const closed = createNetServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const redisPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/toasoan.mjs'), 'serve', '--no-demo', '--workers', '1', '--host', '127.0.0.1', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: store.url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, MEDIA_DIR: mkdtempSync(join(tmpdir(), 'toasoan-media-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(out).toContain('REDIS_URL');
      expect(out).not.toContain('đang phục vụ http');
    } finally {
      await stop(child);
    }
  });
});
