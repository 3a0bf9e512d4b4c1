import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { ArticleSummary } from '../storage/content.ts';
import { articlePath } from '../domain/article.ts';
import { bodyText, engineOf } from './indexer.ts';
import { withPhrasePairs } from './phrase-pairs.ts';
import { MIN_PREFIX, fts5Pairs, fts5Plain, fts5Term, isAccented, parseQuery, pgMatch, pgPairs, pgTerm, positiveTerms, type ParsedQuery, type QueryTerm } from './query.ts';
import { highlightAll, snippet } from './snippet.ts';

type Db = Kysely<Database>;

export const SEARCH_PAGE_SIZE = 20;
/** Counting stops here: "more than 1,000 results" is all a reader needs, and counting all of a huge match set costs. */
export const COUNT_CAP = 1000;
export const MAX_PAGE = Math.ceil(COUNT_CAP / SEARCH_PAGE_SIZE);
/** Snippets come from the sapo and the start of the body: where a story says what it is about. */
const SNIPPET_SOURCE_CHARS = 1500;

export interface SearchFilters {
  /** Only these categories (callers expand a parent to its children). */
  categoryIds?: number[];
  type?: string;
  /** Inclusive bounds on published_at, ISO-8601 (a date "2024-11-18" means that whole day from/to). */
  from?: string;
  to?: string;
}

export interface SearchOptions extends SearchFilters {
  /**
   * 'reader' (default): published stories only. 'newsroom': every status, optionally narrowed by
   * `statuses`; the caller decides what the user may see.
   */
  audience?: 'reader' | 'newsroom';
  statuses?: string[];
  page?: number;
  pageSize?: number;
}

export type SearchArticle = ArticleSummary & { status: string };

export interface SearchHit {
  article: SearchArticle;
  path: string;
  score: number;
  /** Escaped HTML: the title with matches in <mark>. */
  titleHtml: string;
  /** Escaped HTML: an excerpt of sapo and body with matches in <mark>. */
  snippetHtml: string;
}

export interface SearchResult {
  query: ParsedQuery;
  hits: SearchHit[];
  /** Number of matches, capped at COUNT_CAP (then `totalCapped`). */
  total: number;
  totalCapped: boolean;
  page: number;
  pages: number;
}

const ARTICLE_COLUMNS = sql.raw('a.id, a.slug, a.title, a.short_title, a.sapo, a.type, a.category_id, a.cover_media_id, a.published_at, a.updated_at, a.status');

function filtersSql(opts: SearchOptions): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if ((opts.audience ?? 'reader') === 'reader') where.push(sql`a.status = 'published'`);
  else if (opts.statuses?.length) where.push(sql`a.status IN (${sql.join(opts.statuses)})`);
  if (opts.categoryIds) where.push(opts.categoryIds.length ? sql`a.category_id IN (${sql.join(opts.categoryIds)})` : sql`1 = 0`);
  if (opts.type) where.push(sql`a.type = ${opts.type}`);
  if (opts.from) where.push(sql`a.published_at >= ${dateBound(opts.from, 'from')}`);
  if (opts.to) where.push(sql`a.published_at <= ${dateBound(opts.to, 'to')}`);
  return where;
}

/** A bare date covers the whole day (UTC+7, the paper's day) */
export function dateBound(value: string, side: 'from' | 'to'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const local = new Date(`${value}T${side === 'from' ? '00:00:00.000' : '23:59:59.999'}+07:00`);
    return local.toISOString();
  }
  return new Date(value).toISOString();
}

interface Ranked {
  id: number;
  score: number;
}

/**
 * Broad queries ("người", "và của") match most of the archive; ranking all of it would cost time in proportion
 * to the archive. Ranking looks at the newest RANK_WINDOW matches only (the count goes on to COUNT_CAP): for a
 * news archive the best of the most recent five hundred is what a reader wants, and it keeps latency flat as the archive grows.
 * Newest = highest article id (ids grow with publication for stories written in the newsroom).
 */
export const RANK_WINDOW = 500;

/** Ranked ids of one page plus the capped count, on either engine. */
async function rankedIds(db: Db, q: ParsedQuery, opts: SearchOptions, limit: number, offset: number): Promise<{ ids: Ranked[]; total: number }> {
  return rankNewest(db, engineOf(db) === 'sqlite' ? sqliteIndex : postgresIndex, q, filtersSql(opts), limit, offset);
}

interface Newest {
  id: number;
  published_at: string | null;
}

/** What ranking needs from an engine: the newest matches (capped) and how common one term is in an id range. */
interface EngineIndex {
  /** The query as the engine should run it (SQLite: prefixes expanded to words); null when nothing can match. */
  prepare?(db: Db, q: ParsedQuery): Promise<ParsedQuery | null>;
  newest(db: Db, q: ParsedQuery, where: RawBuilder<unknown>[]): Promise<Newest[] | null>;
  /** Matches of the term in [lo, hi], newest first, at most `cap`: their number and the smallest id reached. */
  sample(db: Db, t: QueryTerm, lo: number, hi: number, cap: number): Promise<{ n: number; m: number | null }>;
}

