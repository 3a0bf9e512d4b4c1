import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * article_views: how many times each story's page was read, per day of the site's local calendar (`day` is
 * YYYY-MM-DD at the settings' UTC offset, Vietnam by default). Each serving process counts in memory and adds its
 * counts here about once a minute (src/cache/views.ts); the "Đọc nhiều" block ranks stories by the sum over the last
 * days. No visitor is recorded, only counts. The primary key serves the adding upsert and the cascade when a story is
 * deleted for good; the (day, article_id, views) index answers "most read since day X" from the index alone.
 * Safe to run again: made only when missing.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  // Without a rowid on SQLite: the rows are small and only ever looked up by their primary key or the day index.
  const tail = engine === 'sqlite' ? sql` WITHOUT ROWID` : sql``;
  await sql`CREATE TABLE IF NOT EXISTS article_views (
    article_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    day text NOT NULL,
    views integer NOT NULL CHECK (views >= 0),
    PRIMARY KEY (article_id, day)
  )${tail}`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS article_views_day ON article_views (day, article_id, views)`.execute(db);
}
