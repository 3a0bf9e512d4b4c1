import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import type { Database } from '../schema.ts';
import { backfillArticleMedia } from '../media.ts';

/**
 * article_media: which stories use which library image, and how (cover, figure, gallery), so the library can say where
 * a photo is used, and which photos no story uses, without reading every story body. A story's rows cover its live
 * content and its pending correction (which may be published); src/storage/media.ts syncArticleMedia keeps them in
 * step with every write of a cover or body. Filled here from every story already there.
 * Safe to run again: the table and index are made only when missing, and the fill skips rows already there.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS article_media (
    article_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    media_id integer NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('cover', 'figure', 'gallery', 'audio')),
    PRIMARY KEY (article_id, media_id, role)
  )`.execute(db);
  // Uses of one image (the library's question); with article_id so counting the stories reads the index alone.
  await sql`CREATE INDEX IF NOT EXISTS article_media_media ON article_media (media_id, article_id)`.execute(db);
  await backfillArticleMedia(db as unknown as Kysely<Database>);
}
