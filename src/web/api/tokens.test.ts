import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, PASSWORD, type Newsroom } from '../../newsroom/testing.ts';
import { createUser, type User } from '../../storage/newsroom.ts';
import { sha256 } from '../../newsroom/passwords.ts';
import type { Role } from '../../domain/roles.ts';
import { up as migration010 } from '../../storage/migrations/010_token_expiry.ts';
import type { Kysely } from 'kysely';

/** Login sessions and API tokens over real HTTP: one's own sessions, an administrator's view, tokens and who may mint them. */
const engines = await testEngines();

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}
/** Who calls: a cookie session (with its CSRF token), a bearer token, or nobody. */
type Caller = { cookie: string; csrf: string } | { bearer: string } | null;
interface SessionItem {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}
interface TokenItem {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  owner: { id: number; email: string; name: string };
  token?: string;
}

describe.each(engines)('sessions and API tokens over HTTP on $engine', ({ open }) => {
  let nr: Newsroom;
  let base: string;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
    base = await nr.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const http = async (who: Caller, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (who && 'bearer' in who) h.authorization = `Bearer ${who.bearer}`;
    else if (who) {
      h.cookie = who.cookie;
      if (method !== 'GET') h['x-csrf-token'] = who.csrf;
    }
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  };
  /** A fresh login over HTTP from a given browser. */
  const signIn = async (email: string, userAgent = CHROME_WINDOWS) => {
    const res = await http(null, 'POST', '/api/v1/session', { email, password: PASSWORD }, { 'user-agent': userAgent });
    expect(res.status, res.text).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrf: res.json<{ csrfToken: string }>().csrfToken, value: cookie.split('=')[1]! };
  };
  const idOf = (s: { value: string }) => sha256(s.value).slice(0, 16);
  let n = 0;
  const person = async (roles: Role[] = ['reporter']): Promise<User> => createUser(nr.store.db, { email: `nguoi-${++n}@example.vn`, name: `Người thứ ${n}`, password: PASSWORD, roles, deskIds: [nr.desk] });
  const audit = (action: string, target?: string) => {
    let q = nr.store.db.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (target) q = q.where('target', '=', target);
    return q.orderBy('id').execute();
  };
  const alive = async (s: Caller) => (await http(s, 'GET', '/api/v1/session')).status;
  const admin = () => nr.members.admin;
  const asAdmin = (): Caller => ({ cookie: admin().cookie, csrf: admin().csrf });

  it('"remember me" makes a 30-day session (cookie and row), audited; without it a session lasts 12 hours', async () => {
    const me = await person();
    const login = async (remember?: boolean) => {
      const res = await http(null, 'POST', '/api/v1/session', { email: me.email, password: PASSWORD, ...(remember === undefined ? {} : { remember }) });
      expect(res.status, res.text).toBe(200);
      const maxAge = Number(/Max-Age=(\d+)/i.exec(res.headers.get('set-cookie')!)?.[1]);
      const hours = (Date.parse(res.json<{ expiresAt: string }>().expiresAt) - Date.now()) / 3_600_000;
      return { maxAge, hours };
    };
    const plain = await login();
    expect(plain.maxAge).toBe(12 * 3600);
    expect(plain.hours).toBeGreaterThan(11.9);
    expect(plain.hours).toBeLessThanOrEqual(12);
    expect((await login(false)).maxAge).toBe(12 * 3600);
    const remembered = await login(true);
    expect(remembered.maxAge).toBe(30 * 24 * 3600);
    expect(remembered.hours).toBeGreaterThan(30 * 24 - 0.1);
    const logins = await audit('login');
    expect(JSON.parse(logins.filter((e) => e.user_id === me.id).at(-1)!.details)).toEqual({ remember: true });
    expect((await http(null, 'POST', '/api/v1/session', { email: me.email, password: PASSWORD, remember: 'yes' })).status).toBe(400);
  });

  it('lists only my unexpired sessions, newest first, with the calling one marked and never a token', async () => {
    const me = await person();
    const laptop = await signIn(me.email, CHROME_WINDOWS);
    const phone = await signIn(me.email, SAFARI_IPHONE);
    // Someone else's session and an expired one of mine are not listed.
    await signIn(nr.members.editor.user.email);
    const old = await signIn(me.email);
    await nr.store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('token_hash', '=', sha256(old.value)).execute();

    const res = await http(laptop, 'GET', '/api/v1/sessions');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const items = res.json<{ items: SessionItem[] }>().items;
    expect(items.map((s) => [s.id, s.current, s.userAgent])).toEqual([
      [idOf(phone), false, SAFARI_IPHONE],
      [idOf(laptop), true, CHROME_WINDOWS],
    ]);
    for (const s of items) {
      expect(s.id).toMatch(/^[0-9a-f]{16}$/);
      expect(s.ip).toBe('127.0.0.1');
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.parse(s.createdAt));
    }
    // Neither the cookie values nor their full hashes leave the server.
    for (const secret of [laptop.value, phone.value, sha256(laptop.value), sha256(phone.value), laptop.csrf]) expect(res.text).not.toContain(secret);
    // From the phone, the phone is the current one.
    expect((await http(phone, 'GET', '/api/v1/sessions')).json<{ items: SessionItem[] }>().items.find((s) => s.current)?.id).toBe(idOf(phone));
  });

  it('ends another of my sessions (its cookie is then 401), audited; the current one ends like a logout', async () => {
    const me = await person();
    const laptop = await signIn(me.email);
    const phone = await signIn(me.email, SAFARI_IPHONE);
    expect(await alive(phone)).toBe(200);

    const res = await http(laptop, 'DELETE', `/api/v1/sessions/${idOf(phone)}`);
    expect(res.status, res.text).toBe(204);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await alive(phone)).toBe(401);
    expect(await alive(laptop)).toBe(200);
    const [entry] = await audit('session_revoke', `user:${me.id}`);
    expect(entry).toMatchObject({ user_id: me.id, user_email: me.email, ip: '127.0.0.1' });
    expect(JSON.parse(entry!.details)).toEqual({ count: 1, scope: 'one', session: idOf(phone) });

    // Already ended: 404 in Vietnamese, nothing more written.
    const again = await http(laptop, 'DELETE', `/api/v1/sessions/${idOf(phone)}`);
    expect(again.status).toBe(404);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.json<{ detail: string }>().detail).toBe('Không tìm thấy phiên đăng nhập này trong các phiên của bạn.');
    expect(await audit('session_revoke', `user:${me.id}`)).toHaveLength(1);
    // Ids are validated: 16 lowercase hex characters.
    for (const bad of ['ABCDEF0123456789', '0123', `${idOf(laptop)}0`, 'zzzzzzzzzzzzzzzz']) expect((await http(laptop, 'DELETE', `/api/v1/sessions/${bad}`)).status, bad).toBe(400);

    // Ending the session one is using clears its cookie, as logging out does.
    const self = await http(laptop, 'DELETE', `/api/v1/sessions/${idOf(laptop)}`);
    expect(self.status).toBe(204);
    expect(self.headers.get('set-cookie')).toMatch(/^toasoan_sid=; .*Max-Age=0/);
    expect(await alive(laptop)).toBe(401);
  });

  it('"sign out every other session" keeps the current one and answers how many ended', async () => {
    const me = await person();
    const here = await signIn(me.email);
    const others = [await signIn(me.email, SAFARI_IPHONE), await signIn(me.email), await signIn(me.email)];
    const res = await http(here, 'DELETE', '/api/v1/sessions');
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ ended: 3 });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await alive(here)).toBe(200);
    for (const o of others) expect(await alive(o)).toBe(401);
    expect((await http(here, 'GET', '/api/v1/sessions')).json<{ items: SessionItem[] }>().items.map((s) => s.id)).toEqual([idOf(here)]);
    const entries = await audit('session_revoke', `user:${me.id}`);
    expect(entries.map((e) => JSON.parse(e.details))).toEqual([{ count: 3, scope: 'others' }]);
    // Nothing left to end: nothing to record.
    expect((await http(here, 'DELETE', '/api/v1/sessions')).json()).toEqual({ ended: 0 });
    expect(await audit('session_revoke', `user:${me.id}`)).toHaveLength(1);
  });

  it('an administrator lists and ends every session of a person (a stolen laptop), audited under the administrator', async () => {
    const victim = await person();
    const a = await signIn(victim.email);
    const b = await signIn(victim.email, SAFARI_IPHONE);
    const list = await http(asAdmin(), 'GET', `/api/v1/users/${victim.id}/sessions`);
    expect(list.status, list.text).toBe(200);
    expect(list.json<{ items: SessionItem[] }>().items.map((s) => [s.id, s.current])).toEqual([
      [idOf(b), false],
      [idOf(a), false],
    ]);
    const res = await http(asAdmin(), 'DELETE', `/api/v1/users/${victim.id}/sessions`);
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ ended: 2 });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await alive(a)).toBe(401);
    expect(await alive(b)).toBe(401);
    expect(await alive(asAdmin())).toBe(200);
    const [entry] = await audit('session_revoke', `user:${victim.id}`);
    expect(entry).toMatchObject({ user_id: admin().user.id, user_email: admin().user.email });
    expect(JSON.parse(entry!.details)).toEqual({ count: 2, scope: 'all' });
    expect((await http(asAdmin(), 'GET', `/api/v1/users/${victim.id}/sessions`)).json()).toEqual({ items: [] });
    // The person can log in again: it is a sign-out, not a lock.
    expect(await alive(await signIn(victim.email))).toBe(200);
    for (const method of ['GET', 'DELETE']) expect((await http(asAdmin(), method, '/api/v1/users/999999/sessions')).status).toBe(404);
  });

  it("a member cannot see or end someone else's sessions", async () => {
    const me = await person();
    const other = await person();
    const mine = await signIn(me.email);
    const theirs = await signIn(other.email);
    // By id: someone else's session is unknown to me (404), and it stays open.
    const res = await http(mine, 'DELETE', `/api/v1/sessions/${idOf(theirs)}`);
    expect(res.status).toBe(404);
    expect(await alive(theirs)).toBe(200);
    // "Every other session" means mine only.
    await http(mine, 'DELETE', '/api/v1/sessions');
    expect(await alive(theirs)).toBe(200);
    // The administrator's routes are refused, in Vietnamese.
    for (const who of [mine, { cookie: nr.members.editor_in_chief.cookie, csrf: nr.members.editor_in_chief.csrf }]) {
      for (const method of ['GET', 'DELETE']) {
        const r = await http(who, method, `/api/v1/users/${other.id}/sessions`);
        expect(r.status, `${method} as a non-administrator`).toBe(403);
        expect(r.json<{ detail: string }>().detail).toBe('Chỉ quản trị viên xem và kết thúc được phiên đăng nhập của người khác.');
      }
    }
    expect(await alive(theirs)).toBe(200);
    expect(await audit('session_revoke', `user:${other.id}`)).toEqual([]);
  });

  it('tokens: an administrator creates one for a person (shown once), lists every token; the owner lists and revokes their own', async () => {
    const owner = await person();
    const stranger = await person();
    const res = await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'Trang tổng hợp tin', userId: owner.id, expiresInDays: 30 });
    expect(res.status, res.text).toBe(201);
    const created = res.json<TokenItem>();
    expect(created.token).toMatch(/^tsn_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ name: 'Trang tổng hợp tin', prefix: created.token!.slice(0, 10), lastUsedAt: null, revokedAt: null, owner: { id: owner.id, email: owner.email, name: owner.name } });
    expect(Math.abs(Date.parse(created.expiresAt!) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    const hash = sha256(created.token!);
    expect(res.text).not.toContain(hash);
    expect(Object.keys(created)).not.toContain('tokenHash');
    const row = await nr.store.db.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hash);
    const [createdEntry] = await audit('token_create', `token:${created.id}`);
    expect(createdEntry).toMatchObject({ user_id: admin().user.id });
    expect(JSON.parse(createdEntry!.details)).toMatchObject({ userId: owner.id, name: 'Trang tổng hợp tin', prefix: created.prefix, expiresAt: created.expiresAt });

    // The token works for its owner, and using it is recorded.
    const bearer = { bearer: created.token! };
    expect((await http(bearer, 'GET', '/api/v1/session')).json()).toMatchObject({ user: { id: owner.id }, via: 'token' });

    // The administrator sees every token (the members' too); the owner only their own; another member none of these.
    const all = (await http(asAdmin(), 'GET', '/api/v1/tokens')).json<{ items: TokenItem[] }>().items;
    expect(all.find((x) => x.id === created.id)).toMatchObject({ owner: { id: owner.id }, lastUsedAt: expect.any(String) });
    expect(new Set(all.map((x) => x.owner.id)).size).toBeGreaterThan(2);
    const listing = await http(bearer, 'GET', '/api/v1/tokens');
    expect(listing.json<{ items: TokenItem[] }>().items.map((x) => x.id)).toEqual([created.id]);
    for (const secret of [created.token!, hash]) expect(listing.text).not.toContain(secret);
    const strangerSession = await signIn(stranger.email);
    expect((await http(strangerSession, 'GET', '/api/v1/tokens')).json()).toEqual({ items: [] });

    // Another member's revoke is a 404 (the token's existence is not theirs to learn) and changes nothing.
    expect((await http(strangerSession, 'DELETE', `/api/v1/tokens/${created.id}`)).status).toBe(404);
    expect(await alive(bearer)).toBe(200);
    // The owner revokes it (here with the token itself); then it is 401, and revoking again is 404.
    expect((await http(bearer, 'DELETE', `/api/v1/tokens/${created.id}`)).status).toBe(204);
    const refused = await http(bearer, 'GET', '/api/v1/session');
    expect(refused.status).toBe(401);
    const ownerSession = await signIn(owner.email);
    const twice = await http(ownerSession, 'DELETE', `/api/v1/tokens/${created.id}`);
    expect(twice.status).toBe(404);
    expect(twice.json<{ detail: string }>().detail).toBe('Không tìm thấy API token đang hiệu lực.');
    expect((await http(ownerSession, 'GET', '/api/v1/tokens')).json<{ items: TokenItem[] }>().items[0]).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    const revoked = await audit('token_revoke', `token:${created.id}`);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ user_id: owner.id });

    // An administrator revokes anyone's token.
    const second = (await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'Máy chủ ảnh', userId: owner.id })).json<TokenItem>();
    expect(second.expiresAt).toBeNull();
    expect((await http(asAdmin(), 'DELETE', `/api/v1/tokens/${second.id}`)).status).toBe(204);
    expect(await alive({ bearer: second.token! })).toBe(401);
    expect((await audit('token_revoke', `token:${second.id}`))[0]).toMatchObject({ user_id: admin().user.id });
    expect((await http(asAdmin(), 'DELETE', '/api/v1/tokens/999999')).status).toBe(404);
  });

  it('only an administrator, signed in, creates tokens: never with a token, never for a disabled account; input is validated', async () => {
    const owner = await person();
    const count = async () => Number((await nr.store.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const auditBefore = (await audit('token_create')).length;

    // Not an administrator.
    for (const role of ['reporter', 'editor_in_chief'] as const) {
      const m = nr.members[role];
      const r = await http({ cookie: m.cookie, csrf: m.csrf }, 'POST', '/api/v1/tokens', { name: 'tự cấp' });
      expect(r.status, role).toBe(403);
      expect(r.json<{ detail: string }>().detail).toBe('Chỉ quản trị viên tạo được API token.');
    }
    // An administrator's own bearer token (leaked, say) cannot mint more.
    const viaToken = await http({ bearer: admin().token }, 'POST', '/api/v1/tokens', { name: 'token sinh token', userId: owner.id });
    expect(viaToken.status).toBe(403);
    expect(viaToken.json<{ detail: string }>().detail).toBe('Không thể tạo API token bằng một API token; hãy đăng nhập tòa soạn để tạo.');
    // The owner must be an active account.
    await http(asAdmin(), 'PATCH', `/api/v1/users/${owner.id}`, { active: false });
    for (const userId of [owner.id, 999999]) {
      const r = await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'cho tài khoản đã khóa', userId });
      expect(r.status, String(userId)).toBe(422);
      expect(r.json<{ detail: string }>().detail).toBe('Chủ token phải là một tài khoản đang hoạt động.');
    }
    // Schema limits.
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 'a', expiresInDays: 0 }, { name: 'a', expiresInDays: 3651 }, { name: 'a', expiresInDays: 1.5 }, { name: 'a', userId: 'một' }, { name: 'a', hash: 'x' }, { name: '<script>alert(1)</script>' }]) {
      expect((await http(asAdmin(), 'POST', '/api/v1/tokens', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await count()).toBe(before);
    expect(await audit('token_create')).toHaveLength(auditBefore);
    // Without a CSRF token, a cookie session cannot create one either.
    expect((await http({ cookie: admin().cookie, csrf: 'sai' }, 'POST', '/api/v1/tokens', { name: 'a' })).status).toBe(403);
    // Defaults: for oneself, no expiry.
    const own = await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'Của quản trị' });
    expect(own.status).toBe(201);
    expect(own.json<TokenItem>()).toMatchObject({ owner: { id: admin().user.id }, expiresAt: null });
  });

  it('an expired token, a revoked token and the token of a disabled account are 401', async () => {
    const owner = await person();
    const make = async (days?: number) => (await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'hết hạn', userId: owner.id, ...(days ? { expiresInDays: days } : {}) })).json<TokenItem>();
    const expiring = await make(1);
    expect(await alive({ bearer: expiring.token! })).toBe(200);
    await nr.store.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expiring.id).execute();
    const r = await http({ bearer: expiring.token! }, 'GET', '/api/v1/articles');
    expect(r.status).toBe(401);
    expect(r.json<{ type: string }>().type).toBe('https://toasoan.dev/problems/unauthenticated');

    const revoked = await make();
    await http(asAdmin(), 'DELETE', `/api/v1/tokens/${revoked.id}`);
    expect(await alive({ bearer: revoked.token! })).toBe(401);

    const kept = await make(365);
    expect(await alive({ bearer: kept.token! })).toBe(200);
    await http(asAdmin(), 'PATCH', `/api/v1/users/${owner.id}`, { active: false });
    expect(await alive({ bearer: kept.token! })).toBe(401);
    await http(asAdmin(), 'PATCH', `/api/v1/users/${owner.id}`, { active: true });
    expect(await alive({ bearer: kept.token! })).toBe(200);
  });

  it('migration 010 is safe to run again and keeps the expiry of existing tokens', async () => {
    const owner = await person();
    const made = (await http(asAdmin(), 'POST', '/api/v1/tokens', { name: 'trước khi chạy lại', userId: owner.id, expiresInDays: 7 })).json<TokenItem>();
    await migration010(nr.store.db as unknown as Kysely<unknown>, { engine: nr.store.engine, id: nr.store.engine === 'postgres' ? 'serial' : 'integer' });
    const row = await nr.store.db.selectFrom('api_tokens').select('expires_at').where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(made.expiresAt);
    expect(await alive({ bearer: made.token! })).toBe(200);
  });
});
