import type { Kysely } from 'kysely';

/**
 * Login rate limits read the audit log's `login` and `login_failed` entries (src/storage/newsroom-audit.ts), so every
 * app process and machine shares one count. These indexes answer "this account's / this address's recent attempts".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_login_account').ifNotExists().on('audit_log').columns(['action', 'user_email', 'at']).execute();
  await db.schema.createIndex('audit_log_login_address').ifNotExists().on('audit_log').columns(['action', 'ip', 'at']).execute();
}
