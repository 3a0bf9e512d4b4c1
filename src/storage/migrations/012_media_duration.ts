import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * media.duration_ms: how long an audio file plays, read from its headers at upload (src/media/audio.ts). NULL for
 * images, and for audio whose headers do not tell it. Safe to run again: added only when missing.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine === 'postgres') await sql`ALTER TABLE media ADD COLUMN IF NOT EXISTS duration_ms integer`.execute(db);
  else {
    const cols = await sql<{ name: string }>`SELECT name FROM pragma_table_info('media')`.execute(db);
    if (!cols.rows.some((c) => c.name === 'duration_ms')) await sql`ALTER TABLE media ADD COLUMN duration_ms integer`.execute(db);
  }
}