/** A prefix standing for more indexed words than this is left to FTS5's own prefix matching. */
const MAX_EXPANSIONS = 48;

const sqliteIndex: EngineIndex = {
  async prepare(db, q) {
    // Phrases of frequent syllables only: answered from search_pairs (same matches, short doclists).
    if (!q.terms.some((t) => t.prefix)) return (await withPhrasePairs(db, q)) ?? q;
    const terms: QueryTerm[] = [];
    for (const t of q.terms) {
      if (!t.prefix) {
        terms.push(t);
        continue;
      }
      const p = t.folded[t.folded.length - 1]!;
      const words = (await sql<{ term: string }>`SELECT term FROM search_terms WHERE term >= ${p} AND term < ${p + '\uffff'} ORDER BY term LIMIT ${MAX_EXPANSIONS + 1}`.execute(db)).rows.map((r) => r.term);
      if (words.length === 0) {
        // No indexed word starts so: a wanted term matches nothing; an excluded one excludes nothing.
        if (!t.negated) return null;
        continue;
      }
      terms.push(words.length > MAX_EXPANSIONS ? t : { ...t, expansions: words });
    }
    return { ...q, terms };
  },
  async newest(db, q, where) {
    const pairs = fts5Pairs(q);
    const filter = pairs ?? fts5Plain(q);
    if (!filter) return null;
    const table = sql.raw(pairs ? 'search_pairs' : 'search_fts');
    const conds = sql.join([sql`${table} MATCH ${filter}`, ...where], sql` AND `);
    return (
      await sql<Newest>`SELECT a.id AS id, a.published_at AS published_at
        FROM ${table} JOIN articles a INDEXED BY articles_search_filter ON a.id = ${table}.rowid
        WHERE ${conds} ORDER BY ${table}.rowid DESC LIMIT ${COUNT_CAP + 1}`.execute(db)
    ).rows;
  },
  async sample(db, t, lo, hi, cap) {
    // Only an upper bound on rowid: FTS5 walks a doclist newest-first from it and stops at the LIMIT, whereas a lower
    // bound makes it read the doclist from its oldest entry up to the bound (about 45 ms for a common word at 500k
    // stories against 0.1 ms). Matches below `lo` are then left out of the count here.
    const table = sql.raw(t.pairs ? 'search_pairs' : 'search_fts');
    const r = await sql<{ n: number | null; m: number | null }>`SELECT sum(rowid >= ${lo}) AS n, min(rowid) AS m FROM (SELECT rowid FROM ${table}
      WHERE ${table} MATCH ${fts5Term(t)} AND rowid <= ${hi} ORDER BY rowid DESC LIMIT ${cap})`.execute(db);
    return { n: Number(r.rows[0]?.n ?? 0), m: r.rows[0]?.m == null ? null : Number(r.rows[0].m) };
  },
};

/**
 * PostgreSQL match condition. With a phrase, the pairs' GIN index finds the few candidates and the tsvector is only
 * checked on them: written `IS TRUE`, so the planner cannot also AND in the tsvector's GIN bitmap (for a phrase of common
 * syllables that bitmap holds most of the archive; reading it cost more than the whole query otherwise).
 */
function pgCondition(alias: string, match: string, pairs: string | null): RawBuilder<unknown> {
  const d = sql.raw(alias);
  return pairs ? sql`(${d}.tsv @@ ${match}::tsquery) IS TRUE AND ${d}.pairs @@ ${pairs}::tsquery` : sql`${d}.tsv @@ ${match}::tsquery`;
}

/**
 * PostgreSQL: GIN finds every match of a common word before any ORDER BY … LIMIT can stop, so the newest matches are
 * looked for in growing ranges of recent ids first (the newest 5,000 stories, 50,000, …, all).
 */
