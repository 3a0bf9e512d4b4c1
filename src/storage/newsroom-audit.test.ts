import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type TestStore } from './testing.ts';
import { claimLoginAttempt, loginSucceeded, type LoginClaim } from './newsroom-audit.ts';

const engines = await testEngines();
const LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

describe.each(engines)('login limits in the database on $engine', ({ open }) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.dispose();
  });
  const claim = (email: string, ip: string, now?: number) => claimLoginAttempt(store.db, email, ip, LIMITS, now);
  const allowed = async (email: string, ip: string, now?: number) => !('retryAfter' in (await claim(email, ip, now)));

  it('locks an account after five failures from any addresses, until the window passes', async () => {
    const email = 'bien-tap@example.vn';
    for (let i = 0; i < 5; i++) expect(await allowed(email, `10.1.0.${i}`)).toBe(true);
    const refused = await claim(email, '10.1.9.9');
    expect('retryAfter' in refused && refused.retryAfter).toBeGreaterThan(14 * 60);
    expect('retryAfter' in refused && refused.retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other accounts are not affected; refused attempts do not extend the lock.
    expect(await allowed('phong-vien@example.vn', '10.1.9.9')).toBe(true);
    // Fifteen minutes later the account may try again.
    expect(await allowed(email, '10.1.9.9', Date.now() + LIMITS.windowMs + 1000)).toBe(true);
  });

  it('counts attempts still checking their password: a burst in parallel gets at most the limit through', async () => {
    const email = 'song-song@example.vn';
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => claim(email, `10.4.0.${i}`)));
    expect(results.filter((r) => !('retryAfter' in r)).length).toBeLessThanOrEqual(LIMITS.perAccount);
    expect(results.filter((r) => 'retryAfter' in r).length).toBeGreaterThanOrEqual(40 - LIMITS.perAccount);
  });

  it('a successful login starts the account count again', async () => {
    const email = 'thu-ky@example.vn';
    for (let i = 0; i < 4; i++) expect(await allowed(email, '10.2.0.1')).toBe(true);
    const ok = (await claim(email, '10.2.0.1')) as LoginClaim;
    expect('id' in ok).toBe(true);
    await loginSucceeded(store.db, ok);
    for (let i = 0; i < 5; i++) expect(await allowed(email, '10.2.0.2')).toBe(true);
    expect(await allowed(email, '10.2.0.2')).toBe(false);
  });

  it('limits one address across accounts, not other addresses', async () => {
    for (let i = 0; i < 20; i++) expect(await allowed(`khach${i}@example.vn`, '10.3.3.3')).toBe(true);
    expect(await allowed('tong-bien-tap@example.vn', '10.3.3.3')).toBe(false);
    expect(await allowed('tong-bien-tap@example.vn', '10.3.3.4')).toBe(true);
  });
});
