import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * A published story's page kept in parts (src/web/site/article-parts.ts, decision 29): its own HTML, compressed, with
 * slots for what many pages share (stylesheet, masthead, same-category block), so a page-cache miss joins bytes
 * instead of rendering.
 * - article_page_parts: one row per story: the template fingerprint and the story's updated_at it was made from, the
 *   parts (binary), the time it was made.
 * - article_page_part_keys: the other stories' cards (`s:`) and media (`m:`) a row shows, to drop it when they change.
 * - page_parts_state: a generation bumped by every drop; a row made before a drop is refused (no stale write-back).
 * Safe to run again: made only when missing.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const blob = engine === 'sqlite' ? sql`blob` : sql`bytea`;
  const tail = engine === 'sqlite' ? sql` WITHOUT ROWID` : sql``;
  await sql`CREATE TABLE IF NOT EXISTS article_page_parts (
    article_id integer PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    format text NOT NULL,
    updated_at text NOT NULL,
    parts ${blob} NOT NULL,
    created_at text NOT NULL
  )`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS article_page_part_keys (
    key text NOT NULL,
    article_id integer NOT NULL REFERENCES article_page_parts(article_id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
  )${tail}`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS article_page_part_keys_article ON article_page_part_keys (article_id)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS page_parts_state (
    id integer PRIMARY KEY CHECK (id = 1),
    generation integer NOT NULL
  )`.execute(db);
  await sql`INSERT INTO page_parts_state (id, generation) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`.execute(db);
}
