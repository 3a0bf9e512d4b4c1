import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
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
  /**
   * Default true. False for commands that work on an existing newsroom (user, token, import): a SQLite file that is
   * not there is refused instead of created (run from the wrong directory, the default path names a new, empty one).
   */
  create?: boolean;
}

/** A SQLite database that a command needs and that does not exist. */
export class MissingDatabaseError extends Error {}

/** Opens the database named by a URL: unset or `sqlite:PATH` for SQLite, `postgres://…` for PostgreSQL. */
export async function openStore(url: string | undefined, opts: OpenOptions = {}): Promise<Store> {
  const store = url && /^postgres(ql)?:\/\//.test(url) ? openPostgres(url, opts) : openSqlite(sqlitePath(url), opts.create ?? true);
  try {
    if (store.engine === 'postgres') await checkSchema(store, url!);
    if (opts.migrate !== false) await migrateToLatest(store.db as Kysely<unknown>, store.engine);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

export function sqlitePath(url: string | undefined): string {
  if (!url) return resolve(DEFAULT_SQLITE_PATH);
  if (url.startsWith('sqlite://')) return resolve(url.slice('sqlite://'.length));
  if (url.startsWith('sqlite:')) return resolve(url.slice('sqlite:'.length));
  if (url.includes('://')) throw new Error(`DATABASE_URL không hợp lệ: chỉ hỗ trợ sqlite:PATH hoặc postgres://… (nhận được "${redact(url)}")`);
  return resolve(url);
}

function openSqlite(path: string, create: boolean): Store {
  if (path !== ':memory:') {
    if (!create && !existsSync(path)) {
      throw new MissingDatabaseError(
        `Chưa có cơ sở dữ liệu ${path}. Hãy chạy lệnh trong thư mục của tòa soạn (nơi "toasoan serve" đã tạo data/toasoan.db), hoặc đặt DATABASE_URL=sqlite:ĐƯỜNG_DẪN tới tệp đang dùng; "toasoan migrate" tạo một cơ sở dữ liệu mới.`,
      );
    }
    // The file holds password hashes and sessions: what we create is for this user only. SQLite gives the -wal and
    // -shm files the mode of the database file; a file or directory that already exists keeps the mode it has.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
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

/**
 * PostgreSQL creates tables in the first schema of search_path that exists. One named there that does not exist would
 * fail the first migration with "no schema has been selected to create in", or put the tables in the next one
 * (public) unseen: either way the operator is told which schema to create.
 */
async function checkSchema(store: Store, url: string): Promise<void> {
  const row = (await sql<{ path: string; current: string | null }>`select current_setting('search_path') as path, current_schema() as current`.execute(store.db)).rows[0]!;
  const wanted = searchPathSchemas(row.path).find((s) => s !== '$user');
  const exists = wanted !== undefined && (await sql`select 1 from pg_namespace where nspname = ${wanted}`.execute(store.db)).rows.length > 0;
  if (wanted !== undefined && !exists) {
    throw new Error(`Schema PostgreSQL "${wanted}" (search_path trong DATABASE_URL) chưa có trong ${serverOf(url)}: hãy tạo trước, ví dụ psql "${serverOf(url)}" -c 'CREATE SCHEMA ${quoteIdent(wanted)};', hoặc bỏ search_path để dùng schema public.`);
  }
  if (row.current === null) throw new Error(`search_path "${row.path}" của PostgreSQL không chỉ tới schema nào có trong ${serverOf(url)}: hãy tạo schema bằng CREATE SCHEMA, hoặc đặt search_path trong DATABASE_URL.`);
}

/** The schemas of a search_path setting, in order (quoted names as written, unquoted ones lowercased as PostgreSQL does). */
export function searchPathSchemas(path: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path))) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
  return out;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The database URL without its query (options, password) and with any password hidden, for messages. */
function serverOf(url: string): string {
  try {
    const u = new URL(redact(url));
    u.search = '';
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return redact(url);
  }
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
