import { z } from 'zod';
import { ARTICLE_STATUSES, ARTICLE_TYPES } from '../../domain/article.ts';
import { DocSchema } from '../../domain/document.ts';
import { ROLES } from '../../domain/roles.ts';
import { PERMISSION_ACTIONS } from '../../domain/permissions.ts';
import { TRANSITION_ACTIONS } from '../../domain/workflow.ts';
import { DbId, DbIdParam } from './ids.ts';

/** Request and response schemas of the newsroom API; the OpenAPI document is generated from these. */

const DANGEROUS_MARKUP = /<\s*\/?\s*(script|iframe|object|embed|style|link|meta|base|form|svg)\b|\bon[a-z]+\s*=\s*["']|javascript\s*:/i;

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* strings(v);
}

/**
 * The body is structured JSON rendered with escaping, so markup could never run; we still refuse
 * it, because a script tag in copy is an attack or a paste accident, never journalism.
 */
const noMarkup = (value: unknown, ctx: z.RefinementCtx) => {
  for (const s of strings(value)) {
    if (DANGEROUS_MARKUP.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'Nội dung không được chứa mã HTML/JavaScript (thẻ <script>, <iframe>, thuộc tính on…, javascript:)' });
      return;
    }
  }
};

const text = (max: number) => z.string().max(max);
const Byline = z.union([z.object({ personId: DbId }).strict(), z.object({ name: z.string().min(1).max(200) }).strict()]);

const articleFields = {
  title: z.string().trim().min(1, 'Tiêu đề không được để trống').max(300),
  shortTitle: text(200),
  sapo: text(2000),
  body: DocSchema,
  type: z.enum(ARTICLE_TYPES),
  categoryId: DbId,
  coverMediaId: DbId.nullable(),
  seoTitle: text(300),
  seoDescription: text(500),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug chỉ gồm chữ thường không dấu, số và gạch nối').max(150),
  tags: z.array(z.string().min(1).max(100)).max(30),
  bylines: z.array(Byline).max(10),
  // At most MAX_RELATED_PICKS (src/storage/newsroom-articles.ts); the newsroom names an unknown id or the story itself (422).
  relatedIds: z
    .array(DbId)
    .max(6, 'Chỉ chọn được tối đa 6 tin liên quan')
    .refine((ids) => new Set(ids).size === ids.length, 'Một tin liên quan được chọn hai lần')
    .meta({ description: 'Tin liên quan do biên tập chọn (mã tin, theo thứ tự hiển thị), đứng trước các tin tính tự động trong khối "Có thể bạn quan tâm".' }),
};

export const ArticleCreateSchema = z
  .object({ ...articleFields, shortTitle: articleFields.shortTitle.optional(), sapo: articleFields.sapo.optional(), body: DocSchema.optional(), type: articleFields.type.optional(), coverMediaId: articleFields.coverMediaId.optional(), seoTitle: articleFields.seoTitle.optional(), seoDescription: articleFields.seoDescription.optional(), slug: articleFields.slug.optional(), tags: articleFields.tags.optional(), bylines: articleFields.bylines.optional(), relatedIds: articleFields.relatedIds.optional() })
  .strict()
  .superRefine(noMarkup)
  .meta({ description: 'Tin bài mới (bản nháp).' });

export const ArticleUpdateSchema = z
  .object({
    ...Object.fromEntries(Object.entries(articleFields).map(([k, v]) => [k, v.optional()])),
    correctionNote: text(2000).optional().meta({ description: 'Ghi chú đính chính công khai (chỉ với tin đã đăng).' }),
    autosave: z.boolean().optional().meta({ description: 'Lưu tự động: các lần lưu tự động liên tiếp gộp vào một phiên bản.' }),
  })
  .strict()
  .superRefine(noMarkup)
  .meta({ description: 'Các trường cần sửa. Gửi kèm If-Match với ETag đã nhận.' }) as z.ZodType<Partial<z.infer<z.ZodObject<typeof articleFields>>> & { correctionNote?: string; autosave?: boolean }>;

