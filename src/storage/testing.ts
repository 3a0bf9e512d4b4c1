import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Engine, type Store } from './database.ts';

/** Test support: real databases, one fresh database (SQLite file or PostgreSQL schema) per call. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** The URL and schema another process would need to open the same database. */
  url: string;
  pgSchema?: string;
  dispose(): Promise<void>;
}

export interface EngineFixture {
  engine: Engine;
  open(): Promise<TestStore>;
}

let pgAvailable: Promise<boolean> | undefined;

export async function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI but ${TEST_PG_URL} is unreachable: ${String(err)}`, { cause: err });
      console.log(`[skip] PostgreSQL suites skipped: ${TEST_PG_URL} is unreachable (${(err as Error).message})`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

export async function openTestSqlite(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'toasoan-test-'));
  const url = `sqlite:${join(dir, 'test.db')}`;
  const store = await openStore(url);
  return {
    ...store,
    url,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openTestPostgres(): Promise<TestStore> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = await openStore(TEST_PG_URL, { pgSchema: schema, poolSize: 5 });
  return {
    ...store,
    url: TEST_PG_URL,
    pgSchema: schema,
    async dispose() {
      await store.close();
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** The engines a storage suite must pass on: SQLite always, PostgreSQL when reachable (always in CI). */
export async function testEngines(): Promise<EngineFixture[]> {
  const list: EngineFixture[] = [{ engine: 'sqlite', open: openTestSqlite }];
  if (await postgresAvailable()) list.push({ engine: 'postgres', open: openTestPostgres });
  return list;
}
