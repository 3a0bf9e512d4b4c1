import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AppContext } from '../web/context.ts';
import { getSettings } from '../storage/content.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import { MOST_READ_SHOWN, keys } from '../web/site/data.ts';

/**
 * Reads per story and the "Đọc nhiều" (most read) ranking.
 *
 * Here in src/cache rather than src/web/site because that is where reads are seen: most are cache hits answered by
 * `SiteCache.answer` (on the socket and through node:http alike) that never reach the site's routes, and the
 * ranking's freshness is a matter of cache invalidation. A hit pays one Map lookup and an increment: the story's id
 * is kept on the cached page when it is rendered (`CachedPage.articleId`), never parsed from the URL.
 *
 * Nothing about a reader is kept: no cookie, no address, only a count per story. Each process counts in memory and
 * adds its counts to `article_views` (migration 014) every TOASOAN_VIEWS_FLUSH_MS, in one transaction whose upsert
 * adds, so processes and machines flushing at once lose nothing; and once more when it stops.
 *
 * The ranking pages show is kept per process (`PopularRanking`) and changes only through the `popular` key: every
 * TOASOAN_POPULAR_REFRESH_MS a process flushes, ranks again, and when the order of the stories shown differs from the
 * one its pages show, emits `popular.changed` (→ key `popular`: home and first category pages, here, in the other
 * processes and at the CDN). Rendering from the kept ranking means pages rendered at different moments never show
 * different rankings, and a process hearing of a change from another puts its own next refresh back by a period, so a
 * site of many processes re-ranks about once a period instead of once per process.
 */

type Db = Kysely<Database>;

const DAY_MS = 86_400_000;
/** Stories kept in the ranking: more than shown, so a story taken down is replaced from it at once. */
export const RANKED = 10;
/** Days of reads kept in article_views (a year and a month, for comparisons with the same month last year). */
export const VIEWS_KEPT_DAYS = 400;
/** Rows per INSERT statement of a flush (two parameters each). */
const FLUSH_CHUNK = 500;
/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The site's calendar day (YYYY-MM-DD) at a UTC offset. */
export function localDay(ms: number, utcOffsetMinutes: number): string {
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The next local midnight after `ms`, as epoch ms. */
export function nextLocalMidnight(ms: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  return (Math.floor((ms + offset) / DAY_MS) + 1) * DAY_MS - offset;
}

/**
 * Reads counted in this process and not yet written. A story's count lives in a cell, so counting is one Map
 * lookup and an increment, with no allocation once the story has a cell; cells idle for a whole flush period are
 * dropped, so memory follows the stories being read.
 */
export class ViewCounter {
  private readonly cells = new Map<number, { n: number }>();

  count(articleId: number): void {
    const cell = this.cells.get(articleId);
    if (cell !== undefined) cell.n++;
    else this.cells.set(articleId, { n: 1 });
  }

  /** The counts so far as [articleId, views], leaving zero behind. */
  take(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [id, cell] of this.cells) {
      if (cell.n === 0) this.cells.delete(id);
      else {
        out.push([id, cell.n]);
        cell.n = 0;
      }
    }
    return out;
  }

  /** Gives back counts a failed flush took, to be written by the next one. */
  putBack(counts: ReadonlyArray<readonly [number, number]>): void {
    for (const [id, n] of counts) {
      const cell = this.cells.get(id);
      if (cell !== undefined) cell.n += n;
      else this.cells.set(id, { n });
    }
  }

  /** Reads of a story not yet written. */
  pending(articleId: number): number {
    return this.cells.get(articleId)?.n ?? 0;
  }

  /** Reads of every story not yet written (walks the cells: for /metrics, never per read). */
  pendingTotal(): number {
    let n = 0;
    for (const cell of this.cells.values()) n += cell.n;
    return n;
  }
}

/**
 * Adds reads to a day's counts, in one transaction. The upsert adds to what is there, so flushes of several
 * processes at once each add theirs. Stories deleted for good since they were read are skipped (the join), not an
 * error. Rows go in id order: two PostgreSQL flushes then lock the rows they share in the same order (no deadlock).
 * The first statement writes, so on SQLite the transaction takes the write lock (waiting its turn) before it reads.
 */
