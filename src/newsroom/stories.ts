import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, NewsroomArticleRow } from '../storage/schema.ts';
import type { AppContext } from '../web/context.ts';
import type { ContentEvent } from '../domain/events.ts';
import { articlePath, ARTICLE_STATUSES, type ArticleStatus } from '../domain/article.ts';
import { can, scopeOf, type Actor, type StoryRef } from '../domain/permissions.ts';
import { highestRank } from '../domain/roles.ts';
import { allowedActions, canDelete, checkTransition, editPermission, statusAfterEdit, type CorrectionState, type StoryAction, type TransitionAction, type WorkflowState } from '../domain/workflow.ts';
import { audios, figures, parseDoc, type Doc } from '../domain/document.ts';
import { nfc, slugify, SLUG_FALLBACK } from '../domain/vietnamese.ts';
import { loadMembership } from '../cache/invalidation.ts';
import { foldedWordPattern } from '../search/vietnamese-text.ts';
import { nowIso } from '../storage/content.ts';
import { acquireLock, addRevision, ensureMeta, getLock, getMeta, getRevision, MAX_RELATED_PICKS, readSnapshot, releaseLock, writeSnapshot, type EditLock, type StorySnapshot } from '../storage/newsroom-articles.ts';
import { appendAudit } from '../storage/newsroom-audit.ts';
import { syncArticleMedia } from '../storage/media.ts';
import { indexArticle } from '../search/indexer.ts';
import type { User } from '../storage/newsroom.ts';
import { NewsroomError } from './errors.ts';

/**
 * The editorial workflow service: every change to a story goes through here, in one transaction
 * with its revision and audit entry; events for the reader site go out after the commit.
 */
type Db = Kysely<Database>;

export interface RequestMeta {
  ip: string;
  userAgent: string;
}

/** Who acts: a person, or the scheduler (null user). */
export type Acting = { user: User; meta: RequestMeta } | { user: null; meta: RequestMeta };

const actorOf = (u: User): Actor => ({ id: u.id, roles: u.roles, deskIds: u.deskIds });

export interface StoryInput {
  title?: string;
  shortTitle?: string;
  sapo?: string;
  body?: Doc;
  type?: string;
  categoryId?: number;
  coverMediaId?: number | null;
  seoTitle?: string;
  seoDescription?: string;
  slug?: string;
  tags?: string[];
  bylines?: Array<{ personId: number } | { name: string }>;
  /** The editor's "Tin liên quan": story ids in order, at most MAX_RELATED_PICKS, never the story itself. */
  relatedIds?: number[];
  /** Public note shown with a correction of a published story. */
  correctionNote?: string;
  autosave?: boolean;
}

export interface StoryView {
  id: number;
  url: string;
  status: ArticleStatus;
  title: string;
  shortTitle: string;
  sapo: string;
  body: Doc;
  type: string;
  categoryId: number;
  coverMediaId: number | null;
  seoTitle: string;
  seoDescription: string;
  slug: string;
  tags: string[];
  bylines: Array<{ personId: number } | { name: string }>;
  relatedIds: number[];
  /** The picks the caller may see (stories they may open, and published ones), in order: never a hidden title. */
  related: RelatedPick[];
  authorId: number | null;
  version: number;
  publishedAt: string | null;
  updatedAt: string;
  createdAt: string;
  /** A pending correction of a published story: the fields above are then its content, not the live one. */
  correction: { state: CorrectionState; revisionId: number | null; note: string } | null;
  correctionNote: string;
  correctedAt: string | null;
  liveRevisionId: number | null;
  returnNote: string;
  takedownReason: string;
  scheduledAt: string | null;
  deleted: boolean;
  deletedAt: string | null;
  lock: EditLock | null;
  allowedActions: StoryAction[];
  /** Reads over the last 7 days of the site's calendar, today included (added by GET /articles/:id only, src/cache/views.ts storyReads). */
  views7d?: number;
}

export interface RelatedPick {
  id: number;
  title: string;
  status: ArticleStatus;
}

interface Loaded {
  article: NonNullable<Awaited<ReturnType<typeof loadArticleRow>>>;
  meta: NewsroomArticleRow;
  ref: StoryRef;
  state: WorkflowState;
}

const loadArticleRow = (db: Db, id: number) => db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();

async function load(db: Db, id: number): Promise<Loaded> {
  const article = await loadArticleRow(db, id);
  if (!article) throw new NewsroomError('not_found', 'Không tìm thấy tin bài.');
  const meta = (await getMeta(db, id)) ?? (await ensureMeta(db, id));
  return { article, meta, ref: { authorId: meta.author_id, categoryId: article.category_id }, state: stateOf(article.status, meta) };
}

