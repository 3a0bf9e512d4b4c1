import { sql, type Kysely } from 'kysely';
import type { Database, MediaRow } from './schema.ts';
import { nfc } from '../domain/vietnamese.ts';
import { cleanText, foldText, foldedWordPattern } from '../search/vietnamese-text.ts';

type Db = Kysely<Database>;

/**
 * The library's search text (media.search_f): caption, alt text and file name folded as the newsroom story list folds
 * titles ("Lào Cai" → "lao cai", "Đoàn" → "doan", NFD and NFC alike), joined by " | " so a phrase never runs from one
 * field into the next (folded text holds only letters, digits and single spaces).
 */
export function mediaSearchText(m: { caption: string; alt: string; file_name: string }): string {
  return [m.caption, m.alt, m.file_name].map((s) => foldText(cleanText(s)).trim()).join(' | ');
}

/** The library, newest first; `q` matches caption, alt text or file name without regard to accents or case; `unused`: images no story uses. */
export async function listMedia(db: Db, f: { q?: string; unused?: boolean; kind?: 'image' | 'audio'; limit: number; offset: number }): Promise<{ rows: MediaRow[]; total: number }> {
  let q = db.selectFrom('media');
  // Audio rows are typed audio/…; everything else in the library is an image.
  if (f.kind) q = q.where('mime', f.kind === 'audio' ? 'like' : 'not like', 'audio/%');
  if (f.unused) q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('article_media').select('article_media.media_id').whereRef('article_media.media_id', '=', 'media.id'))));
  if (f.q?.trim()) {
    const pattern = foldedWordPattern(f.q);
    q = pattern ? q.where(sql<boolean>`(' ' || media.search_f || ' ') like ${pattern} escape '\\'`) : q.where(sql<boolean>`1 = 0`);
  }
  const [rows, count] = await Promise.all([q.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(), q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()]);
  return { rows, total: Number(count.n) };
}

/** Changes a library item's caption, credit or alt text (NFC, trimmed), keeping its search text in step. */
export async function updateMediaText(db: Db, id: number, set: Partial<Pick<MediaRow, 'caption' | 'credit' | 'alt'>>): Promise<void> {
  const current = await db.selectFrom('media').select(['caption', 'alt', 'file_name']).where('id', '=', id).executeTakeFirst();
  if (!current) return;
  const clean: Partial<Pick<MediaRow, 'caption' | 'credit' | 'alt'>> = {};
  for (const k of ['caption', 'credit', 'alt'] as const) if (set[k] !== undefined) clean[k] = nfc(set[k].trim());
  await db
    .updateTable('media')
    .set({ ...clean, search_f: mediaSearchText({ ...current, ...clean }) })
    .where('id', '=', id)
    .execute();
}

/** Fills search_f for rows that have none yet (library rows made before migration 009), in batches. */
export async function refillMediaSearch(db: Db, batch = 500): Promise<number> {
  let after = 0;
  let filled = 0;
  for (;;) {
    const rows = await db.selectFrom('media').select(['id', 'caption', 'alt', 'file_name']).where('id', '>', after).where('search_f', '=', '').orderBy('id').limit(batch).execute();
    if (!rows.length) return filled;
    for (const r of rows) {
      await db.updateTable('media').set({ search_f: mediaSearchText(r) }).where('id', '=', r.id).execute();
      filled++;
    }
    after = rows.at(-1)!.id;
  }
}

// ---------- where each image is used (article_media, migration 011) ----------

export const MEDIA_ROLES = ['cover', 'figure', 'gallery', 'audio'] as const;
export type MediaRole = (typeof MEDIA_ROLES)[number];

export interface MediaUse {
  mediaId: number;
  role: MediaRole;
}

/** A story's content as stored: the articles row or a revision snapshot (body already parsed from JSON). */
interface StoredContent {
  coverMediaId: number | null | undefined;
  body: unknown;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * The library files a story's content uses: its cover, the figures of its body (inside boxes, quotes and lists too),
 * the images of its galleries and its audio blocks. Reads the stored JSON loosely: a revision written by an older version still counts.
 */
export function mediaUsesOf(content: StoredContent): MediaUse[] {
  const out: MediaUse[] = [];
  if (isId(content.coverMediaId)) out.push({ mediaId: content.coverMediaId, role: 'cover' });
  const walk = (nodes: unknown, inGallery: boolean) => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as Array<{ type?: unknown; attrs?: { mediaId?: unknown }; content?: unknown }>) {
      if (!node || typeof node !== 'object') continue;
      if (node.type === 'figure' && isId(node.attrs?.mediaId)) out.push({ mediaId: node.attrs.mediaId, role: inGallery ? 'gallery' : 'figure' });
      else if (node.type === 'audio' && isId(node.attrs?.mediaId)) out.push({ mediaId: node.attrs.mediaId, role: 'audio' });
      walk(node.content, inGallery || node.type === 'gallery');
    }
  };
  walk((content.body as { content?: unknown } | null)?.content, false);
  return out;
}

const useKey = (u: MediaUse) => `${u.mediaId}:${u.role}`;

/** Uses of the live row and of a pending correction (which may be published), once each. */
function combinedUses(row: { cover_media_id: number | null; body: string }, pendingSnapshot: string | null | undefined): Map<string, MediaUse> {
  const uses = mediaUsesOf({ coverMediaId: row.cover_media_id, body: JSON.parse(row.body) as unknown });
  if (pendingSnapshot) {
    const s = JSON.parse(pendingSnapshot) as { coverMediaId?: number | null; body?: unknown };
    uses.push(...mediaUsesOf({ coverMediaId: s.coverMediaId, body: s.body }));
  }
  return new Map(uses.map((u) => [useKey(u), u]));
}

