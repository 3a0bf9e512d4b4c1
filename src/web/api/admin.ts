import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { route, IdParams, PageQuery } from './route.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta, type Authenticated } from './auth.ts';
import { AuditEntrySchema, AuditQuery, CategoryCreateSchema, CategoryUpdateSchema, TagCreateSchema, UserCreateSchema, UserSchema, UserUpdateSchema } from './schemas.ts';
import { can, scopeOf, type PermissionAction } from '../../domain/permissions.ts';
import { createUser, DuplicateEmailError, getUser, listUsers, setPasswordHash, updateUser, type User } from '../../storage/newsroom.ts';
import { generatePassword, hashPassword } from '../../newsroom/passwords.ts';
import { indexArticles } from '../../search/indexer.ts';
import { appendAudit, listAudit, withTargetLabels } from '../../storage/newsroom-audit.ts';
import { createCategory, ensureTag, findTagByName, getSettings, listCategories, saveSettings } from '../../storage/content.ts';
import { listMedia, MEDIA_ROLES, mediaUseCounts, mediaUsage } from '../../storage/media.ts';
import { durationSeconds, mediaKind } from '../../media/upload.ts';
import { ARTICLE_STATUSES } from '../../domain/article.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { SiteSettingsSchema } from '../../domain/settings.ts';
import { nfc, slugify, SLUG_FALLBACK } from '../../domain/vietnamese.ts';
import type { FastifyRequest } from 'fastify';

function require(auth: Authenticated, action: PermissionAction): void {
  if (!can(auth.user, action)) throw new ApiProblem('forbidden', 'Bạn không có quyền thực hiện thao tác này.');
}

const publicUser = (u: User) => ({ id: u.id, name: u.name, roles: u.roles, deskIds: u.deskIds });

const MediaItemSchema = z.object({
  id: z.number(),
  fileName: z.string(),
  url: z.string().nullable(),
  mime: z.string(),
  width: z.number(),
  height: z.number(),
  byteSize: z.number(),
  caption: z.string(),
  credit: z.string(),
  alt: z.string(),
  createdAt: z.string(),
  kind: z.enum(['image', 'audio']).meta({ description: 'image: ảnh; audio: tệp âm thanh (MP3, M4A, Ogg; width và height là 0).' }),
  duration: z.number().nullable().meta({ description: 'Âm thanh: thời lượng (giây) khi đọc được từ tệp; null với ảnh.' }),
  useCount: z.number().meta({ description: 'Số tin bài dùng tệp (ảnh đại diện, ảnh trong bài, album, âm thanh), kể cả bản đính chính đang chờ.' }),
});
const MediaListQuery = z
  .object({
    q: z.string().max(200).optional(),
    unused: z.enum(['true', 'false']).optional().meta({ description: 'true: chỉ ảnh chưa tin bài nào dùng.' }),
    kind: z.enum(['image', 'audio']).optional().meta({ description: 'image: chỉ ảnh; audio: chỉ tệp âm thanh; bỏ trống: cả hai.' }),
    ...PageQuery,
  })
  .strict();
const MediaDetailSchema = MediaItemSchema.extend({
  usedIn: z
    .array(z.object({ articleId: z.number(), title: z.string(), status: z.enum(ARTICLE_STATUSES), role: z.enum(MEDIA_ROLES), deleted: z.boolean() }))
    .meta({ description: 'Các tin bài bạn được xem có dùng tệp, mỗi cách dùng một mục (cover: ảnh đại diện, figure: ảnh trong bài, gallery: trong album, audio: khối âm thanh); tin sửa gần nhất trước.' }),
  hiddenUses: z.number().meta({ description: 'Số tin bài dùng ảnh mà bạn không được xem (không lộ tiêu đề).' }),
});

const mediaView = (m: MediaRow, useCount: number) => ({ id: m.id, fileName: m.file_name, url: m.storage_key ? `/media/${m.storage_key}` : null, mime: m.mime, width: m.width, height: m.height, byteSize: m.byte_size, caption: m.caption, credit: m.credit, alt: m.alt, createdAt: m.created_at, kind: mediaKind(m.mime), duration: durationSeconds(m.duration_ms), useCount });

/**
 * First path segments the site already answers: a category with one of these slugs would never be shown (or would
 * hide the newsroom app, the API, search or the operators' endpoints).
 */
const RESERVED_CATEGORY_SLUGS = new Set(['admin', 'api', 'media', 'tag', 'tac-gia', 'tim-kiem', 'rss', 'atom', 'feed', 'healthz', 'metrics']);

