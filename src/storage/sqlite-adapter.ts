import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept per connection, by SQL text. */
const STATEMENT_CACHE = 256;

interface CachedStatement {
  statement: SqliteStatement;
  /** Used since the evictor last passed it: it gets a second chance (CLOCK), so a hit writes one flag, no reordering. */
  used: boolean;
}

/** Kysely's SqliteDialect speaks better-sqlite3's interface; node:sqlite needs this small bridge. */
export function nodeSqliteDatabase(path: string): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(path);
  // Preparing costs about as much as running a page's small indexed queries, so each SQL text is prepared once, and
  // its bridge object made once with it: Kysely asks for it on every query.
  const cache = new Map<string, CachedStatement>();
  const make = (sql: string): SqliteStatement => {
    const stmt = raw.prepare(sql);
    return {
      reader: stmt.columns().length > 0,
      // all() and run() finish before returning, so a shared statement is never in use twice at once.
      all: (params: ReadonlyArray<unknown>) => stmt.all(...(params as never[])),
      run: (params: ReadonlyArray<unknown>) => {
        const r = stmt.run(...(params as never[]));
        return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
      },
      // An iteration stays open across awaits: it gets a statement of its own.
      iterate: (params: ReadonlyArray<unknown>) => raw.prepare(sql).iterate(...(params as never[])),
    };
  };
  const evictOne = () => {
    for (const [sql, entry] of cache) {
      cache.delete(sql);
      if (!entry.used) return;
      entry.used = false;
      cache.set(sql, entry);
    }
  };
  return {
    raw,
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sql: string): SqliteStatement {
      const entry = cache.get(sql);
      if (entry) {
        entry.used = true;
        return entry.statement;
      }
      if (cache.size >= STATEMENT_CACHE) evictOne();
      const statement = make(sql);
      cache.set(sql, { statement, used: false });
      return statement;
    },
  };
}
