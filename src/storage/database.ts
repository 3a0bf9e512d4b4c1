import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDatabase } from './sqlite-adapter.ts';
import { migrateToLatest } from './migrate.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** Where it lives, with any password removed, for log lines. */
  description: string;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = 'data/toasoan.db';

export interface OpenOptions {
  /** PostgreSQL schema to use (tests isolate each run in its own). */
  pgSchema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  migrate?: boolean;
}

/** Opens the database named by a URL: unset or `sqlite:PATH` for SQLite, `postgres://…` for PostgreSQL. */
export async function openStore(url: string | undefined, opts: OpenOptions = {}): Promise<Store> {
  const store = url && /^postgres(ql)?:\/\//.test(url) ? openPostgres(url, opts) : openSqlite(sqlitePath(url));
  if (opts.migrate !== false) await migrateToLatest(store.db as Kysely<unknown>, store.engine);
  return store;
}

export function sqlitePath(url: string | undefined): string {
  if (!url) return resolve(DEFAULT_SQLITE_PATH);
  if (url.startsWith('sqlite://')) return resolve(url.slice('sqlite://'.length));
  if (url.startsWith('sqlite:')) return resolve(url.slice('sqlite:'.length));
  if (url.includes('://')) throw new Error(`DATABASE_URL không hợp lệ: chỉ hỗ trợ sqlite:PATH hoặc postgres://… (nhận được "${redact(url)}")`);
  return resolve(url);
}

function openSqlite(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = nodeSqliteDatabase(path);
  database.raw.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, engine: 'sqlite', description: `sqlite:${path}`, close: () => db.destroy() };
}

function openPostgres(url: string, opts: OpenOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
  });
  // An idle connection that PostgreSQL closes (a restart, failover, idle timeout) emits 'error' on the pool: without a
  // listener that killed the process, and its page cache with it. The pool opens new connections by itself.
  let lastLogged = 0;
  pool.on('error', (err) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    console.error(`PostgreSQL: mất một kết nối (${err.message}); sẽ kết nối lại khi cần.`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', description: redact(url) + (opts.pgSchema ? ` (schema ${opts.pgSchema})` : ''), close: () => db.destroy() };
}

/** The URL with any password (`user:password@`, `?password=`) replaced by ***, for logs and messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/^pass(word)?$/i.test(k)) u.searchParams.set(k, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/\/\/[^/]*@/, '//***@');
  }
}

/** True when the engine answers a trivial query. */
export async function ping(store: Store): Promise<boolean> {
  await sql`select 1`.execute(store.db);
  return true;
}

/**
 * Brings the query planner's statistics up to date after a bulk load. PostgreSQL otherwise plans with what it knew
 * before the load until autovacuum gets there (measured: a common search word 1.7 s before ANALYZE, 6.5 ms after,
 * docs/PERFORMANCE.md); SQLite's `PRAGMA optimize` analyzes the tables whose statistics are stale.
 */
export async function refreshPlannerStatistics(store: Store): Promise<void> {
  if (store.engine === 'postgres') await sql`ANALYZE`.execute(store.db);
  else await sql`PRAGMA optimize`.execute(store.db);
}
