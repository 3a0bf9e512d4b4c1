import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { route, IdParams } from './route.ts';
import { DbIdParam } from './ids.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta } from './auth.ts';
import { ArticleCreateSchema, ArticleListQuery, ArticleListSchema, ArticleUpdateSchema, ArticleViewSchema, LockRequestSchema, LockSchema, TransitionSchema } from './schemas.ts';
import { storyReads } from '../../cache/views.ts';
import { createStory, deleteStory, getStoryView, listStories, lockStory, restoreRevision, restoreStory, transitionStory, unlockStory, updateStory, type StoryView } from '../../newsroom/stories.ts';
import { NewsroomError } from '../../newsroom/errors.ts';
import { TRANSITIONS, TRANSITION_LABELS, TRANSITION_ACTIONS } from '../../domain/workflow.ts';
import { getRevision, listRevisions, previousRevisionId } from '../../storage/newsroom-articles.ts';
import { diffSnapshots } from '../../newsroom/diff.ts';
import type { User } from '../../storage/newsroom.ts';

const etag = (v: StoryView) => `"${v.id}-${v.version}"`;

function sendView(reply: FastifyReply, v: StoryView): StoryView {
  reply.header('etag', etag(v));
  return v;
}

/** A stale update answers 412 with the current version, so the editor can merge instead of losing work. */
async function withCurrentOnStale<T>(ctx: AppContext, user: User, id: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NewsroomError && err.kind === 'stale') {
      const current = await getStoryView(ctx.store.db, user, id);
      throw new ApiProblem('stale', err.message, { current }, { etag: etag(current) });
    }
    throw err;
  }
}

/** An entity-tag from If-Match or If-None-Match. */
interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** `W/"…"` or `"…"`; the opaque part may hold commas (RFC 9110 §8.8.3), so the list is read tag by tag. */
const ENTITY_TAG = /[\t ]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[\t ]*(?:,|$)/y;

/**
 * An If-Match or If-None-Match field: undefined when absent, `*`, or its entity-tags. A field that is not a valid
 * list matches nothing (a 412 rather than an unguarded write).
 */
export function parseEntityTags(field: string | string[] | undefined): '*' | EntityTag[] | undefined {
  const text = (Array.isArray(field) ? field.join(', ') : (field ?? '')).trim();
  if (!text) return undefined;
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < text.length) {
    // Empty list elements (`"a", , "b"`) are allowed by the list syntax (RFC 9110 §5.6.1).
    const empty = /[\t ]*,/y;
    empty.lastIndex = ENTITY_TAG.lastIndex;
    if (empty.test(text)) {
      ENTITY_TAG.lastIndex = empty.lastIndex;
      continue;
    }
    const m = ENTITY_TAG.exec(text);
    if (!m) return [];
    tags.push({ weak: m[1] !== undefined, opaque: m[2]! });
  }
  return tags;
}

/**
 * The story versions named by tags of this story (`"<id>-<version>"`). A weak tag counts too: a proxy that compresses
 * JSON (nginx gzip) weakens our tag on the way out, yet it still names exactly one stored version, which is all the
 * lost-update check compares, so refusing it would make every save through such a proxy a 412.
 */
function versionsNamed(tags: EntityTag[], id: number): number[] {
  const out: number[] = [];
  for (const t of tags) {
    const m = /^(\d+)-(\d+)$/.exec(t.opaque);
    if (m && Number(m[1]) === id) out.push(Number(m[2]));
  }
  return out;
}

/** If-Match: `*`, which any current version of an existing story matches (RFC 9110 §13.1.1). */
const ANY_VERSION = Symbol('any version');

/**
 * The version a write must be based on, from If-Match: a number (the store compares it inside its transaction),
 * ANY_VERSION for `*`, or undefined when the field is absent and not required. A story that does not exist is a
 * 404 whatever the field says; a list none of whose tags names the current version is a 412 with the current story.
 */
