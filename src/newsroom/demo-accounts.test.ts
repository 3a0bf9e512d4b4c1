import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines, type TestStore } from '../storage/testing.ts';
import { seedDemo, seedDemoAccounts } from '../demo/seed.ts';
import { createContext } from '../web/context.ts';
import { countPublished, getSettings, saveSettings } from '../storage/content.ts';
import { createUser } from '../storage/newsroom.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import { getUserRowByEmail, listUsers } from '../storage/newsroom.ts';
import { verifyPassword } from './passwords.ts';
import { createCategory } from '../storage/content.ts';
import { ROLES } from '../domain/roles.ts';

const engines = await testEngines();

describe.each(engines)('demo accounts on $engine', ({ open }) => {
  let store: TestStore;
  let dir: string;
  beforeAll(async () => {
    store = await open();
    dir = mkdtempSync(join(tmpdir(), 'toasoan-demo-logins-'));
  });
  afterAll(async () => {
    await store?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one account per role once, with passwords only in a private file', async () => {
    const desk = await createCategory(store.db, { name: 'Xã hội' });
    const file = join(dir, 'data', 'demo-logins.txt');
    const first = await seedDemoAccounts(store.db, file);
    expect(first).toMatchObject({ created: true, email: 'tongbientap@example.vn', loginFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const users = await listUsers(store.db);
    expect(users.map((u) => u.roles[0]).sort()).toEqual([...ROLES].sort());
    expect(users.every((u) => u.deskIds.includes(desk))).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(ROLES.length);
    for (const line of lines) {
      const [, email, password] = line.split('\t') as [string, string, string];
      const row = await getUserRowByEmail(store.db, email);
      expect(await verifyPassword(password, row!.password_hash)).toBe(true);
      expect(row!.password_hash).not.toContain(password);
    }
    expect(await seedDemoAccounts(store.db, file)).toEqual({ created: false });
  });
});

describe.each(engines)('demo stories on $engine', ({ open }) => {
  it('are not put into a paper that is set up but has no stories yet (accounts or settings saved)', async () => {
    for (const setUp of ['account', 'settings'] as const) {
      const store = await open();
      try {
        const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-demo-media-')));
        if (setUp === 'account') await createUser(store.db, { email: 'quantri@baothat.vn', name: 'Quản trị', password: 'mot-mat-khau-that-dai', roles: ['admin'] });
        else await saveSettings(store.db, { ...DEFAULT_SETTINGS, name: 'Báo Thật', baseUrl: 'https://baothat.vn' });
        expect(await seedDemo(ctx), setUp).toEqual({ seeded: false, articles: 0 });
        expect(await countPublished(store.db, {})).toBe(0);
        if (setUp === 'settings') expect((await getSettings(store.db)).name).toBe('Báo Thật');
      } finally {
        await store.dispose();
      }
    }
  });
});
