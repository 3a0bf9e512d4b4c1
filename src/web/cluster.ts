import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { relayInvalidations } from '../cache/fanout.ts';

/** Worker count for `serve`: the flag, else TOASOAN_WORKERS, else one per core. */
export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env.TOASOAN_WORKERS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`--workers phải là số nguyên từ 1 đến 256 (nhận được "${raw}")`);
  return n;
}

/**
 * The primary of `toasoan serve --workers N`: forks the workers (each runs the same command and shares the port),
 * relays cache invalidations between them over IPC, replaces a worker that crashes, and stops them all on SIGTERM/SIGINT.
 * It never serves requests itself.
 */
export function runPrimary(workers: number, log: (m: string) => void = console.log): Promise<number> {
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  const relay = relayInvalidations(live);
  let stopping = false;
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m: unknown) => relay(w, m));
    return w;
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    log(`worker ${w.process.pid} stopped (${signal ?? code}); starting a new one`);
    setTimeout(fork, 500).unref();
  });
  return new Promise<number>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const running = live();
      if (running.length === 0) return resolve(0);
      let left = running.length;
      for (const w of running) {
        w.once('exit', () => {
          if (--left === 0) resolve(0);
        });
        w.process.kill('SIGTERM');
      }
      // A worker that does not finish its requests in time is ended.
      setTimeout(() => {
        for (const w of live()) w.process.kill('SIGKILL');
      }, 10_000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
