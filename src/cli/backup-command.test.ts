import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import pg from 'pg';
import { configFromEnv } from '../config.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_STORIES } from '../demo/stories.ts';
import { openStore } from '../storage/database.ts';
import { openTestPostgres, postgresAvailable, TEST_PG_URL } from '../storage/testing.ts';
import { createContext } from '../web/context.ts';
import { insertMedia } from '../storage/content.ts';
import { runBackup } from './backup-command.ts';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function run(args: string[], config: ReturnType<typeof configFromEnv>): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    return { code: await runBackup(args, config).catch((e: Error) => (out.push(e.message), 1)), out: out.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('toasoan backup on SQLite', () => {
  let dir: string;
  let config: ReturnType<typeof configFromEnv>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toasoan-sao-luu-'));
    config = { ...configFromEnv({}), databaseUrl: `sqlite:${join(dir, 'data', 'toasoan.db')}`, mediaDir: join(dir, 'data', 'media') };
    const store = await openStore(config.databaseUrl);
    await seedDemo(createContext(store, config.mediaDir));
    // A library row whose file is gone (an import placeholder kept its key): reported, not fatal.
    await insertMedia(store.db, { fileName: 'mat.jpg', storageKey: 'ff/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.jpg', mime: 'image/jpeg', width: 10, height: 10, caption: '', credit: '', alt: '' });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies a consistent database and every original image, for its owner only, with restore notes', async () => {
    const target = join(dir, 'ban-sao-1');
    const r = await run(['--to', target], config);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Đã sao lưu ${DEMO_STORIES.length} tin bài và`);
    expect(r.out).toContain('1 ảnh trong thư viện không có tệp gốc');
    expect(statSync(target).mode & 0o777).toBe(0o700);
    expect(statSync(join(target, 'toasoan.db')).mode & 0o777).toBe(0o600);
    const copy = new DatabaseSync(join(target, 'toasoan.db'), { readOnly: true });
    try {
      expect((copy.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n).toBe(DEMO_STORIES.length);
      const keys = (copy.prepare('SELECT storage_key FROM media WHERE storage_key IS NOT NULL AND file_name != ?').all('mat.jpg') as Array<{ storage_key: string }>).map((k) => k.storage_key);
      expect(keys.length).toBeGreaterThanOrEqual(DEMO_STORIES.length);
      for (const key of keys) expect(sha(join(target, 'media', key)), key).toBe(sha(join(config.mediaDir, key)));
    } finally {
      copy.close();
    }
    expect(readFileSync(join(target, 'KHOI-PHUC.txt'), 'utf8')).toContain('chép toasoan.db vào vị trí của DATABASE_URL');
  });

  it('takes its snapshot while another process keeps writing, and the copy opens as a working newsroom', { timeout: 60_000 }, async () => {
    // The site is another process: a writer saving in a loop, as a busy newsroom does, during the whole backup.
    const script = `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(process.argv[1]);
      db.exec('PRAGMA busy_timeout = 5000');
      const insert = db.prepare("INSERT INTO settings (key, value) VALUES (?, ?)");
      let n = 0;
      const big = JSON.stringify('x'.repeat(20000));
      const tick = () => { for (let i = 0; i < 20; i++) insert.run('probe-' + n++, big); if (n === 20) console.log('ready'); setImmediate(tick); };
      tick();`;
    const writer = spawn(process.execPath, ['-e', script, join(dir, 'data', 'toasoan.db')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((ok, fail) => {
        writer.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
        writer.once('exit', (code) => fail(new Error(`writer exited ${code}`)));
      });
      const target = join(dir, 'ban-sao-2');
      const r = await run(['--to', target], config);
      expect(r.code, r.out).toBe(0);
      const copy = new DatabaseSync(join(target, 'toasoan.db'), { readOnly: true });
      const probesInCopy = (copy.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'probe-%'").get() as { n: number }).n;
      copy.close();
      writer.kill();
      await new Promise((r2) => writer.once('exit', r2));
      const live = new DatabaseSync(join(dir, 'data', 'toasoan.db'), { readOnly: true });
      const probesLive = (live.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'probe-%'").get() as { n: number }).n;
      live.close();
      // A snapshot of one moment: some of the writes, never more than there were, and the writer went on after it.
      expect(probesInCopy).toBeGreaterThanOrEqual(20);
      expect(probesLive).toBeGreaterThan(probesInCopy);
      // Opened as toasoan opens a database: migrations find nothing to do and the stories are all there.
      const restored = await openStore(`sqlite:${join(target, 'toasoan.db')}`);
      try {
        const n = await restored.db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(n.n)).toBe(DEMO_STORIES.length);
      } finally {
        await restored.close();
      }
    } finally {
      if (writer.exitCode === null) writer.kill();
    }
  });

  it('never writes into a backup folder that holds something, and refuses a database that does not exist', async () => {
    const used = join(dir, 'da-co');
    mkdirSync(used);
    writeFileSync(join(used, 'toasoan.db'), 'bản cũ');
    const r = await run(['--to', used], config);
    expect(r.code).toBe(1);
    expect(r.out).toContain('đã có dữ liệu');
    expect(readFileSync(join(used, 'toasoan.db'), 'utf8')).toBe('bản cũ');
    const missing = await run(['--to', join(dir, 'khong-co')], { ...config, databaseUrl: `sqlite:${join(dir, 'khong-co.db')}` });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('Chưa có cơ sở dữ liệu');
    expect(existsSync(join(dir, 'khong-co.db'))).toBe(false);
  });
});

const pgUp = await postgresAvailable();
describe.runIf(pgUp)('toasoan backup on PostgreSQL', () => {
  it('dumps the newsroom\'s schema with pg_dump, and pg_restore brings it back in an empty database', { timeout: 60_000 }, async () => {
    const store = await openTestPostgres();
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-sao-luu-pg-'));
    const restoreDb = `toasoan_khoi_phuc_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      const mediaDir = join(dir, 'media');
      await seedDemo(createContext(store, mediaDir));
      const url = `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${store.pgSchema}`)}`;
      const target = join(dir, 'ban-sao');
      const r = await run(['--to', target], { ...configFromEnv({}), databaseUrl: url, mediaDir });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`Đã sao lưu ${DEMO_STORIES.length} tin bài`);
      expect(statSync(join(target, 'toasoan.pgdump')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(target, 'KHOI-PHUC.txt'), 'utf8')).toContain('pg_restore');
      await admin.query(`create database ${restoreDb}`);
      const restoreUrl = TEST_PG_URL.replace(/\/[^/?]+(\?|$)/, `/${restoreDb}$1`);
      await promisify(execFile)('pg_restore', ['--no-owner', `--dbname=${restoreUrl}`, join(target, 'toasoan.pgdump')]);
      const restored = new pg.Client({ connectionString: restoreUrl });
      await restored.connect();
      try {
        const n = await restored.query(`select count(*)::int as n from ${store.pgSchema}.articles`);
        expect(n.rows[0].n).toBe(DEMO_STORIES.length);
      } finally {
        await restored.end();
      }
    } finally {
      await admin.query(`drop database if exists ${restoreDb}`).catch(() => undefined);
      await admin.end();
      await store.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
