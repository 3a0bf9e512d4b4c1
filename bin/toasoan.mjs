#!/usr/bin/env node
// Entry for `npx toasoan …` and `npm start`: TypeScript sources run through tsx's loader.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// A long-running `serve` re-executes itself once with two memory settings that only work from the start
// (measured after 3,000 article renders with one worker, docs/PERFORMANCE.md):
// - V8 sizes its young generation from the machine's RAM: 134 MB of new space on a 24 GiB machine. Semi-spaces of
//   16 MB (V8's long-standing default on 64-bit) took RSS from 351 MB to 237 MB at the same speed.
// - glibc gives threads their own malloc arenas, and gzip and brotli ran on libuv's threads: two arenas took RSS
//   from 372 MB to 338 MB.
// - glibc raises its mmap threshold after each large free, after which short-lived blocks of 64 KiB and more (socket
//   reads, zlib state) come from the heap between long-lived cache pages and leave holes it cannot give back. A fixed
//   64 KiB threshold: 366 → 308 MB after a 10,000-page mix on the 100,000-story database, same throughput.
// - Semi-spaces of 8 MB instead of 16: another 16 MB (301 MB in the same run), scavenges stay short.
const settings = [];
if (!process.env.MALLOC_ARENA_MAX) settings.push('MALLOC_ARENA_MAX');
if (!process.env.MALLOC_MMAP_THRESHOLD_) settings.push('MALLOC_MMAP_THRESHOLD_');
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space-size'))) settings.push('semi-space');
if (process.argv[2] === 'serve' && process.platform === 'linux' && settings.length > 0 && !process.env.TOASOAN_REEXEC && typeof process.execve === 'function') {
  const execArgv = settings.includes('semi-space') ? [...process.execArgv, '--max-semi-space-size=8'] : process.execArgv;
  process.execve(process.execPath, [process.execPath, ...execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '65536', TOASOAN_REEXEC: '1' });
}

// The project's own tsconfig (JSX factory and all), whatever directory toasoan is started from.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
