import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ServerOptions } from '../server.ts';
import { route } from './route.ts';
import { ApiProblem } from './problem.ts';
import { clearSessionCookie, requestMeta, sessionCookie, type Authenticated } from './auth.ts';
import { LoginSchema, PasswordChangeSchema, SessionIdParams, SessionListSchema, SessionSchema, SessionsEndedSchema } from './schemas.ts';
import { createSession, deleteSession, endSessions, getUser, getUserRowByEmail, listSessions, normalizeEmail, REMEMBERED_SESSION_TTL_MS, sessionIdOf, setPassword, SESSION_TTL_MS, toUser, type User } from '../../storage/newsroom.ts';
import { DUMMY_HASH, sha256, verifyPassword } from '../../newsroom/passwords.ts';
import { IdParams } from './route.ts';
import { appendAudit, claimLoginAttempt, loginSucceeded, type LoginLimits } from '../../storage/newsroom-audit.ts';
import { ROLE_LABELS } from '../../domain/roles.ts';
import { can, PERMISSION_ACTIONS, scopeOf } from '../../domain/permissions.ts';

export async function sessionBody(ctx: AppContext, user: User, auth: Pick<Authenticated, 'via' | 'csrfToken' | 'expiresAt'>) {
  const desks = user.deskIds.length ? await ctx.store.db.selectFrom('categories').select(['id', 'name', 'slug']).where('id', 'in', user.deskIds).orderBy('position').execute() : [];
  return {
    user: { id: user.id, email: user.email, name: user.name, roles: user.roles, deskIds: user.deskIds, active: user.active, createdAt: user.createdAt },
    roles: user.roles.map((key) => ({ key, label: ROLE_LABELS[key] })),
    // What the roles allow, so the newsroom app shows only the screens the server will serve (no copy of the matrix there).
    permissions: Object.fromEntries(PERMISSION_ACTIONS.map((a) => [a, scopeOf(user, a)] as const).filter(([, scope]) => scope !== 'none')),
    desks,
    csrfToken: auth.csrfToken ?? null,
    expiresAt: auth.expiresAt ?? null,
    via: auth.via,
  };
}

const LOGIN_FAILED = 'Email hoặc mật khẩu không đúng.';
/**
 * Failed logins allowed per account and per client address in 15 minutes, counted in the database (shared by every
 * process). Wrong current passwords on a password change count against the account too.
 */
const LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };
const TOO_MANY = 'Bạn đã thử đăng nhập quá nhiều lần; vui lòng đợi rồi thử lại.';

/** Claims a place among the attempts allowed for this account and address, or refuses with 429 and Retry-After. */
async function claimOrRefuse(db: AppContext['store']['db'], email: string, ip: string) {
  const claim = await claimLoginAttempt(db, email, ip, LOGIN_LIMITS);
  if ('retryAfter' in claim) throw new ApiProblem('rate_limited', TOO_MANY, { retryAfter: claim.retryAfter }, { 'retry-after': String(claim.retryAfter) });
  return claim;
}

