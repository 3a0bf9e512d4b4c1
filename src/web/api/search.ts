import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ARTICLE_TYPES } from '../../domain/article.ts';
import { listCategories } from '../../storage/content.ts';
import { MAX_QUERY_LENGTH, QueryTooLongError } from '../../search/query.ts';
import { searchArticles, suggestTitles, type SearchHit } from '../../search/search.ts';

/**
 * Reader search as JSON: GET /api/v1/search and GET /api/v1/search/suggest (search-as-you-type).
 * Published stories only; the newsroom's all-status search is `searchArticles(…, { audience: 'newsroom' })`.
 */

const PROBLEM_BASE = 'https://toasoan.dev/problems/';

const one = z.string().max(10_000);
const dateParam = one.regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày phải có dạng YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s)), 'ngày không tồn tại');

export const SearchParamsSchema = z.object({
  q: one.default(''),
  category: one.regex(/^[a-z0-9-]{1,120}$/, 'chuyên mục không hợp lệ').optional(),
  type: z.enum(ARTICLE_TYPES).optional(),
  from: dateParam.optional(),
  to: dateParam.optional(),
  page: one.regex(/^[1-9]\d{0,5}$/, 'trang phải là số nguyên dương').transform(Number).optional(),
  pageSize: one.regex(/^[1-9]\d{0,2}$/, 'pageSize phải là số từ 1 đến 50').transform(Number).refine((n) => n <= 50, 'pageSize tối đa 50').optional(),
});

export const SuggestParamsSchema = z.object({
  q: one.default(''),
  limit: one.regex(/^[1-9]\d?$/, 'limit phải là số từ 1 đến 20').transform(Number).refine((n) => n <= 20, 'limit tối đa 20').optional(),
});

function problem(reply: FastifyReply, status: number, slug: string, title: string, detail: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/problem+json; charset=utf-8').send({ type: PROBLEM_BASE + slug, title, status, detail });
}

function badParams(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const detail = error.issues.map((i) => `${i.path.join('.') || 'tham số'}: ${i.message}`).join('; ');
  return problem(reply, 400, 'invalid-query', 'Tham số tìm kiếm không hợp lệ', detail);
}

function tooLong(reply: FastifyReply, err: QueryTooLongError): FastifyReply {
  return problem(reply, 400, 'query-too-long', 'Từ khóa tìm kiếm quá dài', `Từ khóa dài ${err.length} ký tự; tối đa ${MAX_QUERY_LENGTH} ký tự.`);
}

/** Category slug → the category and its children, as the reader expects from a section filter. */
export async function categoryFilter(ctx: AppContext, slug: string | undefined): Promise<number[] | undefined> {
  if (!slug) return undefined;
  const cats = await listCategories(ctx.store.db);
  const cat = cats.find((c) => c.slug === slug);
  if (!cat) return [];
  return [cat.id, ...cats.filter((c) => c.parent_id === cat.id).map((c) => c.id)];
}

function hitJson(h: SearchHit) {
  const a = h.article;
  return { id: a.id, title: a.title, path: h.path, sapo: a.sapo, type: a.type, categoryId: a.category_id, publishedAt: a.published_at, score: h.score, titleHtml: h.titleHtml, snippetHtml: h.snippetHtml };
}

export function registerSearchApi(api: FastifyInstance, ctx: AppContext): void {
  api.get('/search', async (req, reply) => {
    const parsed = SearchParamsSchema.safeParse(req.query ?? {});
    if (!parsed.success) return badParams(reply, parsed.error);
    const p = parsed.data;
    try {
      const result = await searchArticles(ctx.store.db, p.q, { categoryIds: await categoryFilter(ctx, p.category), type: p.type, from: p.from, to: p.to, page: p.page, pageSize: p.pageSize });
      return reply.header('cache-control', 'public, max-age=0, s-maxage=30').send({
        query: result.query.text,
        total: result.total,
        totalCapped: result.totalCapped,
        page: result.page,
        pages: result.pages,
        items: result.hits.map(hitJson),
      });
    } catch (err) {
      if (err instanceof QueryTooLongError) return tooLong(reply, err);
      throw err;
    }
  });

  api.get('/search/suggest', async (req, reply) => {
    const parsed = SuggestParamsSchema.safeParse(req.query ?? {});
    if (!parsed.success) return badParams(reply, parsed.error);
    try {
      const items = await suggestTitles(ctx.store.db, parsed.data.q, parsed.data.limit ?? 8);
      return reply.header('cache-control', 'public, max-age=0, s-maxage=30').send({ items });
    } catch (err) {
      if (err instanceof QueryTooLongError) return tooLong(reply, err);
      throw err;
    }
  });
}
