import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * SQLite: phrase pairs (src/search/phrase-pairs.ts, decision 28).
 * - search_pairs: contentless FTS5, one column of pair tokens (`song_hong`, `_` between runs), rowid = article id.
 * - search_pair_state: the one current generation: its random token, the frequent syllables, the archive size then.
 * - search_pairs_pending: stories whose pairs are to be written; while any is, phrase queries take the plain path.
 * Nothing is filled here: `serve` starts pairs in the background once the archive has 20,000 stories.
 * PostgreSQL: nothing to do (search_documents.pairs, migration 006, is written with the story).
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine !== 'sqlite') return;
  await sql`CREATE VIRTUAL TABLE IF NOT EXISTS search_pairs USING fts5(
    p, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0 tokenchars ''_'''
  )`.execute(db);
  await sql`INSERT INTO search_pairs(search_pairs, rank) VALUES ('automerge', 16)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS search_pair_state (
    id integer PRIMARY KEY CHECK (id = 1),
    token integer NOT NULL,
    syllables text NOT NULL,
    stories integer NOT NULL,
    created_at text NOT NULL
  )`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS search_pairs_pending (article_id integer PRIMARY KEY)`.execute(db);
}
