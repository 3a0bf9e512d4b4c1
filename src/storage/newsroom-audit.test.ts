import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type TestStore } from './testing.ts';
import { appendAudit, loginRetryAfter } from './newsroom-audit.ts';

const engines = await testEngines();
const LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

describe.each(engines)('login limits from the audit log on $engine', ({ open }) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.dispose();
  });
  const failed = (email: string, ip: string) => appendAudit(store.db, { userId: null, userEmail: email, action: 'login_failed', ip });

  it('locks an account after five failures from any addresses, until the window passes or it logs in', async () => {
    const email = 'bien-tap@example.vn';
    for (let i = 0; i < 4; i++) await failed(email, `10.1.0.${i}`);
    expect(await loginRetryAfter(store.db, email, '10.1.9.9', LIMITS)).toBe(0);
    await failed(email, '10.1.0.9');
    const wait = await loginRetryAfter(store.db, email, '10.1.9.9', LIMITS);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // Other accounts are not affected.
    expect(await loginRetryAfter(store.db, 'phong-vien@example.vn', '10.1.9.9', LIMITS)).toBe(0);
    // Fifteen minutes later the account may try again.
    expect(await loginRetryAfter(store.db, email, '10.1.9.9', LIMITS, Date.now() + LIMITS.windowMs + 1000)).toBe(0);
  });

  it('a successful login starts the account count again', async () => {
    const email = 'thu-ky@example.vn';
    for (let i = 0; i < 4; i++) await failed(email, '10.2.0.1');
    await new Promise((r) => setTimeout(r, 5));
    await appendAudit(store.db, { userId: 1, userEmail: email, action: 'login', ip: '10.2.0.1' });
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 4; i++) await failed(email, '10.2.0.1');
    expect(await loginRetryAfter(store.db, email, '10.2.0.2', LIMITS)).toBe(0);
    await failed(email, '10.2.0.1');
    expect(await loginRetryAfter(store.db, email, '10.2.0.2', LIMITS)).toBeGreaterThan(0);
  });

  it('limits one address across accounts, not other addresses', async () => {
    for (let i = 0; i < 19; i++) await failed(`khach${i}@example.vn`, '10.3.3.3');
    expect(await loginRetryAfter(store.db, 'tong-bien-tap@example.vn', '10.3.3.3', LIMITS)).toBe(0);
    await failed('khach19@example.vn', '10.3.3.3');
    expect(await loginRetryAfter(store.db, 'tong-bien-tap@example.vn', '10.3.3.3', LIMITS)).toBeGreaterThan(0);
    expect(await loginRetryAfter(store.db, 'tong-bien-tap@example.vn', '10.3.3.4', LIMITS)).toBe(0);
  });
});