function stateOf(status: string, meta: NewsroomArticleRow): WorkflowState {
  if (!(ARTICLE_STATUSES as readonly string[]).includes(status)) throw new Error(`Unknown article status ${status}`);
  return { status: status as ArticleStatus, correction: (meta.correction_state as CorrectionState | null) ?? null, deleted: meta.deleted_at !== null };
}

export async function getStoryView(db: Db, user: User, id: number): Promise<StoryView> {
  const l = await load(db, id);
  if (!can(actorOf(user), 'view', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền xem tin bài này.');
  return view(db, user, l);
}

async function view(db: Db, user: User | null, l: Loaded): Promise<StoryView> {
  const pending = l.meta.pending_revision_id !== null ? await getRevision(db, l.article.id, l.meta.pending_revision_id) : undefined;
  const content = pending?.content ?? (await readSnapshot(db, l.article.id))!;
  const [lock, related] = await Promise.all([getLock(db, l.article.id), relatedPicks(db, user, content.relatedIds)]);
  return {
    id: l.article.id,
    url: articlePath(l.article),
    status: l.state.status,
    ...content,
    related,
    authorId: l.meta.author_id,
    version: l.meta.version,
    publishedAt: l.article.published_at,
    updatedAt: l.article.updated_at,
    createdAt: l.article.created_at,
    correction: l.state.correction ? { state: l.state.correction, revisionId: l.meta.pending_revision_id, note: pending?.note ?? '' } : null,
    correctionNote: l.meta.correction_note,
    correctedAt: l.meta.corrected_at,
    liveRevisionId: l.meta.live_revision_id,
    returnNote: l.meta.return_note,
    takedownReason: l.meta.takedown_reason,
    scheduledAt: l.meta.scheduled_at,
    deleted: l.state.deleted,
    deletedAt: l.meta.deleted_at,
    lock: lock ?? null,
    allowedActions: user ? allowedActions(actorOf(user), l.ref, l.state) : [],
  };
}

/**
 * Titles of picked stories, for the editor's list: those the caller may open in the newsroom, and published ones (their
 * title is on the reader site anyway). Others stay ids only. One query for the list.
 */
async function relatedPicks(db: Db, user: User | null, ids: number[]): Promise<RelatedPick[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('articles')
    .leftJoin('newsroom_articles as n', 'n.article_id', 'articles.id')
    .select(['articles.id', 'articles.title', 'articles.status', 'articles.category_id', 'n.author_id', 'n.deleted_at'])
    .where('articles.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const isPublic = r.status === 'published' && (r.deleted_at ?? null) === null;
    const mayOpen = !!user && can(actorOf(user), 'view', { authorId: r.author_id ?? null, categoryId: r.category_id });
    return isPublic || mayOpen ? [{ id, title: r.title, status: r.status as ArticleStatus }] : [];
  });
}

/**
 * Checks the picks a request gives: at most MAX_RELATED_PICKS, each once, never the story itself, every one an existing
 * story. With `prune` (restoring an old revision) the ones no longer possible are dropped instead of refused.
 */
async function checkRelated(db: Db, articleId: number | null, ids: number[], prune: boolean): Promise<number[]> {
  const fail = (message: string) => {
    throw new NewsroomError('validation', message, { errors: [{ path: 'relatedIds', message }] });
  };
  let list = ids;
  if (prune) list = [...new Set(ids)].filter((id) => id !== articleId);
  const self = list.find((id) => id === articleId);
  if (self !== undefined) fail(`Không thể chọn chính tin bài này (mã ${self}) làm tin liên quan.`);
  const twice = list.find((id, i) => list.indexOf(id) !== i);
  if (twice !== undefined) fail(`Tin liên quan mã ${twice} được chọn hai lần.`);
  if (list.length === 0) return list;
  const found = new Set((await db.selectFrom('articles').select('id').where('id', 'in', list).execute()).map((r) => r.id));
  if (prune) return list.filter((id) => found.has(id)).slice(0, MAX_RELATED_PICKS);
  const missing = list.filter((id) => !found.has(id));
  if (missing.length) fail(`Tin liên quan không tồn tại (mã ${missing.join(', ')}).`);
  if (list.length > MAX_RELATED_PICKS) fail(`Chỉ chọn được tối đa ${MAX_RELATED_PICKS} tin liên quan.`);
  return list;
}

async function categoryExists(db: Db, id: number): Promise<boolean> {
  return !!(await db.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst());
}

async function mediaMime(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('media').select('mime').where('id', '=', id).executeTakeFirst())?.mime;
}

