import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Updateable } from 'kysely';
import type { Database, UserRow, UserTable } from './schema.ts';
import { isRole, type Role } from '../domain/roles.ts';
import { nfc } from '../domain/vietnamese.ts';
import { hashPassword, randomToken, sha256 } from '../newsroom/passwords.ts';
import { nowIso } from './content.ts';

/** Accounts, login sessions and API tokens. */
type Db = Kysely<Database>;

export interface User {
  id: number;
  email: string;
  name: string;
  roles: Role[];
  deskIds: number[];
  active: boolean;
  createdAt: string;
}

export function toUser(row: UserRow): User {
  const roles = z.array(z.string()).parse(JSON.parse(row.roles)).filter(isRole);
  const deskIds = z.array(z.number().int()).parse(JSON.parse(row.desk_ids));
  return { id: row.id, email: row.email, name: row.name, roles, deskIds, active: row.active === 1, createdAt: row.created_at };
}

export const normalizeEmail = (email: string): string => nfc(email.trim()).toLowerCase();

export class DuplicateEmailError extends Error {}

export async function createUser(db: Db, input: { email: string; name: string; password: string; roles: Role[]; deskIds?: number[] }): Promise<User> {
  const email = normalizeEmail(input.email);
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) throw new DuplicateEmailError(`Email đã được dùng: ${email}`);
  const now = nowIso();
  const row = await db
    .insertInto('users')
    .values({ email, name: nfc(input.name.trim()), password_hash: await hashPassword(input.password), roles: JSON.stringify([...new Set(input.roles)]), desk_ids: JSON.stringify([...new Set(input.deskIds ?? [])]), active: 1, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function getUser(db: Db, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function getUserRowByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
}

export async function updateUser(db: Db, id: number, patch: { name?: string; roles?: Role[]; deskIds?: number[]; active?: boolean }): Promise<User | undefined> {
  const values: Updateable<UserTable> = { updated_at: nowIso() };
  if (patch.name !== undefined) values.name = nfc(patch.name.trim());
  if (patch.roles !== undefined) values.roles = JSON.stringify([...new Set(patch.roles)]);
  if (patch.deskIds !== undefined) values.desk_ids = JSON.stringify([...new Set(patch.deskIds)]);
  if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
  await db.updateTable('users').set(values).where('id', '=', id).execute();
  // A disabled account loses its sessions at once.
  if (patch.active === false) await db.deleteFrom('sessions').where('user_id', '=', id).execute();
  return getUser(db, id);
}

export async function setPassword(db: Db, id: number, password: string): Promise<void> {
  // Hashed before the writes: scrypt takes tens of milliseconds, and a transaction would hold the connection meanwhile.
  await setPasswordHash(db, id, await hashPassword(password));
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: nowIso() }).where('id', '=', id).execute();
  // Every session started with the old password ends.
  await db.deleteFrom('sessions').where('user_id', '=', id).execute();
}

// ---------- sessions ----------

export const SESSION_TTL_MS = 12 * 3_600_000;

export interface SessionInfo {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

/** Starts a session; returns the cookie value (only its hash is stored). */
export async function createSession(db: Db, userId: number, meta: { ip: string; userAgent: string }, ttlMs = SESSION_TTL_MS): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const now = Date.now();
  const expiresAt = new Date(now + ttlMs).toISOString();
  await db
    .insertInto('sessions')
    .values({ token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, created_at: new Date(now).toISOString(), expires_at: expiresAt, ip: meta.ip.slice(0, 100), user_agent: meta.userAgent.slice(0, 300) })
    .execute();
  // Expired sessions of this person are cleaned up as new ones start.
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<', new Date(now).toISOString()).execute();
  return { token, csrfToken, expiresAt };
}

export async function findSession(db: Db, token: string): Promise<SessionInfo | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= nowIso() || row.active !== 1) return undefined;
  return { user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

// ---------- API tokens ----------

export const TOKEN_PREFIX = 'tsn_';

/** Creates an API token for integrations; the token itself is returned once and never stored. */
export async function createApiToken(db: Db, userId: number, name: string): Promise<{ id: number; token: string }> {
  const token = TOKEN_PREFIX + randomToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name: nfc(name), token_hash: sha256(token), prefix: token.slice(0, 10), created_at: nowIso(), last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function findApiTokenUser(db: Db, token: string): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id'])
    .where('api_tokens.token_hash', '=', sha256(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.active !== 1) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', row.token_id).execute();
  return toUser(row);
}

/** Revokes a token; false when there is no such token or it was already revoked. */
export async function revokeApiToken(db: Db, id: number): Promise<boolean> {
  const r = await db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Every API token with its owner, newest first (never the token itself: only its first characters). */
export async function listApiTokens(db: Db): Promise<Array<{ id: number; email: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }>> {
  const rows = await db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id').select(['api_tokens.id', 'users.email', 'api_tokens.name', 'api_tokens.prefix', 'api_tokens.created_at', 'api_tokens.last_used_at', 'api_tokens.revoked_at']).orderBy('api_tokens.id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}
