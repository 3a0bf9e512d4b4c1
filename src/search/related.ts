import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { SUMMARY_COLUMNS, type ArticleSummary } from '../storage/content.ts';
import { foldAccents } from '../domain/vietnamese.ts';

type Db = Kysely<Database>;

/** Folded syllables of a text, for overlap scoring. */
function syllables(text: string): Set<string> {
  return new Set(foldAccents(text.normalize('NFC')).toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1));
}

const CANDIDATES = 300;

/**
 * "Có thể bạn quan tâm": stories that share words of the title and sapo and tags with this one,
 * among recent published stories, newest first on ties. Never the story itself.
 */
export async function relatedArticles(db: Db, articleId: number, limit = 6): Promise<ArticleSummary[]> {
  const self = await db.selectFrom('articles').select(['title', 'sapo']).where('id', '=', articleId).executeTakeFirst();
  if (!self) return [];
  const words = syllables(`${self.title} ${self.sapo}`);
  const selfTags = (await db.selectFrom('article_tags').select('tag_id').where('article_id', '=', articleId).execute()).map((r) => r.tag_id);
  const candidates = await db
    .selectFrom('articles')
    .select([...SUMMARY_COLUMNS])
    .where('status', '=', 'published')
    .where('id', '!=', articleId)
    .orderBy('published_at', 'desc')
    .limit(CANDIDATES)
    .execute();
  const tagged = selfTags.length
    ? new Map(
        (await db.selectFrom('article_tags').select(['article_id', (eb) => eb.fn.countAll<number>().as('n')]).where('tag_id', 'in', selfTags).where('article_id', '!=', articleId).groupBy('article_id').execute()).map((r) => [r.article_id, Number(r.n)]),
      )
    : new Map<number, number>();
  const scored = candidates.map((c, rank) => {
    const other = syllables(`${c.title} ${c.sapo}`);
    let shared = 0;
    for (const w of other) if (words.has(w)) shared++;
    const overlap = shared / Math.sqrt(Math.max(1, words.size) * Math.max(1, other.size));
    return { c, score: overlap + 0.3 * (tagged.get(c.id) ?? 0), rank };
  });
  return scored
    .filter((s) => s.score > 0.05)
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .slice(0, limit)
    .map((s) => s.c);
}
