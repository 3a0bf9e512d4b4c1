import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Database } from '../../storage/schema.ts';
import { route } from './route.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta } from './auth.ts';
import { can } from '../../domain/permissions.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';

/** Home page curation: the lead story and the ordered featured slots, chosen by the managing editor. */
export const HomeCurationSchema = z.object({ leadId: z.number().int().positive().nullable(), featuredIds: z.array(z.number().int().positive()).max(20) }).strict();
export type HomeCuration = z.infer<typeof HomeCurationSchema>;

const KEY = 'home_curation';

/** The current curation, keeping only stories that are still published (a taken-down story leaves its slot). */
export async function getHomeCuration(db: Kysely<Database>): Promise<HomeCuration> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const parsed = row ? HomeCurationSchema.safeParse(JSON.parse(row.value)) : null;
  const c = parsed?.success ? parsed.data : { leadId: null, featuredIds: [] };
  const ids = [...(c.leadId ? [c.leadId] : []), ...c.featuredIds];
  if (!ids.length) return c;
  const live = new Set((await db.selectFrom('articles').select('id').where('id', 'in', ids).where('status', '=', 'published').execute()).map((r) => r.id));
  return { leadId: c.leadId && live.has(c.leadId) ? c.leadId : null, featuredIds: c.featuredIds.filter((id) => live.has(id)) };
}

export function registerCurationApi(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  route(api, ctx, { method: 'GET', url: '/home', summary: 'Tin chính và tin nổi bật của trang chủ', tag: 'Trang chủ', success: { status: 200, schema: HomeCurationSchema } }, async () => getHomeCuration(db));

  route(api, ctx, { method: 'PUT', url: '/home', summary: 'Chọn tin chính và thứ tự tin nổi bật (thư ký tòa soạn trở lên)', tag: 'Trang chủ', body: HomeCurationSchema, success: { status: 200, schema: HomeCurationSchema }, problems: [400, 403, 422] }, async ({ auth, body, req }) => {
    if (!can(auth.user, 'curate_home')) throw new ApiProblem('forbidden', 'Chỉ thư ký tòa soạn và lãnh đạo tòa soạn được chọn tin trang chủ.');
    const featuredIds = [...new Set(body.featuredIds)].filter((id) => id !== body.leadId);
    const ids = [...(body.leadId ? [body.leadId] : []), ...featuredIds];
    if (ids.length) {
      const live = await db.selectFrom('articles').select('id').where('id', 'in', ids).where('status', '=', 'published').execute();
      const missing = ids.filter((id) => !live.some((r) => r.id === id));
      if (missing.length) throw new ApiProblem('validation', `Chỉ chọn được tin đã đăng (không hợp lệ: ${missing.join(', ')}).`);
    }
    const value = JSON.stringify({ leadId: body.leadId, featuredIds });
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('settings').where('key', '=', KEY).execute();
      await trx.insertInto('settings').values({ key: KEY, value }).execute();
      const meta = requestMeta(req);
      await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'home_curate', target: 'home', ip: meta.ip, userAgent: meta.userAgent, details: { leadId: body.leadId, featuredIds } });
    });
    // The reader home page is cached: tell the caches it changed.
    await ctx.events.emit({ type: 'settings.changed' });
    return getHomeCuration(db);
  });
}