async function validateRefs(db: Db, s: StorySnapshot): Promise<void> {
  if (!(await categoryExists(db, s.categoryId))) throw new NewsroomError('validation', 'Chuyên mục không tồn tại.', { errors: [{ path: 'categoryId', message: 'Chuyên mục không tồn tại' }] });
  if (s.coverMediaId !== null) {
    const mime = await mediaMime(db, s.coverMediaId);
    if (mime === undefined) throw new NewsroomError('validation', 'Ảnh đại diện không tồn tại.', { errors: [{ path: 'coverMediaId', message: 'Ảnh không tồn tại' }] });
    if (mime.startsWith('audio/')) throw new NewsroomError('validation', 'Ảnh đại diện phải là ảnh, không phải tệp âm thanh.', { errors: [{ path: 'coverMediaId', message: 'Không phải ảnh' }] });
  }
  const figureIds = [...new Set(figures(s.body).flatMap((f) => (typeof f.mediaId === 'number' ? [f.mediaId] : [])))];
  const audioIds = [...new Set(audios(s.body).map((a) => a.mediaId))];
  if (figureIds.length || audioIds.length) {
    const found = new Map((await db.selectFrom('media').select(['id', 'mime']).where('id', 'in', [...figureIds, ...audioIds]).execute()).map((r) => [r.id, r.mime]));
    const missing = figureIds.filter((id) => !found.has(id));
    if (missing.length) throw new NewsroomError('validation', `Ảnh trong bài không có trong thư viện (mã ${missing.join(', ')}).`, { errors: [{ path: 'body', message: 'Ảnh không tồn tại' }] });
    // A player needs a sound file and a picture an image: the reader page could draw neither the other way round.
    if (figureIds.some((id) => found.get(id)!.startsWith('audio/'))) throw new NewsroomError('validation', 'Khối ảnh trong bài đang dùng một tệp âm thanh.', { errors: [{ path: 'body', message: 'Không phải ảnh' }] });
    const noSound = audioIds.filter((id) => !found.get(id)?.startsWith('audio/'));
    if (noSound.length) throw new NewsroomError('validation', `Âm thanh trong bài không có trong thư viện (mã ${noSound.join(', ')}).`, { errors: [{ path: 'body', message: 'Âm thanh không tồn tại' }] });
  }
  const personIds = s.bylines.flatMap((b) => ('personId' in b ? [b.personId] : []));
  if (personIds.length) {
    const found = await db.selectFrom('people').select('id').where('id', 'in', personIds).execute();
    if (found.length !== new Set(personIds).size) throw new NewsroomError('validation', 'Tác giả không tồn tại.', { errors: [{ path: 'bylines', message: 'Tác giả không tồn tại' }] });
  }
}

function merge(base: StorySnapshot, input: StoryInput): StorySnapshot {
  const title = input.title !== undefined ? nfc(input.title.trim()) : base.title;
  return {
    title,
    shortTitle: input.shortTitle !== undefined ? nfc(input.shortTitle.trim()) : base.shortTitle,
    sapo: input.sapo !== undefined ? nfc(input.sapo.trim()) : base.sapo,
    body: input.body !== undefined ? parseDoc(input.body) : base.body,
    type: input.type ?? base.type,
    categoryId: input.categoryId ?? base.categoryId,
    coverMediaId: input.coverMediaId !== undefined ? input.coverMediaId : base.coverMediaId,
    seoTitle: input.seoTitle !== undefined ? nfc(input.seoTitle) : base.seoTitle,
    seoDescription: input.seoDescription !== undefined ? nfc(input.seoDescription) : base.seoDescription,
    // The slug stays as first made (URLs must not move) unless one is given explicitly.
    slug: input.slug ?? (base.slug || slugify(title) || SLUG_FALLBACK.article),
    tags: input.tags !== undefined ? input.tags.map((t) => nfc(t.trim())).filter(Boolean) : base.tags,
    bylines: input.bylines !== undefined ? input.bylines.map((b) => ('name' in b ? { name: nfc(b.name.trim()) } : b)) : base.bylines,
    relatedIds: input.relatedIds !== undefined ? [...input.relatedIds] : base.relatedIds,
  };
}

const audit = (db: Db, who: Acting, e: Omit<Parameters<typeof appendAudit>[1], 'userId' | 'userEmail' | 'ip' | 'userAgent'>) =>
  appendAudit(db, { ...e, userId: who.user?.id ?? null, userEmail: who.user?.email ?? 'system', ip: who.meta.ip, userAgent: who.meta.userAgent });

