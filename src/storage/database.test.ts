import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { openTestPostgres, postgresAvailable, TEST_PG_URL } from './testing.ts';
import { redact } from './database.ts';
import { configFromEnv } from '../config.ts';

describe('redact', () => {
  it('hides a password in the user part and in the query string', () => {
    expect(redact('postgres://toasoan:bi-mat@db.example.vn:5432/bao')).toBe('postgres://toasoan:***@db.example.vn:5432/bao');
    expect(redact('postgres://toasoan@db.example.vn/bao?password=bi-mat&sslmode=require')).toBe('postgres://toasoan@db.example.vn/bao?password=***&sslmode=require');
    expect(redact('postgres://u:p@ss@host/db')).not.toContain('p@ss');
  });
});

describe('configFromEnv', () => {
  it('takes an empty HOST or PORT as unset: 127.0.0.1:3000, not every interface or a random port', () => {
    const c = configFromEnv({ HOST: '', PORT: '' });
    expect([c.host, c.port]).toEqual(['127.0.0.1', 3000]);
  });
});

describe.runIf(await postgresAvailable())('PostgreSQL connections', () => {
  it('a connection PostgreSQL closes (restart, failover) does not end the process; the next query reconnects', async () => {
    const store = await openTestPostgres();
    try {
      const pid = Number((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db)).rows[0]!.pid);
      // That connection is now idle in the pool; PostgreSQL ends it, as a restart would.
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      expect((await admin.query('select pg_terminate_backend($1) as ok', [pid])).rows[0].ok).toBe(true);
      await admin.end();
      await new Promise((r) => setTimeout(r, 200));
      const r = await sql<{ n: number }>`select 2 as n`.execute(store.db);
      expect(Number(r.rows[0]!.n)).toBe(2);
    } finally {
      await store.dispose();
    }
  });
});