function refuseReservedSlug(slug: string): void {
  if (RESERVED_CATEGORY_SLUGS.has(slug)) throw new ApiProblem('conflict', `Đường dẫn "/${slug}" đã dành cho trang khác của hệ thống: hãy chọn đường dẫn khác cho chuyên mục.`);
}

export function registerAdminRoutes(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  /** The audit entry of an admin change; pass the change's transaction so both are written or neither. */
  const log = (auth: Authenticated, req: FastifyRequest, action: string, target: string, details: Record<string, unknown> = {}, on: typeof db = db) => {
    const meta = requestMeta(req);
    return appendAudit(on, { userId: auth.user.id, userEmail: auth.user.email, action, target, ip: meta.ip, userAgent: meta.userAgent, details });
  };

  /** Categories have two levels (the site's menu shows a top category and its sub-categories): a parent must be a top category, and a category with sub-categories cannot move under another. */
  const checkParent = async (parentId: number, moving: number | null) => {
    const parent = await db.selectFrom('categories').select(['id', 'parent_id']).where('id', '=', parentId).executeTakeFirst();
    if (!parent) throw new ApiProblem('validation', 'Chuyên mục cha không tồn tại.');
    if (parent.parent_id !== null) throw new ApiProblem('validation', 'Chuyên mục cha phải là chuyên mục cấp một.');
    if (moving !== null && (await db.selectFrom('categories').select('id').where('parent_id', '=', moving).executeTakeFirst())) throw new ApiProblem('validation', 'Chuyên mục này có chuyên mục con nên không thể đặt dưới chuyên mục khác.');
  };

  // ---------- users ----------

  route(api, ctx, { method: 'GET', url: '/users', summary: 'Danh sách người dùng (email và trạng thái chỉ hiện với quản trị)', tag: 'Người dùng', success: { status: 200, schema: z.object({ items: z.array(UserSchema) }) } }, async ({ auth }) => {
    const users = await listUsers(db);
    const full = can(auth.user, 'manage_users');
    return { items: users.filter((u) => full || u.active).map((u) => (full ? u : publicUser(u))) };
  });

  route(api, ctx, { method: 'POST', url: '/users', summary: 'Tạo người dùng (quản trị); trả mật khẩu sinh ngẫu nhiên một lần nếu không gửi', tag: 'Người dùng', body: UserCreateSchema, success: { status: 201 }, problems: [400, 403, 409, 422] }, async ({ auth, body, req }) => {
    require(auth, 'manage_users');
    const password = body.password ?? generatePassword();
    try {
      const user = await db.transaction().execute(async (trx) => {
        const created = await createUser(trx, { ...body, password });
        await log(auth, req, 'user_create', `user:${created.id}`, { email: created.email, roles: created.roles, deskIds: created.deskIds }, trx);
        return created;
      });
      return { user, ...(body.password ? {} : { generatedPassword: password }) };
    } catch (err) {
      if (err instanceof DuplicateEmailError) throw new ApiProblem('conflict', 'Email này đã có tài khoản.');
      throw err;
    }
  });

  route(api, ctx, { method: 'GET', url: '/users/:id', summary: 'Một người dùng', tag: 'Người dùng', params: IdParams, success: { status: 200, schema: UserSchema } }, async ({ auth, params }) => {
    const user = await getUser(db, params.id);
    if (!user) throw new ApiProblem('not_found', 'Không tìm thấy người dùng.');
    return can(auth.user, 'manage_users') || auth.user.id === user.id ? user : publicUser(user);
  });

  route(api, ctx, { method: 'PATCH', url: '/users/:id', summary: 'Sửa tên, vai trò, ban, khóa/mở tài khoản (quản trị)', tag: 'Người dùng', params: IdParams, body: UserUpdateSchema, success: { status: 200, schema: UserSchema }, problems: [400, 403, 404] }, async ({ auth, params, body, req }) => {
    require(auth, 'manage_users');
    const before = await getUser(db, params.id);
    if (!before) throw new ApiProblem('not_found', 'Không tìm thấy người dùng.');
    if (params.id === auth.user.id && (body.active === false || (body.roles && !body.roles.includes('admin')))) throw new ApiProblem('conflict', 'Không thể tự khóa hoặc tự bỏ quyền quản trị của mình.');
    // An administrator manages accounts, not stories: granting themselves an editorial role (say editor-in-chief) would
    // let them publish without anyone else's approval. Another administrator can.
    if (params.id === auth.user.id && body.roles?.some((r) => !before.roles.includes(r))) throw new ApiProblem('forbidden', 'Không thể tự cấp thêm vai trò cho chính mình; hãy nhờ một quản trị viên khác.');
    return db.transaction().execute(async (trx) => {
      const user = await updateUser(trx, params.id, body);
      await log(auth, req, 'user_update', `user:${params.id}`, { before: { roles: before.roles, deskIds: before.deskIds, active: before.active, name: before.name }, after: body }, trx);
      return user;
    });
  });

  route(api, ctx, { method: 'POST', url: '/users/:id/password', summary: 'Đặt lại mật khẩu (quản trị): trả mật khẩu mới một lần, đăng xuất mọi phiên', tag: 'Người dùng', params: IdParams, success: { status: 200 }, problems: [403, 404] }, async ({ auth, params, req }) => {
    require(auth, 'manage_users');
    if (!(await getUser(db, params.id))) throw new ApiProblem('not_found', 'Không tìm thấy người dùng.');
    const password = generatePassword();
    const hash = await hashPassword(password);
    await db.transaction().execute(async (trx) => {
      await setPasswordHash(trx, params.id, hash);
      await log(auth, req, 'password_reset', `user:${params.id}`, {}, trx);
    });
    return { generatedPassword: password };
  });

  // ---------- categories, tags, people, media ----------

  route(api, ctx, { method: 'GET', url: '/categories', summary: 'Chuyên mục (cũng là các ban)', tag: 'Chuyên mục', success: { status: 200 } }, async () => ({
    items: (await listCategories(db)).map((c) => ({ id: c.id, slug: c.slug, name: c.name, parentId: c.parent_id, position: c.position, description: c.description })),
  }));

  route(api, ctx, { method: 'POST', url: '/categories', summary: 'Tạo chuyên mục (quản trị)', tag: 'Chuyên mục', body: CategoryCreateSchema, success: { status: 201 }, problems: [400, 403, 409, 422] }, async ({ auth, body, req }) => {
    require(auth, 'manage_taxonomy');
    const slug = body.slug ?? slugify(body.name);
    if (!slug) throw new ApiProblem('validation', 'Tên chuyên mục không có chữ cái Latinh nào: hãy nhập đường dẫn (slug).');
    refuseReservedSlug(slug);
    if (await db.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst()) throw new ApiProblem('conflict', 'Đường dẫn chuyên mục đã tồn tại.');
    if (body.parentId) await checkParent(body.parentId, null);
    const id = await db.transaction().execute(async (trx) => {
      const created = await createCategory(trx, { ...body, slug });
      await log(auth, req, 'category_create', `category:${created}`, { name: body.name, slug }, trx);
      return created;
    });
    await ctx.events.emit({ type: 'taxonomy.changed' });
    return { id, slug, name: nfc(body.name), parentId: body.parentId ?? null, position: body.position ?? 0, description: nfc(body.description ?? '') };
  });

  route(api, ctx, { method: 'PATCH', url: '/categories/:id', summary: 'Sửa chuyên mục (quản trị)', tag: 'Chuyên mục', params: IdParams, body: CategoryUpdateSchema, success: { status: 200 }, problems: [400, 403, 404, 409] }, async ({ auth, params, body, req }) => {
    require(auth, 'manage_taxonomy');
    const before = await db.selectFrom('categories').selectAll().where('id', '=', params.id).executeTakeFirst();
    if (!before) throw new ApiProblem('not_found', 'Không tìm thấy chuyên mục.');
    if (body.slug && body.slug !== before.slug) refuseReservedSlug(body.slug);
    if (body.slug && body.slug !== before.slug && (await db.selectFrom('categories').select('id').where('slug', '=', body.slug).executeTakeFirst())) throw new ApiProblem('conflict', 'Đường dẫn chuyên mục đã tồn tại.');
    if (body.parentId === params.id) throw new ApiProblem('validation', 'Chuyên mục không thể là cha của chính nó.');
    if (body.parentId) await checkParent(body.parentId, params.id);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('categories')
        .set({ ...(body.name !== undefined ? { name: nfc(body.name) } : {}), ...(body.slug !== undefined ? { slug: body.slug } : {}), ...(body.parentId !== undefined ? { parent_id: body.parentId } : {}), ...(body.position !== undefined ? { position: body.position } : {}), ...(body.description !== undefined ? { description: nfc(body.description) } : {}) })
        .where('id', '=', params.id)
        .execute();
      await log(auth, req, 'category_update', `category:${params.id}`, { changes: body }, trx);
    });
    await ctx.events.emit({ type: 'taxonomy.changed' });
    const c = (await db.selectFrom('categories').selectAll().where('id', '=', params.id).executeTakeFirstOrThrow());
    return { id: c.id, slug: c.slug, name: c.name, parentId: c.parent_id, position: c.position, description: c.description };
  });

  route(api, ctx, { method: 'GET', url: '/tags', summary: 'Thẻ, tìm theo tên (q)', tag: 'Thẻ', query: z.object({ q: z.string().max(100).optional(), ...PageQuery }).strict() }, async ({ query }) => {
    let q = db.selectFrom('tags');
    if (query.q) q = q.where('slug', 'like', `%${slugify(query.q)}%`);
    const [items, count] = await Promise.all([q.selectAll().orderBy('name').limit(query.perPage).offset((query.page - 1) * query.perPage).execute(), q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()]);
    return { items, total: Number(count.n), page: query.page, perPage: query.perPage };
  });

  route(api, ctx, { method: 'POST', url: '/tags', summary: 'Tạo thẻ (quản trị; biên tập tạo thẻ khi gắn vào tin)', tag: 'Thẻ', body: TagCreateSchema, success: { status: 201 }, problems: [400, 403, 409] }, async ({ auth, body, req }) => {
    require(auth, 'manage_taxonomy');
    if (!nfc(body.name.trim())) throw new ApiProblem('validation', 'Tên thẻ không hợp lệ.');
    const row = await db.transaction().execute(async (trx) => {
      // "Báo" and "Bão" are two tags (slugs bao and bao-2); "Hoà Bình" and "hòa bình" are one. Checked in the
      // transaction that creates it, so two requests for one new name cannot both be told they made it. SQLite runs one
      // writer at a time; on PostgreSQL (read committed) requests for names of one slug wait for each other here.
      if (ctx.store.engine === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${'toasoan.tag:' + (slugify(body.name) || SLUG_FALLBACK.tag)} || current_schema()))`.execute(trx);
      if (await findTagByName(trx, body.name)) throw new ApiProblem('conflict', 'Thẻ đã tồn tại.');
      const tag = await ensureTag(trx, body.name);
      await log(auth, req, 'tag_create', `tag:${tag.id}`, { name: tag.name }, trx);
      return tag;
    });
    await ctx.events.emit({ type: 'taxonomy.changed' });
    return row;
  });

  route(api, ctx, { method: 'PATCH', url: '/tags/:id', summary: 'Đổi tên thẻ (quản trị; địa chỉ trang thẻ giữ nguyên)', tag: 'Thẻ', params: IdParams, body: TagCreateSchema, success: { status: 200 }, problems: [400, 403, 404, 409] }, async ({ auth, params, body, req }) => {
    require(auth, 'manage_taxonomy');
    const name = nfc(body.name.trim());
    if (!name) throw new ApiProblem('validation', 'Tên thẻ không hợp lệ.');
    // Renamed onto another tag's name, two tags would read the same to readers and to ensureTag (which picks one).
    const same = await findTagByName(db, name);
    if (same && same.id !== params.id) throw new ApiProblem('conflict', `Đã có thẻ “${same.name}”.`);
    await db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('tags').set({ name }).where('id', '=', params.id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new ApiProblem('not_found', 'Không tìm thấy thẻ.');
      // Tags are searchable text of their stories: the new name finds them, the old one no longer does.
      const tagged = await trx.selectFrom('article_tags').select('article_id').where('tag_id', '=', params.id).execute();
      for (let i = 0; i < tagged.length; i += 500) await indexArticles(trx, tagged.slice(i, i + 500).map((t) => t.article_id));
      await log(auth, req, 'tag_update', `tag:${params.id}`, { name }, trx);
    });
    await ctx.events.emit({ type: 'taxonomy.changed' });
    return db.selectFrom('tags').selectAll().where('id', '=', params.id).executeTakeFirstOrThrow();
  });

  route(api, ctx, { method: 'GET', url: '/people', summary: 'Tác giả (người ký tên bài)', tag: 'Thẻ' }, async () => ({ items: await db.selectFrom('people').selectAll().orderBy('name').execute() }));

  route(api, ctx, { method: 'GET', url: '/media', summary: 'Thư viện ảnh và âm thanh, mới nhất trước; tìm theo chú thích, mô tả ảnh hoặc tên tệp (q), không phân biệt dấu; unused=true: tệp chưa dùng; kind=image|audio', tag: 'Ảnh', query: MediaListQuery, success: { status: 200, schema: z.object({ items: z.array(MediaItemSchema), total: z.number(), page: z.number(), perPage: z.number() }) }, problems: [400, 403] }, async ({ auth, query }) => {
    if (!can(auth.user, 'create') && !can(auth.user, 'manage_settings')) throw new ApiProblem('forbidden', 'Bạn không có quyền xem thư viện ảnh.');
    // Folded like the story list: "lao cai" finds "Lào Cai" in a caption, alt text or file name.
    const { rows, total } = await listMedia(db, { q: query.q, unused: query.unused === 'true', kind: query.kind, limit: query.perPage, offset: (query.page - 1) * query.perPage });
    const counts = await mediaUseCounts(db, rows.map((m) => m.id));
    return { items: rows.map((m) => mediaView(m, counts.get(m.id) ?? 0)), total, page: query.page, perPage: query.perPage };
  });

  route(api, ctx, { method: 'GET', url: '/media/:id', summary: 'Một ảnh trong thư viện, với các tin bài dùng ảnh', tag: 'Ảnh', params: IdParams, success: { status: 200, schema: MediaDetailSchema }, problems: [400, 404] }, async ({ auth, params }) => {
    const m = await db.selectFrom('media').selectAll().where('id', '=', params.id).executeTakeFirst();
    if (!m) throw new ApiProblem('not_found', 'Không tìm thấy ảnh.');
    const uses = await mediaUsage(db, params.id);
    // The story list's rule (may the caller open the story?): of the others only the number is told, never a title.
    const visible: typeof uses = [];
    const hidden = new Set<number>();
    for (const u of uses) {
      if (can(auth.user, 'view', { authorId: u.authorId, categoryId: u.categoryId })) visible.push(u);
      else hidden.add(u.articleId);
    }
    return {
      ...mediaView(m, new Set(uses.map((u) => u.articleId)).size),
      usedIn: visible.map((u) => ({ articleId: u.articleId, title: u.title, status: u.status, role: u.role, deleted: u.deleted })),
      hiddenUses: hidden.size,
    };
  });

  // ---------- settings ----------

  route(api, ctx, { method: 'GET', url: '/settings', summary: 'Thông tin tòa soạn (tên, giấy phép, tổng biên tập…)', tag: 'Cài đặt', success: { status: 200, schema: SiteSettingsSchema } }, async () => getSettings(db));

  route(api, ctx, { method: 'PUT', url: '/settings', summary: 'Lưu thông tin tòa soạn (quản trị)', tag: 'Cài đặt', body: SiteSettingsSchema, success: { status: 200, schema: SiteSettingsSchema }, problems: [400, 403] }, async ({ auth, body, req }) => {
    require(auth, 'manage_settings');
    const before = await getSettings(db);
    await db.transaction().execute(async (trx) => {
      await saveSettings(trx, body);
      await log(auth, req, 'settings_update', 'settings:site', { before, after: body }, trx);
    });
    await ctx.events.emit({ type: 'settings.changed' });
    return getSettings(db);
  });

  // ---------- audit ----------

  route(api, ctx, { method: 'GET', url: '/audit', summary: 'Nhật ký (chỉ đọc; cũ nhất trước, order=desc: mới nhất trước); lọc theo articleId, userId, action', tag: 'Nhật ký', query: AuditQuery, success: { status: 200, schema: z.object({ items: z.array(AuditEntrySchema), total: z.number(), page: z.number(), perPage: z.number() }) } }, async ({ auth, query }) => {
    const scope = scopeOf(auth.user, 'view_audit');
    if (scope === 'none' || scope === 'own') throw new ApiProblem('forbidden', 'Bạn không có quyền xem nhật ký.');
    const { items, total } = await listAudit(db, { articleId: query.articleId, userId: query.userId, action: query.action, categoryIds: scope === 'desk' ? auth.user.deskIds : undefined, order: query.order, limit: query.perPage, offset: (query.page - 1) * query.perPage });
    // Titles only of stories the reader may open (the log's readers today see every story they are shown, but a
    // narrower role given view_audit later must not learn other titles from it).
    return { items: await withTargetLabels(db, items, (story) => can(auth.user, 'view', story)), total, page: query.page, perPage: query.perPage };
  });

  // The log is append-only: say so explicitly rather than 404.
  for (const url of ['/audit', '/audit/:id']) {
    api.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url, handler: async () => { throw new ApiProblem('method_not_allowed', 'Nhật ký chỉ được ghi thêm bởi hệ thống; không thể sửa hay xóa.', {}, { allow: 'GET' }); } });
  }
}
