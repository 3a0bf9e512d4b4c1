import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser } from '../src/storage/newsroom.ts';
import { login, PASSWORD, screenshot, seriousViolations, usePages, useSiteAndBrowser } from './support.ts';

/** Login sessions and API tokens in the newsroom app, in real Chromium against a real server. */
describe('newsroom app: sessions and API tokens', () => {
  const e2e = useSiteAndBrowser();
  const admin = { email: 'quantri-bao-mat@example.vn', name: 'Vũ Thị Hạnh' };
  const writer = { email: 'phongvien-bao-mat@example.vn', name: 'Hoàng Văn Khải' };
  const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
  let writerId = 0;

  beforeAll(async () => {
    await createUser(e2e.site.store.db, { ...admin, password: PASSWORD, roles: ['admin'], deskIds: [] });
    writerId = (await createUser(e2e.site.store.db, { ...writer, password: PASSWORD, roles: ['reporter'], deskIds: [e2e.site.categoryId] })).id;
  });

  const newPage = usePages(e2e);
  // A phone: its own context with an iPhone's user agent, closed after the block.
  const phones: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of phones) await c.close().catch(() => undefined);
  });
  const newPhone = async () => {
    const c = await e2e.browser.newContext({ locale: 'vi-VN', userAgent: SAFARI_IPHONE, viewport: { width: 390, height: 844 } });
    phones.push(c);
    return c.newPage();
  };
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Điều hướng chính' });
  /** The API status as the page's own session sees it. */
  const sessionStatus = (page: Page) => page.evaluate(async () => (await fetch('/api/v1/session', { headers: { accept: 'application/json' } })).status);
  const activeId = 'document.activeElement?.id';
  const activeText = 'document.activeElement?.textContent';
  const bearer = async (token: string) => (await fetch(`${e2e.site.base}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('a reporter sees their two sessions, signs the phone out, then every other session', { timeout: 120_000 }, async () => {
    const phone = await newPhone();
    await login(phone, e2e.site.base, writer.email);
    const laptop = await newPage();
    await login(laptop, e2e.site.base, writer.email);
    // Tokens are an administrator's screen.
    expect(await nav(laptop).getByRole('link', { name: 'API token' }).count()).toBe(0);
    await laptop.goto(`${e2e.site.base}/admin/tokens`);
    await laptop.getByRole('alert').filter({ hasText: 'Bạn không có quyền' }).waitFor();

    await laptop.getByRole('link', { name: `Tài khoản: ${writer.name}` }).click();
    const section = laptop.getByRole('region', { name: 'Phiên đăng nhập' });
    const rows = section.locator('table.session-list tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first: this laptop, marked, then the phone; devices in words, times in Vietnamese format.
    const current = rows.first();
    expect(await current.getAttribute('data-current')).toBe('true');
    expect(await current.textContent()).toMatch(/^Chrome trên Linux Phiên này127\.0\.0\.1\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    expect(await current.getByRole('button').count()).toBe(0);
    const other = rows.nth(1);
    expect(await other.locator('th').textContent()).toBe('Safari trên iPhone');
    expect(await section.getByText('Phiên này', { exact: true }).count()).toBe(1);
    expect(await laptop.getByRole('region', { name: 'API token của tôi' }).count()).toBe(0);
    expect(await seriousViolations(laptop), 'account with sessions').toEqual([]);
    await screenshot(laptop, 'account-sessions');

    // The phone's session ends: the laptop says so, focus is on the section, and the phone is signed out.
    await section.getByRole('button', { name: /^Đăng xuất phiên Safari trên iPhone bắt đầu lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/ }).click();
    await laptop.getByTestId('sessions-outcome').getByRole('status').filter({ hasText: 'Đã đăng xuất phiên Safari trên iPhone.' }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await laptop.evaluate<string | undefined>(activeId)).toBe('sessions-title');
    expect(await section.getByText('Không có phiên nào khác ngoài phiên này.').count()).toBe(1);
    expect(await sessionStatus(phone)).toBe(401);
    expect(await sessionStatus(laptop)).toBe(200);

    // Two more sign-ins elsewhere, then "every other session" at once.
    await login(phone, e2e.site.base, writer.email);
    const tablet = await newPage({ width: 820, height: 1180 });
    await login(tablet, e2e.site.base, writer.email);
    await laptop.reload();
    await expect.poll(() => rows.count()).toBe(3);
    await section.getByRole('button', { name: 'Đăng xuất mọi phiên khác' }).click();
    await laptop.getByTestId('sessions-outcome').getByRole('status').filter({ hasText: 'Đã đăng xuất 2 phiên khác.' }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await sessionStatus(phone)).toBe(401);
    expect(await sessionStatus(tablet)).toBe(401);
    expect(await sessionStatus(laptop)).toBe(200);
    // The phone's screen learns it at its next request: the login form over it.
    await phone.reload();
    await phone.getByRole('heading', { name: 'Đăng nhập tòa soạn' }).waitFor();
    await tablet.close();
  });

  it('an administrator creates a token, sees it once, copies it, and revokes it after confirming; the owner revokes theirs from the account screen', { timeout: 150_000 }, async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.site.base });
    await login(page, e2e.site.base, admin.email);
    await nav(page).getByRole('link', { name: 'API token' }).click();
    await page.getByRole('heading', { name: 'API token', level: 1 }).waitFor();
    await page.getByText('Chưa có API token nào.').waitFor();

    // A name is needed; said at the field.
    const name = page.getByLabel('Tên token (dùng cho việc gì)');
    const create = page.getByRole('button', { name: 'Tạo token' });
    await create.click();
    await page.getByText('Hãy nhập tên token.').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate<string | undefined>(activeId)).toBe('token-name');

    await name.fill('Trang tổng hợp tin');
    await page.getByLabel('Chủ token').selectOption({ label: `${writer.name} (${writer.email})` });
    const expiry = page.getByLabel('Thời hạn');
    expect(await expiry.locator('option').allTextContents()).toEqual(['30 ngày', '90 ngày', '365 ngày', 'Không hết hạn']);
    await expiry.selectOption({ label: '30 ngày' });
    await create.click();

    // Shown once, in a dialog that says so; the field has focus and the copy button puts it on the clipboard.
    const dialog = page.getByRole('dialog', { name: 'Token mới: chỉ hiện một lần' });
    await dialog.waitFor();
    const value = dialog.getByLabel(`Token “Trang tổng hợp tin” của ${writer.name}`);
    const token = await value.inputValue();
    expect(token).toMatch(/^tsn_[A-Za-z0-9_-]{40,}$/);
    expect(await page.evaluate<string | undefined>(activeId)).toBe('token-created-value');
    expect(await dialog.textContent()).toContain('không ai xem lại được nó');
    await dialog.getByRole('button', { name: 'Chép token' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Đã chép token vào bộ nhớ tạm.' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(token);
    expect(await seriousViolations(page), 'token shown once').toEqual([]);
    await screenshot(page, 'token-created');
    await dialog.getByRole('button', { name: 'Tôi đã chép xong, đóng' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate<string | undefined>(activeText)).toBe('Tạo token');
    // Gone from the page for good: the list has its first characters only, also after a reload.
    const row = page.locator('table.token-list tbody tr').filter({ hasText: 'Trang tổng hợp tin' });
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row.textContent()).toContain(`${token.slice(0, 10)}…`);
    expect(await row.textContent()).toContain(writer.email);
    expect(await row.textContent()).toContain('Chưa dùng');
    expect(await row.textContent()).toContain('Đang hiệu lực');

    // It works for its owner; the list then shows when it was last used.
    expect(await bearer(token)).toBe(200);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row.textContent()).not.toContain('Chưa dùng');

    // Revoking asks first; Cancel has focus, Escape changes nothing and gives focus back.
    const revoke = row.getByRole('button', { name: 'Thu hồi token “Trang tổng hợp tin”' });
    await revoke.click();
    const confirm = page.getByRole('dialog', { name: 'Thu hồi API token?' });
    await confirm.waitFor();
    expect(await page.evaluate<string | undefined>(activeText)).toBe('Hủy');
    expect(await confirm.textContent()).toContain(`${token.slice(0, 10)}…`);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null | undefined>("document.activeElement?.getAttribute('aria-label')")).toBe('Thu hồi token “Trang tổng hợp tin”');
    expect(await bearer(token)).toBe(200);
    await revoke.click();
    await confirm.getByRole('button', { name: 'Thu hồi token' }).click();
    await page.getByTestId('token-list-title-outcome').getByRole('status').filter({ hasText: 'Đã thu hồi token “Trang tổng hợp tin”.' }).waitFor();
    await expect.poll(() => row.textContent()).toMatch(/Đã thu hồi \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await page.evaluate<string | undefined>(activeId)).toBe('token-list-title');
    expect(await bearer(token)).toBe(401);
    expect(await seriousViolations(page), 'tokens after a revoke').toEqual([]);
    await screenshot(page, 'tokens-revoked');

    // A second one, without expiry: its owner sees both on their account screen and revokes it there.
    await name.fill('Máy chủ ảnh');
    await page.getByLabel('Chủ token').selectOption({ label: `${writer.name} (${writer.email})` });
    await expiry.selectOption({ label: 'Không hết hạn' });
    await create.click();
    const second = await dialog.getByLabel(`Token “Máy chủ ảnh” của ${writer.name}`).inputValue();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await bearer(second)).toBe(200);

    const owner = await newPage();
    await login(owner, e2e.site.base, writer.email);
    await owner.getByRole('link', { name: `Tài khoản: ${writer.name}` }).click();
    const mine = owner.getByRole('region', { name: 'API token của tôi' });
    const ownRows = mine.locator('table.token-list tbody tr');
    await expect.poll(() => ownRows.count()).toBe(2);
    expect(await mine.getByRole('columnheader', { name: 'Chủ token' }).count()).toBe(0);
    expect(await ownRows.filter({ hasText: 'Máy chủ ảnh' }).textContent()).toContain('Không hết hạn');
    await mine.getByRole('button', { name: 'Thu hồi token “Máy chủ ảnh”' }).click();
    await owner.getByRole('dialog', { name: 'Thu hồi API token?' }).getByRole('button', { name: 'Thu hồi token' }).click();
    await owner.getByTestId('my-tokens-title-outcome').getByRole('status').filter({ hasText: 'Đã thu hồi token “Máy chủ ảnh”.' }).waitFor();
    expect(await bearer(second)).toBe(401);
    expect(await mine.getByRole('button', { name: /^Thu hồi/ }).count()).toBe(0);

    // The administrator signs the reporter out everywhere from the users table.
    await nav(page).getByRole('link', { name: 'Quản trị' }).click();
    // This screen's session, and the laptop's when the first test ran.
    const open = (await e2e.site.store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', writerId).where('expires_at', '>', new Date().toISOString()).execute()).length;
    expect(open).toBeGreaterThan(0);
    await page.getByRole('button', { name: `Đăng xuất mọi phiên: ${writer.name}` }).click();
    await page.getByTestId('user-sessions-outcome').getByRole('status').filter({ hasText: `Đã đăng xuất ${writer.name} khỏi ${open} phiên.` }).waitFor();
    expect(await page.getByRole('button', { name: `Đăng xuất mọi phiên: ${admin.name}` }).count()).toBe(0);
    expect(await sessionStatus(owner)).toBe(401);
    expect(await sessionStatus(page)).toBe(200);
    expect(await seriousViolations(page), 'admin users with the sign-out column').toEqual([]);

    // Every step is in the audit log, under the administrator or the owner.
    const actions = await e2e.site.store.db.selectFrom('audit_log').select(['action', 'user_email', 'target']).where('action', 'in', ['token_create', 'token_revoke']).orderBy('id').execute();
    expect(actions.map((a) => [a.action, a.user_email])).toEqual([
      ['token_create', admin.email],
      ['token_revoke', admin.email],
      ['token_create', admin.email],
      ['token_revoke', writer.email],
    ]);
    const signOut = await e2e.site.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'session_revoke').where('target', '=', `user:${writerId}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(signOut.user_email).toBe(admin.email);
    expect(JSON.parse(signOut.details)).toEqual({ count: open, scope: 'all' });
  });
});
