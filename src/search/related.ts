import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { SUMMARY_COLUMNS, type ArticleSummary } from '../storage/content.ts';
import { engineOf, loadTexts } from './indexer.ts';
import { cleanText, syllablesOfClean } from './vietnamese-text.ts';
import { fts5String, pgLexeme } from './query.ts';

type Db = Kysely<Database>;

/**
 * Function syllables that say nothing about what a story is about (folded). Used only to choose
 * the terms of "related stories", never to drop words from a reader's query.
 */
const STOP = new Set(
  ('va cua cac la co duoc trong nhung mot cho voi da nay de khong tai ve cung thi tu theo den ra se dang nhu khi nhieu hon lai tren sau len ' +
    'do vao nhan bi con rat neu nen ma hay moi nhat ngay nam thang gio phut ong ba anh chi em toi chung ho minh ay kia day vay the nao gi ' +
    'dong chi tinh thanh pho huyen xa nguoi viec cach lan so phan hai ba bon nam sau bay tam chin muoi tram nghin trieu ty qua cao hien ' +
    'cung nhu dien ra tham du to chuc').split(' '),
);

interface Feature {
  keys: string[];
  weight: number;
}

const FIELD_WEIGHTS = { title: 3, sapo: 2, tags: 3, body: 1 } as const;
const BODY_SYLLABLES = 600;
const MAX_PAIRS = 16;
const MAX_WORDS = 10;
/** Features finally used in the query, after the common ones are dropped. */
const USED_FEATURES = 10;

/** Salient syllable pairs and single syllables of a story, weighted by the field they come from. */
export function relatedFeatures(t: { title: string; sapo: string; tags: string; body: string }): Feature[] {
  const pairs = new Map<string, Feature>();
  const words = new Map<string, Feature>();
  const bump = (map: Map<string, Feature>, keys: string[], w: number) => {
    const k = keys.join(' ');
    const f = map.get(k);
    if (f) f.weight += w;
    else map.set(k, { keys, weight: w });
  };
  for (const field of ['title', 'sapo', 'tags', 'body'] as const) {
    const clean = cleanText(t[field]);
    let syl = syllablesOfClean(clean);
    if (field === 'body') syl = syl.slice(0, BODY_SYLLABLES);
    const w = FIELD_WEIGHTS[field];
    syl.forEach((s, i) => {
      const useful = s.folded.length >= 2 && !STOP.has(s.folded) && /\p{L}/u.test(s.folded);
      if (useful) bump(words, [s.folded], w);
      const next = syl[i + 1];
      // A pair never spans punctuation or a line break ("Lào Cai, Hà Nội" has no "cai ha").
      if (next && /^ ?$/.test(clean.slice(s.end, next.start)) && useful && next.folded.length >= 2 && !STOP.has(next.folded) && /\p{L}/u.test(next.folded)) {
        bump(pairs, [s.folded, next.folded], w);
      }
    });
  }
  const top = (map: Map<string, Feature>, n: number, min: number) =>
    [...map.values()].filter((f) => f.weight >= min).sort((a, b) => b.weight - a.weight || a.keys.join(' ').localeCompare(b.keys.join(' '))).slice(0, n);
  return [...top(pairs, MAX_PAIRS, 2), ...top(words, MAX_WORDS, 2)];
}

/**
 * Keeps the features that say something: a pair or word found in more than a few percent of the archive
 * ("việt nam", "người dân") relates everything to everything, and its long posting list is what makes the
 * query slow. Weighted by inverse document frequency of their rarest syllable (from the FTS5 vocabulary).
 */
