import { describe, expect, it, vi } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { demoBaseUrl, main } from './main.ts';
import { postgresAvailable, TEST_PG_URL } from '../storage/testing.ts';
import { DEMO_STORIES } from '../demo/stories.ts';

const BIN = resolve(import.meta.dirname, '../../bin/toasoan.mjs');
const SEEDS = resolve(import.meta.dirname, '../../../shared/seeds');

/** The environment of an operator who set nothing: every path is the default, relative to the working directory. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const k of ['DATABASE_URL', 'MEDIA_DIR', 'TOASOAN_NO_DEMO', 'TOASOAN_WORKERS', 'REDIS_URL', 'PORT', 'HOST']) if (!(k in extra)) delete env[k];
  return env;
}

async function run(cwd: string, args: string[], env = plainEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [BIN, ...args], { cwd, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** main() in this process, for messages printed before any database is opened. */
async function inProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('toasoan messages', () => {
  it('usage and command-line mistakes are in Vietnamese, with the option named as typed', async () => {
    expect(await inProcess('help')).toMatchObject({ code: 0, out: expect.stringContaining('Cách dùng:') });
    expect(await inProcess('khong-co')).toMatchObject({ code: 2, err: expect.stringMatching(/^Lệnh không tồn tại: khong-co\n/) });
    expect(await inProcess('user', 'list', '--foo')).toMatchObject({ code: 2, err: expect.stringMatching(/^Tùy chọn không hợp lệ: --foo\n/) });
    expect(await inProcess('user', 'add', '--email')).toMatchObject({ code: 2, err: expect.stringMatching(/^Tùy chọn --email cần một giá trị\.\n/) });
    expect(await inProcess('serve', '--no-demo=1')).toMatchObject({ code: 2, err: expect.stringMatching(/^Tùy chọn --no-demo không nhận giá trị\.\n/) });
    expect(await inProcess('token', 'revoke', 'thua')).toMatchObject({ code: 2, err: expect.stringMatching(/^Lệnh này không nhận tham số "thua"\.\n/) });
    expect(await inProcess('user', 'xoa')).toMatchObject({ code: 2, err: expect.stringContaining('Lệnh con không tồn tại: user xoa') });
    expect(await inProcess('token', 'xoa')).toMatchObject({ code: 2, err: expect.stringContaining('Lệnh con không tồn tại: token xoa') });
    const token = await inProcess('token', 'help');
    expect(token).toMatchObject({ code: 0, out: expect.stringContaining('thu hồi token số N') });
    for (const r of [await inProcess('help'), await inProcess('user', 'help'), token]) expect(r.out).not.toMatch(/\b(prints|Usage|Without|every token)\b/);
  });
});

describe('the demo paper\'s address', () => {
  it('is where it is served, so its canonical and share links work there; the settings\' default for a random port', () => {
    expect(demoBaseUrl('127.0.0.1', 3917)).toBe('http://127.0.0.1:3917');
    expect(demoBaseUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(demoBaseUrl('::', 8080)).toBe('http://[::1]:8080');
    expect(demoBaseUrl('::1', 80)).toBe('http://[::1]:80');
    expect(demoBaseUrl('toasoan.local', 3000)).toBe('http://toasoan.local:3000');
    expect(demoBaseUrl('127.0.0.1', 0)).toBeUndefined();
  });
});

describe('toasoan run outside the newsroom directory', () => {
  it('user, token and import refuse, naming the database path, and create nothing there', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'toasoan-lac-')));
    try {
      for (const args of [['user', 'list'], ['user', 'add', '--email', 'a@example.vn', '--name', 'A', '--role', 'admin'], ['token', 'list'], ['import', SEEDS]]) {
        const r = await run(dir, args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr.trim(), args.join(' ')).toBe(`Lỗi: Chưa có cơ sở dữ liệu ${join(dir, 'data', 'toasoan.db')}. Hãy chạy lệnh trong thư mục của tòa soạn (nơi "toasoan serve" đã tạo data/toasoan.db), hoặc đặt DATABASE_URL=sqlite:ĐƯỜNG_DẪN tới tệp đang dùng; "toasoan migrate" tạo một cơ sở dữ liệu mới.`);
        expect(existsSync(join(dir, 'data')), args.join(' ')).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm start in a fresh checkout still creates the database (for its owner only) and the demo newsroom; the commands then work there', { timeout: 120_000 }, async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'toasoan-moi-')));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--workers', '1'], { cwd: dir, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => (out += d));
      const address = await new Promise<string>((ok, fail) => {
        child.stdout.on('data', (d: string) => {
          out += d;
          const m = /toasoan đang phục vụ (http:\/\/\S+)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
      });
      expect(out).toContain(`Đã tạo tòa soạn mẫu: ${DEMO_STORIES.length} tin bài.`);
      const home = await fetch(address);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain(DEMO_STORIES[0]!.title.replace(/&/g, '&amp;'));
      const mode = (p: string) => statSync(join(dir, p)).mode & 0o777;
      expect([mode('data'), mode('data/toasoan.db'), mode('data/toasoan.db-wal'), mode('data/toasoan.db-shm')]).toEqual([0o700, 0o600, 0o600, 0o600]);
      const users = await run(dir, ['user', 'list']);
      expect(users.code, users.stderr).toBe(0);
      expect(users.stdout).toContain('tongbientap@example.vn');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(await postgresAvailable())('toasoan on PostgreSQL with a schema that does not exist', () => {
  it('says so in one line, naming the schema and the statement that creates it', async () => {
    const schema = `khong_co_${Date.now().toString(36)}`;
    const url = `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    for (const args of [['migrate'], ['user', 'list']]) {
      const r = await run(tmpdir(), args, plainEnv({ DATABASE_URL: url }));
      expect(r.code, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Lỗi: Schema PostgreSQL "${schema}" .*CREATE SCHEMA ${schema};`));
    }
  });
});
