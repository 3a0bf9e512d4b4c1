/**
 * Background work of a serving process (phrase pairs, story parts): `work` runs at start and then `intervalMs` after
 * each run ends. It calls `pause(ms)` after each slice, with the time the slice took: the pause lasts as long, so a
 * backlog takes at most half of the process, and it rejects once `stop()` was called, ending the run early.
 */
export function startBackgroundWork(work: (pause: (ms: number) => Promise<void>) => Promise<unknown>, opts: { intervalMs: number; onError?: (err: unknown) => void }): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pause = (ms: number) => (stopped ? Promise.reject(new Stopped()) : new Promise<void>((resolve) => setTimeout(resolve, Math.max(5, ms))));
  const loop = () => {
    if (stopped) return;
    running = work(pause)
      .catch((err) => {
        if (!(err instanceof Stopped)) opts.onError?.(err);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, opts.intervalMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

class Stopped extends Error {}
