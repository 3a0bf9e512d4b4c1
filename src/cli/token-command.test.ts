import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestSqlite, type TestStore } from '../storage/testing.ts';
import { createUser, findApiTokenUser } from '../storage/newsroom.ts';
import { configFromEnv } from '../config.ts';
import { runToken } from './token-command.ts';

describe('toasoan token', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestSqlite();
    await createUser(store.db, { email: 'tich-hop@example.vn', name: 'Tích hợp', password: 'mot-mat-khau-du-dai', roles: ['reporter'] });
  });
  afterAll(async () => {
    await store?.dispose();
  });

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    try {
      const code = await runToken(args, { ...configFromEnv({}), databaseUrl: store.url });
      return { code, out: out.join('\n') };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  };

  it('lists tokens by id and owner without the token, revokes one once, and refuses ids that name none', async () => {
    const created = await run('create', '--user', 'tich-hop@example.vn', '--name', 'trang-tin-tong-hop');
    expect(created.code).toBe(0);
    const id = Number(/Token #(\d+)/.exec(created.out)?.[1]);
    const token = created.out.split('\n').at(-1)!;
    const listed = await run('list');
    expect(listed.out).toContain(`#${id}\ttich-hop@example.vn\ttrang-tin-tong-hop`);
    expect(listed.out).not.toContain(token);
    expect((await run('revoke', '--id', String(id))).code).toBe(0);
    expect(await run('revoke', '--id', String(id))).toMatchObject({ code: 1, out: expect.stringContaining('Không có token') });
    expect((await run('revoke', '--id', '999')).code).toBe(1);
    expect((await run('list')).out).toContain('đã thu hồi');
  });

  it('gives a token a lifetime with --days, shows it in the list, and the expired token no longer authenticates', async () => {
    const created = await run('create', '--user', 'tich-hop@example.vn', '--name', 'co-han', '--days', '30');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/hết hạn \d{4}-\d{2}-\d{2}T/);
    const id = Number(/Token #(\d+)/.exec(created.out)?.[1]);
    const token = created.out.split('\n').at(-1)!;
    const expires = (await store.db.selectFrom('api_tokens').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow()).expires_at!;
    // 30 days from now, give or take the test's own run time.
    expect(Math.abs(Date.parse(expires) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    expect((await run('list')).out).toContain(`#${id}\ttich-hop@example.vn\tco-han`);
    expect((await run('list')).out).toMatch(new RegExp(`#${id}\\t[^\\n]*\\thết hạn ${expires}`));
    expect(await findApiTokenUser(store.db, token)).toMatchObject({ email: 'tich-hop@example.vn' });
    await store.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
    expect(await findApiTokenUser(store.db, token)).toBeUndefined();
    expect((await run('list')).out).toMatch(new RegExp(`#${id}\\t[^\\n]*\\tđã hết hạn `));
    // Without --days a token does not expire; a bad --days is refused before anything is made.
    expect((await run('create', '--user', 'tich-hop@example.vn', '--name', 'vo-han')).out).toContain('không hết hạn');
    const before = (await run('list')).out.split('\n').length;
    for (const bad of ['0', '3651', 'ba', '1.5']) expect(await run('create', '--user', 'tich-hop@example.vn', '--days', bad)).toMatchObject({ code: 2, out: expect.stringContaining('--days') });
    expect((await run('list')).out.split('\n').length).toBe(before);
  });
});
