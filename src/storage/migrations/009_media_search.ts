import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import type { Database } from '../schema.ts';
import { refillMediaSearch } from '../media.ts';

/**
 * media.search_f: caption, alt text and file name folded (src/storage/media.ts), so the library search finds "Lào Cai"
 * from "lao cai" and "Đoàn" from "doan", as the story list does on search_heads. LIKE on the raw caption folded ASCII
 * letters only. Filled here for the rows already there, and by every insert and caption change afterwards.
 * Safe to run again: the column is added only when missing, and only rows without search text are filled.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine === 'postgres') await sql`ALTER TABLE media ADD COLUMN IF NOT EXISTS search_f text NOT NULL DEFAULT ''`.execute(db);
  else {
    const cols = await sql<{ name: string }>`SELECT name FROM pragma_table_info('media')`.execute(db);
    if (!cols.rows.some((c) => c.name === 'search_f')) await sql`ALTER TABLE media ADD COLUMN search_f text NOT NULL DEFAULT ''`.execute(db);
  }
  await refillMediaSearch(db as unknown as Kysely<Database>);
}
