import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import type { Database } from '../schema.ts';
import { reindexAll } from '../../search/indexer.ts';

/**
 * Full-text search over articles (see src/search/). Both engines index syllable keys produced by
 * src/search/vietnamese-text.ts, never raw text, so matching is the same on both.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine === 'sqlite') {
    // Contentless (the articles table holds the text) with delete support, so updates are delete + insert.
    // Columns: folded keys (*_f) for matching, accent keys (*_a, not for the body) for ranking exact-accent hits first.
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
      title_f, sapo_f, tags_f, body_f, title_a, sapo_a, tags_a,
      content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
    )`.execute(db);
    // Title and tags weigh most, then sapo, then body; same weights for the accent columns.
    await sql`INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 6.0, 1.0, 10.0, 4.0, 6.0)')`.execute(db);
    // Search-as-you-type over headlines and tags only: small rows, with prefix indexes for 2- and 3-letter prefixes
    // (a prefix query on the full index would merge the postings of every word starting with those letters).
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS search_titles USING fts5(
      title_f, tags_f, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )`.execute(db);
    // Every folded key ever indexed: prefixes in full search expand to these words (src/search/search.ts).
    await sql`CREATE TABLE IF NOT EXISTS search_terms (term text PRIMARY KEY) WITHOUT ROWID`.execute(db);
    // Document frequency of each key, so related stories can skip terms found nearly everywhere.
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab(search_fts, 'row')`.execute(db);
  } else {
    // One tsvector per article holding folded and accent lexemes at the same positions, weighted
    // A title, B sapo, C tags, D body. Built in src/search/indexer.ts (the 'simple' behaviour: no stemming,
    // no stop words) so PostgreSQL's word parser never splits differently from SQLite.
    // pairs: migration 006 adds it (and its index) to databases made before it; here so that the reindex below,
    // written by today's indexer, can run on a database that already holds stories.
    await sql`CREATE TABLE IF NOT EXISTS search_documents (
      article_id integer PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
      tsv tsvector NOT NULL,
      pairs tsvector NOT NULL DEFAULT ''
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS search_documents_tsv ON search_documents USING gin (tsv)`.execute(db);
  }
  // What ranking reads for the newest matches of a query (src/search/search.ts), on both engines: the keys of the
  // fields a reader sees in a result list, one short row per story.
  await sql`CREATE TABLE IF NOT EXISTS search_heads (
    article_id integer PRIMARY KEY,
    title_f text NOT NULL, sapo_f text NOT NULL, tags_f text NOT NULL,
    title_a text NOT NULL, sapo_a text NOT NULL, tags_a text NOT NULL
  )`.execute(db);
  // "Có thể bạn quan tâm", computed when a story is indexed or first shown (src/search/related.ts) and stored, so an
  // article page reads its related stories with one indexed query. related_state says a story's list was computed
  // (possibly empty); indexing a story deletes both, so its list is computed again from its new text.
  const real = engine === 'sqlite' ? sql`real` : sql`double precision`;
  await sql`CREATE TABLE IF NOT EXISTS related_articles (
    article_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position integer NOT NULL,
    related_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    score ${real} NOT NULL,
    PRIMARY KEY (article_id, position)
  )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS related_articles_related ON related_articles (related_id)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS related_state (
    article_id integer PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    computed_at text NOT NULL
  )`.execute(db);
  // Search joins every match to its article for status and filters: this covering index answers that join
  // without reading article rows (whose long body would otherwise be read to reach the columns after it).
  await sql`CREATE INDEX IF NOT EXISTS articles_search_filter ON articles (id, status, category_id, type, published_at)`.execute(db);
  // Stories that already exist get indexed now.
  await reindexAll(db as unknown as Kysely<Database>, engine);
}
