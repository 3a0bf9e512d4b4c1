import { createHash, hash } from 'node:crypto';
import { resolve } from 'node:path';
import type { AppContext } from '../context.ts';
import type { RenderedPage } from './routes.ts';
import { renderDocument } from '../jsx.ts';
import { ArticlePage, Masthead, SameCategoryBlock, SiteStyle, SLOT_MARK, isWideType, type SlotName } from './pages.tsx';
import { SAME_CATEGORY_SHOWN, chromeFor, keys, loadArticle, loadSameCategory, sameCategoryOf, withMedia, type Chrome, type SameCategory } from './data.ts';
import { listPublished } from '../../storage/content.ts';
import { dropArticleParts, isBusyError, lookupArticleParts, nthNewestPublishedAt, partsGeneration, storeArticlePartsBatch, storiesWithoutParts, withBusyRetry, type PartsDrop } from '../../storage/page-parts.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import type { ContentEvent, ContentEvents } from '../../domain/events.ts';
import { articlePath } from '../../domain/article.ts';
import { deflatePart, gzipChunks, type DeflatedPart } from '../../cache/gzip-join.ts';
import { startBackgroundWork } from '../../storage/background.ts';
import { codeFingerprint } from './code-fingerprint.ts';

/**
 * A story's page kept in parts (decision 29). A page-cache miss on a story's page joins compressed bytes instead of
 * rendering: the story's own parts (head, article, related block, footer), stored in the database by the first
 * render after each change, and three slots shared by many pages and kept in memory here: the stylesheet, the
 * masthead (per top category and day) and the same-category block (per category). The gzip body is made by joining
 * raw deflate streams (src/cache/gzip-join.ts); it decodes to exactly the page renderPath makes in one piece (tested).
 *
 * Stored parts are a copy: src/storage/page-parts.ts drops them on every change they show, and a row made by other
 * templates (another fingerprint) or from an older version of the story is ignored and made again.
 */

const SLOTS: readonly SlotName[] = ['css', 'masthead', 'same'];

let fingerprint: string | undefined;
/** The modules whose code decides what a stored row holds: this one and the storage layer, migrations included. */
export const PARTS_CODE = [import.meta.filename, resolve(import.meta.dirname, '../../storage/database.ts')];
/**
 * The fingerprint of the code that makes stored parts: PARTS_CODE and every module they load at run time (templates,
 * data loading, helpers, the parts' format, migrations that may rewrite stories; src/web/site/code-fingerprint.ts). A
 * deploy that changes any of them makes every stored row stale, which is safe; one that changes only the newsroom,
 * the API or the cache's serving code keeps them.
 */
export function partsFormat(): string {
  return (fingerprint ??= codeFingerprint(PARTS_CODE, resolve(import.meta.dirname, '../..')));
}

/** A story's own parts: `segments` around `slots` (one more segment than slots). */
export interface OwnParts {
  /** Digest of the segments' text. */
  tag: string;
  slots: SlotName[];
  segments: DeflatedPart[];
  /** Dependency keys of what the segments show. */
  keys: string[];
}

/** Binary form stored in article_page_parts.parts: u32 header length, header JSON, the deflate streams in order. */
export function encodeParts(p: OwnParts): Buffer {
  const header = Buffer.from(JSON.stringify({ tag: p.tag, slots: p.slots, keys: p.keys, segs: p.segments.map((s) => [s.deflated.length, s.crc, s.length]) }));
  const out = Buffer.allocUnsafe(4 + header.length + p.segments.reduce((n, s) => n + s.deflated.length, 0));
  out.writeUInt32LE(header.length, 0);
  let at = 4 + header.copy(out, 4);
  for (const s of p.segments) at += s.deflated.copy(out, at);
  return out;
}

export function decodeParts(buf: Buffer): OwnParts | undefined {
  try {
    const n = buf.readUInt32LE(0);
    const h = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as { tag: string; slots: SlotName[]; keys: string[]; segs: Array<[number, number, number]> };
    let at = 4 + n;
    const segments = h.segs.map(([len, crc, length]) => {
      const deflated = buf.subarray(at, at + len);
      at += len;
      return { deflated, crc, length };
    });
    if (at !== buf.length || segments.length !== h.slots.length + 1) return undefined;
    return { tag: h.tag, slots: h.slots, keys: h.keys, segments };
  } catch {
    return undefined;
  }
}

