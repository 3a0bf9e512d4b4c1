import { CompiledQuery, sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Engine } from '../storage/database.ts';
import { Worker } from 'node:worker_threads';
import { foldText, indexKeys } from './vietnamese-text.ts';
import { articleText, indexBatch, type ArticleText, type IndexBatch } from './index-rows.ts';
import { pgLexeme, pgPairKey } from './query.ts';
import { forgetRelated } from './related.ts';
import { markPairsPending, resetPhrasePairs } from './phrase-pairs.ts';

type Db = Kysely<Database>;

/** Which engine a Kysely instance talks to (the search SQL differs; everything else does not). */
export function engineOf(db: { getExecutor(): { adapter: unknown } }): Engine {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

export { articleText, bodyText, fts5Row, type ArticleText } from './index-rows.ts';

export async function loadTexts(db: Db, ids: number[]): Promise<ArticleText[]> {
  if (ids.length === 0) return [];
  const [rows, tags] = await Promise.all([
    db.selectFrom('articles').select(['id', 'title', 'short_title', 'sapo', 'body']).where('id', 'in', ids).execute(),
    db.selectFrom('article_tags').innerJoin('tags', 'tags.id', 'article_tags.tag_id').select(['article_tags.article_id', 'tags.name']).where('article_tags.article_id', 'in', ids).orderBy('article_tags.position').execute(),
  ]);
  const tagsOf = new Map<number, string[]>();
  for (const t of tags) {
    let list = tagsOf.get(t.article_id);
    if (!list) tagsOf.set(t.article_id, (list = []));
    list.push(t.name);
  }
  return rows.map((r) => articleText(r, tagsOf.get(r.id) ?? []));
}

// ---------- SQLite ----------

/** Stories per INSERT (at most 7 values each: well under SQLite's limit of 32,766 variables). */
const ROWS_PER_STATEMENT = 1000;
const TERMS_PER_STATEMENT = 5000;

/**
 * A multi-row INSERT with `columns` placeholders per row, run as compiled SQL: building it through Kysely's `sql`
 * template (thousands of parameters per statement) cost more CPU than the insert into search_heads itself.
 */
async function insertRows(db: Db, head: string, rows: unknown[][], perStatement: number): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    await db.executeQuery(CompiledQuery.raw(`${head} VALUES ${Array.from(part, () => tuple).join(', ')}`, part.flat()));
  }
}

/**
 * Writes the index rows of these stories. Order matters for speed: FTS5 flushes its in-memory pending terms to a new
 * on-disk segment whenever a later statement of the same transaction opens a statement savepoint (any multi-row
 * INSERT does), so writing search_heads or search_terms between FTS5 inserts cut every 100 stories into a segment of
 * its own and each such flush was paid by the next plain insert. The plain tables are written first, then each FTS5
 * table with up to ROWS_PER_STATEMENT stories per statement. (Rows passed as one JSON parameter and read with
 * json_each were slower: every `value->>n` parses the row again.)
 */
async function insertFts(db: Db, texts: ArticleText[]): Promise<void> {
  if (texts.length) await writeBatch(db, indexBatch(texts));
}

/** search_fts rows (id and the four folded columns) of a prepared batch. */
function insertFtsRows(db: Db, rows: IndexBatch['rows']): Promise<void> {
  return insertRows(db, 'INSERT INTO search_fts(rowid, title_f, sapo_f, tags_f, body_f)', rows.map((r) => r.slice(0, 5)), ROWS_PER_STATEMENT);
}

async function writeBatch(db: Db, { rows, terms }: IndexBatch): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(db, 'INSERT INTO search_heads(article_id, title_f, sapo_f, tags_f, title_a, sapo_a, tags_a)', rows.map((r) => [r[0], r[1], r[2], r[3], r[5], r[6], r[7]]), ROWS_PER_STATEMENT);
  // Every folded key (vocabulary for prefix expansion): distinct keys of the batch.
  await insertRows(db, 'INSERT OR IGNORE INTO search_terms(term)', terms.map((k) => [k]), TERMS_PER_STATEMENT);
  await insertRows(db, 'INSERT INTO search_titles(rowid, title_f, tags_f)', rows.map((r) => [r[0], r[1], r[3]]), ROWS_PER_STATEMENT);
  await insertFtsRows(db, rows);
}

