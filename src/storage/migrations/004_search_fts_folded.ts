import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import type { Database } from '../schema.ts';
import { refillSearchFts } from '../../search/indexer.ts';

/**
 * SQLite: search_fts again, with the folded columns only and fewer merges while indexing (docs/DECISIONS.md).
 * - The accent columns (title_a, sapo_a, tags_a) are gone: no query matched them (ranking reads the accent keys from
 *   search_heads), and they were about a quarter of the cost of filling the table.
 * - automerge 16 (default 4): FTS5 merges segments once 16 of a size have piled up instead of 4, which cut the CPU of
 *   filling the table by about a third at 200k stories with no measurable change in query time.
 * The table is filled again from the articles; search_heads, search_terms, search_titles and related lists stay.
 * PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine !== 'sqlite') return;
  await sql`DROP TABLE IF EXISTS search_vocab`.execute(db);
  await sql`DROP TABLE IF EXISTS search_fts`.execute(db);
  await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
    title_f, sapo_f, tags_f, body_f, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
  )`.execute(db);
  // Title and tags weigh most, then sapo, then body (bm25 is used by related stories).
  await sql`INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 6.0, 1.0)')`.execute(db);
  await sql`INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 16)`.execute(db);
  await sql`CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab(search_fts, 'row')`.execute(db);
  await refillSearchFts(db as unknown as Kysely<Database>);
}
