#!/usr/bin/env node
// node bench/audit-trace.mjs [path] — one Lighthouse run (mobile, default config) on a page of the demo site (default:
// the first article linked from the home page), after one discarded run, like `npm run audit:site`. Saves the
// Chromium trace Lighthouse recorded (TRACE_OUT, default /tmp/toasoan-trace.json; open it in Chrome DevTools'
// Performance panel) and prints the renderer main-thread tasks longer than TRACE_MIN_MS (default 8) with their
// largest inner events, wall and CPU time: wall time is what Lighthouse multiplies by 4, CPU time is the renderer's
// own work (the difference is waiting: for other threads, processes, or the machine's cores).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];
const out = process.env.TRACE_OUT || '/tmp/toasoan-trace.json';
const minMs = Number(process.env.TRACE_MIN_MS ?? 8);

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/audit-server.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_REQUESTS: '' } });
const origin = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).on('line', (line) => {
    try {
      const msg = JSON.parse(line);
      if (msg.url) resolve(msg.url);
    } catch {
      /* not ours */
    }
  });
  server.once('exit', (code) => reject(new Error(`audit server exited (${code})`)));
});
const text = async (url) => (await fetch(url)).text();

let chrome;
try {
  const path = process.argv[2] ?? /href="(\/[a-z0-9-]+-post\d+\.html)"/.exec(await text(`${origin}/`))?.[1];
  if (!path) throw new Error('no article linked from the home page');
  // As in audit:site: the first request for each image variant encodes it.
  const html = await text(origin + path);
  const urls = new Set([...html.matchAll(/(?:src|srcset)="([^"]+)"/g)].flatMap((m) => m[1].split(',').map((s) => s.trim().split(/\s+/)[0])));
  await Promise.all([...urls].filter((u) => u.startsWith('/media/')).map((u) => fetch(origin + u).then((r) => r.arrayBuffer())));
  chrome = await chromeLauncher.launch({ chromePath, chromeFlags: FLAGS });
  const options = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] };
  await lighthouse(origin + path, options);
  const load = loadavg()[0];
  const { lhr, artifacts } = await lighthouse(origin + path, options);
  await writeFile(out, JSON.stringify(artifacts.Trace));
  const a = lhr.audits;
  console.log(`${path}: performance ${Math.round(lhr.categories.performance.score * 100)}, TBT ${Math.round(a['total-blocking-time'].numericValue)} ms, FCP ${Math.round(a['first-contentful-paint'].numericValue)} ms, LCP ${Math.round(a['largest-contentful-paint'].numericValue)} ms; load average ${load.toFixed(2)}, benchmarkIndex ${Math.round(lhr.environment.benchmarkIndex)}`);
  console.log(`simulated long tasks (start:duration ms): ${(a['long-tasks'].details?.items ?? []).map((t) => `${t.url === 'Unattributable' ? 'Unattributable' : 'document'} ${Math.round(t.startTime)}:${Math.round(t.duration)}`).join(', ')}`);
  console.log(`trace saved to ${out}`);

  const events = artifacts.Trace.traceEvents;
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && e.args.data.documentLoaderURL?.startsWith('http'));
  const main = events.filter((e) => e.pid === nav.pid && e.tid === nav.tid && e.ph === 'X' && e.ts >= nav.ts).sort((x, y) => x.ts - y.ts || y.dur - x.dur);
  const fcp = events.find((e) => e.name === 'firstContentfulPaint' && e.pid === nav.pid);
  console.log(`observed: FCP at ${fcp ? Math.round((fcp.ts - nav.ts) / 1000) : '?'} ms after navigation start`);
  const ms = (us) => (us / 1000).toFixed(1);
  for (const task of main.filter((e) => e.name === 'RunTask' && e.dur >= minMs * 1000)) {
    const inner = new Map();
    for (const e of main) {
      if (e === task || e.ts < task.ts || e.ts + e.dur > task.ts + task.dur || e.name === 'RunTask') continue;
      const s = inner.get(e.name) ?? { wall: 0, cpu: 0 };
      s.wall += e.dur;
      s.cpu += e.tdur ?? 0;
      inner.set(e.name, s);
    }
    const top = [...inner].sort((x, y) => y[1].wall - x[1].wall).slice(0, 6).map(([n, s]) => `${n} ${ms(s.wall)}/${ms(s.cpu)}`);
    console.log(`+${Math.round((task.ts - nav.ts) / 1000)} ms  wall ${ms(task.dur)}  cpu ${ms(task.tdur ?? 0)}  ${top.join(' | ')}`);
  }
} finally {
  await chrome?.kill();
  server.kill('SIGTERM');
}
