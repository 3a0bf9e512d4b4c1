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
  /** Proxies whose X-Forwarded-For to believe: how many hops in front (a number) or their addresses; false for none. */
  trustProxy: false | number | string[];
  log: boolean;
}

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return /^(1|true|yes|on)$/i.test(v);
}

/**
 * TRUST_PROXY: "on" (or 1) trusts the one proxy in front, a number N the N nearest hops, a comma-separated list those
 * addresses. Never every hop: the client writes the leftmost X-Forwarded-For entries itself, and the login limit per
 * address and the audit log's addresses would then be whatever it wrote.
 */
export function trustProxyFrom(v: string | undefined): false | number | string[] {
  if (v === undefined || v.trim() === '' || /^(0|false|no|off)$/i.test(v.trim())) return false;
  if (/^(true|yes|on)$/i.test(v.trim())) return 1;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (!list.every((x) => /^[0-9a-f.:/]+$/i.test(x))) throw new Error(`TRUST_PROXY không hợp lệ: ${v} (on, số lớp proxy, hoặc danh sách địa chỉ IP)`);
  return list;
}

/**
 * TOASOAN_METRICS_TOKEN: the bearer token GET /metrics asks for (src/web/metrics.ts); unset or empty turns the endpoint
 * off. At least 16 visible ASCII characters: a short token is guessed by whoever can reach the port.
 */
export function metricsTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.TOASOAN_METRICS_TOKEN?.trim();
  if (!v) return undefined;
  if (!/^[\x21-\x7e]{16,}$/.test(v)) throw new Error('TOASOAN_METRICS_TOKEN không hợp lệ: cần ít nhất 16 ký tự ASCII nhìn thấy được, không có khoảng trắng');
  return v;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty counts as unset, as for every other variable: an empty HOST= line must not open the server to every interface.
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT không hợp lệ: ${env.PORT}`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    mediaDir: resolve(env.MEDIA_DIR ?? 'data/media'),
    demo: !bool(env.TOASOAN_NO_DEMO, false),
    redisUrl: env.REDIS_URL || undefined,
    https: bool(env.TOASOAN_HTTPS, false),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    log: bool(env.LOG_REQUESTS, false),
  };
}
