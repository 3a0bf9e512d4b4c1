import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Engine } from './database.ts';
import * as m001 from './migrations/001_content.ts';
import * as m002 from './migrations/002_newsroom.ts';
import * as m003 from './migrations/003_search.ts';
import * as m004 from './migrations/004_search_fts_folded.ts';
import * as m005 from './migrations/005_login_attempts.ts';
import * as m006 from './migrations/006_search_pairs.ts';
import * as m007 from './migrations/007_login_claims.ts';
import * as m008 from './migrations/008_pg_folded_tsv.ts';
import * as m009 from './migrations/009_media_search.ts';
import * as m010 from './migrations/010_token_expiry.ts';
import * as m011 from './migrations/011_article_media.ts';
import * as m012 from './migrations/012_media_duration.ts';
import * as m013 from './migrations/013_related_picks.ts';
import * as m014 from './migrations/014_article_views.ts';
import * as m015 from './migrations/015_search_pairs.ts';
import * as m016 from './migrations/016_article_page_parts.ts';

export interface MigrationContext {
  engine: Engine;
  /** Column type of an auto-increment integer primary key on this engine. */
  id: 'integer' | 'serial';
}

interface MigrationModule {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/** Every migration, in order. Names never change once released. */
const MIGRATIONS: Array<[string, MigrationModule]> = [
  ['001_content', m001],
  ['002_newsroom', m002],
  ['003_search', m003],
  ['004_search_fts_folded', m004],
  ['005_login_attempts', m005],
  ['006_search_pairs', m006],
  ['007_login_claims', m007],
  ['008_pg_folded_tsv', m008],
  ['009_media_search', m009],
  ['010_token_expiry', m010],
  ['011_article_media', m011],
  ['012_media_duration', m012],
  ['013_related_picks', m013],
  ['014_article_views', m014],
  ['015_search_pairs', m015],
  ['016_article_page_parts', m016],
];

export function registerMigration(name: string, mod: MigrationModule): void {
  if (MIGRATIONS.some(([n]) => n === name)) return;
  MIGRATIONS.push([name, mod]);
  MIGRATIONS.sort(([a], [b]) => a.localeCompare(b));
}

export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const ctx: MigrationContext = { engine, id: engine === 'postgres' ? 'serial' : 'integer' };
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of MIGRATIONS) out[name] = { up: (tx) => mod.up(tx, ctx) };
      return out;
    },
  };
  // Kysely looks for its own tables in every schema unless told which: with several schemas in one
  // PostgreSQL database (parallel tests) it could find another schema's table and skip creating its own.
  const migrationTableSchema = engine === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock', ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  if (engine === 'sqlite') await sql`PRAGMA optimize`.execute(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
