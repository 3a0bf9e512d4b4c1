import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * api_tokens.expires_at: an API token may be given a lifetime (ISO 8601, UTC). NULL keeps the old meaning, a token
 * valid until revoked, so the tokens already handed out keep working. Safe to run again: added only when missing.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine === 'postgres') await sql`ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS expires_at text`.execute(db);
  else {
    const cols = await sql<{ name: string }>`SELECT name FROM pragma_table_info('api_tokens')`.execute(db);
    if (!cols.rows.some((c) => c.name === 'expires_at')) await sql`ALTER TABLE api_tokens ADD COLUMN expires_at text`.execute(db);
  }
}
