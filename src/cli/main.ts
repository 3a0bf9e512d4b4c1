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
import { startScheduler } from '../newsroom/scheduler.ts';
import cluster from 'node:cluster';
import { runPrimary, workerCount } from '../web/cluster.ts';

const USAGE = `toasoan: tòa soạn điện tử (Vietnamese newsroom platform)

Usage:
  toasoan serve [--port N] [--host H] [--no-demo] [--workers N]
                                                  serve the reader site, API and newsroom;
                                                  N worker processes (default: one per CPU core)
  toasoan migrate                                 bring the database schema up to date
  toasoan import <files or dirs…> [--category SLUG] [--published-at ISO] [--media-dir DIR]
                                                  import articles in the seed text format
  toasoan user add --email E --name N --role R[,R…] [--desk SLUG,…] [--password P]
  toasoan user reset-password --email E [--password P] | user disable|enable --email E | user list
                                                  newsroom accounts (a generated password is printed once)
  toasoan token create --user EMAIL [--name N] | token revoke --id N
                                                  API tokens for integrations (printed once)
  toasoan help                                    this text

Environment: PORT, HOST, DATABASE_URL, MEDIA_DIR, TOASOAN_NO_DEMO, TOASOAN_WORKERS,
  REDIS_URL (page-cache invalidation across servers), TOASOAN_CACHE…, TOASOAN_PURGE_URL
  (see README and docs/PERFORMANCE.md).`;

export type Command = (args: string[], config: Config) => Promise<number>;

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
  const store = await openStore(config.databaseUrl, { migrate: !cluster.isWorker });
  const ctx = createContext(store, config.mediaDir);
  if (config.demo && !values['no-demo'] && cluster.isPrimary) {
    const demo = await seedDemo(ctx);
    if (demo.seeded) console.log(`Demo newsroom created: ${demo.articles} stories.`);
    const accounts = await seedDemoAccounts(store.db, join(dirname(config.mediaDir), 'demo-logins.txt'));
    if (accounts.created) console.log(`Đăng nhập thử: ${accounts.email} / ${accounts.password}\nTài khoản thử cho mọi vai trò (mật khẩu chỉ lưu ở đây): ${accounts.loginFile}`);
  }
  if (workers > 1 && cluster.isPrimary) {
    await store.close();
    console.log(`toasoan: starting ${workers} workers`);
    return runPrimary(workers);
  }
  const app = await buildServer(ctx, { logger: config.log, https: config.https, trustProxy: config.trustProxy });
  const address = await app.listen({ port, host });
  // Publishes scheduled stories; on PostgreSQL an advisory lock lets one process at a time do it.
  const scheduler = startScheduler(ctx, { onError: (err) => console.error(`Lỗi lịch đăng bài: ${(err as Error).message}`) });
  console.log(`toasoan serving ${address} (database ${store.description}${cluster.isWorker ? `, worker ${process.pid}` : ''}, cache ${ctx.siteCache ? `on, fan-out ${ctx.siteCache.fanoutKind}` : 'off'})`);
  const stop = async () => {
    await scheduler.stop();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

async function migrate(_args: string[], config: Config): Promise<number> {
  const store = await openStore(config.databaseUrl);
  console.log(`Database ${store.description} is up to date.`);
  await store.close();
  return 0;
}

export class UsageError extends Error {}

export const COMMANDS: Record<string, Command> = { serve, migrate, import: runImport, user: runUser, token: runToken };

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
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`Lỗi: ${(err as Error).message}`);
    return 1;
  }
}
