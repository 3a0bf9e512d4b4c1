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
/** "Ghi nhớ trên máy này": a personal device signs in once a month instead of twice a day. */
export const REMEMBERED_SESSION_TTL_MS = 30 * 24 * 3_600_000;

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

/** A session's public id: the first 16 hex characters of its hash. Never the cookie value, and not enough to find it. */
export const sessionIdOf = (tokenHash: string): string => tokenHash.slice(0, 16);
export const SESSION_ID = /^[0-9a-f]{16}$/;

export interface SessionListItem {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}

/** A person's unexpired sessions, newest first; `current` marks the one whose cookie value is given. */
export async function listSessions(db: Db, userId: number, currentToken?: string): Promise<SessionListItem[]> {
  const currentHash = currentToken ? sha256(currentToken) : undefined;
  const rows = await db.selectFrom('sessions').select(['token_hash', 'created_at', 'expires_at', 'ip', 'user_agent']).where('user_id', '=', userId).where('expires_at', '>', nowIso()).orderBy('created_at', 'desc').orderBy('token_hash').execute();
  return rows.map((r) => ({ id: sessionIdOf(r.token_hash), createdAt: r.created_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent, current: r.token_hash === currentHash }));
}

/**
 * Ends sessions of one person: `only` the one with this public id, or every one `except` the session with this
 * cookie value, or all. Returns how many unexpired sessions ended (expired ones of the person go too, unseen).
 */
export async function endSessions(db: Db, userId: number, which: { only: string } | { except?: string }): Promise<number> {
  const now = nowIso();
  const rows = await db.selectFrom('sessions').select(['token_hash', 'expires_at']).where('user_id', '=', userId).execute();
  const exceptHash = 'except' in which && which.except ? sha256(which.except) : undefined;
  const doomed = rows.filter((r) => ('only' in which ? sessionIdOf(r.token_hash) === which.only && r.expires_at > now : r.token_hash !== exceptHash));
  if (doomed.length === 0) return 0;
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', 'in', doomed.map((r) => r.token_hash)).execute();
  return doomed.filter((r) => r.expires_at > now).length;
}

// ---------- API tokens ----------

export const TOKEN_PREFIX = 'tsn_';

export interface ApiTokenItem {
  id: number;
  name: string;
  /** The first characters, to recognise a token; never the token or its hash. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  owner: { id: number; email: string; name: string };
}

/**
 * Creates an API token for integrations; the token itself is returned once and never stored. Without `expiresAt`
 * it is valid until revoked.
 */
export async function createApiToken(db: Db, userId: number, name: string, opts: { expiresAt?: string | null } = {}): Promise<{ id: number; token: string; prefix: string; createdAt: string; expiresAt: string | null }> {
  const token = TOKEN_PREFIX + randomToken();
  const createdAt = nowIso();
  const expiresAt = opts.expiresAt ?? null;
  const prefix = token.slice(0, 10);
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name: nfc(name), token_hash: sha256(token), prefix, created_at: createdAt, last_used_at: null, revoked_at: null, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, prefix, createdAt, expiresAt };
}

/** The owner of a valid token: not revoked, not expired, and the account still active. */
export async function findApiTokenUser(db: Db, token: string): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.expires_at as token_expires_at'])
    .where('api_tokens.token_hash', '=', sha256(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.active !== 1) return undefined;
  if (row.token_expires_at !== null && row.token_expires_at <= nowIso()) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', row.token_id).execute();
  return toUser(row);
}

/** Revokes a token; false when there is no such token or it was already revoked. */
export async function revokeApiToken(db: Db, id: number): Promise<boolean> {
  const r = await db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** API tokens with their owners, newest first (never the token itself: only its first characters); `userId`: one person's. */
export async function listApiTokens(db: Db, filter: { userId?: number; id?: number } = {}): Promise<ApiTokenItem[]> {
  let q = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id', 'api_tokens.user_id', 'users.email', 'users.name as user_name', 'api_tokens.name', 'api_tokens.prefix', 'api_tokens.created_at', 'api_tokens.last_used_at', 'api_tokens.expires_at', 'api_tokens.revoked_at']);
  if (filter.userId !== undefined) q = q.where('api_tokens.user_id', '=', filter.userId);
  if (filter.id !== undefined) q = q.where('api_tokens.id', '=', filter.id);
  const rows = await q.orderBy('api_tokens.id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, owner: { id: r.user_id, email: r.email, name: r.user_name } }));
}