/** Runs a write in a transaction, then emits the events it produced (listeners see committed data). */
async function inTransaction<T>(ctx: AppContext, work: (trx: Db, events: ContentEvent[]) => Promise<T>): Promise<T> {
  const events: ContentEvent[] = [];
  const result = await ctx.store.db.transaction().execute((trx) => work(trx, events));
  for (const e of events) await ctx.events.emit(e);
  return result;
}

/** Bumps the version only if it is still the one the caller saw: the optimistic-concurrency check. */
async function bumpVersion(db: Db, articleId: number, expected: number | undefined, current: number, values: Partial<Omit<NewsroomArticleRow, 'article_id' | 'version'>> = {}): Promise<void> {
  const base = expected ?? current;
  const r = await db.updateTable('newsroom_articles').set({ ...values, version: base + 1 }).where('article_id', '=', articleId).where('version', '=', base).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new NewsroomError('stale', 'Tin bài đã được người khác sửa; hãy tải lại bản mới nhất.');
}

// ---------- create and update ----------

export async function createStory(ctx: AppContext, who: { user: User; meta: RequestMeta }, input: StoryInput & { title: string; categoryId: number }): Promise<StoryView> {
  const actor = actorOf(who.user);
  if (!can(actor, 'create')) throw new NewsroomError('forbidden', 'Bạn không có quyền tạo tin bài.');
  const id = await inTransaction(ctx, async (trx) => {
    // Signed by whoever writes it unless told otherwise (a story without a byline showed no author on the site);
    // the writer changes or clears it in the bylines field.
    const signedBy = who.user.name.trim() ? [{ name: nfc(who.user.name.trim()) }] : [];
    const snapshot = merge({ title: '', shortTitle: '', sapo: '', body: { type: 'doc', content: [] }, type: 'standard', categoryId: input.categoryId, coverMediaId: null, seoTitle: '', seoDescription: '', slug: '', tags: [], bylines: signedBy, relatedIds: [] }, input);
    if (!snapshot.slug) snapshot.slug = slugify(snapshot.title) || SLUG_FALLBACK.article;
    await validateRefs(trx, snapshot);
    snapshot.relatedIds = await checkRelated(trx, null, snapshot.relatedIds, false);
    const now = nowIso();
    const row = await trx
      .insertInto('articles')
      .values({ slug: snapshot.slug, title: snapshot.title, short_title: '', sapo: '', body: JSON.stringify(snapshot.body), type: snapshot.type, category_id: snapshot.categoryId, cover_media_id: null, status: 'draft', seo_title: '', seo_description: '', published_at: null, updated_at: now, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeSnapshot(trx, row.id, snapshot, now);
    await trx.insertInto('newsroom_articles').values({ article_id: row.id, author_id: who.user.id, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).execute();
    await addRevision(trx, row.id, 'created', snapshot, who.user.id, '', now);
    await indexArticle(trx, row.id);
    await audit(trx, who, { action: 'create', articleId: row.id, toStatus: 'draft' });
    return row.id;
  });
  return getStoryView(ctx.store.db, who.user, id);
}

/**
 * Saves content. `expectedVersion` is the version the editor started from (If-Match); a stale one
 * fails with the current version instead of overwriting. On a published story the change becomes a
 * pending correction and the live row is untouched.
 */
export async function updateStory(ctx: AppContext, who: { user: User; meta: RequestMeta }, id: number, expectedVersion: number, input: StoryInput, opts: { revisionKind?: 'restore'; note?: string } = {}): Promise<StoryView> {
  const actor = actorOf(who.user);
  await inTransaction(ctx, async (trx) => {
    const l = await load(trx, id);
    if (!can(actor, 'view', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền với tin bài này.');
    if (l.state.deleted) throw new NewsroomError('conflict', 'Tin bài đã bị xóa; hãy khôi phục trước khi sửa.');
    if (!can(actor, editPermission(l.state.status), l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền sửa tin bài ở trạng thái này.');
    const lock = await getLock(trx, id);
    if (lock && lock.userId !== who.user.id) throw new NewsroomError('locked', `${lock.userName} đang sửa tin bài này.`, { lock });
    if (l.meta.version !== expectedVersion) throw new NewsroomError('stale', 'Tin bài đã được người khác sửa; hãy tải lại bản mới nhất.');
    // Claim the version first: a concurrent save from the same base waits on this row and then fails as stale.
    await bumpVersion(trx, id, expectedVersion, l.meta.version);
    if (input.categoryId !== undefined && input.categoryId !== l.article.category_id && !can(actor, 'view', { ...l.ref, categoryId: input.categoryId })) {
      throw new NewsroomError('forbidden', 'Bạn không thể chuyển tin bài sang chuyên mục ngoài ban của mình.');
    }
    const now = nowIso();
    const kind = opts.revisionKind ?? (input.autosave ? 'autosave' : 'save');
    const live = l.state.status === 'published' || l.state.status === 'unpublished';
    if (live) {
      // Correction: keep the published version as a revision, and stage the change beside it.
      let liveRevisionId = l.meta.live_revision_id;
      if (liveRevisionId === null) liveRevisionId = await addRevision(trx, id, 'published', (await readSnapshot(trx, id))!, null, 'Bản đã đăng', now);
      const base = l.meta.pending_revision_id !== null ? (await getRevision(trx, id, l.meta.pending_revision_id))!.content : (await readSnapshot(trx, id))!;
      const next = merge(base, input);
      await validateRefs(trx, next);
      if (input.relatedIds !== undefined) next.relatedIds = await checkRelated(trx, id, next.relatedIds, kind === 'restore');
      const note = input.correctionNote !== undefined ? nfc(input.correctionNote.trim()) : ((l.meta.pending_revision_id !== null ? (await getRevision(trx, id, l.meta.pending_revision_id))?.note : '') ?? '');
      const revisionId = await addRevision(trx, id, 'correction', next, who.user.id, note, now);
      await trx.updateTable('newsroom_articles').set({ pending_revision_id: revisionId, live_revision_id: liveRevisionId, correction_state: l.state.correction ?? 'draft' }).where('article_id', '=', id).execute();
      // The staged copy may be published: the images it uses count as used.
      await syncArticleMedia(trx, id);
      if (!input.autosave) await audit(trx, who, { action: 'update_correction', articleId: id, fromStatus: l.state.status, toStatus: l.state.status, note, details: { revisionId } });
      return;
    }
    const next = merge((await readSnapshot(trx, id))!, input);
    await validateRefs(trx, next);
    if (input.relatedIds !== undefined) next.relatedIds = await checkRelated(trx, id, next.relatedIds, kind === 'restore');
    await writeSnapshot(trx, id, next, now);
    const status = statusAfterEdit(l.state.status);
    const voided = status !== l.state.status;
    if (voided) await trx.updateTable('articles').set({ status }).where('id', '=', id).execute();
    await indexArticle(trx, id);
    const revisionId = await addRevision(trx, id, kind, next, who.user.id, opts.note ?? '', now);
    if (voided) await trx.updateTable('newsroom_articles').set({ scheduled_at: null }).where('article_id', '=', id).execute();
    if (!input.autosave || voided) {
      await audit(trx, who, { action: kind === 'restore' ? 'restore_revision' : 'update', articleId: id, fromStatus: l.state.status, toStatus: status, note: voided ? 'Nội dung thay đổi sau khi duyệt: cần duyệt lại' : (opts.note ?? ''), details: { revisionId } });
    }
  });
  return getStoryView(ctx.store.db, who.user, id);
}

export async function restoreRevision(ctx: AppContext, who: { user: User; meta: RequestMeta }, id: number, revisionId: number, expectedVersion: number): Promise<StoryView> {
  // Who may not see the story learns nothing about its revisions.
  await getStoryView(ctx.store.db, who.user, id);
  const rev = await getRevision(ctx.store.db, id, revisionId);
  if (!rev) throw new NewsroomError('not_found', 'Không tìm thấy phiên bản.');
  return updateStory(ctx, who, id, expectedVersion, rev.content, { revisionKind: 'restore', note: `Khôi phục phiên bản #${revisionId}` });
}

// ---------- transitions ----------

export interface TransitionInput {
  action: TransitionAction;
  note?: string;
  at?: string;
  expectedVersion?: number;
}

export async function transitionStory(ctx: AppContext, who: Acting, id: number, input: TransitionInput, now = Date.now()): Promise<void> {
  await inTransaction(ctx, async (trx, events) => {
    const l = await load(trx, id);
    const note = nfc((input.note ?? '').trim());
    if (who.user) {
      const actor = actorOf(who.user);
      if (!can(actor, 'view', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền với tin bài này.');
      const check = checkTransition(actor, l.ref, l.state, input.action);
      if (!check.ok) {
        if (check.reason === 'forbidden') throw new NewsroomError('forbidden', 'Bạn không có quyền thực hiện thao tác này với tin bài.');
        throw new NewsroomError('invalid_transition', `Không thể thực hiện "${input.action}" khi tin bài đang ở trạng thái "${l.state.status}${l.state.correction ? ` (đính chính: ${l.state.correction})` : ''}".`, { status: l.state.status, correction: l.state.correction });
      }
      if (input.expectedVersion !== undefined && input.expectedVersion !== l.meta.version) throw new NewsroomError('stale', 'Tin bài đã thay đổi; hãy tải lại bản mới nhất.');
      await applyTransition(trx, who, l, check.rule.effect, check.next, input, note, now, events, check.rule.noteRequired, check.rule.atRequired);
    } else {
      // The scheduler: it only ever publishes what was scheduled, and only when it is due.
      if (input.action !== 'publish' || l.state.status !== 'scheduled' || l.state.deleted) throw new NewsroomError('invalid_transition', 'Tin bài không còn ở trạng thái hẹn giờ.');
      // Read again in this transaction: an editor may have moved the time later since the scheduler picked it.
      if (!l.meta.scheduled_at || Date.parse(l.meta.scheduled_at) > now) throw new NewsroomError('invalid_transition', 'Tin bài chưa đến giờ hẹn đăng.');
      await applyTransition(trx, who, l, 'publish', { status: 'published', correction: null, deleted: false }, input, note, now, events, false, false);
    }
  });
}

async function applyTransition(trx: Db, who: Acting, l: Loaded, effect: string | null, next: WorkflowState, input: TransitionInput, note: string, now: number, events: ContentEvent[], noteRequired?: boolean, atRequired?: boolean): Promise<void> {
  const id = l.article.id;
  if (noteRequired && !note) throw new NewsroomError('validation', 'Cần ghi lý do (note) cho thao tác này.', { errors: [{ path: 'note', message: 'Bắt buộc' }] });
  const nowText = new Date(now).toISOString();
  const metaChanges: Partial<Omit<NewsroomArticleRow, 'article_id' | 'version'>> = { correction_state: next.correction };
  let scheduledAt: string | null = null;
  if (atRequired) {
    const at = input.at ? Date.parse(input.at) : NaN;
    if (!Number.isFinite(at)) throw new NewsroomError('validation', 'Cần thời điểm đăng (at) theo ISO 8601.', { errors: [{ path: 'at', message: 'Bắt buộc' }] });
    if (at <= now) throw new NewsroomError('validation', 'Thời điểm hẹn đăng phải ở tương lai.', { errors: [{ path: 'at', message: 'Phải ở tương lai' }] });
    scheduledAt = new Date(at).toISOString();
  }
  if (input.action === 'return' && next.status === 'draft') metaChanges.return_note = note;
  if (input.action === 'submit') metaChanges.return_note = '';
  if (effect === 'schedule') metaChanges.scheduled_at = scheduledAt;
  if (next.status !== 'scheduled' && l.state.status === 'scheduled') metaChanges.scheduled_at = null;

  if (next.status !== l.state.status) {
    const update: { status: string; published_at?: string } = { status: next.status };
    if (effect === 'publish' && !l.article.published_at) update.published_at = l.state.status === 'scheduled' && l.meta.scheduled_at ? l.meta.scheduled_at : nowText;
    // Guarded on the old status so two simultaneous transitions cannot both apply.
    const r = await trx.updateTable('articles').set(update).where('id', '=', id).where('status', '=', l.state.status).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new NewsroomError('stale', 'Tin bài vừa được người khác chuyển trạng thái.');
  }
  let revisionId: number | undefined;
  if (effect === 'publish') {
    // The published version is kept unchanged, as the press law asks.
    revisionId = await addRevision(trx, id, 'published', (await readSnapshot(trx, id))!, who.user?.id ?? null, note, nowText);
    metaChanges.live_revision_id = revisionId;
    metaChanges.takedown_reason = '';
    events.push({ type: 'article.published', articleId: id });
  } else if (effect === 'unpublish') {
    metaChanges.takedown_reason = note;
    events.push({ type: 'article.unpublished', articleId: id });
  } else if (effect === 'apply_correction') {
    const pending = l.meta.pending_revision_id !== null ? await getRevision(trx, id, l.meta.pending_revision_id) : undefined;
    if (!pending) throw new NewsroomError('invalid_transition', 'Không có bản đính chính đang chờ.');
    // Read before the write: a correction may move the story to another category or tags, and the cache must drop
    // the listings it leaves even in a process that never saw the story (after a restart).
    const previous = l.state.status === 'published' ? await loadMembership(trx, id) : undefined;
    await writeSnapshot(trx, id, pending.content, nowText);
    revisionId = await addRevision(trx, id, 'published', pending.content, who.user?.id ?? null, pending.note, nowText);
    Object.assign(metaChanges, { live_revision_id: revisionId, pending_revision_id: null, correction_note: pending.note, corrected_at: nowText });
    if (l.state.status === 'published') events.push({ type: 'article.updated', articleId: id, ...(previous ? { previous } : {}) });
  } else if (effect === 'discard_correction') {
    metaChanges.pending_revision_id = null;
  }
  await bumpVersion(trx, id, undefined, l.meta.version, metaChanges);
  // A discarded correction no longer uses the images only it had (an applied one went through writeSnapshot).
  if (effect === 'discard_correction') await syncArticleMedia(trx, id);
  await audit(trx, who, {
    action: input.action,
    articleId: id,
    fromStatus: l.state.status,
    toStatus: next.status,
    note,
    details: { ...(l.state.correction ? { correction: true } : {}), ...(scheduledAt ? { at: scheduledAt } : {}), ...(revisionId ? { revisionId } : {}), ...(who.user ? {} : { scheduler: true }) },
  });
  // The search index changes with the story, in the same transaction.
  if (next.status !== l.state.status || effect === 'apply_correction') await indexArticle(trx, id);
}

// ---------- spike (soft delete) and restore ----------

export async function deleteStory(ctx: AppContext, who: { user: User; meta: RequestMeta }, id: number): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    const l = await load(trx, id);
    const actor = actorOf(who.user);
    if (!can(actor, 'view', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền với tin bài này.');
    if (l.state.deleted) throw new NewsroomError('conflict', 'Tin bài đã bị xóa.');
    if (!canDelete(actor, l.ref, l.state)) {
      if (l.state.status === 'published' || l.state.status === 'unpublished' || l.state.status === 'scheduled') throw new NewsroomError('conflict', 'Không thể xóa tin đã đăng, đã gỡ hoặc đang hẹn giờ: tin bài phải được lưu giữ.');
      throw new NewsroomError('forbidden', 'Bạn không có quyền xóa tin bài này.');
    }
    await bumpVersion(trx, id, undefined, l.meta.version, { deleted_at: nowIso(), deleted_by: who.user.id });
    await audit(trx, who, { action: 'delete', articleId: id, fromStatus: l.state.status, toStatus: l.state.status });
  });
}

export async function restoreStory(ctx: AppContext, who: { user: User; meta: RequestMeta }, id: number): Promise<StoryView> {
  await inTransaction(ctx, async (trx) => {
    const l = await load(trx, id);
    // Permission first: who may not restore it learns nothing about whether it is deleted.
    if (!can(actorOf(who.user), 'view', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền với tin bài này.');
    if (!l.state.deleted) throw new NewsroomError('conflict', 'Tin bài chưa bị xóa.');
    if (!can(actorOf(who.user), 'restore', l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền khôi phục tin bài này.');
    await bumpVersion(trx, id, undefined, l.meta.version, { deleted_at: null, deleted_by: null });
    await audit(trx, who, { action: 'restore', articleId: id, fromStatus: l.state.status, toStatus: l.state.status });
  });
  return getStoryView(ctx.store.db, who.user, id);
}

// ---------- edit locks ----------

export async function lockStory(ctx: AppContext, who: { user: User; meta: RequestMeta }, id: number, opts: { takeover?: boolean; heartbeat?: boolean }): Promise<EditLock> {
  return inTransaction(ctx, async (trx) => {
    const l = await load(trx, id);
    const actor = actorOf(who.user);
    if (!can(actor, 'view', l.ref) || !can(actor, editPermission(l.state.status), l.ref)) throw new NewsroomError('forbidden', 'Bạn không có quyền sửa tin bài này.');
    const current = await getLock(trx, id);
    if (opts.heartbeat && current?.userId !== who.user.id) throw new NewsroomError('lock_conflict', current ? `${current.userName} đã nhận quyền sửa tin bài.` : 'Khóa sửa đã hết hạn; hãy nhận lại.', { lock: current ?? null });
    let force = false;
    if (current && current.userId !== who.user.id) {
      if (!opts.takeover) throw new NewsroomError('lock_conflict', `${current.userName} đang sửa tin bài này.`, { lock: current });
      const holder = await trx.selectFrom('users').select('roles').where('id', '=', current.userId).executeTakeFirst();
      const holderRank = highestRank(holder ? (JSON.parse(holder.roles) as User['roles']) : []);
      if (!can(actor, 'take_over_lock', l.ref) || highestRank(who.user.roles) <= holderRank) throw new NewsroomError('forbidden', 'Bạn không có quyền giành quyền sửa từ người này.', { lock: current });
      force = true;
    }
    const { lock, previous } = await acquireLock(trx, id, who.user.id, { force });
    if (previous) await audit(trx, who, { action: 'lock_takeover', articleId: id, fromStatus: l.state.status, toStatus: l.state.status, details: { fromUserId: previous.userId, fromUserName: previous.userName } });
    return lock;
  });
}

export async function unlockStory(ctx: AppContext, user: User, id: number): Promise<void> {
  await releaseLock(ctx.store.db, id, user.id);
}

// ---------- listing ----------

export interface StoryListFilter {
  status?: ArticleStatus;
  categoryId?: number;
  authorId?: number;
  text?: string;
  deleted?: boolean;
  /** Stories with a pending correction: in either state (`pending`) or in the one given. */
  correction?: 'pending' | CorrectionState;
  page: number;
  perPage: number;
}

export interface StoryListItem {
  id: number;
  title: string;
  status: ArticleStatus;
  categoryId: number;
  authorId: number | null;
  authorName: string | null;
  correction: CorrectionState | null;
  scheduledAt: string | null;
  publishedAt: string | null;
  updatedAt: string;
  deleted: boolean;
  url: string;
}

/**
 * The `view` rule as a condition over `articles` and `newsroom_articles as n`: none, own stories, own plus the
 * person's desks, or all. For every list of stories the newsroom shows (queue, reads).
 */
export function viewableBy(actor: Actor): RawBuilder<boolean> {
  switch (scopeOf(actor, 'view')) {
    case 'none':
      return sql<boolean>`1 = 0`;
    case 'own':
      return sql<boolean>`${sql.ref('n.author_id')} = ${actor.id}`;
    case 'desk':
      return sql<boolean>`(${sql.ref('n.author_id')} = ${actor.id} OR ${sql.ref('articles.category_id')} IN (${sql.join(actor.deskIds.length ? actor.deskIds : [-1])}))`;
    default:
      return sql<boolean>`1 = 1`;
  }
}

export async function listStories(ctx: AppContext, user: User, f: StoryListFilter): Promise<{ items: StoryListItem[]; total: number; page: number; perPage: number }> {
  const db = ctx.store.db;
  const actor = actorOf(user);
  let q = db.selectFrom('articles').leftJoin('newsroom_articles as n', 'n.article_id', 'articles.id').leftJoin('users as u', 'u.id', 'n.author_id').where(viewableBy(actor));
  q = f.deleted ? q.where('n.deleted_at', 'is not', null) : q.where('n.deleted_at', 'is', null);
  if (f.status) q = q.where('articles.status', '=', f.status);
  if (f.categoryId !== undefined) q = q.where('articles.category_id', '=', f.categoryId);
  if (f.authorId !== undefined) q = q.where('n.author_id', '=', f.authorId);
  if (f.correction === 'pending') q = q.where('n.correction_state', 'is not', null);
  else if (f.correction) q = q.where('n.correction_state', '=', f.correction);
  if (f.text) {
    // On the title's folded keys (search_heads, kept for every story in any status): "duong len ban", "ĐƯỜNG LÊN BẢN"
    // and "Đường lên bản" find the same story. LIKE on the title folded ASCII letters only.
    const pattern = foldedWordPattern(f.text);
    q = pattern ? q.where(sql<boolean>`exists (select 1 from search_heads h where h.article_id = articles.id and (' ' || h.title_f || ' ') like ${pattern} escape '\\')`) : q.where(sql<boolean>`1 = 0`);
  }
  const [rows, count] = await Promise.all([
    q
      .select(['articles.id', 'articles.title', 'articles.slug', 'articles.status', 'articles.category_id', 'n.author_id', 'u.name as author_name', 'n.correction_state', 'n.scheduled_at', 'articles.published_at', 'articles.updated_at', 'n.deleted_at'])
      .orderBy('articles.updated_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(f.perPage)
      .offset((f.page - 1) * f.perPage)
      .execute(),
    q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status as ArticleStatus,
      categoryId: r.category_id,
      authorId: r.author_id ?? null,
      authorName: r.author_name ?? null,
      correction: (r.correction_state as CorrectionState | null) ?? null,
      scheduledAt: r.scheduled_at ?? null,
      publishedAt: r.published_at,
      updatedAt: r.updated_at,
      deleted: r.deleted_at !== null && r.deleted_at !== undefined,
      url: articlePath(r),
    })),
    total: Number(count.n),
    page: f.page,
    perPage: f.perPage,
  };
}

/** Ids of scheduled stories that are due. */
export async function dueScheduled(db: Db, now = Date.now()): Promise<number[]> {
  const rows = await db
    .selectFrom('articles')
    .innerJoin('newsroom_articles as n', 'n.article_id', 'articles.id')
    .select('articles.id')
    .where('articles.status', '=', 'scheduled')
    .where('n.deleted_at', 'is', null)
    .where('n.scheduled_at', '<=', new Date(now).toISOString())
    .orderBy('n.scheduled_at')
    .execute();
  return rows.map((r) => r.id);
}

