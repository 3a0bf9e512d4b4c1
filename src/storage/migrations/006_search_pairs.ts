import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import type { Database } from '../schema.ts';
import { refillPgPairs } from '../../search/indexer.ts';

/**
 * PostgreSQL: search_documents.pairs, every two adjacent folded keys of a story as one lexeme, with a GIN index, so a
 * phrase of common syllables ("festival sông hồng") is narrowed to the few stories holding its pairs before the
 * tsvector decides. Without it PostgreSQL rechecked the tsvector of every story holding all the syllables: 673 ms for
 * that phrase at 100k stories (docs/PERFORMANCE.md). Filled from the stories' text; the index is built afterwards.
 * SQLite: nothing to do (FTS5 answers phrases from its own position lists).
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS pairs tsvector NOT NULL DEFAULT ''`.execute(db);
  await refillPgPairs(db as unknown as Kysely<Database>);
  await sql`CREATE INDEX IF NOT EXISTS search_documents_pairs ON search_documents USING gin (pairs)`.execute(db);
  // Without statistics for the new column the planner misjudged common phrases (174 ms instead of 27 at 100k).
  await sql`ANALYZE search_documents`.execute(db);
}
