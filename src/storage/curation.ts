import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from './schema.ts';

/** Home page curation: the lead story and the ordered featured slots, chosen by the managing editor. */
export const HomeCurationSchema = z.object({ leadId: z.number().int().positive().max(2 ** 31 - 1).nullable(), featuredIds: z.array(z.number().int().positive().max(2 ** 31 - 1)).max(20) }).strict();
export type HomeCuration = z.infer<typeof HomeCurationSchema>;

export const HOME_CURATION_KEY = 'home_curation';

/** The current curation, keeping only stories that are still published (a taken-down story leaves its slot). */
export async function getHomeCuration(db: Kysely<Database>): Promise<HomeCuration> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', HOME_CURATION_KEY).executeTakeFirst();
  const parsed = row ? HomeCurationSchema.safeParse(JSON.parse(row.value)) : null;
  const c = parsed?.success ? parsed.data : { leadId: null, featuredIds: [] };
  const ids = [...(c.leadId ? [c.leadId] : []), ...c.featuredIds];
  if (!ids.length) return c;
  const live = new Set((await db.selectFrom('articles').select('id').where('id', 'in', ids).where('status', '=', 'published').execute()).map((r) => r.id));
  return { leadId: c.leadId && live.has(c.leadId) ? c.leadId : null, featuredIds: c.featuredIds.filter((id) => live.has(id)) };
}
