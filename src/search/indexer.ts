import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Engine } from '../storage/database.ts';
import { plainText, type Doc } from '../domain/document.ts';
import { foldText, indexKeys } from './vietnamese-text.ts';
import { pgLexeme } from './query.ts';
import { forgetRelated } from './related.ts';

type Db = Kysely<Database>;

/** Which engine a Kysely instance talks to (the search SQL differs; everything else does not). */
export function engineOf(db: { getExecutor(): { adapter: unknown } }): Engine {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

/** The searchable text of an article, field by field. */
export interface ArticleText {
  id: number;
  title: string;
  sapo: string;
  tags: string;
  body: string;
}

export function bodyText(bodyJson: string): string {
  try {
    return plainText(JSON.parse(bodyJson) as Doc);
  } catch {
    return '';
  }
}

export async function loadTexts(db: Db, ids: number[]): Promise<ArticleText[]> {
  if (ids.length === 0) return [];
  const [rows, tags] = await Promise.all([
    db.selectFrom('articles').select(['id', 'title', 'short_title', 'sapo', 'body']).where('id', 'in', ids).execute(),
    db.selectFrom('article_tags').innerJoin('tags', 'tags.id', 'article_tags.tag_id').select(['article_tags.article_id', 'tags.name']).where('article_tags.article_id', 'in', ids).orderBy('article_tags.position').execute(),
  ]);
  const tagsOf = new Map<number, string[]>();
  for (const t of tags) tagsOf.set(t.article_id, [...(tagsOf.get(t.article_id) ?? []), t.name]);
  return rows.map((r) => ({
    id: r.id,
    // The short title is how the story is often referred to; index it with the title when it differs.
    title: r.short_title && r.short_title !== r.title ? `${r.title}\n${r.short_title}` : r.title,
    sapo: r.sapo,
    tags: (tagsOf.get(r.id) ?? []).join('\n'),
    body: bodyText(r.body),
  }));
}

// ---------- SQLite ----------

/**
 * Column values of search_fts: folded keys of title, sapo, tags, body; accent keys of title, sapo, tags.
 * The body has no accent column: exact-accent ranking looks at the parts a reader sees in a result list,
 * and leaving it out halves the indexing work.
 */
export function fts5Row(t: ArticleText): string[] {
  const heads = [t.title, t.sapo, t.tags].map(indexKeys);
  return [...heads.map((f) => f.folded.join(' ')), foldText(t.body), ...heads.map((f) => f.accent.join(' '))];
}

/** Stories per INSERT (8 values each: well under SQLite's limit of 32,766 variables). */
const ROWS_PER_STATEMENT = 1000;
const TERMS_PER_STATEMENT = 5000;

/**
 * Writes the index rows of these stories. Order matters for speed: FTS5 flushes its in-memory pending terms to a new
 * on-disk segment whenever a later statement of the same transaction opens a statement savepoint (any multi-row
 * INSERT does), so writing search_heads or search_terms between FTS5 inserts cut every 100 stories into a segment of
 * its own and each such flush was paid by the next plain insert. The plain tables are written first, then each FTS5
 * table with up to ROWS_PER_STATEMENT stories per statement. (Rows passed as one JSON parameter and read with
 * json_each were slower: every `value->>n` parses the row again.)
 */
async function insertFts(db: Db, texts: ArticleText[]): Promise<void> {
  if (texts.length === 0) return;
  const rows = texts.map((t) => [t.id, ...fts5Row(t)] as [number, ...string[]]);
  const values = (cols: number[]) => (part: Array<[number, ...string[]]>) => sql.join(part.map((r) => sql`(${sql.join(cols.map((c) => r[c]))})`));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await sql`INSERT INTO search_heads(article_id, title_f, sapo_f, tags_f, title_a, sapo_a, tags_a) VALUES ${values([0, 1, 2, 3, 5, 6, 7])(rows.slice(i, i + ROWS_PER_STATEMENT))}`.execute(db);
  // Every folded key (vocabulary for prefix expansion): distinct keys of the batch.
  const terms = new Set<string>();
  for (const [, tf, sf, kf, bf] of rows) for (const field of [tf, sf, kf, bf]) for (const k of field!.split(' ')) if (k) terms.add(k);
  const list = [...terms];
  for (let i = 0; i < list.length; i += TERMS_PER_STATEMENT) await sql`INSERT OR IGNORE INTO search_terms(term) VALUES ${sql.join(list.slice(i, i + TERMS_PER_STATEMENT).map((k) => sql`(${k})`))}`.execute(db);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await sql`INSERT INTO search_titles(rowid, title_f, tags_f) VALUES ${values([0, 1, 3])(rows.slice(i, i + ROWS_PER_STATEMENT))}`.execute(db);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await sql`INSERT INTO search_fts(rowid, title_f, sapo_f, tags_f, body_f, title_a, sapo_a, tags_a) VALUES ${values([0, 1, 2, 3, 4, 5, 6, 7])(rows.slice(i, i + ROWS_PER_STATEMENT))}`.execute(db);
}

async function writeSqlite(db: Db, texts: ArticleText[], ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const some = sql.join(ids.slice(i, i + 500));
    await sql`DELETE FROM search_fts WHERE rowid IN (${some})`.execute(db);
    await sql`DELETE FROM search_titles WHERE rowid IN (${some})`.execute(db);
    await sql`DELETE FROM search_heads WHERE article_id IN (${some})`.execute(db);
  }
  await insertFts(db, texts);
}