/** Splits a page rendered with slots into its text segments and slot names; undefined when the markers are not exactly ours. */
export function splitSlots(html: string): { segments: string[]; slots: SlotName[] } | undefined {
  const pieces = html.split(SLOT_MARK);
  const segments = [pieces[0]!];
  const slots: SlotName[] = [];
  for (const piece of pieces.slice(1)) {
    const end = piece.indexOf('\u0000');
    if (end < 0) return undefined;
    slots.push(piece.slice(0, end) as SlotName);
    segments.push(piece.slice(end + 1));
  }
  if (slots.join() !== SLOTS.join()) return undefined;
  return { segments, slots };
}

interface SlotPart {
  part: DeflatedPart;
  tag: string;
  keys: string[];
  /** The settings and categories it was made with: a render still holding older ones makes its own. */
  chrome?: Chrome;
}

function slotPart(html: string, keys: string[]): SlotPart {
  const raw = Buffer.from(html, 'utf8');
  return { part: deflatePart(raw), tag: createHash('sha256').update(raw).digest('base64url').slice(0, 16), keys };
}

/** The newest stories of a category and its block as anyone outside them sees it. */
interface CategoryHead {
  /** The newest SAME_CATEGORY_SHOWN + 1: a story among them sees a block without itself. */
  ids: number[];
  block: SlotPart;
  keys: Set<string>;
}

interface PendingWrite {
  id: number;
  updatedAt: string;
  own: OwnParts;
  /** Parts generation read before the render: a drop since refuses the row. */
  generation: number;
  attempts: number;
}

/** Rows rendered on misses are written this long after the first of them, or at once when this many wait. */
const WRITE_DELAY_MS = 20;
const WRITE_BATCH = 64;
const WRITE_ATTEMPTS = 5;

const DAY_MS = 86_400_000;
const MAX_MASTHEADS = 256;

export interface ArticlePartsOptions {
  /** Write the parts a miss rendered back to the database, in batches shortly after (default true). */
  store?: boolean;
  log?: (message: string) => void;
}

/** Serves story pages from parts for one application context with a page cache. */
export class ArticleParts {
  private css: SlotPart | undefined;
  private readonly mastheads = new Map<string, SlotPart>();
  private readonly heads = new Map<string, CategoryHead>();
  /** Bumped by every invalidation this process learns of: a slot loaded across one is not kept. */
  private invalidations = 0;
  private readonly storeBack: boolean;
  private readonly log: (m: string) => void;
  readonly stats = { assembled: 0, rendered: 0, stored: 0, refused: 0 };

  constructor(
    private readonly ctx: AppContext,
    opts: ArticlePartsOptions = {},
  ) {
    this.storeBack = opts.store ?? true;
    this.log = opts.log ?? ((m) => console.error(m));
    ctx.siteCache?.pages.onInvalidate((changed) => this.forget(changed));
  }

  /** The page cache's epoch the slots were made in: clear() (e.g. Redis reconnected, invalidations may be lost) drops them. */
  private epoch = 0;

  private checkEpoch(): void {
    const epoch = this.ctx.siteCache?.pages.epoch ?? 0;
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.forget([keys.settings]);
  }

  /** Drops the slots showing any of these keys (local and remote invalidations alike). */
  forget(changed: readonly string[]): void {
    this.invalidations++;
    if (changed.includes(keys.settings) || changed.includes(keys.taxonomy)) {
      this.mastheads.clear();
      this.heads.clear();
      return;
    }
    for (const [k, head] of this.heads) if (changed.some((c) => head.keys.has(c))) this.heads.delete(k);
  }

  /**
   * The page of a published story at its canonical path, joined from parts; undefined when it is anything else
   * (missing, taken down, another spelling: renderPath answers those) or when its page cannot be cut into parts.
   */
  async page(chrome: Chrome, id: number, path: string): Promise<RenderedPage | undefined> {
    const db = this.ctx.store.db;
    const row = await lookupArticleParts(db, id);
    if (!row || row.status !== 'published' || path !== articlePath(row)) return undefined;
    let own = row.parts && row.format === partsFormat() && row.parts_updated_at === row.updated_at ? decodeParts(row.parts) : undefined;
    if (own) this.stats.assembled++;
    else {
      const generation = this.storeBack ? await partsGeneration(db) : 0;
      const made = await this.render(chrome, id);
      if (!made) return undefined;
      if (this.storeBack) this.queueWrite(id, made.updatedAt, made.own, generation);
      own = made.own;
      this.stats.rendered++;
    }
    this.checkEpoch();
    const top = topCategoryId(chrome, row.category_id);
    const [css, masthead, same] = [this.cssPart(), this.mastheadPart(chrome, top), await this.sameCategoryPart(chrome, row.category_id, id, isWideType(row.type))];
    const slotParts: Record<SlotName, SlotPart> = { css, masthead, same };
    const pieces: DeflatedPart[] = [own.segments[0]!];
    // One string hashed at once: the same digest as feeding the pieces in turn, a microsecond less per miss.
    let tagText = own.tag;
    own.slots.forEach((name, i) => {
      const s = slotParts[name];
      pieces.push(s.part, own.segments[i + 1]!);
      tagText += '\0' + s.tag;
    });
    return { status: 200, html: '', gzip: gzipChunks(pieces), tag: hash('sha256', tagText, 'base64url').slice(0, 27), keys: [...new Set([...own.keys, ...same.keys])], articleId: id };
  }