/** Of these ids, those in the library (a body may name an image that is not, e.g. from an old import). */
async function existingMediaIds(db: Db, ids: Iterable<number>): Promise<Set<number>> {
  const unique = [...new Set(ids)];
  const found = new Set<number>();
  for (let i = 0; i < unique.length; i += 500) {
    for (const r of await db.selectFrom('media').select('id').where('id', 'in', unique.slice(i, i + 500)).execute()) found.add(r.id);
  }
  return found;
}

async function insertUses(db: Db, rows: Array<{ article_id: number; media_id: number; role: MediaRole }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('article_media')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['article_id', 'media_id', 'role']).doNothing())
      .execute();
  }
}

/**
 * Brings a story's rows of article_media in line with its content: the articles row and, while there is one, the pending
 * correction. Every write of a story's cover or body calls it in the same transaction (createArticle, writeSnapshot,
 * and the workflow when a correction is staged or discarded).
 */
export async function syncArticleMedia(db: Db, articleId: number): Promise<void> {
  const row = await db.selectFrom('articles').select(['cover_media_id', 'body']).where('id', '=', articleId).executeTakeFirst();
  const existing = await db.selectFrom('article_media').select(['media_id', 'role']).where('article_id', '=', articleId).execute();
  let wanted = new Map<string, MediaUse>();
  if (row) {
    const pending = await db.selectFrom('newsroom_articles as n').innerJoin('article_revisions as r', 'r.id', 'n.pending_revision_id').select('r.snapshot').where('n.article_id', '=', articleId).executeTakeFirst();
    wanted = combinedUses(row, pending?.snapshot);
  }
  const have = new Set(existing.map((e) => useKey({ mediaId: e.media_id, role: e.role as MediaRole })));
  for (const e of existing) {
    if (!wanted.has(useKey({ mediaId: e.media_id, role: e.role as MediaRole }))) await db.deleteFrom('article_media').where('article_id', '=', articleId).where('media_id', '=', e.media_id).where('role', '=', e.role).execute();
  }
  const missing = [...wanted].filter(([k]) => !have.has(k)).map(([, u]) => u);
  if (!missing.length) return;
  const known = await existingMediaIds(db, missing.map((u) => u.mediaId));
  await insertUses(
    db,
    missing.filter((u) => known.has(u.mediaId)).map((u) => ({ article_id: articleId, media_id: u.mediaId, role: u.role })),
  );
}

/** Fills article_media from every story (migration 011), a batch of stories at a time. Safe to run again. */
export async function backfillArticleMedia(db: Db, batch = 500): Promise<number> {
  let after = 0;
  let written = 0;
  for (;;) {
    const rows = await db.selectFrom('articles').select(['id', 'cover_media_id', 'body']).where('id', '>', after).orderBy('id').limit(batch).execute();
    if (!rows.length) return written;
    after = rows.at(-1)!.id;
    const ids = rows.map((r) => r.id);
    const pending = await db.selectFrom('newsroom_articles as n').innerJoin('article_revisions as r', 'r.id', 'n.pending_revision_id').select(['n.article_id', 'r.snapshot']).where('n.article_id', 'in', ids).execute();
    const pendingOf = new Map(pending.map((p) => [p.article_id, p.snapshot]));
    const uses = rows.flatMap((r) => [...combinedUses(r, pendingOf.get(r.id)).values()].map((u) => ({ article_id: r.id, media_id: u.mediaId, role: u.role })));
    const known = await existingMediaIds(db, uses.map((u) => u.media_id));
    const rowsToWrite = uses.filter((u) => known.has(u.media_id));
    await insertUses(db, rowsToWrite);
    written += rowsToWrite.length;
  }
}

/** How many stories use each of these images. */
export async function mediaUseCounts(db: Db, mediaIds: number[]): Promise<Map<number, number>> {
  if (!mediaIds.length) return new Map();
  const rows = await db
    .selectFrom('article_media')
    .select(['media_id', (eb) => eb.fn.count<string | number>('article_id').distinct().as('n')])
    .where('media_id', 'in', mediaIds)
    .groupBy('media_id')
    .execute();
  return new Map(rows.map((r) => [r.media_id, Number(r.n)]));
}

export interface MediaUsage {
  articleId: number;
  title: string;
  status: string;
  role: MediaRole;
  categoryId: number;
  authorId: number | null;
  deleted: boolean;
}

/** Every use of an image, most recently changed story first; the caller decides which stories the reader may see. */
export async function mediaUsage(db: Db, mediaId: number): Promise<MediaUsage[]> {
  const rows = await db
    .selectFrom('article_media as am')
    .innerJoin('articles as a', 'a.id', 'am.article_id')
    .leftJoin('newsroom_articles as n', 'n.article_id', 'a.id')
    .select(['a.id', 'a.title', 'a.status', 'a.category_id', 'n.author_id', 'n.deleted_at', 'am.role'])
    .where('am.media_id', '=', mediaId)
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.id', 'desc')
    // cover, figure, gallery: alphabetical is the reading order.
    .orderBy('am.role')
    .execute();
  return rows.map((r) => ({ articleId: r.id, title: r.title, status: r.status, role: r.role as MediaRole, categoryId: r.category_id, authorId: r.author_id ?? null, deleted: r.deleted_at !== null && r.deleted_at !== undefined }));
}
