#!/usr/bin/env node
// Entry for `npx toasoan …` and `npm start`: TypeScript sources run through tsx's loader.
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// A long-running `serve` re-executes itself once with memory settings that only work from the start
// (measured after 3,000 article renders with one worker, docs/PERFORMANCE.md):
// - V8 sizes its young generation from the machine's RAM: 134 MB of new space on a 24 GiB machine. Semi-spaces of
//   16 MB (V8's long-standing default on 64-bit) took RSS from 351 MB to 237 MB at the same speed.
// - glibc gives threads their own malloc arenas, and gzip and brotli ran on libuv's threads: two arenas took RSS
//   from 372 MB to 338 MB.
// - glibc raises its mmap threshold after each large free, after which short-lived blocks of 64 KiB and more (socket
//   reads, zlib state) come from the heap between long-lived cache pages and leave holes it cannot give back. A fixed
//   64 KiB threshold: 366 → 308 MB after a 10,000-page mix on the 100,000-story database, same throughput.
// - Semi-spaces of 8 MB instead of 16: another 16 MB (301 MB in the same run), scavenges stay short.
// - V8 lets the old generation grow to several times its live size before a full collection: under the benchmark's
//   publishing load the heap swung between 89 and 169 MB. Growth capped at 25 % above the live size: peak RSS 280
//   and 280 MB against 299, 395 and 429 MB in one-worker runs of `npm run bench:http`, same throughput.
const settings = [];
if (!process.env.MALLOC_ARENA_MAX) settings.push('MALLOC_ARENA_MAX');
if (!process.env.MALLOC_MMAP_THRESHOLD_) settings.push('MALLOC_MMAP_THRESHOLD_');
const v8Flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
if (!v8Flags.some((a) => a.includes('semi-space-size'))) settings.push('--max-semi-space-size=8');
if (!v8Flags.some((a) => a.includes('heap-growing-percent'))) settings.push('--heap-growing-percent=25');
if (process.argv[2] === 'serve' && process.platform === 'linux' && settings.length > 0 && !process.env.TOASOAN_REEXEC && typeof process.execve === 'function') {
  const execArgv = [...process.execArgv, ...settings.filter((s) => s.startsWith('--'))];
  process.execve(process.execPath, [process.execPath, ...execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '65536', TOASOAN_REEXEC: '1' });
}

// The project's own tsconfig (JSX factory and all), whatever directory toasoan is started from.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') {
  process.exitCode = code;
  // A server that could not start must end: a cluster worker (its IPC channel and the app's timers would keep it
  // alive), so that the primary starts another, and a one-process `serve` (open database or Redis connections).
  if (cluster.isWorker || process.argv[2] === 'serve') process.exit(code);
}
