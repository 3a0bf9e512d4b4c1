import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines, type TestStore } from '../storage/testing.ts';
import { seedDemoAccounts } from '../demo/seed.ts';
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
