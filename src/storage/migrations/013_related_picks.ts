import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * article_related_picks: the "Tin liên quan" an editor hand-picks for a story, in the editor's order. They lead the
 * "Có thể bạn quan tâm" block, before the computed list (related_articles). Part of the story's content like its tags:
 * src/storage/newsroom-articles.ts writeSnapshot keeps them in step with the live or working copy, and revisions keep
 * them as `relatedIds`. A story deleted for good leaves every list that picked it (cascade). The index on related_id
 * serves that cascade and the question "which stories pick this one". Safe to run again: made only when missing.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS article_related_picks (
    article_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position integer NOT NULL,
    related_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, position)
  )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS article_related_picks_related ON article_related_picks (related_id)`.execute(db);
}