export async function addViews(db: Db, day: string, counts: ReadonlyArray<readonly [number, number]>): Promise<void> {
  if (counts.length === 0) return;
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < sorted.length; i += FLUSH_CHUNK) {
      const rows = sql.join(sorted.slice(i, i + FLUSH_CHUNK).map(([id, n]) => sql`(CAST(${id} AS integer), CAST(${n} AS integer))`));
      // `WHERE true`: SQLite would otherwise read ON CONFLICT as the join's ON.
      await sql`INSERT INTO article_views (article_id, day, views)
        SELECT articles.id, CAST(${day} AS text), v.column2 FROM (VALUES ${rows}) AS v JOIN articles ON articles.id = v.column1
        WHERE true ORDER BY articles.id
        ON CONFLICT (article_id, day) DO UPDATE SET views = article_views.views + excluded.views`.execute(trx);
    }
  });
}

/** Forgets the reads of days before `firstKept` (YYYY-MM-DD): the table would otherwise grow by a row per story read per day, for ever. */
export async function pruneViews(db: Db, firstKept: string): Promise<number> {
  const r = await db.deleteFrom('article_views').where('day', '<', firstKept).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Reads of one story over the last `days` days of the site's calendar, today included, by its primary key (article_id, day). */
export async function storyReads(db: Db, id: number, days: number, now = Date.now()): Promise<number> {
  const offset = (await getSettings(db)).utcOffsetMinutes;
  const r = await db
    .selectFrom('article_views')
    .select((eb) => eb.fn.sum<number | string | null>('views').as('n'))
    .where('article_id', '=', id)
    .where('day', '>=', localDay(now - (days - 1) * DAY_MS, offset))
    .where('day', '<=', localDay(now, offset))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface MostReadEntry {
  id: number;
  views: number;
}

export interface MostReadOptions {
  /** Days counted, today included (2: today and yesterday). */
  sinceDays: number;
  limit: number;
  /** Default: now. */
  now?: number;
  /** Default: the site settings' offset. */
  utcOffsetMinutes?: number;
}

/** Published stories read most over the last `sinceDays` days of the site's calendar; ties go to the newer story. */
export async function mostRead(db: Db, opts: MostReadOptions): Promise<MostReadEntry[]> {
  const offset = opts.utcOffsetMinutes ?? (await getSettings(db)).utcOffsetMinutes;
  const now = opts.now ?? Date.now();
  const since = localDay(now - (Math.max(1, opts.sinceDays) - 1) * DAY_MS, offset);
  // Summed per story from the day index first, then joined to the stories: the planner cannot start from every
  // published story and probe each one's rows (the plan both engines chose for the plain join on a fresh database).
  const totals = db
    .selectFrom('article_views')
    .select((eb) => ['article_views.article_id', eb.fn.sum<number | string>('article_views.views').as('total')])
    // Up to today: a machine whose clock runs ahead may have written tomorrow's.
    .where('article_views.day', '>=', since)
    .where('article_views.day', '<=', localDay(now, offset))
    .groupBy('article_views.article_id')
    .as('v');
  const rows = await db
    .selectFrom(totals)
    .innerJoin('articles', 'articles.id', 'v.article_id')
    .select(['articles.id', 'v.total'])
    .where('articles.status', '=', 'published')
    .orderBy('v.total', 'desc')
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({ id: r.id, views: Number(r.total) }));
}

async function rankedIds(db: Db, now: number, utcOffsetMinutes: number): Promise<number[]> {
  return (await mostRead(db, { sinceDays: 2, limit: RANKED, now, utcOffsetMinutes })).map((e) => e.id);
}

/**
 * The ranking this process's pages show, loaded once and kept until a `popular` or `settings` invalidation (from
 * here or another process) or a cache clear: every page rendered meanwhile shows the same list, and `popular` is
 * exactly what a change of it must invalidate. A load started before a change is dropped with it.
 */
export class PopularRanking {
  private loading: Promise<readonly number[]> | undefined;
  private loaded: readonly number[] | undefined;
  private generation = 0;
  private epoch = -1;

  constructor(private readonly load: (utcOffsetMinutes: number) => Promise<readonly number[]>) {}

  get(utcOffsetMinutes: number, epoch: number): Promise<readonly number[]> {
    if (this.loading && epoch === this.epoch) return this.loading;
    this.forget();
    this.epoch = epoch;
    const generation = this.generation;
    const loading = this.load(utcOffsetMinutes).then((ids) => {
      if (generation === this.generation) this.loaded = ids;
      return ids;
    });
    loading.catch(() => {
      if (generation === this.generation) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  /** The list the pages of this process show now; undefined when none has been rendered since the last change. */
  shown(epoch: number): readonly number[] | undefined {
    return epoch === this.epoch ? this.loaded : undefined;
  }

  forget(): void {
    this.generation++;
    this.loading = undefined;
    this.loaded = undefined;
  }
}

export interface ViewsOptions {
  /** How often this process writes its counts, in ms (default 60 s); 0 turns counting off. */
  flushMs?: number;
  /** How often this process ranks again, in ms (default 5 min); 0 turns it off (pages keep the ranking they show). */
  refreshMs?: number;
  /** The clock (tests). */
  now?: () => number;
  /** Where failures go (default console.error). */
  log?: (message: string) => void;
}

/** TOASOAN_VIEWS_FLUSH_MS and TOASOAN_POPULAR_REFRESH_MS (see README). */
export function viewsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ViewsOptions {
  const ms = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > MAX_DELAY_MS) throw new Error(`${name} không hợp lệ: ${v} (số mili giây, từ 0 đến ${MAX_DELAY_MS})`);
    return n;
  };
  return { flushMs: ms('TOASOAN_VIEWS_FLUSH_MS', 60_000), refreshMs: ms('TOASOAN_POPULAR_REFRESH_MS', 300_000) };
}

/** Counting, flushing and ranking for one process serving the site. Made by `attachViews`. */
export class SiteViews {
  /** Undefined when counting is off. */
  readonly counter: ViewCounter | undefined;
  /** Undefined without a page cache (every render then ranks) or with refreshing off. */
  readonly ranking: PopularRanking | undefined;
  readonly now: () => number;
  private readonly flushMs: number;
  private readonly refreshMs: number;
  private readonly log: (m: string) => void;
  private stopped = true;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<unknown> | undefined;
  private flushing: Promise<unknown> = Promise.resolve();
  /** Reads written to the database so far, and reads taken by a flush still running (for /metrics). */
  readsFlushed = 0;
  readsFlushing = 0;
  /** The offset of the last flush, to time the flush at local midnight. */
  private utcOffsetMinutes = DEFAULT_SETTINGS.utcOffsetMinutes;
  /** The day whose flush last pruned old reads: pruning runs once a day per process (the DELETE is idempotent). */
  private prunedOn: string | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    opts: ViewsOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 60_000;
    this.refreshMs = opts.refreshMs ?? 300_000;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((m) => console.error(m));
    this.counter = this.flushMs > 0 ? new ViewCounter() : undefined;
    const cache = ctx.siteCache;
    if (cache && this.refreshMs > 0) {
      const ranking = new PopularRanking((offset) => rankedIds(ctx.store.db, this.now(), offset));
      this.ranking = ranking;
      this.unsubscribe = cache.pages.onInvalidate((changed) => {
        if (changed.includes(keys.popular) || changed.includes(keys.settings)) ranking.forget();
        // Another process re-ranked: this one waits a whole period from now (its own change arrives mid-refresh).
        if (changed.includes(keys.popular) && !this.stopped && !this.refreshing && this.refreshTimer) this.scheduleRefresh();
      });
    }
  }

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    if (this.counter) this.scheduleFlush();
    if (this.ranking) this.scheduleRefresh();
    return this;
  }

  /** Writes the counts so far under the day of `at` (default now). Flushes run one after another. */
  flush(at?: number): Promise<number> {
    const run = this.flushing.then(() => this.flushNow(at));
    this.flushing = run.catch(() => {});
    return run;
  }

  private async flushNow(at: number | undefined): Promise<number> {
    const counts = this.counter?.take() ?? [];
    if (counts.length === 0) return 0;
    // Held as "flushing" while the write runs, so counted = flushed + flushing + pending never goes down.
    const reads = counts.reduce((n, [, v]) => n + v, 0);
    this.readsFlushing += reads;
    try {
      const offset = (await getSettings(this.ctx.store.db)).utcOffsetMinutes;
      this.utcOffsetMinutes = offset;
      const day = localDay(at ?? this.now(), offset);
      await addViews(this.ctx.store.db, day, counts);
      this.readsFlushed += reads;
      if (this.prunedOn !== day) {
        this.prunedOn = day;
        await pruneViews(this.ctx.store.db, localDay((at ?? this.now()) - (VIEWS_KEPT_DAYS - 1) * DAY_MS, offset)).catch((err: unknown) => this.log(`Lượt đọc: không xóa được số liệu cũ (${(err as Error).message})`));
      }
      return counts.length;
    } catch (err) {
      this.counter!.putBack(counts);
      throw err;
    } finally {
      this.readsFlushing -= reads;
    }
  }

  /**
   * Flushes, ranks again, and emits `popular.changed` when the stories this process's pages show in the block are not
   * the first of the new ranking any more. Returns true when it emitted.
   */
  async refresh(at: number = this.now()): Promise<boolean> {
    if (this.counter) await this.flush(at);
    const cache = this.ctx.siteCache;
    if (!this.ranking || !cache) return false;
    const offset = (await getSettings(this.ctx.store.db)).utcOffsetMinutes;
    const ids = await rankedIds(this.ctx.store.db, at, offset);
    const shown = this.ranking.shown(cache.pages.epoch);
    // No page here shows a ranking since the last change: the next render shows the current one anyway.
    if (!shown || sameShown(shown, ids)) return false;
    await this.ctx.events.emit({ type: 'popular.changed' });
    return true;
  }

  /** Stops the timers and writes what is left. The kept ranking still follows invalidations (pages may still render). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.refreshTimer);
    await this.refreshing;
    if (this.counter) await this.flush().catch((err: unknown) => this.log(`Lượt đọc: không ghi được số lượt đọc còn lại khi dừng (${(err as Error).message})`));
  }

  /** Stops following invalidations (another SiteViews takes over the context). */
  detach(): void {
    this.unsubscribe?.();
  }

  private scheduleFlush(): void {
    const now = this.now();
    // The flush falling due at local midnight writes under the day that ends.
    const midnight = nextLocalMidnight(now, this.utcOffsetMinutes);
    const atMidnight = midnight - now <= this.flushMs;
    this.flushTimer = setTimeout(
      () => {
        this.flush(atMidnight ? midnight - 1 : undefined)
          .catch((err: unknown) => this.log(`Lượt đọc: chưa ghi được vào cơ sở dữ liệu, sẽ thử lại (${(err as Error).message})`))
          .finally(() => {
            if (!this.stopped) this.scheduleFlush();
          });
      },
      atMidnight ? midnight - now : this.flushMs,
    );
    this.flushTimer.unref();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    // Up to a tenth later, so processes that heard of the same change do not all re-rank at one moment.
    const delay = Math.min(MAX_DELAY_MS, this.refreshMs + Math.floor(Math.random() * (this.refreshMs / 10)));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshing = this.refresh()
        .catch((err: unknown) => this.log(`Đọc nhiều: không xếp hạng lại được (${(err as Error).message})`))
        .finally(() => {
          this.refreshing = undefined;
          if (!this.stopped) this.scheduleRefresh();
        });
    }, delay);
    this.refreshTimer.unref();
  }
}

function sameShown(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < MOST_READ_SHOWN; i++) if (a[i] !== b[i]) return false;
  return true;
}

const attached = new WeakMap<AppContext, SiteViews>();

/**
 * Counting and ranking for a context: after `buildServer` (the page cache counts hits). `start()` starts the timers;
 * `stop()` writes what is left.
 */
export function attachViews(ctx: AppContext, opts: ViewsOptions = {}): SiteViews {
  attached.get(ctx)?.detach();
  const views = new SiteViews(ctx, opts);
  attached.set(ctx, views);
  if (ctx.siteCache) ctx.siteCache.views = views.counter;
  return views;
}

export function viewsOf(ctx: AppContext): SiteViews | undefined {
  return attached.get(ctx);
}

/** The ranking a render shows: the process's kept one, or (no page cache, or refreshing off) read now. */
export function popularIds(ctx: AppContext, utcOffsetMinutes: number): Promise<readonly number[]> {
  const views = attached.get(ctx);
  if (views?.ranking && ctx.siteCache) return views.ranking.get(utcOffsetMinutes, ctx.siteCache.pages.epoch);
  return rankedIds(ctx.store.db, views?.now() ?? Date.now(), utcOffsetMinutes);
}
