import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept per connection, by SQL text (least recently used out first). */
const STATEMENT_CACHE = 256;

/** Kysely's SqliteDialect speaks better-sqlite3's interface; node:sqlite needs this small bridge. */
export function nodeSqliteDatabase(path: string): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(path);
  // Preparing costs about as much as running a page's small indexed queries, so each SQL text is prepared once.
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const cached = (sql: string) => {
    let entry = cache.get(sql);
    if (entry) {
      cache.delete(sql);
    } else {
      const stmt = raw.prepare(sql);
      entry = { stmt, reader: stmt.columns().length > 0 };
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, entry);
    return entry;
  };
  return {
    raw,
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sql: string): SqliteStatement {
      const { stmt, reader } = cached(sql);
      return {
        reader,
        // all() and run() finish before returning, so a shared statement is never in use twice at once.
        all: (params: ReadonlyArray<unknown>) => stmt.all(...(params as never[])),
        run: (params: ReadonlyArray<unknown>) => {
          const r = stmt.run(...(params as never[]));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        // An iteration stays open across awaits: it gets a statement of its own.
        iterate: (params: ReadonlyArray<unknown>) => raw.prepare(sql).iterate(...(params as never[])),
      };
    },
  };
}
