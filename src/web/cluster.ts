import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { relayInvalidations } from '../cache/fanout.ts';

/** Worker count for `serve`: the flag, else TOASOAN_WORKERS, else one per core. */
/** The environment variable telling a worker its slot (0…N-1). */
export const WORKER_SLOT_ENV = 'TOASOAN_WORKER_SLOT';

/** Whether this process does the work one process per server should do: a lone process, or a cluster's slot 0. */
export function isFirstWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return !cluster.isWorker || env[WORKER_SLOT_ENV] === '0';
}

export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env.TOASOAN_WORKERS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`--workers phải là số nguyên từ 1 đến 256 (nhận được "${raw}")`);
  return n;
}

/** How the primary replaces workers that stop. */
const RESTART = {
  /** Wait before the first replacement; it doubles with each worker in a row that fails to start or dies soon after. */
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  /** A worker that served this long before it stopped is a crash, not a failed start: the backoff starts again. */
  stableMs: 10_000,
  /** With no worker serving, this many failed starts in a row (port taken, database unreachable) end the primary. */
  maxStartFailures: 6,
};

/**
 * The primary of `toasoan serve --workers N`: forks the workers (each runs the same command and shares the port),
 * relays cache invalidations between them over IPC, replaces a worker that stops (with a growing wait while they keep
 * failing), gives up with exit code 1 when none can start, and stops them all on SIGTERM/SIGINT.
 * It never serves requests itself.
 */
export function runPrimary(workers: number, log: (m: string) => void = console.log): Promise<number> {
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  const relay = relayInvalidations(live);
  let stopping = false;
  const servingSince = new Map<number, number>();
  const pending = new Set<NodeJS.Timeout>();
  let failuresInRow = 0;
  // Each worker keeps its slot (0…N-1) across restarts: background work done by one process only goes to slot 0.
  const slots = new Map<number, number>();
  const fork = (slot: number) => {
    const w = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    slots.set(w.id, slot);
    w.on('message', (m: unknown) => relay(w, m));
    w.on('listening', () => servingSince.set(w.id, Date.now()));
    return w;
  };
  for (let i = 0; i < workers; i++) fork(i);
  return new Promise<number>((resolve) => {
    const stop = (exitCode: number) => {
      if (stopping) return;
      stopping = true;
      for (const t of pending) clearTimeout(t);
      const running = live();
      if (running.length === 0) return resolve(exitCode);
      let left = running.length;
      for (const w of running) {
        w.once('exit', () => {
          if (--left === 0) resolve(exitCode);
        });
        w.process.kill('SIGTERM');
      }
      // A worker that does not finish its requests in time is ended.
      setTimeout(() => {
        for (const w of live()) w.process.kill('SIGKILL');
      }, 10_000).unref();
    };
    cluster.on('exit', (w, code, signal) => {
      if (stopping) return;
      const since = servingSince.get(w.id);
      servingSince.delete(w.id);
      const slot = slots.get(w.id) ?? 0;
      slots.delete(w.id);
      const failedEarly = since === undefined || Date.now() - since < RESTART.stableMs;
      failuresInRow = failedEarly ? failuresInRow + 1 : 0;
      if (failuresInRow >= RESTART.maxStartFailures && servingSince.size === 0) {
        log(`toasoan: tiến trình phục vụ ${w.process.pid} đã dừng (${signal ?? code}); ${failuresInRow} tiến trình liên tiếp không khởi động được và không còn tiến trình nào đang phục vụ: dừng hẳn`);
        return stop(1);
      }
      const delay = failedEarly ? Math.min(RESTART.firstDelayMs * 2 ** (failuresInRow - 1), RESTART.maxDelayMs) : RESTART.firstDelayMs;
      log(`toasoan: tiến trình phục vụ ${w.process.pid} đã dừng (${signal ?? code}); khởi động tiến trình mới sau ${delay / 1000} giây`);
      const t = setTimeout(() => {
        pending.delete(t);
        if (!stopping) fork(slot);
      }, delay);
      pending.add(t);
    });
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
  });
}
