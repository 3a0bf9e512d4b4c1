import { parseArgs } from 'node:util';
import { configFromEnv, type Config } from '../config.ts';
import { openStore } from '../storage/database.ts';
import { createContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { seedDemo, seedDemoAccounts } from '../demo/seed.ts';
import { dirname, join } from 'node:path';
import { runImport } from './import-command.ts';
import { runUser } from './user-command.ts';
import { runToken } from './token-command.ts';
import { runBackup } from './backup-command.ts';
import { startScheduler } from '../newsroom/scheduler.ts';
import cluster from 'node:cluster';
import { isFirstWorker, runPrimary, workerCount } from '../web/cluster.ts';
import { partsStoriesFromEnv, startPartsFiller } from '../web/site/article-parts.ts';
import { attachViews, viewsOptionsFromEnv } from '../cache/views.ts';
import { startPhrasePairs } from '../search/phrase-pairs.ts';

const USAGE = `toasoan: tòa soạn điện tử

Cách dùng:
  toasoan serve [--port N] [--host H] [--no-demo] [--workers N]
                                                  chạy trang báo, API và ứng dụng tòa soạn;
                                                  N tiến trình (mặc định: mỗi nhân CPU một tiến trình)
  toasoan migrate                                 cập nhật cấu trúc cơ sở dữ liệu (tạo mới nếu chưa có)
  toasoan import <tệp hoặc thư mục…> [--category SLUG] [--published-at ISO] [--media-dir DIR]
                                                  nhập bài viết lưu dạng văn bản
  toasoan user add --email E --name N --role R[,R…] [--desk SLUG,…] [--password P]
  toasoan user reset-password --email E [--password P] | user disable|enable --email E | user list
                                                  tài khoản tòa soạn (mật khẩu tự tạo chỉ hiện một lần)
  toasoan token create --user EMAIL [--name N] [--days N] | token list | token revoke --id N
                                                  API token cho hệ thống tích hợp (chỉ hiện một lần)
  toasoan backup [--to THƯ_MỤC]                   sao lưu cơ sở dữ liệu và ảnh gốc (chạy được khi đang phục vụ)
  toasoan help                                    hướng dẫn này

import, user, token và backup làm việc trên cơ sở dữ liệu đã có: chạy trong thư mục của tòa soạn hoặc đặt DATABASE_URL.
Biến môi trường: PORT, HOST, DATABASE_URL, MEDIA_DIR, TOASOAN_NO_DEMO, TOASOAN_WORKERS,
  REDIS_URL (báo xóa bộ đệm trang cho mọi máy chủ), TOASOAN_CACHE…, TOASOAN_PURGE_URL
  (xem README và docs/PERFORMANCE.md).`;

export type Command = (args: string[], config: Config) => Promise<number>;

/** Where a newly made demo paper says it lives: the address being served (any-interface hosts as loopback), or the default for a random port. */
export function demoBaseUrl(host: string, port: number): string | undefined {
  if (port === 0) return undefined;
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

async function serve(args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' }, 'no-demo': { type: 'boolean' }, workers: { type: 'string' } }, strict: true });
  const port = values.port !== undefined ? Number(values.port) : config.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port không hợp lệ: ${values.port}`);
  const host = values.host ?? config.host;
  let workers: number;
  try {
    workers = workerCount(values.workers);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // With several workers the primary migrates and seeds once, then forks; workers only serve. A worker migrating
  // again would also run PRAGMA optimize, whose ANALYZE on a large archive can hold the write lock longer than the
  // other workers' busy timeout ("database is locked" at start-up, seen with 2 workers on the 100,000-story file).
  // Checked before anything starts (in the primary too): a bad value stops `serve` with a message, not each worker.
  const viewsOptions = viewsOptionsFromEnv();
  const partsStories = partsStoriesFromEnv();
  const store = await openStore(config.databaseUrl, { migrate: !cluster.isWorker });
  const ctx = createContext(store, config.mediaDir);
  if (config.demo && !values['no-demo'] && cluster.isPrimary) {
    const demo = await seedDemo(ctx, { baseUrl: demoBaseUrl(host, port) });
    if (demo.seeded) console.log(`Đã tạo tòa soạn mẫu: ${demo.articles} tin bài.`);
    const accounts = await seedDemoAccounts(store.db, join(dirname(config.mediaDir), 'demo-logins.txt'));
    if (accounts.created) console.log(`Đăng nhập thử: ${accounts.email} / ${accounts.password}\nTài khoản thử cho mọi vai trò (mật khẩu chỉ lưu ở đây): ${accounts.loginFile}`);
  }
  if (workers > 1 && cluster.isPrimary) {
    await store.close();
    console.log(`toasoan: khởi động ${workers} tiến trình phục vụ`);
    return runPrimary(workers);
  }
  const app = await buildServer(ctx, { logger: config.log, https: config.https, trustProxy: config.trustProxy });
  const address = await app.listen({ port, host });
  // Publishes scheduled stories; on PostgreSQL an advisory lock lets one process at a time do it.
  const scheduler = startScheduler(ctx, { onError: (err) => console.error(`Lỗi lịch đăng bài: ${(err as Error).message}`) });
  // Reads per story ("Đọc nhiều"): counted in memory, written every TOASOAN_VIEWS_FLUSH_MS and when stopping.
  const views = attachViews(ctx, viewsOptions).start();
  // SQLite: phrase pairs for quoted searches, started once the archive is large, written in the background.
  const pairs = startPhrasePairs(store.db, { onError: (err) => console.error(`Lỗi chỉ mục cụm từ: ${(err as Error).message}`) });
  // Story pages kept in parts, for the newest stories that lack them: one process per server does it.
  const filler = isFirstWorker() ? startPartsFiller(ctx, { maxStories: partsStories, onError: (err) => console.error(`Lỗi lưu sẵn trang tin: ${(err as Error).message}`) }) : undefined;
  console.log(`toasoan đang phục vụ ${address} (cơ sở dữ liệu ${store.description}${cluster.isWorker ? `, tiến trình ${process.pid}` : ''}, bộ đệm ${ctx.siteCache ? `bật, fan-out ${ctx.siteCache.fanoutKind}` : 'tắt'})`);
  // Once, whichever signal comes first (Ctrl-C reaches a cluster's workers directly and through the primary's SIGTERM).
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      let code = 0;
      try {
        await scheduler.stop();
        await pairs.stop();
        await filler?.stop();
        await app.close();
        // After the server: no read is counted once the last counts are written.
        await views.stop();
        await store.close();
      } catch (err) {
        console.error(`Lỗi khi dừng: ${(err as Error).message}`);
        code = 1;
      }
      process.exit(code);
    })());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

async function migrate(_args: string[], config: Config): Promise<number> {
  const store = await openStore(config.databaseUrl);
  console.log(`Cơ sở dữ liệu ${store.description} đã được cập nhật cấu trúc mới nhất.`);
  await store.close();
  return 0;
}

export class UsageError extends Error {}

/** node:util parseArgs explains a bad command line in English: the same in Vietnamese, naming the option. */
function usageMessage(err: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  const positional = /argument '([^']*)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Tùy chọn không hợp lệ: ${option ?? err.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `Tùy chọn ${option} ${/argument missing/.test(err.message) ? 'cần một giá trị' : 'không nhận giá trị'}.` : `Giá trị tùy chọn không hợp lệ: ${err.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Lệnh này không nhận tham số "${positional ?? err.message}".`;
    default:
      return err.message;
  }
}

export const COMMANDS: Record<string, Command> = { serve, migrate, import: runImport, user: runUser, token: runToken, backup: runBackup };

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Lệnh không tồn tại: ${name}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, configFromEnv());
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${usageMessage(err as Error)}\n\n${USAGE}`);
      return 2;
    }
    console.error(`Lỗi: ${(err as Error).message}`);
    return 1;
  }
}
