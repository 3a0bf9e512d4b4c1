import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Kysely's SqliteDialect speaks better-sqlite3's interface; node:sqlite needs this small bridge. */
export function nodeSqliteDatabase(path: string): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(path);
  return {
    raw,
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = raw.prepare(sql);
      return {
        reader: stmt.columns().length > 0,
        all: (params: ReadonlyArray<unknown>) => stmt.all(...(params as never[])),
        run: (params: ReadonlyArray<unknown>) => {
          const r = stmt.run(...(params as never[]));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (params: ReadonlyArray<unknown>) => stmt.iterate(...(params as never[])),
      };
    },
  };
}