async function selective(db: Db, features: Feature[]): Promise<Feature[]> {
  const terms = [...new Set(features.flatMap((f) => f.keys))];
  if (terms.length === 0) return [];
  const [vocab, size] = await Promise.all([
    sql<{ term: string; doc: number }>`SELECT term, doc FROM search_vocab WHERE term IN (${sql.join(terms)})`.execute(db),
    sql<{ n: number | null }>`SELECT max(rowid) AS n FROM search_fts`.execute(db),
  ]);
  const df = new Map(vocab.rows.map((r) => [r.term, Number(r.doc)]));
  const n = Math.max(1, Number(size.rows[0]?.n ?? 1));
  const limit = Math.max(50, n * 0.05);
  return features
    .map((f) => {
      const counts = f.keys.map((k) => df.get(k) ?? 0);
      return { f, common: Math.max(...counts), rare: Math.min(...counts) };
    })
    .filter((x) => x.rare > 0 && (x.f.keys.length > 1 ? x.rare : x.common) <= limit)
    .map((x) => ({ f: x.f, score: x.f.weight * Math.log(1 + n / x.rare) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, USED_FEATURES)
    .map((x) => x.f);
}

const CANDIDATES = 40;
/**
 * Only the newest this-many stories sharing any term are ranked: a story's salient pairs can match much of a
 * large archive, and ranking all of it would grow with the archive. The decay below prefers recent ones anyway.
 */
const WINDOW = 300;
/** Half of a match's weight fades over this many days between the two stories' dates. */
const HALF_LIFE_DAYS = 60;

function decay(a: string | null, b: string | null): number {
  if (!a || !b) return 0.5;
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  return 0.5 + 0.5 * Math.pow(0.5, days / HALF_LIFE_DAYS);
}

/** How many related stories are stored per story: a few more than a page shows, so taken-down ones can drop out. */
export const STORED_RELATED = 10;

export interface RelatedScore {
  id: number;
  score: number;
}

/**
 * Computes "Có thể bạn quan tâm" from the live index: published stories that share the salient syllable pairs and
 * words of this one (title, sapo, tags, start of the body), ranked by the full-text engine (so rare shared terms count
 * more than common ones), then faded by the distance in time between the two stories. Never the story itself.
 */
export async function computeRelated(db: Db, articleId: number, limit = STORED_RELATED): Promise<RelatedScore[]> {
  const [self] = await loadTexts(db, [articleId]);
  if (!self) return [];
  const own = await db.selectFrom('articles').select('published_at').where('id', '=', articleId).executeTakeFirst();
  let features = relatedFeatures(self);
  let candidates: Array<{ id: number; score: number; published_at: string | null }>;
  if (engineOf(db) === 'sqlite') {
    features = await selective(db, features);
    if (features.length === 0) return [];
    const match = `{title_f sapo_f tags_f body_f} : (${features.map((f) => f.keys.map(fts5String).join(' + ')).join(' OR ')})`;
    const conds = sql`search_fts MATCH ${match} AND a.status = 'published' AND a.id <> ${articleId}`;
    const edge = await sql<{ id: number }>`SELECT search_fts.rowid AS id FROM search_fts JOIN articles a INDEXED BY articles_search_filter ON a.id = search_fts.rowid
      WHERE ${conds} ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET ${WINDOW - 1}`.execute(db);
    const windowed = edge.rows[0] ? sql` AND search_fts.rowid >= ${Number(edge.rows[0].id)}` : sql``;
    const rows = await sql<{ id: number; score: number; published_at: string | null }>`
      SELECT a.id AS id, -search_fts.rank AS score, a.published_at AS published_at FROM search_fts JOIN articles a INDEXED BY articles_search_filter ON a.id = search_fts.rowid
      WHERE ${conds}${windowed} ORDER BY search_fts.rank LIMIT ${CANDIDATES}`.execute(db);
    candidates = rows.rows;
  } else {
    features = features.slice(0, USED_FEATURES);
    if (features.length === 0) return [];
    const match = features.map((f) => (f.keys.length === 1 ? pgLexeme(f.keys[0]!) : `(${f.keys.map(pgLexeme).join(' <-> ')})`)).join(' | ');
    const conds = sql`d.tsv @@ ${match}::tsquery AND a.status = 'published' AND a.id <> ${articleId}`;
    // GIN reads every match before ORDER BY … LIMIT stops: look among the newest stories first (see search.ts).
    const top = Number((await sql<{ n: number | null }>`SELECT max(article_id) AS n FROM search_documents`.execute(db)).rows[0]?.n ?? 0);
    let edgeId: number | undefined;
    for (const span of [20_000, Infinity]) {
      const range = Number.isFinite(span) && span < top ? sql` AND d.article_id > ${top - span}` : sql``;
      const edge = await sql<{ id: number }>`SELECT d.article_id AS id FROM search_documents d JOIN articles a ON a.id = d.article_id
        WHERE ${conds}${range} ORDER BY d.article_id DESC LIMIT 1 OFFSET ${WINDOW - 1}`.execute(db);
      edgeId = edge.rows[0] ? Number(edge.rows[0].id) : undefined;
      if (edgeId !== undefined || !Number.isFinite(span) || span >= top) break;
    }
    const windowed = edgeId !== undefined ? sql` AND d.article_id >= ${edgeId}` : sql``;
    const rows = await sql<{ id: number; score: number; published_at: string | null }>`
      SELECT a.id AS id, ts_rank('{0.1,0.6,0.4,1.0}', d.tsv, ${match}::tsquery) AS score, a.published_at AS published_at
      FROM search_documents d JOIN articles a ON a.id = d.article_id
      WHERE ${conds}${windowed} ORDER BY score DESC LIMIT ${CANDIDATES}`.execute(db);
    candidates = rows.rows;
  }
  const scored = candidates.map((c) => ({ id: Number(c.id), score: Number(c.score) * decay(own?.published_at ?? null, c.published_at) }));
  scored.sort((a, b) => b.score - a.score || b.id - a.id);
  const best = scored[0]?.score ?? 0;
  // A story that shares only a stray word with this one is not "related": keep those near the best.
  return scored.filter((s) => s.score > 0 && s.score >= best * 0.2).slice(0, limit);
}

function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Replaces the stored list of one story (and marks it computed). */
async function storeRelated(db: Db, articleId: number, list: RelatedScore[]): Promise<void> {
  await sql`DELETE FROM related_articles WHERE article_id = ${articleId}`.execute(db);
  if (list.length) {
    await sql`INSERT INTO related_articles (article_id, position, related_id, score) VALUES ${sql.join(list.map((r, i) => sql`(${articleId}, ${i}, ${r.id}, ${r.score})`))}`.execute(db);
  }
  const now = new Date().toISOString();
  await sql`INSERT INTO related_state (article_id, computed_at) VALUES (${articleId}, ${now})
    ON CONFLICT (article_id) DO UPDATE SET computed_at = excluded.computed_at`.execute(db);
}

/** Computes and stores the related list of one story; returns it. */
export async function refreshRelated(db: Db, articleId: number): Promise<RelatedScore[]> {
  const list = await computeRelated(db, articleId);
  await inTransaction(db, (trx) => storeRelated(trx, articleId, list));
  return list;
}

/** Forgets the stored lists of these stories (their text changed): they are computed again when next needed. */
export async function forgetRelated(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`DELETE FROM related_articles WHERE article_id IN (${sql.join(ids)})`.execute(db);
  await sql`DELETE FROM related_state WHERE article_id IN (${sql.join(ids)})`.execute(db);
}

/**
 * A story was published or changed: compute its own list, and let it enter the stored lists of the stories it relates
 * to (relatedness is close to symmetric: when X finds Y, Y would find X with a similar score), where it scores above
 * the weakest entry or the list is not full. Returns the stories whose stored list changed: their pages must be
 * invalidated (the `article.related_changed` event). Lists not yet computed are left alone: they will include it.
 */
export async function publishRelated(db: Db, articleId: number): Promise<number[]> {
  const list = await refreshRelated(db, articleId);
  const changed: number[] = [];
  for (const candidate of list) {
    const entered = await inTransaction(db, async (trx) => {
      const state = await sql<{ n: number }>`SELECT 1 AS n FROM related_state WHERE article_id = ${candidate.id}`.execute(trx);
      if (state.rows.length === 0) return false;
      const stored = (await sql<{ related_id: number; score: number }>`SELECT related_id, score FROM related_articles WHERE article_id = ${candidate.id} ORDER BY position`.execute(trx)).rows.map((r) => ({ id: Number(r.related_id), score: Number(r.score) }));
      const without = stored.filter((r) => r.id !== articleId);
      const merged = [...without, { id: articleId, score: candidate.score }].sort((a, b) => b.score - a.score || b.id - a.id).slice(0, STORED_RELATED);
      const same = merged.length === stored.length && merged.every((r, i) => r.id === stored[i]!.id);
      if (same) return false;
      await storeRelated(trx, candidate.id, merged);
      return true;
    });
    if (entered) changed.push(candidate.id);
  }
  return changed;
}

/**
 * "Có thể bạn quan tâm" of a story, as stored (one indexed query); computed and stored on first use. Stories taken
 * down since are left out at read time.
 */
export async function relatedArticles(db: Db, articleId: number, limit = 6): Promise<ArticleSummary[]> {
  const read = async () =>
    (
      await sql<ArticleSummary>`SELECT ${sql.raw(SUMMARY_COLUMNS.join(', '))} FROM related_articles r JOIN articles ON articles.id = r.related_id
        WHERE r.article_id = ${articleId} AND articles.status = 'published' ORDER BY r.position LIMIT ${limit}`.execute(db)
    ).rows;
  const rows = await read();
  if (rows.length) return rows;
  const state = await sql<{ n: number }>`SELECT 1 AS n FROM related_state WHERE article_id = ${articleId}`.execute(db);
  if (state.rows.length) return [];
  const exists = await db.selectFrom('articles').select('id').where('id', '=', articleId).executeTakeFirst();
  if (!exists) return [];
  await refreshRelated(db, articleId);
  return read();
}

/**
 * The editor's picks ("Tin liên quan", migration 013) of a story, in their order, with their status: one indexed query.
 * Unpublished ones come back too, so the page can depend on them (a pick published later re-renders it); the caller
 * shows the published ones only.
 */
export async function pickedArticles(db: Db, articleId: number): Promise<Array<ArticleSummary & { status: string }>> {
  return db
    .selectFrom('article_related_picks as p')
    .innerJoin('articles', 'articles.id', 'p.related_id')
    .select([...SUMMARY_COLUMNS, 'articles.status'])
    .where('p.article_id', '=', articleId)
    .orderBy('p.position')
    .execute();
}
