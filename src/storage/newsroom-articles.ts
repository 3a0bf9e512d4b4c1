import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArticleRevisionRow, Database, NewsroomArticleRow } from './schema.ts';
import { DocSchema, type Doc } from '../domain/document.ts';
import { nowIso, setArticleBylines, setArticleRelated, setArticleTags } from './content.ts';
import { syncArticleMedia } from './media.ts';

/** Per-story newsroom data, revisions and edit locks. Call inside a transaction when writing. */
type Db = Kysely<Database>;

/** Everything that makes up a story's content: what a revision keeps and what a restore brings back. */
export const SnapshotSchema = z.object({
  title: z.string(),
  shortTitle: z.string(),
  sapo: z.string(),
  body: DocSchema,
  type: z.string(),
  categoryId: z.number().int(),
  coverMediaId: z.number().int().nullable(),
  seoTitle: z.string(),
  seoDescription: z.string(),
  slug: z.string(),
  tags: z.array(z.string()),
  bylines: z.array(z.union([z.object({ personId: z.number().int() }), z.object({ name: z.string() })])),
  /** The editor's "Tin liên quan", in order. Revisions made before migration 013 have none. */
  relatedIds: z.array(z.number().int()).default([]),
});
export type StorySnapshot = z.infer<typeof SnapshotSchema> & { body: Doc };

/** How many "Tin liên quan" an editor may pick for one story: as many as the reader's block shows. */
export const MAX_RELATED_PICKS = 6;

/** The content of the `articles` row (the live or working copy) as a snapshot. */
export async function readSnapshot(db: Db, articleId: number): Promise<StorySnapshot | undefined> {
  const a = await db.selectFrom('articles').selectAll().where('id', '=', articleId).executeTakeFirst();
  if (!a) return undefined;
  const [tags, bylines, related] = await Promise.all([
    db.selectFrom('article_tags').innerJoin('tags', 'tags.id', 'article_tags.tag_id').select('tags.name').where('article_tags.article_id', '=', articleId).orderBy('article_tags.position').execute(),
    db.selectFrom('article_bylines').select(['person_id', 'name']).where('article_id', '=', articleId).orderBy('position').execute(),
    db.selectFrom('article_related_picks').select('related_id').where('article_id', '=', articleId).orderBy('position').execute(),
  ]);
  return {
    title: a.title,
    shortTitle: a.short_title,
    sapo: a.sapo,
    body: JSON.parse(a.body) as Doc,
    type: a.type,
    categoryId: a.category_id,
    coverMediaId: a.cover_media_id,
    seoTitle: a.seo_title,
    seoDescription: a.seo_description,
    slug: a.slug,
    tags: tags.map((t) => t.name),
    bylines: bylines.map((b) => (b.person_id !== null ? { personId: b.person_id } : { name: b.name })),
    relatedIds: related.map((r) => r.related_id),
  };
}

/** Writes a snapshot into the `articles` row (with tags, bylines, related picks and the images it uses). */
export async function writeSnapshot(db: Db, articleId: number, s: StorySnapshot, updatedAt = nowIso()): Promise<void> {
  await db
    .updateTable('articles')
    .set({
      title: s.title,
      short_title: s.shortTitle,
      sapo: s.sapo,
      body: JSON.stringify(s.body),
      type: s.type,
      category_id: s.categoryId,
      cover_media_id: s.coverMediaId,
      seo_title: s.seoTitle,
      seo_description: s.seoDescription,
      slug: s.slug,
      updated_at: updatedAt,
    })
    .where('id', '=', articleId)
    .execute();
  await setArticleTags(db, articleId, s.tags);
  await setArticleBylines(db, articleId, s.bylines);
  await setArticleRelated(db, articleId, s.relatedIds);
  await syncArticleMedia(db, articleId);
}

// ---------- workflow data ----------

/** The newsroom row of a story; stories that came in without one (seed, import) get a default row. */
export async function ensureMeta(db: Db, articleId: number): Promise<NewsroomArticleRow> {
  const existing = await db.selectFrom('newsroom_articles').selectAll().where('article_id', '=', articleId).executeTakeFirst();
  if (existing) return existing;
  await db.insertInto('newsroom_articles').values({ article_id: articleId, author_id: null, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).onConflict((oc) => oc.column('article_id').doNothing()).execute();
  return db.selectFrom('newsroom_articles').selectAll().where('article_id', '=', articleId).executeTakeFirstOrThrow();
}

export async function getMeta(db: Db, articleId: number): Promise<NewsroomArticleRow | undefined> {
  return db.selectFrom('newsroom_articles').selectAll().where('article_id', '=', articleId).executeTakeFirst();
}

// ---------- revisions ----------

export const REVISION_KINDS = ['created', 'save', 'autosave', 'correction', 'published', 'restore'] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];

/** Autosaves by the same person within this window update one revision instead of piling up. */
export const AUTOSAVE_COALESCE_MS = 10 * 60_000;