async function ifMatchVersion(db: AppContext['store']['db'], user: User, id: number, req: FastifyRequest, opts: { required: boolean; checkNow?: boolean }): Promise<number | typeof ANY_VERSION | undefined> {
  const field = parseEntityTags(req.headers['if-match']);
  if (field === undefined) {
    if (opts.required) throw new ApiProblem('precondition_required', 'Gửi kèm tiêu đề If-Match với ETag của bản đã tải để tránh ghi đè thay đổi của người khác.');
    return undefined;
  }
  if (field === '*') return ANY_VERSION;
  const versions = versionsNamed(field, id);
  // One version is compared by the store inside its transaction, unless the write takes none (checkNow).
  if (versions.length === 1 && !opts.checkNow) return versions[0]!;
  const current = await getStoryView(db, user, id);
  if (versions.includes(current.version)) return current.version;
  throw new ApiProblem('stale', versions.length ? 'Tin bài đã được người khác sửa; hãy tải lại bản mới nhất.' : 'If-Match không khớp với tin bài này.', { current }, { etag: etag(current) });
}

/**
 * Runs a write that needs a version under the request's If-Match. For `*` it is based on the version current when it
 * starts; a save by someone else in between is not a failed precondition for `*`, so the write is tried again.
 */
async function basedOnIfMatch<T>(ctx: AppContext, user: User, id: number, req: FastifyRequest, work: (version: number) => Promise<T>): Promise<T> {
  const expected = await ifMatchVersion(ctx.store.db, user, id, req, { required: true });
  return withCurrentOnStale(ctx, user, id, async () => {
    if (expected !== ANY_VERSION) return work(expected!);
    for (let attempt = 1; ; attempt++) {
      const current = await getStoryView(ctx.store.db, user, id);
      try {
        return await work(current.version);
      } catch (err) {
        if (!(err instanceof NewsroomError && err.kind === 'stale') || attempt >= 3) throw err;
      }
    }
  });
}

/** If-None-Match on a read: `*` or any tag naming this version, compared weakly (RFC 9110 §13.1.2). */
function noneMatch(req: FastifyRequest, v: StoryView): boolean {
  const field = parseEntityTags(req.headers['if-none-match']);
  if (field === undefined) return false;
  return field === '*' || field.some((t) => t.opaque === `${v.id}-${v.version}`);
}

const RevisionParams = z.object({ id: DbIdParam, revisionId: DbIdParam }).strict();

