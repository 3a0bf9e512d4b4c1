import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestSqlite, type TestStore } from '../storage/testing.ts';
import { createUser } from '../storage/newsroom.ts';
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
});