const PG_SPANS = [5_000, 50_000, 500_000];
const postgresIndex: EngineIndex = {
  async newest(db, q, where) {
    const match = pgMatch(q);
    if (!match) return null;
    const matching = pgCondition('d', match, pgPairs(q));
    const top = Number((await sql<{ n: number | null }>`SELECT max(article_id) AS n FROM search_documents`.execute(db)).rows[0]?.n ?? 0);
    for (const span of [...PG_SPANS.filter((x) => x < top), Infinity]) {
      const range = Number.isFinite(span) ? [sql`d.article_id > ${top - span}`] : [];
      const conds = sql.join([matching, ...range, ...where], sql` AND `);
      const rows = (
        await sql<Newest>`SELECT d.article_id AS id, a.published_at AS published_at FROM search_documents d JOIN articles a ON a.id = d.article_id
          WHERE ${conds} ORDER BY d.article_id DESC LIMIT ${COUNT_CAP + 1}`.execute(db)
      ).rows;
      if (rows.length > COUNT_CAP || !Number.isFinite(span)) return rows;
    }
    return [];
  },
  async sample(db, t, lo, hi, cap) {
    const r = await sql<{ n: string; m: number | null }>`SELECT count(*) AS n, min(id) AS m FROM (SELECT d.article_id AS id FROM search_documents d
      WHERE ${pgCondition('d', pgTerm(t), pgPairs([t]))} AND d.article_id BETWEEN ${lo} AND ${hi} ORDER BY d.article_id DESC LIMIT ${cap}) x`.execute(db);
    return { n: Number(r.rows[0]?.n ?? 0), m: r.rows[0]?.m == null ? null : Number(r.rows[0].m) };
  },
};

/** Field weights of the SQLite ranking: a term in the title counts most, then tags, then sapo; anywhere counts 1. */
const HEAD_WEIGHTS = [10, 4, 6] as const; // title, sapo, tags (the column order of search_heads)
const HEAD_FIELDS = ['title', 'sapo', 'tags'] as const;
/** Newest matches of one term read to estimate how common it is near the ranking window. */
const DF_SAMPLE = 1000;

/** What to look for in a space-separated key field (` ${field} `): the keys in order, the last one as a prefix when asked. */
export function keysNeedle(keys: string[], prefix: boolean): string {
  return ` ${keys.join(' ')}${prefix ? '' : ' '}`;
}

/**
 * The newest matches (capped: that is the count) and, among the newest RANK_WINDOW of them, a ranking computed here
 * from the title, sapo and tag keys of those stories (search_heads) and how common each term is around them. The same
 * on both engines. FTS5's bm25 is not used: it counts every match of every phrase in the whole archive on each query,
 * which made common words slow on a large archive; ts_rank would read every candidate's whole tsvector.
 */
async function rankNewest(db: Db, index: EngineIndex, q: ParsedQuery, where: RawBuilder<unknown>[], limit: number, offset: number): Promise<{ ids: Ranked[]; total: number }> {
  const run = index.prepare ? await index.prepare(db, q) : q;
  if (!run) return { ids: [], total: 0 };
  const newest = await index.newest(db, run, where);
  if (!newest || newest.length === 0) return { ids: [], total: 0 };
  const total = newest.length;
  const window = newest.slice(0, RANK_WINDOW).map((r) => ({ id: Number(r.id), publishedAt: r.published_at ?? '' }));
  const hi = window[0]!.id;
  const lo = window[window.length - 1]!.id;
  const terms = positiveTerms(q);
  const accented = isAccented(q);
  // Inverse document frequency of each term among the stories around the window (one term alone needs none).
  const idf = await Promise.all(
    positiveTerms(run).map(async (t) => {
      if (terms.length === 1) return 1;
      const { n, m } = await index.sample(db, t, lo, hi, DF_SAMPLE);
      const span = hi - lo + 1;
      const df = n >= DF_SAMPLE ? (n * span) / (hi - (m ?? lo) + 1) : n;
      return Math.log(1 + (span - df + 0.5) / (df + 0.5));
    }),
  );
  // Scored where the rows are: SQL tells, per story, whether each term's keys stand in each field (folded and, for
  // an accented query, exact-accent) and weighs them, instead of sending 500 stories' key strings to JavaScript to
  // search there (that read and loop were a third of a query's time). Same sums in the same order as before.
  const find = engineOf(db) === 'sqlite' ? sql.raw('instr') : sql.raw('strpos');
  const within = (column: string, needle: string) => sql`${find}(' ' || ${sql.ref(column)} || ' ', ${needle}) > 0`;
  const termScores = terms.map((t, i) => {
    const folded = keysNeedle(t.folded, t.prefix);
    const accent = accented && !t.prefix ? keysNeedle(t.accent, false) : null;
    // The exact-accent keys stand in a field only where the folded ones do (key by key, one folds to the other).
    const fields = HEAD_FIELDS.map((field, f) => {
      const w = sql.lit(HEAD_WEIGHTS[f]!);
      const exact = accent ? sql` + CASE WHEN ${within(`${field}_a`, accent)} THEN ${w} ELSE 0 END` : sql``;
      return sql`CASE WHEN ${within(`${field}_f`, folded)} THEN ${w}${exact} ELSE 0 END`;
    });
    return sql`(1 + ${sql.join(fields, sql` + `)}) * CAST(${idf[i]!} AS double precision)`;
  });
  const heads = await sql<{ article_id: number; score: number }>`
    SELECT article_id, ${sql.join(termScores, sql` + `)} AS score FROM search_heads WHERE article_id IN (${sql.join(window.map((w) => w.id))})`.execute(db);
  const scoreOf = new Map(heads.rows.map((h) => [Number(h.article_id), Number(h.score)]));
  const scored = window.map((w) => ({ id: w.id, score: scoreOf.get(w.id) ?? 0, publishedAt: w.publishedAt }));
  scored.sort((a, b) => b.score - a.score || (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0) || b.id - a.id);
  return { ids: scored.slice(offset, offset + limit).map((r) => ({ id: r.id, score: r.score })), total };
}