async function writeSqlite(db: Db, texts: ArticleText[], ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const some = sql.join(ids.slice(i, i + 500));
    await sql`DELETE FROM search_fts WHERE rowid IN (${some})`.execute(db);
    await sql`DELETE FROM search_titles WHERE rowid IN (${some})`.execute(db);
    await sql`DELETE FROM search_heads WHERE article_id IN (${some})`.execute(db);
  }
  await insertFts(db, texts);
  // Their phrase pairs are written after the commit (fillPhrasePairs); until then phrases take the plain path.
  await markPairsPending(db, ids);
}

// ---------- PostgreSQL ----------

const PG_MAX_POSITION = 16383;
const PG_MAX_POSITIONS_PER_LEXEME = 256;
/** Bytes a tsvector may take, kept well under PostgreSQL's 1 MB limit. */
const PG_VECTOR_BUDGET = 900_000;

/**
 * The two tsvector literals of a story on PostgreSQL.
 * - tsv: the folded lexeme of each syllable, weighted A title, B sapo, C tags, D body; a gap of one position between
 *   fields. No accent lexemes (ranking reads accents from search_heads, as on SQLite): they matched no query, and a
 *   code such as "A2" (folded `a2`) found every story with "á" (accent key `a2`) in its title (migration 008).
 * - pairs: every two adjacent folded keys within a field as one lexeme `a_b`, without positions (what phrase queries
 *   narrow by; src/search/query.ts pgPairs). Taken from the keys themselves, not from tsv positions, so they hold even
 *   where the tsvector drops positions.
 */
export function pgVectors(t: ArticleText, want: 'both' | 'tsv' | 'pairs' = 'both'): { tsv: string; pairs: string } {
  const withTsv = want !== 'pairs';
  const withPairs = want !== 'tsv';
  const positions = new Map<string, string[]>();
  const pairs = new Set<string>();
  let pos = 1;
  // PostgreSQL refuses a tsvector over 1 MB, and the publish failing with it: a story of tens of thousands of distinct
  // words (a results table) keeps its first words and pairs within the budget (about 6 bytes a lexeme and 2 a position).
  let tsvBytes = 0;
  let pairBytes = 0;
  const add = (lexeme: string, entry: string) => {
    let list = positions.get(lexeme);
    if (!list) {
      const cost = 6 + Buffer.byteLength(lexeme);
      if (tsvBytes + cost > PG_VECTOR_BUDGET) return;
      tsvBytes += cost;
      positions.set(lexeme, (list = []));
    }
    if (list.length < PG_MAX_POSITIONS_PER_LEXEME && list[list.length - 1] !== entry && tsvBytes + 2 <= PG_VECTOR_BUDGET) {
      list.push(entry);
      tsvBytes += 2;
    }
  };
  const addPair = (pair: string) => {
    if (pairs.has(pair)) return;
    const cost = 4 + Buffer.byteLength(pair);
    if (pairBytes + cost > PG_VECTOR_BUDGET) return;
    pairBytes += cost;
    pairs.add(pair);
  };
  const fields: Array<[string, string]> = [
    [t.title, 'A'],
    [t.sapo, 'B'],
    [t.tags, 'C'],
    [t.body, 'D'],
  ];
  for (const [text, weight] of fields) {
    const folded = foldText(text).split(' ').filter(Boolean);
    for (let i = 0; i < folded.length; i++) {
      if (withTsv) add(folded[i]!, `${Math.min(pos, PG_MAX_POSITION)}${weight}`);
      if (withPairs && i > 0) addPair(pgPairKey(folded[i - 1]!, folded[i]!));
      pos++;
    }
    pos++;
  }
  let tsv = '';
  for (const [lexeme, list] of positions) tsv += `${tsv ? ' ' : ''}${pgLexeme(lexeme)}${list.length ? `:${list.join(',')}` : ''}`;
  let pairText = '';
  for (const pair of pairs) pairText += `${pairText ? ' ' : ''}${pgLexeme(pair)}`;
  return { tsv, pairs: pairText };
}

/** search_heads rows: folded and accent keys of title, sapo and tags (what ranking reads, on both engines). */
function headRow(t: ArticleText): [number, string, string, string, string, string, string] {
  const [title, sapo, tags] = [t.title, t.sapo, t.tags].map(indexKeys) as [ReturnType<typeof indexKeys>, ReturnType<typeof indexKeys>, ReturnType<typeof indexKeys>];
  return [t.id, title.folded.join(' '), sapo.folded.join(' '), tags.folded.join(' '), title.accent.join(' '), sapo.accent.join(' '), tags.accent.join(' ')];
}