export function registerArticleRoutes(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;

  route(api, ctx, { method: 'GET', url: '/articles', summary: 'Danh sách tin bài người dùng được xem; lọc theo status, desk, author, text, correction (bản đính chính đang chờ); phân trang', tag: 'Tin bài', query: ArticleListQuery, success: { status: 200, schema: ArticleListSchema } }, async ({ auth, query }) =>
    listStories(ctx, auth.user, { status: query.status, categoryId: query.desk, authorId: query.author, text: query.text, deleted: query.deleted === 'true', correction: query.correction, page: query.page, perPage: query.perPage }),
  );

  route(api, ctx, { method: 'POST', url: '/articles', summary: 'Tạo tin bài (bản nháp); người tạo là tác giả', tag: 'Tin bài', body: ArticleCreateSchema, success: { status: 201, schema: ArticleViewSchema }, problems: [400, 401, 403, 422] }, async ({ auth, body, reply, req }) => {
    const v = await createStory(ctx, { user: auth.user, meta: requestMeta(req) }, body);
    reply.header('location', `/api/v1/articles/${v.id}`);
    return sendView(reply, v);
  });

  route(api, ctx, { method: 'GET', url: '/articles/:id', summary: 'Một tin bài, kèm allowedActions (các thao tác được phép) và ETag', tag: 'Tin bài', params: IdParams, success: { status: 200, schema: ArticleViewSchema } }, async ({ auth, params, reply, req }) => {
    const v = await getStoryView(db, auth.user, params.id);
    if (noneMatch(req, v)) return reply.code(304).header('etag', etag(v)).send();
    // Only here: the other routes use the story view as their access check and answer, and need no read count.
    return sendView(reply, { ...v, views7d: await storyReads(db, params.id, 7) });
  });

  route(
    api,
    ctx,
    { method: 'PATCH', url: '/articles/:id', summary: 'Sửa tin bài (cần If-Match). Với tin đã đăng: tạo bản đính chính chờ duyệt, bản đang hiển thị không đổi', tag: 'Tin bài', params: IdParams, body: ArticleUpdateSchema, success: { status: 200, schema: ArticleViewSchema }, problems: [400, 401, 403, 409, 412, 422, 423, 428] },
    async ({ auth, params, body, reply, req }) => {
      const v = await basedOnIfMatch(ctx, auth.user, params.id, req, (expected) => updateStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, expected, body));
      return sendView(reply, v);
    },
  );

  route(api, ctx, { method: 'DELETE', url: '/articles/:id', summary: 'Xóa mềm (spike) tin chưa đăng; khôi phục bằng POST …/restore. If-Match (nếu gửi) được kiểm tra trước khi xóa', tag: 'Tin bài', params: IdParams, success: { status: 204 }, problems: [401, 403, 409, 412] }, async ({ auth, params, req }) => {
    // deleteStory takes no version: a given one is compared just before it (a spike can be undone). `*` only needs
    // the story to exist, which deleteStory checks.
    await ifMatchVersion(db, auth.user, params.id, req, { required: false, checkNow: true });
    await deleteStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id);
    return undefined;
  });

  route(api, ctx, { method: 'POST', url: '/articles/:id/restore', summary: 'Khôi phục tin đã xóa mềm', tag: 'Tin bài', params: IdParams, success: { status: 200, schema: ArticleViewSchema } }, async ({ auth, params, reply, req }) =>
    sendView(reply, await restoreStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id)),
  );

  route(
    api,
    ctx,
    { method: 'GET', url: '/articles/:id/transitions', summary: 'Các thao tác chuyển trạng thái người dùng hiện tại được làm, và toàn bộ quy tắc', tag: 'Quy trình', params: IdParams, success: { status: 200 } },
    async ({ auth, params }) => {
      const v = await getStoryView(db, auth.user, params.id);
      return {
        status: v.status,
        correction: v.correction,
        allowedActions: v.allowedActions,
        actions: TRANSITION_ACTIONS.map((action) => {
          const rules = TRANSITIONS.filter((r) => r.action === action);
          return { action, label: TRANSITION_LABELS[action], allowed: v.allowedActions.includes(action), noteRequired: rules.some((r) => r.noteRequired), atRequired: rules.some((r) => r.atRequired) };
        }),
      };
    },
  );

  route(
    api,
    ctx,
    { method: 'POST', url: '/articles/:id/transitions', summary: 'Chuyển trạng thái: submit, start_editing, return, send_for_approval, approve, publish, schedule, unschedule, unpublish, republish, discard_correction', tag: 'Quy trình', params: IdParams, body: TransitionSchema, success: { status: 200, schema: ArticleViewSchema }, problems: [400, 401, 403, 409, 412, 422] },
    async ({ auth, params, body, reply, req }) => {
      // `*` sets no version: the story only has to exist, which the transition checks itself.
      const expected = await ifMatchVersion(db, auth.user, params.id, req, { required: false });
      await withCurrentOnStale(ctx, auth.user, params.id, () => transitionStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, { action: body.action, note: body.note, at: body.at, expectedVersion: expected === ANY_VERSION ? undefined : expected }));
      return sendView(reply, await getStoryView(db, auth.user, params.id));
    },
  );

  // ---------- revisions ----------

  route(api, ctx, { method: 'GET', url: '/articles/:id/revisions', summary: 'Các phiên bản của tin bài, mới nhất trước', tag: 'Phiên bản', params: IdParams }, async ({ auth, params }) => {
    await getStoryView(db, auth.user, params.id);
    return { items: await listRevisions(db, params.id) };
  });

  route(api, ctx, { method: 'GET', url: '/articles/:id/revisions/:revisionId', summary: 'Nội dung một phiên bản', tag: 'Phiên bản', params: RevisionParams }, async ({ auth, params }) => {
    await getStoryView(db, auth.user, params.id);
    const rev = await getRevision(db, params.id, params.revisionId);
    if (!rev) throw new ApiProblem('not_found', 'Không tìm thấy phiên bản.');
    return { id: rev.id, kind: rev.kind, userId: rev.user_id, note: rev.note, createdAt: rev.created_at, updatedAt: rev.updated_at, content: rev.content };
  });

  route(
    api,
    ctx,
    { method: 'GET', url: '/articles/:id/revisions/:revisionId/diff', summary: 'So sánh một phiên bản với phiên bản trước nó (hoặc ?against=<id>)', tag: 'Phiên bản', params: RevisionParams, query: z.object({ against: DbIdParam.optional() }).strict() },
    async ({ auth, params, query }) => {
      await getStoryView(db, auth.user, params.id);
      const rev = await getRevision(db, params.id, params.revisionId);
      if (!rev) throw new ApiProblem('not_found', 'Không tìm thấy phiên bản.');
      const againstId = query.against ?? (await previousRevisionId(db, params.id, params.revisionId));
      const base = againstId !== undefined ? await getRevision(db, params.id, againstId) : undefined;
      if (query.against !== undefined && !base) throw new ApiProblem('not_found', 'Không tìm thấy phiên bản để so sánh.');
      return { from: base?.id ?? null, to: rev.id, changes: diffSnapshots(base?.content, rev.content) };
    },
  );

  route(
    api,
    ctx,
    { method: 'POST', url: '/articles/:id/revisions/:revisionId/restore', summary: 'Khôi phục nội dung một phiên bản thành bản lưu mới (cần If-Match)', tag: 'Phiên bản', params: RevisionParams, success: { status: 200, schema: ArticleViewSchema }, problems: [401, 403, 404, 412, 428] },
    async ({ auth, params, reply, req }) => {
      return sendView(reply, await basedOnIfMatch(ctx, auth.user, params.id, req, (expected) => restoreRevision(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, params.revisionId, expected)));
    },
  );

  // ---------- edit lock ----------

  route(api, ctx, { method: 'GET', url: '/articles/:id/lock', summary: 'Ai đang sửa tin bài (null nếu không ai)', tag: 'Khóa sửa', params: IdParams }, async ({ auth, params }) => ({ lock: (await getStoryView(db, auth.user, params.id)).lock }));

  route(
    api,
    ctx,
    { method: 'POST', url: '/articles/:id/lock', summary: 'Nhận quyền sửa (lease 90 giây). {"takeover":true} để giành từ người cấp thấp hơn (ghi nhật ký)', tag: 'Khóa sửa', params: IdParams, body: LockRequestSchema, success: { status: 200, schema: LockSchema }, problems: [403, 409] },
    async ({ auth, params, body, req }) => lockStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, { takeover: body.takeover }),
  );

  route(api, ctx, { method: 'PUT', url: '/articles/:id/lock', summary: 'Gia hạn quyền sửa (heartbeat); 409 nếu đã mất', tag: 'Khóa sửa', params: IdParams, success: { status: 200, schema: LockSchema }, problems: [403, 409] }, async ({ auth, params, req }) =>
    lockStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, { heartbeat: true }),
  );

  route(api, ctx, { method: 'DELETE', url: '/articles/:id/lock', summary: 'Trả quyền sửa', tag: 'Khóa sửa', params: IdParams, success: { status: 204 } }, async ({ auth, params }) => {
    await unlockStory(ctx, auth.user, params.id);
    return undefined;
  });

}
