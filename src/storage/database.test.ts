import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openTestPostgres, postgresAvailable, TEST_PG_URL } from './testing.ts';
import { MissingDatabaseError, openStore, redact, searchPathSchemas } from './database.ts';
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

describe('SQLite database files', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('a database we create, its directory and its -wal/-shm files are for the owner only', async () => {
    const root = mkdtempSync(join(tmpdir(), 'toasoan-modes-'));
    try {
      const path = join(root, 'moi', 'toasoan.db');
      const store = await openStore(`sqlite:${path}`);
      try {
        await sql`select count(*) from users`.execute(store.db);
        expect(mode(join(root, 'moi'))).toBe(0o700);
        expect(mode(path)).toBe(0o600);
        for (const side of ['-wal', '-shm']) {
          expect(existsSync(path + side), side).toBe(true);
          expect(mode(path + side), side).toBe(0o600);
        }
      } finally {
        await store.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a file and directory the operator set up keep their modes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'toasoan-modes-'));
    try {
      const dir = join(root, 'chung');
      mkdirSync(dir);
      chmodSync(dir, 0o750);
      const path = join(dir, 'toasoan.db');
      await (await openStore(`sqlite:${path}`)).close();
      chmodSync(path, 0o640);
      const store = await openStore(`sqlite:${path}`);
      await store.close();
      expect(mode(dir)).toBe(0o750);
      expect(mode(path)).toBe(0o640);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('with create: false a missing file is refused, naming its path, and nothing is created', async () => {
    const root = mkdtempSync(join(tmpdir(), 'toasoan-missing-'));
    try {
      const path = join(root, 'data', 'toasoan.db');
      const opened = openStore(`sqlite:${path}`, { create: false });
      await expect(opened).rejects.toBeInstanceOf(MissingDatabaseError);
      await expect(opened).rejects.toThrow(`Chưa có cơ sở dữ liệu ${path}.`);
      expect(existsSync(join(root, 'data'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('searchPathSchemas', () => {
  it('reads quoted and unquoted names in order', () => {
    expect(searchPathSchemas('"$user", public')).toEqual(['$user', 'public']);
    expect(searchPathSchemas('Bao_Moi,public')).toEqual(['bao_moi', 'public']);
    expect(searchPathSchemas('"Báo ""Mới""" , x')).toEqual(['Báo "Mới"', 'x']);
    expect(searchPathSchemas('')).toEqual([]);
  });
});

describe.runIf(await postgresAvailable())('PostgreSQL with a schema that does not exist', () => {
  const missing = `khong_co_${Date.now().toString(36)}`;
  const withPath = (path: string) => `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${path}`)}`;

  const publicTables = async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    try {
      return (await c.query<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'public' order by 1")).rows.map((r) => r.t);
    } finally {
      await c.end();
    }
  };

  it('is one Vietnamese line naming the schema and how to create it, before any table is made', async () => {
    const before = await publicTables();
    for (const url of [withPath(missing), withPath(`${missing},public`)]) {
      const err = await openStore(url).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message, url).toMatch(new RegExp(`^Schema PostgreSQL "${missing}" .*CREATE SCHEMA ${missing};`));
      expect(err?.message, url).not.toContain('\n');
      // The hint names the server, not the options that chose the schema.
      expect(err?.message, url).not.toContain('search_path%3D');
    }
    await expect(openStore(TEST_PG_URL, { pgSchema: missing })).rejects.toThrow(`Schema PostgreSQL "${missing}"`);
    // With `missing,public` PostgreSQL would have created the tables in public.
    expect(await publicTables()).toEqual(before);
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      expect((await admin.query('select 1 from pg_namespace where nspname = $1', [missing])).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