async function writePostgres(db: Db, texts: ArticleText[], ids: number[]): Promise<void> {
  const present = new Set(texts.map((t) => t.id));
  const gone = ids.filter((id) => !present.has(id));
  if (gone.length) await db.deleteFrom('search_documents').where('article_id', 'in', gone).execute();
  if (ids.length) await sql`DELETE FROM search_heads WHERE article_id IN (${sql.join(ids)})`.execute(db);
  if (texts.length === 0) return;
  await sql`INSERT INTO search_heads(article_id, title_f, sapo_f, tags_f, title_a, sapo_a, tags_a)
    VALUES ${sql.join(texts.map((t) => sql`(${sql.join(headRow(t))})`))}`.execute(db);
  const rows = texts.map((t) => {
    const v = pgVectors(t);
    return sql`(${t.id}, ${v.tsv}::tsvector, ${v.pairs}::tsvector)`;
  });
  await sql`INSERT INTO search_documents (article_id, tsv, pairs) VALUES ${sql.join(rows)}
    ON CONFLICT (article_id) DO UPDATE SET tsv = excluded.tsv, pairs = excluded.pairs`.execute(db);
}

// ---------- public ----------

/**
 * Brings the index entries of these articles in step with the articles table (whatever their status:
 * the reader side filters on status when it searches). A missing article loses its entry.
 * Pass the transaction the article was written in to make both atomic.
 */