export const TransitionSchema = z
  .object({
    action: z.enum(TRANSITION_ACTIONS),
    note: z.string().max(5000).optional(),
    at: z.iso.datetime({ offset: true }).optional().meta({ description: 'Thời điểm đăng (ISO 8601) cho action "schedule".' }),
  })
  .strict()
  .superRefine((v, ctx) => noMarkup(v.note, ctx));

export const ArticleListQuery = z
  .object({
    status: z.enum(ARTICLE_STATUSES).optional(),
    desk: DbIdParam.optional().meta({ description: 'Chuyên mục (ban).' }),
    author: DbIdParam.optional().meta({ description: 'Id người viết.' }),
    text: z.string().max(200).optional().meta({ description: 'Tìm trong tiêu đề.' }),
    deleted: z.enum(['true', 'false']).optional().meta({ description: 'true: chỉ tin đã xóa (spike).' }),
    correction: z.enum(['pending', 'draft', 'awaiting_approval']).optional().meta({ description: 'Chỉ tin (đã đăng hoặc đã gỡ) có bản đính chính: pending = mọi bản đính chính, draft = đang soạn, awaiting_approval = chờ duyệt.' }),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    perPage: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

const Lock = z.object({ articleId: z.number(), userId: z.number(), userName: z.string(), acquiredAt: z.string(), expiresAt: z.string() });

export const ArticleViewSchema = z.object({
  id: z.number(),
  url: z.string(),
  status: z.enum(ARTICLE_STATUSES),
  title: z.string(),
  shortTitle: z.string(),
  sapo: z.string(),
  body: DocSchema,
  type: z.string(),
  categoryId: z.number(),
  coverMediaId: z.number().nullable(),
  seoTitle: z.string(),
  seoDescription: z.string(),
  slug: z.string(),
  tags: z.array(z.string()),
  bylines: z.array(Byline),
  relatedIds: z.array(z.number()),
  related: z.array(z.object({ id: z.number(), title: z.string(), status: z.enum(ARTICLE_STATUSES) })).meta({ description: 'Các tin trong relatedIds mà người gọi được mở trong tòa soạn hoặc đang đăng, theo thứ tự; tin khác chỉ có mã.' }),
  authorId: z.number().nullable(),
  version: z.number().meta({ description: 'Phiên bản hiện tại; ETag là "<id>-<version>".' }),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
  createdAt: z.string(),
  correction: z.object({ state: z.enum(['draft', 'awaiting_approval']), revisionId: z.number().nullable(), note: z.string() }).nullable(),
  correctionNote: z.string(),
  correctedAt: z.string().nullable(),
  liveRevisionId: z.number().nullable(),
  returnNote: z.string(),
  takedownReason: z.string(),
  scheduledAt: z.string().nullable(),
  deleted: z.boolean(),
  deletedAt: z.string().nullable(),
  lock: Lock.nullable(),
  allowedActions: z.array(z.string()).meta({ description: 'Các thao tác người dùng hiện tại được làm với tin này: edit, delete, restore và các action chuyển trạng thái.' }),
  views7d: z.number().optional().meta({ description: 'Lượt đọc trong 7 ngày gần đây, tính cả hôm nay (chỉ khi GET một tin).' }),
});

export const ArticleListSchema = z.object({
  items: z.array(z.object({ id: z.number(), title: z.string(), status: z.enum(ARTICLE_STATUSES), categoryId: z.number(), authorId: z.number().nullable(), authorName: z.string().nullable(), correction: z.string().nullable(), scheduledAt: z.string().nullable(), publishedAt: z.string().nullable(), updatedAt: z.string(), deleted: z.boolean(), url: z.string() })),
  total: z.number(),
  page: z.number(),
  perPage: z.number(),
});

export const LockRequestSchema = z.object({ takeover: z.boolean().optional() }).strict();
export const LockSchema = Lock;

export const LoginSchema = z
  .object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1000), remember: z.boolean().optional().meta({ description: 'Ghi nhớ trên máy này: phiên 30 ngày thay vì 12 giờ' }) })
  .strict();

