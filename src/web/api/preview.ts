import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { route } from './route.ts';
import { DbIdParam } from './ids.ts';
import { getStoryView } from '../../newsroom/stories.ts';
import { loadChrome, surroundArticle } from '../site/data.ts';
import { ArticlePage } from '../site/pages.tsx';
import { renderDocument } from '../jsx.ts';
import { slugify } from '../../domain/vietnamese.ts';

const IdParams = z.object({ id: DbIdParam }).strict();

/**
 * Preview: the story as it would appear on the reader site, rendered with the real site template from the
 * newsroom's working copy (for a published story with a pending correction: the correction). Never cached.
 */
export function registerPreviewApi(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  route(api, ctx, { method: 'GET', url: '/articles/:id/preview', summary: 'Xem trước tin bài bằng giao diện trang đọc (HTML)', tag: 'Tin bài', params: IdParams, success: { status: 200, description: 'text/html' }, problems: [401, 403, 404] }, async ({ auth, params, reply }) => {
    const v = await getStoryView(db, auth.user, params.id);
    const chrome = await loadChrome(db);
    const personIds = v.bylines.flatMap((b) => ('personId' in b ? [b.personId] : []));
    const people = personIds.length ? await db.selectFrom('people').select(['id', 'name', 'title', 'slug']).where('id', 'in', personIds).execute() : [];
    const now = new Date().toISOString();
    const data = await surroundArticle(
      db,
      {
        article: { id: v.id, slug: v.slug, title: v.title, short_title: v.shortTitle, sapo: v.sapo, body: JSON.stringify(v.body), type: v.type, category_id: v.categoryId, cover_media_id: v.coverMediaId, status: v.status, seo_title: v.seoTitle, seo_description: v.seoDescription, published_at: v.publishedAt ?? v.scheduledAt ?? now, updated_at: v.updatedAt, created_at: v.createdAt },
        body: v.body,
        tags: v.tags.map((name, i) => ({ id: -1 - i, slug: slugify(name), name })),
        bylines: v.bylines.map((b) => {
          if ('name' in b) return { name: b.name, title: '', slug: null };
          const p = people.find((x) => x.id === b.personId);
          return { name: p?.name ?? '', title: p?.title ?? '', slug: p?.slug ?? null };
        }),
      },
      null,
      v.relatedIds,
    );
    const notice = v.status === 'published' && !v.correction ? 'Bản xem trước của tin đang đăng.' : 'Bản xem trước: tin bài này chưa được xuất bản, bạn đọc chưa nhìn thấy.';
    const html = renderDocument(ArticlePage({ chrome, data, notice }));
    return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').type('text/html; charset=utf-8').send(html);
  });
}
