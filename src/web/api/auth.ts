import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { findApiTokenUser, findSession, type User } from '../../storage/newsroom.ts';
import { ApiProblem } from './problem.ts';
import type { RequestMeta } from '../../newsroom/stories.ts';
import { SESSION_COOKIE } from '../../cache/http.ts';

export { SESSION_COOKIE };
export const CSRF_HEADER = 'x-csrf-token';

export interface Authenticated {
  user: User;
  via: 'session' | 'token';
  /** The session's cookie value and CSRF token (session logins only). */
  sessionToken?: string;
  csrfToken?: string;
  expiresAt?: string;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in out)) out[name] = value;
  }
  return out;
}

export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeSeconds}${opts.secure ? '; Secure' : ''}`;
}

export const requestMeta = (req: FastifyRequest): RequestMeta => ({ ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer token or session cookie; undefined when neither is present and valid. */
export async function resolveAuth(ctx: AppContext, req: FastifyRequest): Promise<Authenticated | undefined> {
  const authz = req.headers.authorization;
  if (authz !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(authz);
    const user = m ? await findApiTokenUser(ctx.store.db, m[1]!) : undefined;
    // A present but bad Authorization header never falls back to the cookie.
    return user ? { user, via: 'token' } : undefined;
  }
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const session = await findSession(ctx.store.db, token);
  return session ? { user: session.user, via: 'session', sessionToken: token, csrfToken: session.csrfToken, expiresAt: session.expiresAt } : undefined;
}

/** Authentication for a route: 401 without valid credentials, 403 when a cookie-authenticated mutation lacks the CSRF token. */
export async function requireAuth(ctx: AppContext, req: FastifyRequest): Promise<Authenticated> {
  const auth = await resolveAuth(ctx, req);
  if (!auth) throw new ApiProblem('unauthenticated', 'Bạn cần đăng nhập (phiên hoặc API token) để dùng API này.', {}, { 'www-authenticate': 'Bearer realm="toasoan"' });
  if (auth.via === 'session' && !SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !auth.csrfToken || !sameToken(sent, auth.csrfToken)) throw new ApiProblem('csrf', `Thao tác cần tiêu đề ${CSRF_HEADER} lấy từ GET /api/v1/session.`);
  }
  return auth;
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', sessionCookie('', { secure, maxAgeSeconds: 0 }));
}