// ---------- PostgreSQL ----------

const PG_MAX_POSITION = 16383;
const PG_MAX_POSITIONS_PER_LEXEME = 256;

/**
 * tsvector literal: folded and accent lexemes of each syllable at the same position (so phrases work on
 * both; the body has folded lexemes only), weighted A title, B sapo, C tags, D body; a gap of one position between fields.
 */
export function pgTsvector(t: ArticleText): string {
  const positions = new Map<string, string[]>();
  let pos = 1;
  const add = (lexeme: string, entry: string) => {
    let list = positions.get(lexeme);
    if (!list) positions.set(lexeme, (list = []));
    if (list.length < PG_MAX_POSITIONS_PER_LEXEME && list[list.length - 1] !== entry) list.push(entry);
  };
  const fields: Array<[string, string]> = [
    [t.title, 'A'],
    [t.sapo, 'B'],
    [t.tags, 'C'],
    [t.body, 'D'],
  ];
  for (const [text, weight] of fields) {
    // As on SQLite, the body carries folded lexemes only.
    const keys = weight === 'D' ? { folded: foldText(text).split(' ').filter(Boolean), accent: [] as string[] } : indexKeys(text);
    for (let i = 0; i < keys.folded.length; i++) {
      const entry = `${Math.min(pos, PG_MAX_POSITION)}${weight}`;
      add(keys.folded[i]!, entry);
      const accent = keys.accent[i];
      if (accent !== undefined && accent !== keys.folded[i]) add(accent, entry);
      pos++;
    }
    pos++;
  }
  let out = '';
  for (const [lexeme, list] of positions) out += `${out ? ' ' : ''}${pgLexeme(lexeme)}:${list.join(',')}`;
  return out;
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
  await db
    .insertInto('search_documents')
    .values(texts.map((t) => ({ article_id: t.id, tsv: sql<string>`${pgTsvector(t)}::tsvector` as unknown as string })))
    .onConflict((oc) => oc.column('article_id').doUpdateSet({ tsv: (eb) => eb.ref('excluded.tsv') }))
    .execute();
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

/** Rebuilds the whole index in batches; returns the number of articles indexed. */
export async function reindexAll(db: Db, engine: Engine = engineOf(db), batchSize = 500): Promise<number> {
  if (engine === 'sqlite') {
    await sql`DELETE FROM search_fts`.execute(db);
    await sql`DELETE FROM search_titles`.execute(db);
    await sql`DELETE FROM search_heads`.execute(db);
  } else {
    await sql`DELETE FROM search_documents`.execute(db);
    await sql`DELETE FROM search_heads`.execute(db);
  }
  await sql`DELETE FROM related_articles`.execute(db);
  await sql`DELETE FROM related_state`.execute(db);
  let after = 0;
  let total = 0;
  for (;;) {
    const ids = (await db.selectFrom('articles').select('id').where('id', '>', after).orderBy('id').limit(batchSize).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    const texts = await loadTexts(db, ids);
    if (engine === 'sqlite') {
      await insertFts(db, texts);
    } else await writePostgres(db, texts, []);
    total += texts.length;
    after = ids[ids.length - 1]!;
  }
  return total;
}