export const UserSchema = z.object({ id: z.number(), email: z.string().optional(), name: z.string(), roles: z.array(z.enum(ROLES)), deskIds: z.array(z.number()), active: z.boolean().optional(), createdAt: z.string().optional() });
export const SessionSchema = z.object({ user: UserSchema, roles: z.array(z.object({ key: z.enum(ROLES), label: z.string() })), permissions: z.partialRecord(z.enum(PERMISSION_ACTIONS), z.enum(['own', 'desk', 'all'])), desks: z.array(z.object({ id: z.number(), name: z.string(), slug: z.string() })), csrfToken: z.string().nullable(), expiresAt: z.string().nullable(), via: z.enum(['session', 'token']) });

const password = z.string().min(10, 'Mật khẩu tối thiểu 10 ký tự').max(200);
export const UserCreateSchema = z.object({ email: z.email().max(254), name: z.string().trim().min(1).max(200), roles: z.array(z.enum(ROLES)).min(1).max(8), deskIds: z.array(DbId).max(100).optional(), password: password.optional() }).strict();
export const UserUpdateSchema = z.object({ name: z.string().trim().min(1).max(200).optional(), roles: z.array(z.enum(ROLES)).min(1).max(8).optional(), deskIds: z.array(DbId).max(100).optional(), active: z.boolean().optional() }).strict();
export const PasswordChangeSchema = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: password }).strict();

export const CategoryCreateSchema = z.object({ name: z.string().trim().min(1).max(200), slug: articleFields.slug.optional(), parentId: DbId.nullable().optional(), position: z.number().int().min(0).max(10_000).optional(), description: z.string().max(2000).optional() }).strict().superRefine(noMarkup);
export const CategoryUpdateSchema = z.object({ name: z.string().trim().min(1).max(200).optional(), slug: articleFields.slug.optional(), parentId: DbId.nullable().optional(), position: z.number().int().min(0).max(10_000).optional(), description: z.string().max(2000).optional() }).strict().superRefine(noMarkup);
export const TagCreateSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict().superRefine(noMarkup);

export const AuditQuery = z
  .object({
    articleId: DbIdParam.optional(),
    userId: DbIdParam.optional(),
    action: z.string().max(50).optional(),
    order: z.enum(['asc', 'desc']).default('asc').meta({ description: 'asc: cũ nhất trước (mặc định); desc: mới nhất trước.' }),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    perPage: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const AuditEntrySchema = z.object({ id: z.number(), at: z.string(), userId: z.number().nullable(), userEmail: z.string(), action: z.string(), articleId: z.number().nullable(), target: z.string(), targetLabel: z.string().nullable().meta({ description: 'Tên hiện tại của đối tượng: tiêu đề tin (chỉ tin bạn được xem), tên người dùng, thẻ hoặc chuyên mục; null với đối tượng khác hoặc đã bị xóa.' }), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), note: z.string(), ip: z.string(), userAgent: z.string(), details: z.record(z.string(), z.unknown()) });

// ---------- login sessions and API tokens ----------

/** A session's public id: the first 16 hex characters of the hash of its cookie value. */
export const SessionIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'Mã phiên gồm 16 ký tự thập lục phân viết thường') }).strict();
export const SessionListSchema = z.object({
  items: z.array(z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.string(), ip: z.string(), userAgent: z.string(), current: z.boolean().meta({ description: 'Phiên đang gọi API này.' }) })),
});
export const SessionsEndedSchema = z.object({ ended: z.number().meta({ description: 'Số phiên đã kết thúc.' }) });
export const TokenCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'Tên token không được để trống').max(100),
    userId: DbId.optional().meta({ description: 'Chủ token; mặc định là người tạo.' }),
    expiresInDays: z.number().int().min(1).max(3650).optional().meta({ description: 'Số ngày hiệu lực; bỏ trống: không hết hạn.' }),
  })
  .strict()
  .superRefine(noMarkup);
export const TokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string().meta({ description: 'Vài ký tự đầu của token, để nhận ra nó (không bao giờ trả token hay mã băm).' }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  owner: z.object({ id: z.number(), email: z.string(), name: z.string() }),
});
export const TokenCreatedSchema = TokenSchema.extend({ token: z.string().meta({ description: 'Token đầy đủ: chỉ trả một lần.' }) });