export function registerSessionRoutes(api: FastifyInstance, ctx: AppContext, opts: ServerOptions): void {
  const secure = !!opts.https;
  const db = ctx.store.db;

  route(api, ctx, { method: 'POST', url: '/session', summary: 'Đăng nhập: đặt cookie phiên (HttpOnly, SameSite=Lax) và trả mã CSRF', tag: 'Phiên', auth: false, body: LoginSchema, success: { status: 200, schema: SessionSchema }, problems: [400, 401, 429] }, async ({ body, reply, req }) => {
    const email = normalizeEmail(body.email);
    const meta = requestMeta(req);
    const claim = await claimOrRefuse(db, email, meta.ip);
    const row = await getUserRowByEmail(db, email);
    // Same work whether or not the account exists, so timing does not reveal which emails are registered.
    const ok = await verifyPassword(body.password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.active !== 1) {
      await appendAudit(db, { userId: row?.id ?? null, userEmail: email.slice(0, 254), action: 'login_failed', ip: meta.ip, userAgent: meta.userAgent });
      throw new ApiProblem('unauthenticated', LOGIN_FAILED);
    }
    await loginSucceeded(db, claim);
    const user = toUser(row);
    const ttl = body.remember ? REMEMBERED_SESSION_TTL_MS : SESSION_TTL_MS;
    const session = await createSession(db, user.id, meta, ttl);
    await appendAudit(db, { userId: user.id, userEmail: user.email, action: 'login', ip: meta.ip, userAgent: meta.userAgent, ...(body.remember ? { details: { remember: true } } : {}) });
    reply.header('set-cookie', sessionCookie(session.token, { secure, maxAgeSeconds: Math.floor(ttl / 1000) }));
    return sessionBody(ctx, user, { via: 'session', csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  route(api, ctx, { method: 'GET', url: '/session', summary: 'Người dùng hiện tại: vai trò, ban, mã CSRF', tag: 'Phiên', success: { status: 200, schema: SessionSchema }, problems: [401] }, async ({ auth }) => sessionBody(ctx, auth.user, auth));

  route(api, ctx, { method: 'DELETE', url: '/session', summary: 'Đăng xuất', tag: 'Phiên', success: { status: 204 }, problems: [401, 403] }, async ({ auth, reply, req }) => {
    if (auth.sessionToken) await deleteSession(db, auth.sessionToken);
    const meta = requestMeta(req);
    await appendAudit(db, { userId: auth.user.id, userEmail: auth.user.email, action: 'logout', ip: meta.ip, userAgent: meta.userAgent });
    clearSessionCookie(reply, secure);
    return undefined;
  });

  route(api, ctx, { method: 'POST', url: '/session/password', summary: 'Đổi mật khẩu của chính mình (mọi phiên bị đăng xuất)', tag: 'Phiên', body: PasswordChangeSchema, success: { status: 204 }, problems: [400, 401, 403, 429] }, async ({ auth, body, reply, req }) => {
    const meta = requestMeta(req);
    // A stolen session must not be a way to guess the real password: the same limit as logging in.
    const claim = await claimOrRefuse(db, auth.user.email, meta.ip);
    const row = await getUserRowByEmail(db, auth.user.email);
    if (!row || !(await verifyPassword(body.currentPassword, row.password_hash))) {
      await appendAudit(db, { userId: auth.user.id, userEmail: auth.user.email, action: 'password_change_failed', target: `user:${auth.user.id}`, ip: meta.ip, userAgent: meta.userAgent });
      throw new ApiProblem('forbidden', 'Mật khẩu hiện tại không đúng.');
    }
    await loginSucceeded(db, claim);
    await setPassword(db, auth.user.id, body.newPassword);
    await appendAudit(db, { userId: auth.user.id, userEmail: auth.user.email, action: 'password_change', target: `user:${auth.user.id}`, ip: meta.ip, userAgent: meta.userAgent });
    clearSessionCookie(reply, secure);
    return undefined;
  });

  // ---------- one's own sessions, and an administrator's view of a person's ----------

  /** Ends sessions and writes the audit entry in one transaction: both or neither. */
  const end = (auth: Authenticated, req: FastifyRequest, userId: number, which: Parameters<typeof endSessions>[2], scope: 'one' | 'others' | 'all') =>
    db.transaction().execute(async (trx) => {
      const count = await endSessions(trx, userId, which);
      // An administrator's "sign out everywhere" is recorded even when nothing was open: it answers "was it done?".
      if (count > 0 || scope === 'all') {
        const meta = requestMeta(req);
        await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'session_revoke', target: `user:${userId}`, ip: meta.ip, userAgent: meta.userAgent, details: { count, scope, ...('only' in which ? { session: which.only } : {}) } });
      }
      return count;
    });
  const isCurrent = (auth: Authenticated, id: string) => !!auth.sessionToken && sessionIdOf(sha256(auth.sessionToken)) === id;

  route(api, ctx, { method: 'GET', url: '/sessions', summary: 'Các phiên đăng nhập còn hiệu lực của chính mình, mới nhất trước (current: phiên đang dùng)', tag: 'Phiên', success: { status: 200, schema: SessionListSchema }, problems: [401] }, async ({ auth }) => ({ items: await listSessions(db, auth.user.id, auth.sessionToken) }));

  route(api, ctx, { method: 'DELETE', url: '/sessions/:id', summary: 'Kết thúc một phiên của chính mình (phiên đang dùng: như đăng xuất)', tag: 'Phiên', params: SessionIdParams, success: { status: 204 }, problems: [400, 401, 403, 404] }, async ({ auth, params, reply, req }) => {
    if ((await end(auth, req, auth.user.id, { only: params.id }, 'one')) === 0) throw new ApiProblem('not_found', 'Không tìm thấy phiên đăng nhập này trong các phiên của bạn.');
    if (isCurrent(auth, params.id)) clearSessionCookie(reply, secure);
    return undefined;
  });

  route(api, ctx, { method: 'DELETE', url: '/sessions', summary: 'Đăng xuất mọi phiên khác của chính mình (giữ phiên đang dùng)', tag: 'Phiên', success: { status: 200, schema: SessionsEndedSchema }, problems: [401, 403] }, async ({ auth, req }) => ({
    ended: await end(auth, req, auth.user.id, { except: auth.sessionToken }, 'others'),
  }));

  const userOf = async (auth: Authenticated, id: number) => {
    if (!can(auth.user, 'manage_users')) throw new ApiProblem('forbidden', 'Chỉ quản trị viên xem và kết thúc được phiên đăng nhập của người khác.');
    if (!(await getUser(db, id))) throw new ApiProblem('not_found', 'Không tìm thấy người dùng.');
  };

  route(api, ctx, { method: 'GET', url: '/users/:id/sessions', summary: 'Các phiên đăng nhập còn hiệu lực của một người (quản trị)', tag: 'Người dùng', params: IdParams, success: { status: 200, schema: SessionListSchema }, problems: [401, 403, 404] }, async ({ auth, params }) => {
    await userOf(auth, params.id);
    return { items: await listSessions(db, params.id, auth.sessionToken) };
  });

  route(api, ctx, { method: 'DELETE', url: '/users/:id/sessions', summary: 'Đăng xuất một người khỏi mọi phiên, ví dụ khi mất máy (quản trị)', tag: 'Người dùng', params: IdParams, success: { status: 200, schema: SessionsEndedSchema }, problems: [401, 403, 404] }, async ({ auth, params, reply, req }) => {
    await userOf(auth, params.id);
    const ended = await end(auth, req, params.id, {}, 'all');
    // Signing oneself out everywhere ends this session too.
    if (params.id === auth.user.id && auth.sessionToken) clearSessionCookie(reply, secure);
    return { ended };
  });
}
