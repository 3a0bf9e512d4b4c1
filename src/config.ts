import { resolve } from 'node:path';

/** Runtime configuration from the environment. CLI flags override these (see src/cli/main.ts). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  mediaDir: string;
  demo: boolean;
  redisUrl: string | undefined;
  https: boolean;
  trustProxy: boolean;
  log: boolean;
}

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return /^(1|true|yes|on)$/i.test(v);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT không hợp lệ: ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    mediaDir: resolve(env.MEDIA_DIR ?? 'data/media'),
    demo: !bool(env.TOASOAN_NO_DEMO, false),
    redisUrl: env.REDIS_URL || undefined,
    https: bool(env.TOASOAN_HTTPS, false),
    trustProxy: bool(env.TRUST_PROXY, false),
    log: bool(env.LOG_REQUESTS, false),
  };
}
