import { sql } from 'kysely';
import type { AppContext } from '../web/context.ts';
import { dueScheduled, transitionStory } from './stories.ts';
import { NewsroomError } from './errors.ts';

/**
 * Publishes scheduled stories when they fall due. The schedule lives in the database
 * (status 'scheduled' + scheduled_at), so a restart loses nothing: the first tick after it
 * publishes whatever came due meanwhile. On PostgreSQL each tick runs under an advisory lock
 * (per schema), so with several app processes only one publishes at a time; the status-guarded
 * update makes a double publish impossible anyway.
 */
export interface SchedulerOptions {
  intervalMs?: number;
  onError?: (err: unknown) => void;
  onPublished?: (articleId: number) => void;
}

export interface TickResult {
  /** False when another process holds the scheduler lock. */
  ran: boolean;
  published: number[];
}

const SYSTEM = { user: null, meta: { ip: '', userAgent: 'toasoan-scheduler' } } as const;

export class Scheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: SchedulerOptions = {},
  ) {}

  start(): this {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err) => this.opts.onError?.(err))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs ?? 2000);
        });
    };
    loop();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async tick(now = Date.now()): Promise<TickResult> {
    const { store } = this.ctx;
    if (store.engine !== 'postgres') return { ran: true, published: await this.publishDue(now) };
    return store.db.connection().execute(async (conn) => {
      const key = sql`hashtext('toasoan.scheduler:' || current_schema())`;
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
      if (!got.rows[0]?.ok) return { ran: false, published: [] };
      try {
        return { ran: true, published: await this.publishDue(now) };
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }

  private async publishDue(now: number): Promise<number[]> {
    const published: number[] = [];
    for (const id of await dueScheduled(this.ctx.store.db, now)) {
      try {
        await transitionStory(this.ctx, SYSTEM, id, { action: 'publish', note: 'Tự động xuất bản theo lịch hẹn' }, now);
        published.push(id);
        this.opts.onPublished?.(id);
      } catch (err) {
        // Someone published, returned or unscheduled it in the meantime: nothing to do.
        if (err instanceof NewsroomError && (err.kind === 'invalid_transition' || err.kind === 'stale')) continue;
        throw err;
      }
    }
    return published;
  }
}

export function startScheduler(ctx: AppContext, opts: SchedulerOptions = {}): Scheduler {
  return new Scheduler(ctx, opts).start();
}
