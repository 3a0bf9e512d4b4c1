/**
 * HTTP benchmark: `npm run bench:http`. Our server against nginx serving the same bytes, on loopback, in one run.
 *
 *   HTTP_BENCH_STORIES=100000     stories in the generated database (built once, kept in bench/.work)
 *   HTTP_BENCH_DURATION=10        seconds per measurement
 *   HTTP_BENCH_ROUNDS=3           alternating rounds (nginx, ours, nginx, ours…) of the hot-page measurements
 *   HTTP_BENCH_CONNECTIONS=64     open connections (wrk -c)
 *   HTTP_BENCH_WORKERS=1,N        our worker counts to measure (N = CPU cores)
 *   HTTP_BENCH_PLANS=1            also print the query plans of a page render on this database
 *   HTTP_BENCH_MIX=10000          different article URLs in the mix (all rendered once before the cached passes)
 *   HTTP_BENCH_PARTS=20000        newest stories kept in parts (as serve's filler keeps them) (article-parts.ts) before the runs. The uncached pass
 *                                 "rendered" asks the newest HTTP_BENCH_RENDERED (3,000) with their rows dropped;
 *                                 the pass "joined from stored parts" asks the next ones, which keep theirs; each
 *                                 uncached pass is followed by the hot article on the same server, for a ratio
 *                                 measured in the same minute
 *   HTTP_BENCH_QUICK=1            shorthand: 10,000 stories, 5 s, 2 rounds, a mix of 1,000
 *
 * Installs Debian's nginx-light and wrk with apt when missing. All traffic stays on 127.0.0.1.
 * Measures: hot article page (gzip) and hot home page vs nginx gzip_static on the exact same bytes; a mix of
 * 10,000 article URLs, first uncached (every request renders) then cached; the same mix while a writer
 * publishes one story per second through the newsroom API (with publish-to-visible latency); peak RSS per
 * worker; the page cache hit ratio. With fewer workers than cores, nginx also runs with that many workers on the
 * article page, for the per-core comparison. Prints a table and writes bench/.work/http-results.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { benchSite } from './http-site.ts';
import { checkPlans } from './http-plans.ts';
import { openStore } from '../src/storage/database.ts';
import { createApiToken, createUser } from '../src/storage/newsroom.ts';
import { articlePath } from '../src/domain/article.ts';
import { createContext } from '../src/web/context.ts';
import { DEFAULT_FILLED_STORIES, fillArticleParts } from '../src/web/site/article-parts.ts';
import { partsStats } from '../src/storage/page-parts.ts';
import { fillPhrasePairs } from '../src/search/phrase-pairs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench/.work');
const QUICK = process.env.HTTP_BENCH_QUICK === '1';
const STORIES = Number(process.env.HTTP_BENCH_STORIES ?? (QUICK ? 10_000 : 100_000));
const DURATION = Number(process.env.HTTP_BENCH_DURATION ?? (QUICK ? 5 : 10));
const ROUNDS = Number(process.env.HTTP_BENCH_ROUNDS ?? (QUICK ? 2 : 3));
const CONNECTIONS = Number(process.env.HTTP_BENCH_CONNECTIONS ?? 64);
const CORES = availableParallelism();
const WORKERS = (process.env.HTTP_BENCH_WORKERS ?? `1,${CORES}`).split(',').map(Number).filter((n, i, a) => n > 0 && a.indexOf(n) === i);
const MIX = Number(process.env.HTTP_BENCH_MIX ?? (QUICK ? 1_000 : 10_000));
const PARTS = Math.min(STORIES, Number(process.env.HTTP_BENCH_PARTS ?? DEFAULT_FILLED_STORIES));
// Within the stories whose related lists the database stores (http-site.ts), as a publish stores them.
const RENDERED = Math.min(Number(process.env.HTTP_BENCH_RENDERED ?? 3_000), Math.floor(PARTS / 4));
/** Requests before an uncached pass, on stories it does not ask for: the server's code is warm, as in service. */
const WARMUP = 200;
const THREADS = 2;

const log = (m: string) => console.log(m);

// ---------- tools ----------

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0 || existsSync(`/usr/sbin/${cmd}`);
}

