import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * Login attempts in flight and failed, counted by the login rate limit (src/storage/newsroom-audit.ts
 * claimLoginAttempt). An attempt is written before its password is checked, so parallel attempts see each other:
 * counting the audit log's `login_failed` entries, written after the slow check, let a burst of 60 parallel guesses
 * through a limit of 5. Rows of a successful login are removed; rows older than the window are swept.
 */
export async function up(db: Kysely<unknown>, { id }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('login_claims')
    .ifNotExists()
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_claims_email').ifNotExists().on('login_claims').columns(['email', 'at']).execute();
  await db.schema.createIndex('login_claims_ip').ifNotExists().on('login_claims').columns(['ip', 'at']).execute();
  await db.schema.createIndex('login_claims_at').ifNotExists().on('login_claims').column('at').execute();
}