export async function addRevision(db: Db, articleId: number, kind: RevisionKind, snapshot: StorySnapshot, userId: number | null, note = '', now = nowIso()): Promise<number> {
  if (kind === 'autosave') {
    const last = await db.selectFrom('article_revisions').select(['id', 'kind', 'user_id', 'created_at']).where('article_id', '=', articleId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (last && last.kind === 'autosave' && last.user_id === userId && Date.parse(now) - Date.parse(last.created_at) < AUTOSAVE_COALESCE_MS) {
      await db.updateTable('article_revisions').set({ snapshot: JSON.stringify(snapshot), updated_at: now }).where('id', '=', last.id).where('kind', '=', 'autosave').execute();
      return last.id;
    }
  }
  const row = await db.insertInto('article_revisions').values({ article_id: articleId, kind, snapshot: JSON.stringify(snapshot), user_id: userId, note, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export interface RevisionSummary {
  id: number;
  kind: RevisionKind;
  userId: number | null;
  userName: string | null;
  note: string;
  createdAt: string;
  updatedAt: string;
  title: string;
}

export async function listRevisions(db: Db, articleId: number): Promise<RevisionSummary[]> {
  const rows = await db
    .selectFrom('article_revisions')
    .leftJoin('users', 'users.id', 'article_revisions.user_id')
    .select(['article_revisions.id', 'article_revisions.kind', 'article_revisions.user_id', 'users.name as user_name', 'article_revisions.note', 'article_revisions.created_at', 'article_revisions.updated_at', 'article_revisions.snapshot'])
    .where('article_revisions.article_id', '=', articleId)
    .orderBy('article_revisions.id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind as RevisionKind, userId: r.user_id, userName: r.user_name, note: r.note, createdAt: r.created_at, updatedAt: r.updated_at, title: (JSON.parse(r.snapshot) as StorySnapshot).title }));
}

export async function getRevision(db: Db, articleId: number, revisionId: number): Promise<(ArticleRevisionRow & { content: StorySnapshot }) | undefined> {
  const row = await db.selectFrom('article_revisions').selectAll().where('article_id', '=', articleId).where('id', '=', revisionId).executeTakeFirst();
  return row && { ...row, content: SnapshotSchema.parse(JSON.parse(row.snapshot)) as StorySnapshot };
}

export async function previousRevisionId(db: Db, articleId: number, revisionId: number): Promise<number | undefined> {
  const row = await db.selectFrom('article_revisions').select('id').where('article_id', '=', articleId).where('id', '<', revisionId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id;
}

// ---------- edit locks ----------

export const LOCK_LEASE_MS = 90_000;

export interface EditLock {
  articleId: number;
  userId: number;
  userName: string;
  acquiredAt: string;
  expiresAt: string;
}

export async function getLock(db: Db, articleId: number, now = nowIso()): Promise<EditLock | undefined> {
  const row = await db
    .selectFrom('edit_locks')
    .innerJoin('users', 'users.id', 'edit_locks.user_id')
    .select(['edit_locks.article_id', 'edit_locks.user_id', 'users.name', 'edit_locks.acquired_at', 'edit_locks.expires_at'])
    .where('edit_locks.article_id', '=', articleId)
    .where('edit_locks.expires_at', '>', now)
    .executeTakeFirst();
  return row && { articleId: row.article_id, userId: row.user_id, userName: row.name, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/**
 * Takes or renews the lease. With `force`, replaces another holder (the caller has checked the
 * right to take over). Returns the lock as it now stands: held by someone else when refused.
 */
export async function acquireLock(db: Db, articleId: number, userId: number, opts: { force?: boolean; leaseMs?: number; now?: number } = {}): Promise<{ lock: EditLock; previous?: EditLock }> {
  const now = opts.now ?? Date.now();
  const nowText = new Date(now).toISOString();
  const expiresAt = new Date(now + (opts.leaseMs ?? LOCK_LEASE_MS)).toISOString();
  await db.deleteFrom('edit_locks').where('article_id', '=', articleId).where('expires_at', '<=', nowText).execute();
  const current = await getLock(db, articleId, nowText);
  if (current && current.userId !== userId && !opts.force) return { lock: current };
  if (current && current.userId === userId) {
    await db.updateTable('edit_locks').set({ expires_at: expiresAt }).where('article_id', '=', articleId).execute();
  } else if (current) {
    await db.updateTable('edit_locks').set({ user_id: userId, acquired_at: nowText, expires_at: expiresAt }).where('article_id', '=', articleId).execute();
  } else {
    await db.insertInto('edit_locks').values({ article_id: articleId, user_id: userId, acquired_at: nowText, expires_at: expiresAt }).onConflict((oc) => oc.column('article_id').doNothing()).execute();
  }
  const lock = (await getLock(db, articleId, nowText))!;
  return current && current.userId !== userId ? { lock, previous: current } : { lock };
}

export async function releaseLock(db: Db, articleId: number, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('edit_locks').where('article_id', '=', articleId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