/**
 * Full-text search. `query` is the reader's text (parsed here; throws QueryTooLongError when over-long)
 * or an already parsed query.
 */
export async function searchArticles(db: Db, query: string | ParsedQuery, opts: SearchOptions = {}): Promise<SearchResult> {
  const q = typeof query === 'string' ? parseQuery(query) : query;
  const size = Math.min(Math.max(1, opts.pageSize ?? SEARCH_PAGE_SIZE), 100);
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), Math.ceil(COUNT_CAP / size));
  const { ids, total } = await rankedIds(db, q, opts, size, (page - 1) * size);
  const hits = await hydrate(db, q, ids);
  const capped = total > COUNT_CAP;
  return { query: q, hits, total: Math.min(total, COUNT_CAP), totalCapped: capped, page, pages: Math.max(1, Math.ceil(Math.min(total, COUNT_CAP) / size)) };
}

async function hydrate(db: Db, q: ParsedQuery, ranked: Ranked[]): Promise<SearchHit[]> {
  if (ranked.length === 0) return [];
  const rows = await sql<SearchArticle & { body: string }>`SELECT ${ARTICLE_COLUMNS}, a.body FROM articles a WHERE a.id IN (${sql.join(ranked.map((r) => r.id))})`.execute(db);
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]));
  return ranked.flatMap((r) => {
    const row = byId.get(r.id);
    if (!row) return [];
    const { body, ...article } = row;
    return [{ article: { ...article, id: Number(article.id) }, path: articlePath(article), score: r.score, titleHtml: highlightAll(article.title, q), snippetHtml: snippet(`${article.sapo}\n${bodyText(body).slice(0, SNIPPET_SOURCE_CHARS)}`, q) }];
  });
}

/**
 * Search-as-you-type: a last word of one letter ("hoà b") is the start of a word still being typed, too short to be a
 * prefix (MIN_PREFIX); it is left out, so suggestions follow the words already typed instead of looking for the word
 * "b" (which matched nothing, and on PostgreSQL made the newest-first walk recheck every story's tsvector: 570 ms at
 * 100k stories).
 */
function withoutStartedWord(q: ParsedQuery, input: string): ParsedQuery {
  const last = q.terms[q.terms.length - 1];
  if (!last || /\s$/.test(input) || last.negated || last.prefix || last.folded.length !== 1 || last.folded[0]!.length >= MIN_PREFIX) return q;
  const rest = q.terms.slice(0, -1);
  return positiveTerms({ ...q, terms: rest }).length ? { ...q, terms: rest } : q;
}

export interface Suggestion {
  id: number;
  title: string;
  path: string;
  titleHtml: string;
}

/**
 * Search-as-you-type: published headlines (and tags) matching what is typed so far, the last word
 * as a prefix, newest first. Cheap by design: the index is walked newest-first and stops at `limit`.
 */
export async function suggestTitles(db: Db, input: string, limit = 8): Promise<Suggestion[]> {
  const q = withoutStartedWord(parseQuery(input, { prefixLast: true }), input);
  let ids: number[];
  if (engineOf(db) === 'sqlite') {
    // search_titles holds folded title and tag keys only (no accent columns): no column filter needed.
    const match = fts5Plain(q);
    if (!match) return [];
    const rows = await sql<{ id: number }>`SELECT a.id AS id FROM search_titles JOIN articles a INDEXED BY articles_search_filter ON a.id = search_titles.rowid
      WHERE search_titles MATCH ${match} AND a.status = 'published' ORDER BY search_titles.rowid DESC LIMIT ${limit}`.execute(db);
    ids = rows.rows.map((r) => Number(r.id));
  } else {
    const match = pgMatch(q, 'AC');
    if (!match) return [];
    const rows = await sql<{ id: number }>`SELECT a.id AS id FROM search_documents d JOIN articles a ON a.id = d.article_id
      WHERE ${pgCondition('d', match, pgPairs(q))} AND a.status = 'published' ORDER BY d.article_id DESC LIMIT ${limit}`.execute(db);
    ids = rows.rows.map((r) => Number(r.id));
  }
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('articles').select(['id', 'slug', 'title']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ id: r.id, title: r.title, path: articlePath(r), titleHtml: highlightAll(r.title, q) }] : [];
  });
}
