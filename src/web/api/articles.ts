import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { route, IdParams } from './route.ts';
import { DbIdParam } from './ids.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta } from './auth.ts';
import { ArticleCreateSchema, ArticleListQuery, ArticleListSchema, ArticleUpdateSchema, ArticleViewSchema, LockRequestSchema, LockSchema, TransitionSchema } from './schemas.ts';
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

/** The version an update is based on, from If-Match (`"<id>-<version>"`). */
function expectedVersion(req: FastifyRequest, id: number): number {
  const header = req.headers['if-match'];
  if (typeof header !== 'string' || !header.trim()) throw new ApiProblem('precondition_required', 'Gửi kèm tiêu đề If-Match với ETag của bản đã tải để tránh ghi đè thay đổi của người khác.');
  const m = /^(?:W\/)?"(\d+)-(\d+)"$/.exec(header.trim());
  if (!m || Number(m[1]) !== id) throw new ApiProblem('stale', 'If-Match không khớp với tin bài này.');
  return Number(m[2]);
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

const RevisionParams = z.object({ id: DbIdParam, revisionId: DbIdParam }).strict();

export function registerArticleRoutes(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;

  route(api, ctx, { method: 'GET', url: '/articles', summary: 'Danh sách tin bài người dùng được xem; lọc theo status, desk, author, text; phân trang', tag: 'Tin bài', query: ArticleListQuery, success: { status: 200, schema: ArticleListSchema } }, async ({ auth, query }) =>
    listStories(ctx, auth.user, { status: query.status, categoryId: query.desk, authorId: query.author, text: query.text, deleted: query.deleted === 'true', page: query.page, perPage: query.perPage }),
  );

  route(api, ctx, { method: 'POST', url: '/articles', summary: 'Tạo tin bài (bản nháp); người tạo là tác giả', tag: 'Tin bài', body: ArticleCreateSchema, success: { status: 201, schema: ArticleViewSchema }, problems: [400, 401, 403, 422] }, async ({ auth, body, reply, req }) => {
    const v = await createStory(ctx, { user: auth.user, meta: requestMeta(req) }, body);
    reply.header('location', `/api/v1/articles/${v.id}`);
    return sendView(reply, v);
  });

  route(api, ctx, { method: 'GET', url: '/articles/:id', summary: 'Một tin bài, kèm allowedActions (các thao tác được phép) và ETag', tag: 'Tin bài', params: IdParams, success: { status: 200, schema: ArticleViewSchema } }, async ({ auth, params, reply, req }) => {
    const v = await getStoryView(db, auth.user, params.id);
    if (req.headers['if-none-match'] === etag(v)) return reply.code(304).header('etag', etag(v)).send();
    return sendView(reply, v);
  });

  route(
    api,
    ctx,
    { method: 'PATCH', url: '/articles/:id', summary: 'Sửa tin bài (cần If-Match). Với tin đã đăng: tạo bản đính chính chờ duyệt, bản đang hiển thị không đổi', tag: 'Tin bài', params: IdParams, body: ArticleUpdateSchema, success: { status: 200, schema: ArticleViewSchema }, problems: [400, 401, 403, 409, 412, 422, 423, 428] },
    async ({ auth, params, body, reply, req }) => {
      const expected = expectedVersion(req, params.id);
      const v = await withCurrentOnStale(ctx, auth.user, params.id, () => updateStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, expected, body));
      return sendView(reply, v);
    },
  );

  route(api, ctx, { method: 'DELETE', url: '/articles/:id', summary: 'Xóa mềm (spike) tin chưa đăng; khôi phục bằng POST …/restore', tag: 'Tin bài', params: IdParams, success: { status: 204 }, problems: [401, 403, 409] }, async ({ auth, params, req }) => {
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
      const header = req.headers['if-match'];
      const expected = typeof header === 'string' && header.trim() ? expectedVersion(req, params.id) : undefined;
      await withCurrentOnStale(ctx, auth.user, params.id, () => transitionStory(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, { action: body.action, note: body.note, at: body.at, expectedVersion: expected }));
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
      const expected = expectedVersion(req, params.id);
      return sendView(reply, await withCurrentOnStale(ctx, auth.user, params.id, () => restoreRevision(ctx, { user: auth.user, meta: requestMeta(req) }, params.id, params.revisionId, expected)));
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
