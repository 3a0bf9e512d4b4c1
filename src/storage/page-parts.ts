import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Engine } from './database.ts';
import type { ContentEvent, ContentEvents } from '../domain/events.ts';

type Db = Kysely<Database>;

/**
 * Storage of story pages kept in parts (migration 016; what the parts are: src/web/site/article-parts.ts).
 *
 * A row is only ever a copy: dropping it costs one render. So every change that could alter a stored page drops the
 * rows showing it, in the process that made the change, and bumps a generation; a row rendered before a drop is then
 * refused when written back (`storeArticleParts`), whichever process rendered it.
 */

/** What an article page lookup reads in one statement: the story's place, and its stored parts if any. */
export interface ArticlePartsLookup {
  id: number;
  slug: string;
  status: string;
  type: string;
  category_id: number;
  updated_at: string;
  format: string | null;
  parts_updated_at: string | null;
  parts: Buffer | null;
}

function asBuffer(v: Uint8Array | null): Buffer | null {
  if (v === null) return null;
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export async function lookupArticleParts(db: Db, id: number): Promise<ArticlePartsLookup | undefined> {
  const row = await db
    .selectFrom('articles as a')
    .leftJoin('article_page_parts as p', 'p.article_id', 'a.id')
    .select(['a.id', 'a.slug', 'a.status', 'a.type', 'a.category_id', 'a.updated_at', 'p.format', 'p.updated_at as parts_updated_at', 'p.parts'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, parts: asBuffer(row.parts) } : undefined;
}

export async function partsGeneration(db: Db): Promise<number> {
  const row = await db.selectFrom('page_parts_state').select('generation').where('id', '=', 1).executeTakeFirst();
  return Number(row?.generation ?? 0);
}

export interface StoredArticleParts {
  articleId: number;
  format: string;
  updatedAt: string;
  parts: Buffer;
  /** Other stories' cards and media the page shows (`s:`, `m:`): a change to one drops the row. */
  keys: string[];
}

/**
 * Writes a story's parts, unless a drop happened since `generation` was read (the render may have read what the drop
 * was for). Returns whether it was written. On PostgreSQL the generation row is locked for the write, so a drop
 * waits and then sees the row; on SQLite the one writer at a time does the same.
 */
export async function storeArticleParts(db: Db, engine: Engine, p: StoredArticleParts, generation: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const state = engine === 'postgres' ? await trx.selectFrom('page_parts_state').select('generation').where('id', '=', 1).forUpdate().executeTakeFirst() : await trx.selectFrom('page_parts_state').select('generation').where('id', '=', 1).executeTakeFirst();
    if (Number(state?.generation ?? -1) !== generation) return false;
    const now = new Date().toISOString();
    await trx
      .insertInto('article_page_parts')
      .values({ article_id: p.articleId, format: p.format, updated_at: p.updatedAt, parts: p.parts, created_at: now })
      .onConflict((oc) => oc.column('article_id').doUpdateSet({ format: p.format, updated_at: p.updatedAt, parts: p.parts, created_at: now }))
      .execute();
    await trx.deleteFrom('article_page_part_keys').where('article_id', '=', p.articleId).execute();
    const keys = [...new Set(p.keys)];
    if (keys.length) await trx.insertInto('article_page_part_keys').values(keys.map((key) => ({ key, article_id: p.articleId }))).execute();
    return true;
  });
}

export type PartsDrop = { all: true } | { articleIds: number[]; keys: string[] };

/** Drops the rows of these stories and of those showing these keys (or all), and bumps the generation. */
export async function dropArticleParts(db: Db, drop: PartsDrop): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('page_parts_state').set((eb) => ({ generation: eb('generation', '+', 1) })).where('id', '=', 1).execute();
    if ('all' in drop) {
      await trx.deleteFrom('article_page_part_keys').execute();
      await trx.deleteFrom('article_page_parts').execute();
      return;
    }
    const ids = new Set(drop.articleIds);
    if (drop.keys.length) for (const r of await trx.selectFrom('article_page_part_keys').select('article_id').where('key', 'in', drop.keys).execute()) ids.add(r.article_id);
    if (ids.size === 0) return;
    const list = [...ids];
    await trx.deleteFrom('article_page_part_keys').where('article_id', 'in', list).execute();
    await trx.deleteFrom('article_page_parts').where('article_id', 'in', list).execute();
  });
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
      return { articleIds: [], keys: [`m:${event.mediaId}`] };
    case 'article.published':
    case 'article.updated':
    case 'article.unpublished':
      return { articleIds: [event.articleId], keys: [`s:${event.articleId}`] };
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
export function subscribePartsCleanup(db: Db, events: ContentEvents, log: (m: string) => void = (m) => console.error(m)): () => void {
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

/**
 * SQLite: a write transaction whose snapshot another connection's commit made stale fails at once with "database is
 * locked" (SQLITE_BUSY, the busy timeout does not apply); it succeeds when run again.
 */
async function withBusyRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      const e = err as { errcode?: number; message?: string };
      if (i >= attempts || !(e.errcode === 5 || /database is locked/.test(e.message ?? ''))) throw err;
      await new Promise((r) => setTimeout(r, 10 * i));
    }
  }
}

/** Stories stored in parts, and how many bytes the parts take (docs, benchmark). */
export async function partsStats(db: Db): Promise<{ rows: number; bytes: number }> {
  const r = await db.selectFrom('article_page_parts').select([sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(length(parts)), 0)`.as('b')]).executeTakeFirstOrThrow();
  return { rows: Number(r.n), bytes: Number(r.b) };
}

/**
 * Published stories, newest first and published at `notBefore` or later, whose stored parts are missing or stale
 * (another format, an older version), after `after` in that order. Reads along the published-time order, so a walk
 * over the archive is one pass.
 */
export async function storiesWithoutParts(db: Db, format: string, limit: number, notBefore: string, after?: { publishedAt: string; id: number }): Promise<Array<{ id: number; published_at: string }>> {
  let q = db
    .selectFrom('articles as a')
    .leftJoin('article_page_parts as p', 'p.article_id', 'a.id')
    .select(['a.id', 'a.published_at'])
    .where('a.status', '=', 'published')
    .where('a.published_at', '>=', notBefore)
    .where((eb) => eb.or([eb('p.article_id', 'is', null), eb('p.format', '!=', format), eb('p.updated_at', '!=', eb.ref('a.updated_at'))]));
  if (after) q = q.where((eb) => eb.or([eb('a.published_at', '<', after.publishedAt), eb.and([eb('a.published_at', '=', after.publishedAt), eb('a.id', '<', after.id)])]));
  const rows = await q.orderBy('a.published_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, published_at: r.published_at! }));
}

/** The published time of the `n`-th newest story (the oldest a filler bounded to `n` stories reaches). */
export async function nthNewestPublishedAt(db: Db, n: number): Promise<string | undefined> {
  const row = await db.selectFrom('articles').select('published_at').where('status', '=', 'published').where('published_at', 'is not', null).orderBy('published_at', 'desc').orderBy('id', 'desc').offset(Math.max(0, n - 1)).limit(1).executeTakeFirst();
  return row?.published_at ?? undefined;
}
