import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { route, IdParams } from './route.ts';
import { ApiProblem } from './problem.ts';
import { requestMeta } from './auth.ts';
import { TokenCreatedSchema, TokenCreateSchema, TokenSchema } from './schemas.ts';
import { can } from '../../domain/permissions.ts';
import { createApiToken, getUser, listApiTokens, revokeApiToken } from '../../storage/newsroom.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';

const DAY_MS = 86_400_000;

/**
 * API tokens for integrations, from the API and the newsroom app (the CLI has its own commands). Administrators
 * (manage_users) see, create and revoke every token; others see and revoke their own. Only the hash is stored; an
 * answer carries the first characters (`prefix`), and the token itself once, when it is created.
 */
export function registerTokenRoutes(api: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;

  route(api, ctx, { method: 'GET', url: '/tokens', summary: 'API token, mới nhất trước: mọi token (quản trị) hoặc token của chính mình', tag: 'API token', success: { status: 200, schema: z.object({ items: z.array(TokenSchema) }) }, problems: [401] }, async ({ auth }) => ({
    items: await listApiTokens(db, can(auth.user, 'manage_users') ? {} : { userId: auth.user.id }),
  }));

  route(api, ctx, { method: 'POST', url: '/tokens', summary: 'Tạo API token (quản trị, chỉ từ phiên đăng nhập): token chỉ trả một lần', tag: 'API token', body: TokenCreateSchema, success: { status: 201, schema: TokenCreatedSchema }, problems: [400, 401, 403, 422] }, async ({ auth, body, req }) => {
    if (!can(auth.user, 'manage_users')) throw new ApiProblem('forbidden', 'Chỉ quản trị viên tạo được API token.');
    // A leaked token must not be able to mint more: a person signs in to do this.
    if (auth.via !== 'session') throw new ApiProblem('forbidden', 'Không thể tạo API token bằng một API token; hãy đăng nhập tòa soạn để tạo.');
    const ownerId = body.userId ?? auth.user.id;
    const owner = await getUser(db, ownerId);
    if (!owner?.active) throw new ApiProblem('validation', 'Chủ token phải là một tài khoản đang hoạt động.');
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS).toISOString() : null;
    const meta = requestMeta(req);
    const created = await db.transaction().execute(async (trx) => {
      const t = await createApiToken(trx, owner.id, body.name, { expiresAt });
      await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'token_create', target: `token:${t.id}`, ip: meta.ip, userAgent: meta.userAgent, details: { userId: owner.id, name: body.name, prefix: t.prefix, expiresAt } });
      return t;
    });
    const [item] = await listApiTokens(db, { id: created.id });
    return { ...item!, token: created.token };
  });

  route(api, ctx, { method: 'DELETE', url: '/tokens/:id', summary: 'Thu hồi API token (quản trị: mọi token; người khác: token của mình)', tag: 'API token', params: IdParams, success: { status: 204 }, problems: [401, 403, 404] }, async ({ auth, params, req }) => {
    const [token] = await listApiTokens(db, { id: params.id });
    // Someone else's token answers like a missing one: its existence is not theirs to learn.
    if (!token || token.revokedAt || (token.owner.id !== auth.user.id && !can(auth.user, 'manage_users'))) throw new ApiProblem('not_found', 'Không tìm thấy API token đang hiệu lực.');
    const meta = requestMeta(req);
    await db.transaction().execute(async (trx) => {
      // Guarded by revoked_at: of two revocations at once, one wins and the other is a 404.
      if (!(await revokeApiToken(trx, params.id))) throw new ApiProblem('not_found', 'Không tìm thấy API token đang hiệu lực.');
      await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'token_revoke', target: `token:${params.id}`, ip: meta.ip, userAgent: meta.userAgent, details: { userId: token.owner.id, name: token.name, prefix: token.prefix } });
    });
    return undefined;
  });
}