  /** Renders a story's own parts (the page with slots), or undefined if it cannot be (not published, markers broken). */
  async render(chrome: Chrome, id: number): Promise<{ own: OwnParts; updatedAt: string } | undefined> {
    const data = await loadArticle(this.ctx.store.db, id, undefined, { sameCategory: false });
    if (!data || data.detail.article.status !== 'published') return undefined;
    const split = splitSlots(renderDocument(ArticlePage({ chrome, data, slotted: true })));
    if (!split) return undefined;
    const tag = createHash('sha256');
    for (const s of split.segments) tag.update(s).update('\0');
    return {
      own: { tag: tag.digest('base64url').slice(0, 22), slots: split.slots, segments: split.segments.map((s) => deflatePart(Buffer.from(s, 'utf8'))), keys: [...new Set([...data.ownKeys, keys.settings, keys.taxonomy])] },
      updatedAt: data.detail.article.updated_at,
    };
  }

  /** Makes and stores the parts of one story, as a miss would (nothing when it is not published). Returns whether stored. */
  async fill(chrome: Chrome, id: number): Promise<boolean> {
    const generation = await partsGeneration(this.ctx.store.db);
    const made = await this.render(chrome, id);
    if (!made) return false;
    const stored = await this.writeRows([{ id, updatedAt: made.updatedAt, own: made.own, generation, attempts: 0 }]);
    return stored.length === 1;
  }

  /**
   * Rows rendered on misses wait here to be written together, shortly after the page has been answered: one write
   * transaction for many misses. With several processes on one SQLite file, a transaction per miss had each process
   * wait for the write lock, its event loop blocked, while the others wrote theirs.
   */
  private readonly pendingWrites = new Map<number, PendingWrite>();
  private writeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  private queueWrite(id: number, updatedAt: string, own: OwnParts, generation: number): void {
    this.pendingWrites.set(id, { id, updatedAt, own, generation, attempts: 0 });
    if (this.pendingWrites.size >= WRITE_BATCH) void this.flushWrites();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.writeTimer ??= setTimeout(() => void this.flushWrites(), WRITE_DELAY_MS).unref();
  }

  private flushWrites(): Promise<unknown> {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const batch = [...this.pendingWrites.values()];
    this.pendingWrites.clear();
    if (batch.length) this.writing = this.writing.then(() => this.writeRows(batch));
    return this.writing;
  }

  /** Resolves once the rows rendered so far are written (or refused). The app waits for it when it closes. */
  async settled(): Promise<void> {
    while (this.pendingWrites.size > 0 || this.writeTimer) await this.flushWrites();
    await this.writing;
  }

  /** Writes rows; returns the ids written. A busy database puts a batch back for later (a few times), nothing is thrown. */
  private async writeRows(batch: PendingWrite[]): Promise<number[]> {
    try {
      // The story itself (`a:`) and the site (`settings`, `taxonomy`) drop rows by id or all at once: only other
      // stories' cards and media are looked up by key.
      const stored = await storeArticlePartsBatch(
        this.ctx.store.db,
        this.ctx.store.engine,
        batch.map((w) => ({ articleId: w.id, format: partsFormat(), updatedAt: w.updatedAt, parts: encodeParts(w.own), keys: w.own.keys.filter((k) => k.startsWith('s:') || k.startsWith('m:')), generation: w.generation })),
      );
      this.stats.stored += stored.length;
      this.stats.refused += batch.length - stored.length;
      return stored;
    } catch (err) {
      // Another process writing: later, unless a newer render of the story is already waiting. Other failures lose
      // only copies (the pages were served; a later render stores them) and are logged.
      const busy = isBusyError(err);
      if (!busy) this.log(`Trang lưu sẵn: không ghi được phần trang của ${batch.length} tin (${batch.map((w) => w.id).join(', ')}): ${(err as Error).message}`);
      for (const w of batch) {
        if (busy && w.attempts < WRITE_ATTEMPTS && !this.pendingWrites.has(w.id)) this.pendingWrites.set(w.id, { ...w, attempts: w.attempts + 1 });
        else this.stats.refused++;
      }
      if (this.pendingWrites.size) this.scheduleFlush();
      return [];
    }
  }