let aptUpdated = false;
function aptInstall(pkg: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${pkg} is missing and this is not root: install it with apt-get install ${pkg}`);
  if (!aptUpdated) {
    log(`  apt-get update`);
    if (spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' }).status !== 0) throw new Error('apt-get update failed');
    aptUpdated = true;
  }
  log(`  apt-get install ${pkg}`);
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get install ${pkg} failed`);
}

function ensureTools(): { nginx: string } {
  if (!have('nginx')) aptInstall('nginx-light');
  if (!have('wrk')) aptInstall('wrk');
  return { nginx: existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx' };
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

// ---------- servers ----------

interface Ours {
  child: ChildProcess;
  base: string;
  pids(): number[];
  stop(): Promise<void>;
}

async function startOurs(dbFile: string, workers: number, env: Record<string, string> = {}): Promise<Ours> {
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/toasoan.mjs'), 'serve', '--port', '0', '--no-demo', '--workers', String(workers)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}`, REDIS_URL: '', MEDIA_DIR: join(WORK, 'media'), LOG_REQUESTS: '0', TOASOAN_CDN_S_MAXAGE: '60', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = await new Promise<string>((ok, fail) => {
    const timer = setInterval(() => {
      const lines = out.match(/đang phục vụ (http:\/\/\S+)/g) ?? [];
      if (lines.length >= workers) {
        clearInterval(timer);
        ok(/đang phục vụ (http:\/\/\S+)/.exec(lines[0]!)![1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`toasoan serve exited ${code}: ${out}`));
    });
  });
  const pids = () => {
    if (workers === 1) return [child.pid!];
    const file = `/proc/${child.pid}/task/${child.pid}/children`;
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
  };
  return {
    child,
    base,
    pids,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface Nginx {
  base: string;
  stop(): void;
}

async function startNginx(nginx: string, files: Record<string, { plain: Buffer; gzip: Buffer }>, workerProcesses = CORES): Promise<Nginx> {
  const dir = join(WORK, `nginx-${workerProcesses}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'root'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  for (const [name, f] of Object.entries(files)) {
    writeFileSync(join(dir, 'root', name), f.plain);
    writeFileSync(join(dir, 'root', `${name}.gz`), f.gzip);
  }
  const port = await freePort();
  const conf = `
worker_processes ${workerProcesses};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  open_file_cache max=100 inactive=60s;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  default_type text/html;
  gzip off;
  gzip_static on;
  gzip_vary on;
  etag on;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/root;
    location / { add_header Cache-Control "public, max-age=0, s-maxage=60"; }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await get(base, '/article.html', { 'accept-encoding': 'gzip' });
      if (r.status === 200) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { base, stop: () => child.kill('SIGQUIT') };
}

// ---------- client helpers ----------

function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, base), { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  hits: number;
  misses: number;
}

let listNo = 0;

/** Runs wrk without blocking this process (the publishing writer runs alongside). */
async function wrk(base: string, paths: string[], opts: { order?: 'seq' | 'random'; count?: boolean; duration?: number; connections?: number } = {}): Promise<LoadResult> {
  const list = join(WORK, `paths-${process.pid}-${listNo++}.txt`);
  writeFileSync(list, paths.join('\n') + '\n');
  const child = spawn('wrk', ['-t', String(THREADS), '-c', String(opts.connections ?? CONNECTIONS), '-d', `${opts.duration ?? DURATION}s`, '--timeout', '10s', '-s', join(ROOT, 'bench/http-mix.lua'), base], {
    env: { ...process.env, HTTP_MIX_URLS: list, HTTP_MIX_ORDER: opts.order ?? 'random', HTTP_MIX_THREADS: String(THREADS), HTTP_MIX_COUNT: opts.count ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`wrk failed: ${stderr}`);
  const r = { stdout };
  const m = /RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) errors=(\d+) non2xx=(\d+)/.exec(r.stdout);
  const c = /CACHE hits=(\d+) misses=(\d+)/.exec(r.stdout);
  if (!m) throw new Error(`cannot read wrk output:\n${r.stdout}`);
  const [requests, duration, p50, p99, errors, non2xx] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { rps: requests / (duration / 1e6), p50: p50 / 1000, p99: p99 / 1000, requests, errors, non2xx, hits: Number(c?.[1] ?? 0), misses: Number(c?.[2] ?? 0) };
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const row = (label: string, r: LoadResult, vs?: LoadResult) =>
  `  ${label.padEnd(44)} ${fmt(r.rps).padStart(8)} req/s   p50 ${fmt(r.p50, 2).padStart(7)} ms   p99 ${fmt(r.p99, 2).padStart(7)} ms${vs ? `   ×${fmt(r.rps / vs.rps, 2)} nginx` : ''}${r.errors + r.non2xx ? `   errors ${r.errors} non-2xx ${r.non2xx}` : ''}`;

function median(results: LoadResult[]): LoadResult {
  const s = [...results].sort((a, b) => a.rps - b.rps);
  return s[Math.floor((s.length - 1) / 2)]!;
}

// ---------- publishing writer ----------

async function apiToken(dbFile: string): Promise<{ token: string; categoryId: number; categoryPath: string }> {
  const store = await openStore(`sqlite:${dbFile}`);
  try {
    const desk = await store.db.selectFrom('categories').select(['id', 'slug', 'parent_id']).where('parent_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    const parent = await store.db.selectFrom('categories').select('slug').where('id', '=', desk.parent_id!).executeTakeFirstOrThrow();
    const email = `bench-${Date.now()}@example.vn`;
    const user = await createUser(store.db, { email, name: 'Tổng biên tập thử', password: 'mat-khau-thu-nghiem-1', roles: ['editor_in_chief'], deskIds: [desk.id] });
    return { token: (await createApiToken(store.db, user.id, 'bench')).token, categoryId: desk.id, categoryPath: `/${parent.slug}/${desk.slug}` };
  } finally {
    await store.close();
  }
}

/** Publishes one story per second through the API until stopped; records how long until it shows on its category page. */
function startWriter(base: string, w: { token: string; categoryId: number; categoryPath: string }): { stop(): Promise<{ published: number; visibleMs: number[]; failures: number }> } {
  let running = true;
  const visibleMs: number[] = [];
  let published = 0;
  let failures = 0;
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(new URL(path, base), { method, headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as { id: number };
  };
  const loop = (async () => {
    let n = 0;
    while (running) {
      const started = performance.now();
      try {
        const title = `Tin nóng số ${++n} lúc ${new Date().toISOString().slice(11, 19)}`;
        const { id } = await call('POST', '/api/v1/articles', { title, categoryId: w.categoryId, sapo: 'Tin cập nhật liên tục.', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Nội dung cập nhật.' }] }] } });
        await call('POST', `/api/v1/articles/${id}/transitions`, { action: 'submit' });
        await call('POST', `/api/v1/articles/${id}/transitions`, { action: 'send_for_approval' });
        await call('POST', `/api/v1/articles/${id}/transitions`, { action: 'publish' });
        const answered = performance.now();
        published++;
        for (let i = 0; i < 200; i++) {
          const page = await get(base, w.categoryPath, { 'accept-encoding': 'identity' });
          if (page.body.toString().includes(`-post${id}.html"`)) {
            visibleMs.push(performance.now() - answered);
            break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      } catch (err) {
        failures++;
        if (failures < 3) log(`  writer: ${(err as Error).message}`);
      }
      const wait = 1000 - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { published, visibleMs, failures };
    },
  };
}

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}

// ---------- main ----------

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${CORES} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
  log(`HTTP benchmark on ${machine}`);
  log(`  ${STORIES} stories, ${DURATION} s per measurement, ${ROUNDS} rounds, wrk -t${THREADS} -c${CONNECTIONS}, our workers: ${WORKERS.join(', ')}`);
  const { nginx } = ensureTools();
  const nginxVersion = spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr.trim();
  const wrkVersion = spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'wrk';
  log(`  ${nginxVersion}; ${wrkVersion}`);

  log('Database:');
  const site = await benchSite(STORIES, log);
  const store = await openStore(`sqlite:${site.file}`);
  // A serving process writes pending phrase pairs in the background with up to half its CPU (search/phrase-pairs.ts).
  // A paper in service has them long written; here they are written first, so no pass shares a server with that work
  // (until 25 November 2026 the uncached passes did, at about half their rate).
  const pairsStarted = performance.now();
  const pairs = await fillPhrasePairs(store.db, { batchSize: 500 });
  if (pairs) log(`  wrote the phrase pairs of ${pairs} stories in ${fmt((performance.now() - pairsStarted) / 1000, 1)} s`);
  const sample = await store.db.selectFrom('articles').select(['id', 'slug']).where('status', '=', 'published').orderBy('id', 'desc').limit(MIX).execute();
  // Story pages kept in parts, as a server's filler and its misses keep them: the newest PARTS stories.
  const filling = performance.now();
  const filled = await fillArticleParts(createContext(store, join(WORK, 'media')), { maxStories: PARTS, batchSize: 500 });
  const stats = await partsStats(store.db);
  log(`  stored the parts of ${filled} stories in ${fmt((performance.now() - filling) / 1000, 1)} s${filled ? ` (${fmt(filled / ((performance.now() - filling) / 1000))}/s)` : ''}; ${stats.rows} stories in parts, ${fmt(stats.bytes / Math.max(1, stats.rows) / 1024, 1)} KB each, ${fmt(stats.bytes / 2 ** 20)} MB in all`);
  // The uncached passes ask every story once (never wrapping around to a page already asked for): the newest
  // RENDERED with their rows dropped before each pass (rendered), and the next ones (joined from their stored parts).
  const newest = (await store.db.selectFrom('articles').select(['id', 'slug']).where('status', '=', 'published').orderBy('published_at', 'desc').orderBy('id', 'desc').limit(PARTS).execute()).map((r) => ({ id: r.id, path: articlePath(r) }));
  await store.close();
  const rendered = newest.slice(0, RENDERED);
  const joined = newest.slice(RENDERED);
  const refill = async () => {
    const s = await openStore(`sqlite:${site.file}`, { migrate: false });
    await fillArticleParts(createContext(s, join(WORK, 'media')), { maxStories: PARTS, batchSize: 500 });
    await s.close();
  };
  const dropRenderedParts = async () => {
    const s = await openStore(`sqlite:${site.file}`, { migrate: false });
    for (let i = 0; i < rendered.length; i += 500) await s.db.deleteFrom('article_page_parts').where('article_id', 'in', rendered.slice(i, i + 500).map((r) => r.id)).execute();
    await s.close();
  };
  const hotArticle = articlePath(sample[Math.floor(sample.length / 2)]!);
  const mixPaths = sample.map(articlePath);

  if (process.env.HTTP_BENCH_PLANS !== '0') {
    log('Query plans of page renders (SQLite):');
    for (const r of await checkPlans(`sqlite:${site.file}`)) log(`  ${r.page.slice(0, 60).padEnd(60)} ${r.statements} statements, ${r.fullScans.length} full scans`);
  }

  const results: Record<string, unknown> = { machine, stories: STORIES, duration: DURATION, rounds: ROUNDS, connections: CONNECTIONS, threads: THREADS, nginx: nginxVersion, wrk: wrkVersion, runs: {} as Record<string, unknown> };
  const runs = results.runs as Record<string, unknown>;

  for (const workers of WORKERS) {
    log(`\n=== ours with ${workers} worker${workers > 1 ? 's' : ''} vs nginx (${CORES} workers) ===`);
    // Fresh servers for the uncached passes first: every request is a miss.
    const coldPass = async (list: Array<{ path: string }>, label: string, maxRate: number, env: Record<string, string> = {}) => {
      const server = await startOurs(site.file, workers, env);
      for (const { path } of list.slice(0, WARMUP)) await get(server.base, path, { 'accept-encoding': 'gzip' });
      const paths = list.slice(WARMUP).map((r) => r.path);
      // Short enough (at up to maxRate misses/s) that the pass never runs out of stories it has not asked for.
      const seconds = Math.max(1, Math.min(DURATION, Math.floor(paths.length / maxRate)));
      const run = await wrk(server.base, paths, { order: 'seq', count: true, duration: seconds });
      // This machine's speed swings over minutes: the same server's hot article rate, measured right after, is the
      // ratio's other side in the same minute (the medians below come from other servers, minutes later).
      for (let i = 0; i < workers * 4; i++) await get(server.base, hotArticle, { 'accept-encoding': 'gzip' });
      const hotNow = await wrk(server.base, [hotArticle], { duration: seconds });
      await server.stop();
      // Only misses count: a hit (a URL asked twice) would flatter the rate.
      if (run.hits > 0) log(`  warning: ${run.hits} of the uncached pass's requests were hits; the rate counts misses only`);
      const r = { ...run, rps: run.misses / seconds, hotNow: hotNow.rps };
      log(row(`article mix, uncached, ${label} (${r.misses} in ${seconds} s)`, r) + `   ×${fmt(r.rps / hotNow.rps, 3)} of the hot article right after (${fmt(hotNow.rps)} req/s)`);
      return r;
    };
    const cold = joined.length > WARMUP ? await coldPass(joined, 'joined from stored parts', 8_000) : undefined;
    // The server's filler would store the dropped rows meanwhile: off for this pass, which measures renders.
    await dropRenderedParts();
    const coldRendered = rendered.length > WARMUP ? await coldPass(rendered, 'rendered', 1_000, { TOASOAN_PAGE_PARTS_STORIES: '0' }) : undefined;
    // Put the dropped rows back (the render pass stored some), so the next server's filler has nothing to do.
    await refill();

    const ours = await startOurs(site.file, workers);

    // The exact bytes we send: nginx serves these files with gzip_static.
    const files: Record<string, { plain: Buffer; gzip: Buffer }> = {};
    for (const [name, path] of [['article.html', hotArticle], ['index.html', '/']] as const) {
      await get(ours.base, path);
      const plain = (await get(ours.base, path)).body;
      const gz = (await get(ours.base, path, { 'accept-encoding': 'gzip' })).body;
      files[name] = { plain, gzip: gz };
    }
    log(`  article page: ${files['article.html']!.plain.length} bytes, ${files['article.html']!.gzip.length} gzipped; home: ${files['index.html']!.plain.length} / ${files['index.html']!.gzip.length}`);
    const ng = await startNginx(nginx, files);
    // For scale per core: nginx with as many workers as ours (the targets compare with nginx on all cores).
    const ngSame = workers < CORES ? await startNginx(nginx, files, workers) : undefined;
    // Warm every worker's cache for the hot pages.
    for (let i = 0; i < workers * 4; i++) for (const p of [hotArticle, '/']) await get(ours.base, p, { 'accept-encoding': 'gzip' });

    const hot: Record<string, { nginx: LoadResult[]; ours: LoadResult[] }> = { article: { nginx: [], ours: [] }, home: { nginx: [], ours: [] } };
    const sameWorkers: LoadResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [page, ngPath, ourPath] of [['article', '/article.html', hotArticle], ['home', '/', '/']] as const) {
        const n = await wrk(ng.base, [ngPath]);
        const o = await wrk(ours.base, [ourPath]);
        hot[page]!.nginx.push(n);
        hot[page]!.ours.push(o);
        let same = '';
        if (ngSame && page === 'article') {
          const n1 = await wrk(ngSame.base, [ngPath]);
          sameWorkers.push(n1);
          same = `; nginx with ${workers} worker${workers > 1 ? 's' : ''} ${fmt(n1.rps)} req/s ×${fmt(o.rps / n1.rps, 2)}`;
        }
        log(`  round ${round} ${page.padEnd(8)} nginx ${fmt(n.rps).padStart(7)} req/s, ours ${fmt(o.rps).padStart(7)} req/s  ×${fmt(o.rps / n.rps, 2)}${same}`);
      }
    }
    ng.stop();
    ngSame?.stop();

    // Render every URL of the mix once (as many at a time as there are workers), so the cached passes measure hits.
    const warming = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: workers * 2 }, async () => {
      // Each worker keeps its own cache: ask each URL once per worker (new connections go round-robin).
      while (next < mixPaths.length) {
        const path = mixPaths[next++]!;
        for (let i = 0; i < workers; i++) await get(ours.base, path, { 'accept-encoding': 'gzip' });
      }
    }));
    log(`  rendered the ${mixPaths.length} URLs of the mix in ${fmt((performance.now() - warming) / 1000, 1)} s (${fmt(mixPaths.length / ((performance.now() - warming) / 1000), 1)} renders/s at ${workers * 2} concurrent requests)`);
    const warmMix = await wrk(ours.base, mixPaths, { order: 'random', count: true });
    const warmMix2 = await wrk(ours.base, mixPaths, { order: 'random', count: true });
    const token = await apiToken(site.file);
    const writer = startWriter(ours.base, token);
    // Three measurement lengths, so the publish-to-visible percentiles rest on more than a handful of publishes.
    const publishing = await wrk(ours.base, mixPaths, { order: 'random', count: true, duration: 3 * DURATION });
    const w = await writer.stop();
    const rss = ours.pids().map(peakRssMb);
    await ours.stop();

    const art = { nginx: median(hot.article!.nginx), ours: median(hot.article!.ours) };
    const home = { nginx: median(hot.home!.nginx), ours: median(hot.home!.ours) };
    log(`  --- medians of ${ROUNDS} rounds ---`);
    log(row('nginx gzip_static, article page', art.nginx));
    log(row(`ours, hot article page (gzip)`, art.ours, art.nginx));
    if (sameWorkers.length) log(row(`nginx gzip_static with ${workers} worker${workers > 1 ? 's' : ''}, article`, median(sameWorkers), undefined) + `   ours ×${fmt(art.ours.rps / median(sameWorkers).rps, 2)}`);
    log(row('nginx gzip_static, home page', home.nginx));
    log(row('ours, hot home page (gzip)', home.ours, home.nginx));
    if (cold) log(row(`article mix, uncached, joined from stored parts (${cold.misses})`, cold) + `   ×${fmt(cold.rps / art.ours.rps, 3)} of the hot article rate, ×${fmt(cold.rps / cold.hotNow, 3)} of the same server's right after`);
    if (coldRendered) log(row(`article mix, uncached, rendered (${coldRendered.misses})`, coldRendered) + `   ×${fmt(coldRendered.rps / art.ours.rps, 3)} of the hot article rate, ×${fmt(coldRendered.rps / coldRendered.hotNow, 3)} of the same server's right after`);
    log(row(`article mix, cached pass 1 (hit ratio ${fmt((100 * warmMix.hits) / (warmMix.hits + warmMix.misses), 1)}%)`, warmMix));
    log(row(`article mix, cached pass 2 (hit ratio ${fmt((100 * warmMix2.hits) / (warmMix2.hits + warmMix2.misses), 1)}%)`, warmMix2));
    log(row(`mix + 1 publish/s (hit ratio ${fmt((100 * publishing.hits) / (publishing.hits + publishing.misses), 1)}%)`, publishing));
    log(`    published ${w.published} stories through the API (${w.failures} failures); publish-to-visible on the category page: p50 ${fmt(pct(w.visibleMs, 50), 1)} ms, p99 ${fmt(pct(w.visibleMs, 99), 1)} ms, max ${fmt(Math.max(...w.visibleMs), 1)} ms`);
    log(`    peak RSS per worker: ${rss.map((r) => `${fmt(r)} MB`).join(', ')}`);
    runs[`workers-${workers}`] = { hot, sameWorkers, medians: { article: art, home }, cold, coldRendered, warmMix, warmMix2, publishing, writer: { ...w, p50: pct(w.visibleMs, 50), p99: pct(w.visibleMs, 99) }, peakRssMb: rss, articleBytes: files['article.html']!.plain.length, articleGzipBytes: files['article.html']!.gzip.length };
  }
  writeFileSync(join(WORK, 'http-results.json'), JSON.stringify(results, null, 2));
  for (const f of readdirSync(WORK)) if (f.startsWith('paths-')) rmSync(join(WORK, f), { force: true });
  log(`\nResults written to bench/.work/http-results.json`);
}

await main();
