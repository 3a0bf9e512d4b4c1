import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Engine } from './database.ts';

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

/**
 * The row's bytes in memory of their own: a page joined from them keeps them as long as it is cached, and a view into a
 * shared block (pg decodes small bytea values into Buffer's pool) would keep the whole block.
 */
function asBuffer(v: Uint8Array | null): Buffer | null {
  if (v === null) return null;
  if (v.byteOffset !== 0 || v.buffer.byteLength !== v.byteLength) {
    const own = Buffer.allocUnsafeSlow(v.byteLength);
    own.set(v);
    return own;
  }
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

type LookupRow = Omit<ArticlePartsLookup, 'parts'> & { parts: Uint8Array | null };

const lookupQueries = new WeakMap<Db, CompiledQuery<LookupRow>>();

export async function lookupArticleParts(db: Db, id: number): Promise<ArticlePartsLookup | undefined> {
  // Built and compiled once per database handle: it runs on every page-cache miss of a story page, where building it
  // each time cost 14–27 µs on top of SQLite's 34 µs (100,000-story file).
  let query = lookupQueries.get(db);
  if (!query) {
    query = db
      .selectFrom('articles as a')
      .leftJoin('article_page_parts as p', 'p.article_id', 'a.id')
      .select(['a.id', 'a.slug', 'a.status', 'a.type', 'a.category_id', 'a.updated_at', 'p.format', 'p.updated_at as parts_updated_at', 'p.parts'])
      .where('a.id', '=', 0)
      .compile() as CompiledQuery<LookupRow>;
    lookupQueries.set(db, query);
  }
  const row = (await db.executeQuery<LookupRow>({ ...query, parameters: [id] })).rows[0];
  if (!row) return undefined;
  // Field by field: spreading the driver's row object cost more than the rest of this function.
  return { id: row.id, slug: row.slug, status: row.status, type: row.type, category_id: row.category_id, updated_at: row.updated_at, format: row.format, parts_updated_at: row.parts_updated_at, parts: asBuffer(row.parts) };
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
  return (await storeArticlePartsBatch(db, engine, [{ ...p, generation }])).length === 1;
}

/**
 * Writes several stories' parts in one transaction: each one unless a drop happened since its `generation` was read
 * (see storeArticleParts). Returns the ids written. One story should appear once.
 */
export async function storeArticlePartsBatch(db: Db, engine: Engine, rows: ReadonlyArray<StoredArticleParts & { generation: number }>): Promise<number[]> {
  if (rows.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const state = engine === 'postgres' ? await trx.selectFrom('page_parts_state').select('generation').where('id', '=', 1).forUpdate().executeTakeFirst() : await trx.selectFrom('page_parts_state').select('generation').where('id', '=', 1).executeTakeFirst();
    const current = Number(state?.generation ?? -1);
    const fresh = rows.filter((r) => r.generation === current);
    if (fresh.length === 0) return [];
    const now = new Date().toISOString();
    // A few rows per statement: each holds a story's parts (about 4.5 KB) and PostgreSQL caps a statement's parameters.
    for (let i = 0; i < fresh.length; i += 100) {
      await trx
        .insertInto('article_page_parts')
        .values(fresh.slice(i, i + 100).map((p) => ({ article_id: p.articleId, format: p.format, updated_at: p.updatedAt, parts: p.parts, created_at: now })))
        .onConflict((oc) => oc.column('article_id').doUpdateSet((eb) => ({ format: eb.ref('excluded.format'), updated_at: eb.ref('excluded.updated_at'), parts: eb.ref('excluded.parts'), created_at: eb.ref('excluded.created_at') })))
        .execute();
    }
    const ids = fresh.map((p) => p.articleId);
    await trx.deleteFrom('article_page_part_keys').where('article_id', 'in', ids).execute();
    const keys = fresh.flatMap((p) => [...new Set(p.keys)].map((key) => ({ key, article_id: p.articleId })));
    for (let i = 0; i < keys.length; i += 500) await trx.insertInto('article_page_part_keys').values(keys.slice(i, i + 500)).execute();
    return ids;
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
 * SQLite: a write transaction whose snapshot another connection's commit made stale fails at once with "database is
 * locked" (SQLITE_BUSY, the busy timeout does not apply); it succeeds when run again.
 */
export async function withBusyRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isBusyError(err)) throw err;
      await new Promise((r) => setTimeout(r, 10 * i));
    }
  }
}

/** SQLITE_BUSY ("database is locked"): another connection holds the write lock or committed past this snapshot. */
export function isBusyError(err: unknown): boolean {
  const e = err as { errcode?: number; message?: string } | undefined;
  return e?.errcode === 5 || /database is locked/.test(e?.message ?? '');
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