  private cssPart(): SlotPart {
    return (this.css ??= slotPart(SiteStyle().value, []));
  }

  private mastheadPart(chrome: Chrome, topId: number | undefined): SlotPart {
    // The masthead shows today's date on the site's clock.
    const day = Math.floor((Date.now() + chrome.settings.utcOffsetMinutes * 60_000) / DAY_MS);
    const k = `${topId ?? 0}|${day}`;
    let part = this.mastheads.get(k);
    if (part?.chrome !== chrome) {
      if (this.mastheads.size >= MAX_MASTHEADS) this.mastheads.clear();
      part = { ...slotPart(Masthead({ chrome, currentCategoryId: topId }).value, [keys.settings, keys.taxonomy]), chrome };
      this.mastheads.set(k, part);
    }
    return part;
  }

  private async sameCategoryPart(chrome: Chrome, categoryId: number, articleId: number, wide: boolean): Promise<SlotPart> {
    const db = this.ctx.store.db;
    const k = `${categoryId}|${wide ? 'wide' : 'rail'}`;
    let head = this.heads.get(k);
    if (head?.block.chrome !== chrome) {
      const seen = this.invalidations;
      const newest = await listPublished(db, { categoryIds: [categoryId], limit: SAME_CATEGORY_SHOWN + 1 });
      const shown = await withMedia(db, newest.slice(0, SAME_CATEGORY_SHOWN));
      const block = { ...sameBlockPart(chrome, sameCategoryOf(shown, categoryId, false), wide), chrome };
      head = { ids: newest.map((r) => r.id), block, keys: new Set([keys.categoryHead(categoryId), ...newest.map((r) => keys.summary(r.id))]) };
      if (seen === this.invalidations) this.heads.set(k, head);
    }
    // A story among its category's newest sees the block without itself: made for it alone (those pages are few and hot).
    if (head.ids.includes(articleId)) return sameBlockPart(chrome, await loadSameCategory(db, categoryId, articleId), wide);
    return head.block;
  }
}

function sameBlockPart(chrome: Chrome, same: SameCategory, wide: boolean): SlotPart {
  return slotPart(SameCategoryBlock({ chrome, listing: same.listing, isLatest: same.isLatest, wide }).value, same.keys);
}

function topCategoryId(chrome: Chrome, categoryId: number): number | undefined {
  const category = chrome.byId.get(categoryId);
  const top = category && category.parent_id !== null ? chrome.byId.get(category.parent_id) : category;
  return top?.id;
}

/**
 * What an event drops. Conservative where it is cheap to be: any change to a story drops its own row and the rows
 * showing its card, even when only its body changed.
 */
export function partsDropFor(event: ContentEvent): PartsDrop | undefined {
  switch (event.type) {
    case 'settings.changed':
    case 'taxonomy.changed':
      return { all: true };
    case 'media.updated':
      return { articleIds: [], keys: [keys.media(event.mediaId)] };
    case 'article.published':
    case 'article.updated':
    case 'article.unpublished':
      return { articleIds: [event.articleId], keys: [keys.summary(event.articleId)] };
    case 'article.related_changed':
      return { articleIds: [event.articleId], keys: [] };
    case 'home.curated':
    case 'popular.changed':
      return undefined;
  }
}

/**
 * Keeps stored parts exact: every process that changes content drops what its events touch, before the change's
 * request answers (ContentEvents.emit waits for listeners). A failed drop falls back to dropping every row.
 */
export function subscribePartsCleanup(db: Kysely<Database>, events: ContentEvents, log: (m: string) => void = (m) => console.error(m)): () => void {
  // Contexts sharing one event stream (and database) need one listener: two would race for the write lock.
  if (subscribed.has(events)) return () => {};
  subscribed.add(events);
  const unsubscribe = events.subscribe(async (event) => {
    const drop = partsDropFor(event);
    if (!drop) return;
    try {
      await withBusyRetry(() => dropArticleParts(db, drop));
    } catch (err) {
      log(`Trang lưu sẵn: không xóa được phần trang theo sự kiện ${event.type} (${(err as Error).message}); xóa tất cả`);
      await withBusyRetry(() => dropArticleParts(db, { all: true }));
    }
  });
  return () => {
    subscribed.delete(events);
    unsubscribe();
  };
}

