import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { HOME_CURATION_KEY as KEY, HomeCurationSchema, getHomeCuration } from '../../storage/curation.ts';
export { getHomeCuration, HomeCurationSchema, type HomeCuration } from '../../storage/curation.ts';
import { route } from './route.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta } from './auth.ts';
import { can } from '../../domain/permissions.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';

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
    // Only the home page shows the curation.
    await ctx.events.emit({ type: 'home.curated' });
    return getHomeCuration(db);
  });
}
