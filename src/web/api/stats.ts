import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Database } from '../../storage/schema.ts';
import { route } from './route.ts';
import { DbIdParam } from './ids.ts';
import { ARTICLE_STATUSES, type ArticleStatus } from '../../domain/article.ts';
import { viewableBy } from '../../newsroom/stories.ts';
import { getSettings } from '../../storage/content.ts';
import { localDay } from '../../cache/views.ts';
import type { User } from '../../storage/newsroom.ts';

const DAY_MS = 86_400_000;

export const MostReadQuery = z
  .object({
    days: z
      .enum(['1', '7', '30'], 'Khoảng thời gian chỉ nhận 1, 7 hoặc 30 (ngày)')
      .default('7')
      .transform(Number)
      .meta({ description: 'Số ngày tính cả hôm nay, theo lịch của trang (múi giờ trong cài đặt): 1, 7 hoặc 30.' }),
    categoryId: DbIdParam.optional().meta({ description: 'Chỉ tin thuộc chuyên mục này.' }),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    perPage: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const MostReadSchema = z.object({
  items: z.array(z.object({ id: z.number(), title: z.string(), status: z.enum(ARTICLE_STATUSES), categoryId: z.number(), publishedAt: z.string().nullable(), views: z.number() })),
  total: z.number().meta({ description: 'Số tin có lượt đọc trong khoảng thời gian (mà người gọi được xem).' }),
  page: z.number(),
  perPage: z.number(),
  days: z.number(),
  from: z.string().meta({ description: 'Ngày đầu (YYYY-MM-DD, lịch của trang).' }),
  to: z.string().meta({ description: 'Ngày cuối, hôm nay (YYYY-MM-DD).' }),
});

export interface MostReadItem {
  id: number;
  title: string;
  status: ArticleStatus;
  categoryId: number;
  publishedAt: string | null;
  views: number;
}

/** The site's days covered by "the last `days` days", today included, as views.ts writes them. */
export function dayRange(now: number, days: number, utcOffsetMinutes: number): { from: string; to: string } {
  return { from: localDay(now - (days - 1) * DAY_MS, utcOffsetMinutes), to: localDay(now, utcOffsetMinutes) };
}

/**
 * Stories read most over a range of days, among those `user` may see (the rule of `listStories`: own, desk or all
 * by the `view` scope; spiked stories left out). Summed per story from the (day, article_id, views) index first,
 * then joined, as `mostRead` does: one grouped query for the page and one for the count, whatever the page holds.
 */
export async function mostReadFor(db: Kysely<Database>, user: User, f: { from: string; to: string; categoryId?: number; page: number; perPage: number }): Promise<{ items: MostReadItem[]; total: number }> {
  const totals = db
    .selectFrom('article_views')
    .select((eb) => ['article_views.article_id', eb.fn.sum<number | string>('article_views.views').as('total')])
    .where('article_views.day', '>=', f.from)
    .where('article_views.day', '<=', f.to)
    .groupBy('article_views.article_id')
    .as('v');
  let q = db.selectFrom(totals).innerJoin('articles', 'articles.id', 'v.article_id').leftJoin('newsroom_articles as n', 'n.article_id', 'articles.id').where('n.deleted_at', 'is', null).where(viewableBy(user));
  if (f.categoryId !== undefined) q = q.where('articles.category_id', '=', f.categoryId);
  const [rows, count] = await Promise.all([
    q
      .select(['articles.id', 'articles.title', 'articles.status', 'articles.category_id', 'articles.published_at', 'v.total'])
      .orderBy('v.total', 'desc')
      // Ties: the newer story first; both engines put a never-published one last.
      .orderBy('articles.published_at', (ob) => ob.desc().nullsLast())
      .orderBy('articles.id', 'desc')
      .limit(f.perPage)
      .offset((f.page - 1) * f.perPage)
      .execute(),
    q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ id: r.id, title: r.title, status: r.status as ArticleStatus, categoryId: r.category_id, publishedAt: r.published_at, views: Number(r.total) })),
    total: Number(count.n),
  };
}

/** Readership for the newsroom: GET /stats/most-read. */
export function registerStatsRoutes(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  route(
    api,
    ctx,
    { method: 'GET', url: '/stats/most-read', summary: 'Tin đọc nhiều nhất trong 1, 7 hoặc 30 ngày gần đây (tính cả hôm nay), trong số tin người dùng được xem; lọc theo chuyên mục; phân trang', tag: 'Thống kê', query: MostReadQuery, success: { status: 200, schema: MostReadSchema }, problems: [400, 401] },
    async ({ auth, query }) => {
      const { utcOffsetMinutes } = await getSettings(db);
      const { from, to } = dayRange(Date.now(), query.days, utcOffsetMinutes);
      const { items, total } = await mostReadFor(db, auth.user, { from, to, categoryId: query.categoryId, page: query.page, perPage: query.perPage });
      return { items, total, page: query.page, perPage: query.perPage, days: query.days, from, to };
    },
  );
}