const subscribed = new WeakSet<ContentEvents>();

const contexts = new WeakMap<AppContext, ArticleParts>();

/** The context's story parts, when it has a page cache and parts are not turned off (TOASOAN_PAGE_PARTS=0). */
export function articlePartsFor(ctx: AppContext, env: NodeJS.ProcessEnv = process.env): ArticleParts | undefined {
  if (!ctx.siteCache || /^(0|off|false|no)$/i.test(env.TOASOAN_PAGE_PARTS ?? '')) return undefined;
  let parts = contexts.get(ctx);
  if (!parts) contexts.set(ctx, (parts = new ArticleParts(ctx)));
  return parts;
}

/**
 * Newest stories kept in parts by the filler (TOASOAN_PAGE_PARTS_STORIES); older ones are stored when first read. A
 * provincial paper publishes 50–150 stories a day: a year or more, and about 90 MB of rows.
 */
export const DEFAULT_FILLED_STORIES = 20_000;

/** TOASOAN_PAGE_PARTS_STORIES: how many of the newest stories the filler keeps in parts (0: none; misses still store). */
export function partsStoriesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.TOASOAN_PAGE_PARTS_STORIES;
  if (v === undefined || v === '') return DEFAULT_FILLED_STORIES;
  if (!/^\d{1,9}$/.test(v)) throw new Error(`TOASOAN_PAGE_PARTS_STORIES không hợp lệ: ${v} (số tin bài, 0 để tắt)`);
  return Number(v);
}

/** A filler's slice of work: up to this many stories, or until this long has passed, then a pause as long. */
const SLICE_STORIES = 20;
const SLICE_MS = 10;

/**
 * Stores the parts of the newest `maxStories` published stories that lack them (or whose rows are stale), newest
 * first. After each slice of work (at most `batchSize` stories, ended early once 10 ms have passed: a story whose
 * related list is not stored yet takes tens of milliseconds) `pause` runs with the time it took. Returns how many
 * were stored.
 */
export async function fillArticleParts(ctx: AppContext, opts: { maxStories?: number; batchSize?: number; sliceMs?: number; pause?: (ms: number) => Promise<void> } = {}): Promise<number> {
  const db = ctx.store.db;
  const parts = articlePartsFor(ctx) ?? new ArticleParts(ctx);
  const max = opts.maxStories ?? DEFAULT_FILLED_STORIES;
  const oldest = max > 0 ? await nthNewestPublishedAt(db, max) : undefined;
  if (oldest === undefined) return 0;
  const batchSize = opts.batchSize ?? SLICE_STORIES;
  const sliceMs = opts.sliceMs ?? (opts.pause ? SLICE_MS : Infinity);
  let after: { publishedAt: string; id: number } | undefined;
  let stored = 0;
  for (;;) {
    const batch = await storiesWithoutParts(db, partsFormat(), batchSize, oldest, after);
    if (batch.length === 0) return stored;
    const chrome = await chromeFor(ctx);
    let started = performance.now();
    for (const [i, r] of batch.entries()) {
      if (await parts.fill(chrome, r.id)) stored++;
      after = { publishedAt: r.published_at, id: r.id };
      const took = performance.now() - started;
      if (took >= sliceMs || i === batch.length - 1) {
        await opts.pause?.(took);
        started = performance.now();
      }
    }
  }
}

/**
 * The serving process's filler (one per server: a cluster's first worker): at start and then every `intervalMs`, the
 * newest stories without parts are stored in slices of at most 20 stories or 10 ms, each followed by a pause as long
 * as it took, so a backlog (after a deploy with other templates, or an import) takes at most half of the process and
 * holds the event loop for about 10 ms at a time (one story at most past that). Misses store parts too.
 */
export function startPartsFiller(ctx: AppContext, opts: { intervalMs?: number; maxStories?: number; onError?: (err: unknown) => void } = {}): { stop(): Promise<void> } {
  if (!articlePartsFor(ctx)) return { stop: async () => {} };
  return startBackgroundWork((pause) => fillArticleParts(ctx, { maxStories: opts.maxStories, pause }), { intervalMs: opts.intervalMs ?? 600_000, onError: opts.onError });
}