export async function indexArticles(db: Db, ids: number[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const texts = await loadTexts(db, unique);
  if (engineOf(db) === 'sqlite') await writeSqlite(db, texts, unique);
  else await writePostgres(db, texts, unique);
  // Their text changed: their stored related lists are computed again when next needed (src/search/related.ts).
  await forgetRelated(db, unique);
}

export async function indexArticle(db: Db, id: number): Promise<void> {
  await indexArticles(db, [id]);
}

/** Below this many articles a bulk pass prepares its batches in-thread: a worker costs more to start than it saves. */
const WORKER_MIN_ARTICLES = 5_000;

export interface BulkOptions {
  /** Stories per batch (and per transaction, when not already in one). */
  batchSize?: number;
  /** Prepare batches in a worker thread: 'auto' (default) for a SQLite file with enough articles. */
  worker?: boolean | 'auto';
}

/** The SQLite file behind a connection, or null (in-memory database). */
async function sqliteFile(db: Db): Promise<string | null> {
  const r = await sql<{ file: string }>`SELECT file FROM pragma_database_list WHERE name = 'main'`.execute(db);
  return r.rows[0]?.file || null;
}

/**
 * Every article's index rows, in id order, batch by batch (SQLite bulk passes). With a worker, the next batch is read,
 * parsed and folded on the other core while the caller writes the current one: preparing is about a third of the
 * indexing CPU, and SQLite writes from one thread only.
 */
async function* preparedBatches(db: Db, opts: BulkOptions): AsyncGenerator<IndexBatch> {
  const limit = opts.batchSize ?? 1000;
  const file = opts.worker === false ? null : await sqliteFile(db);
  const count = file && opts.worker !== true ? Number((await sql<{ n: number }>`SELECT count(*) AS n FROM articles`.execute(db)).rows[0]?.n ?? 0) : 0;
  if (!file || (opts.worker !== true && count < WORKER_MIN_ARTICLES)) {
    for (let after = 0; ; ) {
      const ids = (await db.selectFrom('articles').select('id').where('id', '>', after).orderBy('id').limit(limit).execute()).map((r) => r.id);
      if (ids.length === 0) return;
      yield indexBatch(await loadTexts(db, ids));
      after = ids[ids.length - 1]!;
    }
  }
  const worker = new Worker(new URL('./index-worker.ts', import.meta.url), { workerData: { path: file } });
  const replies: Array<(b: IndexBatch & { last: number }) => void> = [];
  let failure: Error | null = null;
  const failed = new Promise<never>((_, reject) => {
    worker.on('error', (err) => reject((failure = err)));
    worker.on('exit', (code) => reject((failure ??= new Error(`tiến trình lập chỉ mục tìm kiếm đã dừng với mã ${code}`))));
  });
  failed.catch(() => undefined);
  worker.on('message', (m: IndexBatch & { last: number }) => replies.shift()?.(m));
  const request = (after: number) => {
    if (failure) throw failure;
    const reply = new Promise<IndexBatch & { last: number }>((resolve) => replies.push(resolve));
    worker.postMessage({ after, limit });
    return Promise.race([reply, failed]);
  };
  try {
    let next = request(0);
    for (;;) {
      const batch = await next;
      if (batch.rows.length === 0) return;
      // Ask for the following batch before handing this one over to be written.
      next = request(batch.last);
      yield batch;
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

/** Writes a batch in a transaction of its own unless the caller is already in one. */
async function inTransaction(db: Db, write: (trx: Db) => Promise<void>): Promise<void> {
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

/**
 * Fills an empty search_fts from the articles (a migration that recreates the table): the other index tables and the
 * stored related lists stay as they are. Returns the number of articles indexed.
 */
export async function refillSearchFts(db: Db, opts: BulkOptions = {}): Promise<number> {
  let total = 0;
  for await (const { rows } of preparedBatches(db, opts)) {
    await inTransaction(db, (trx) => insertFtsRows(trx, rows));
    total += rows.length;
  }
  return total;
}

/** Rebuilds the whole index in batches (the bulk path on SQLite, see preparedBatches); returns the number of articles indexed. */
export async function reindexAll(db: Db, engine: Engine = engineOf(db), opts: BulkOptions = {}): Promise<number> {
  if (engine === 'sqlite') {
    await sql`INSERT INTO search_fts(search_fts) VALUES ('delete-all')`.execute(db);
    await sql`INSERT INTO search_titles(search_titles) VALUES ('delete-all')`.execute(db);
    await sql`DELETE FROM search_heads`.execute(db);
    await resetPhrasePairs(db);
  } else {
    await sql`DELETE FROM search_documents`.execute(db);
    await sql`DELETE FROM search_heads`.execute(db);
  }
  await sql`DELETE FROM related_articles`.execute(db);
  await sql`DELETE FROM related_state`.execute(db);
  let total = 0;
  if (engine === 'sqlite') {
    for await (const batch of preparedBatches(db, opts)) {
      await inTransaction(db, (trx) => writeBatch(trx, batch));
      total += batch.rows.length;
    }
    return total;
  }
  // GIN indexes built once after the fill cost less than kept up story by story (455 against about 300 stories/s at 100k).
  const buildIndexes = async () => {
    await sql`CREATE INDEX IF NOT EXISTS search_documents_tsv ON search_documents USING gin (tsv)`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS search_documents_pairs ON search_documents USING gin (pairs)`.execute(db);
    await sql`ANALYZE search_documents`.execute(db);
  };
  await sql`DROP INDEX IF EXISTS search_documents_tsv`.execute(db);
  await sql`DROP INDEX IF EXISTS search_documents_pairs`.execute(db);
  try {
    for (let after = 0; ; ) {
      const ids = (await db.selectFrom('articles').select('id').where('id', '>', after).orderBy('id').limit(opts.batchSize ?? 500).execute()).map((r) => r.id);
      if (ids.length === 0) break;
      const texts = await loadTexts(db, ids);
      await writePostgres(db, texts, []);
      total += texts.length;
      after = ids[ids.length - 1]!;
    }
  } catch (err) {
    // Outside a transaction the indexes must come back even so; inside one the rollback restores them.
    await buildIndexes().catch(() => undefined);
    throw err;
  }
  await buildIndexes();
  return total;
}

/** PostgreSQL: fills search_documents.pairs for every indexed story from its text (migration 006), in batches. */
export async function refillPgPairs(db: Db, batchSize = 500): Promise<number> {
  return refillPgColumn(db, 'pairs', batchSize);
}

/** PostgreSQL: writes search_documents.tsv again for every indexed story from its text (migration 008), in batches. */
export async function refillPgTsv(db: Db, batchSize = 500): Promise<number> {
  return refillPgColumn(db, 'tsv', batchSize);
}

async function refillPgColumn(db: Db, column: 'pairs' | 'tsv', batchSize: number): Promise<number> {
  let total = 0;
  for (let after = 0; ; ) {
    const ids = (await sql<{ id: number }>`SELECT article_id AS id FROM search_documents WHERE article_id > ${after} ORDER BY article_id LIMIT ${batchSize}`.execute(db)).rows.map((r) => Number(r.id));
    if (ids.length === 0) break;
    const texts = await loadTexts(db, ids);
    if (texts.length) {
      const values = texts.map((t) => sql`(${t.id}::integer, ${pgVectors(t, column)[column]}::tsvector)`);
      await sql`UPDATE search_documents d SET ${sql.ref(column)} = v.vec FROM (VALUES ${sql.join(values)}) AS v(id, vec) WHERE d.article_id = v.id`.execute(db);
    }
    total += texts.length;
    after = ids[ids.length - 1]!;
  }
  return total;
}
