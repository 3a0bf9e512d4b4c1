import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser } from '../src/storage/newsroom.ts';
import { appendAudit } from '../src/storage/newsroom-audit.ts';
import { login, PASSWORD, screenshot, seriousViolations, startStory, usePages, useSiteAndBrowser } from './support.ts';

/** The account, audit log and tag screens of the newsroom app, in real Chromium against a real server. */
describe('newsroom app: account, audit log and tags screens', () => {
  const e2e = useSiteAndBrowser();
  const admin = { email: 'quantri@example.vn', name: 'Phạm Quốc Duy' };
  // Its own reporter: the password changes, and the site's reporter keeps working for the other tests.
  const writer = { email: 'phongvien2@example.vn', name: 'Đỗ Thị Giang' };

  beforeAll(async () => {
    await createUser(e2e.site.store.db, { ...admin, password: PASSWORD, roles: ['admin'], deskIds: [] });
    await createUser(e2e.site.store.db, { ...writer, password: PASSWORD, roles: ['reporter'], deskIds: [e2e.site.categoryId] });
  });

  const newPage = usePages(e2e);
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Điều hướng chính' });
  const loginWith = async (page: Page, email: string, password: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  };
  /** The API as the logged-in page sees it (its session cookie). */
  const apiGet = <T>(page: Page, path: string) => page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { headers: { accept: 'application/json' } })).json(), path) as Promise<T>;

  it('a reporter changes their password from the account screen; the old one stops working and the new one logs in', { timeout: 90_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, writer.email);
    // A reporter reads neither the audit log nor manages tags.
    expect(await nav(page).getByRole('link', { name: 'Nhật ký' }).count()).toBe(0);
    expect(await nav(page).getByRole('link', { name: 'Thẻ' }).count()).toBe(0);
    await page.goto(`${e2e.site.base}/admin/audit`);
    await page.getByRole('alert').filter({ hasText: 'Bạn không có quyền' }).waitFor();

    await page.getByRole('link', { name: `Tài khoản: ${writer.name}` }).click();
    await page.getByRole('heading', { name: 'Tài khoản của tôi' }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain(writer.email);
    expect(await page.locator('.facts').textContent()).toContain('Phóng viên');
    expect(await page.locator('.facts').textContent()).toContain('Đời sống');
    const current = page.getByLabel('Mật khẩu hiện tại');
    const next = page.getByLabel('Mật khẩu mới', { exact: true });
    const repeat = page.getByLabel('Nhập lại mật khẩu mới');
    expect(await current.getAttribute('autocomplete')).toBe('current-password');
    expect(await next.getAttribute('autocomplete')).toBe('new-password');
    expect(await repeat.getAttribute('autocomplete')).toBe('new-password');
    const submit = page.getByRole('button', { name: 'Đổi mật khẩu' });
    const newPassword = 'mật-khẩu-mới-của-Giang-2025';

    // Checked in the page before anything is sent.
    await current.fill(PASSWORD);
    await next.fill('ngan');
    await repeat.fill('ngan');
    await submit.click();
    await page.getByText('Mật khẩu mới phải dài ít nhất 10 ký tự.').waitFor();
    expect(await next.getAttribute('aria-invalid')).toBe('true');
    await next.fill(newPassword);
    await repeat.fill(`${newPassword}x`);
    await submit.click();
    await page.getByText('Hai lần nhập mật khẩu mới không khớp nhau.').waitFor();
    expect(await repeat.getAttribute('aria-invalid')).toBe('true');

    // The server refuses a wrong current password.
    await current.fill('khong-phai-mat-khau');
    await repeat.fill(newPassword);
    await submit.click();
    await page.getByText('Mật khẩu hiện tại không đúng.').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('pw-current');
    expect(await seriousViolations(page), 'account with an error').toEqual([]);
    await screenshot(page, 'account-error');

    await current.fill(PASSWORD);
    await submit.click();
    await page.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu.' }).waitFor();
    expect(await current.inputValue()).toBe('');
    expect(await next.inputValue()).toBe('');
    expect(await repeat.inputValue()).toBe('');
    expect(await page.getByText('Mật khẩu hiện tại không đúng.').count()).toBe(0);
    expect(await seriousViolations(page), 'account after the change').toEqual([]);

    // Every session ended with the change: log in again.
    await page.getByRole('button', { name: 'Đăng nhập lại' }).click();
    await page.getByRole('heading', { name: 'Đăng nhập tòa soạn' }).waitFor();
    await loginWith(page, writer.email, PASSWORD);
    await page.getByRole('alert').filter({ hasText: 'Email hoặc mật khẩu không đúng.' }).waitFor();
    await loginWith(page, writer.email, newPassword);
    // Back where they were.
    await page.getByRole('heading', { name: 'Tài khoản của tôi' }).waitFor();
    expect((await apiGet<{ user: { email: string } }>(page, '/session')).user.email).toBe(writer.email);

    // The editor-in-chief finds both attempts in the log, in words.
    const chief = await newPage();
    await login(chief, e2e.site.base, e2e.site.users.chief.email);
    await nav(chief).getByRole('link', { name: 'Nhật ký' }).click();
    await chief.getByLabel('Thao tác', { exact: true }).selectOption({ label: 'Đổi mật khẩu' });
    const rows = chief.locator('table.audit-log tbody tr');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['password_change']);
    expect(await rows.first().textContent()).toContain(writer.name);
    expect(await rows.first().textContent()).toContain(`Người dùng: ${writer.name}`);
    await chief.getByLabel('Thao tác', { exact: true }).selectOption({ label: 'Đổi mật khẩu không thành (sai mật khẩu hiện tại)' });
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['password_change_failed']);
  });

  it('too many wrong current passwords are refused with a Vietnamese wait message', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.editor.email);
    await page.getByRole('link', { name: `Tài khoản: ${e2e.site.users.editor.name}` }).click();
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mot-mat-khau-moi-du-dai');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mot-mat-khau-moi-du-dai');
    const alert = page.getByRole('alert').filter({ hasText: /Bạn đã nhập sai mật khẩu quá nhiều lần\. Vui lòng đợi \d+ phút rồi thử lại\./ });
    // The account allows 5 failures in its window; the sixth attempt is not even checked.
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      await page.getByLabel('Mật khẩu hiện tại').fill(`sai-lan-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session/password'));
      await page.getByRole('button', { name: 'Đổi mật khẩu', exact: true }).click();
      statuses.push((await answered).status());
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    await alert.waitFor();
  });

  it('the editor-in-chief reads the audit log, newest first, with what was just done and links to the story; a long log pages', { timeout: 90_000 }, async () => {
    const reporter = await newPage();
    await login(reporter, e2e.site.base, e2e.site.users.reporter.email);
    const storyId = await startStory(reporter, 'Tin thử nhật ký hoạt động');
    await reporter.close();

    const chief = await newPage();
    await login(chief, e2e.site.base, e2e.site.users.chief.email);
    await nav(chief).getByRole('link', { name: 'Nhật ký' }).click();
    await chief.getByRole('heading', { name: 'Nhật ký hoạt động' }).waitFor();
    const rows = chief.locator('table.audit-log tbody tr');
    await rows.first().waitFor();
    // The newest entry first: the chief's own login came after the story was created.
    expect(await rows.first().getAttribute('data-action')).toBe('login');
    const created = rows.filter({ has: chief.getByRole('link', { name: `Tin bài #${storyId}` }) }).filter({ hasText: 'Tạo tin bài' });
    await created.waitFor();
    expect(await created.textContent()).toContain(e2e.site.users.reporter.name);
    // Shown in Vietnam's time (UTC+7, no daylight saving), day before month.
    const { at } = await e2e.site.store.db.selectFrom('audit_log').select('at').where('action', '=', 'create').where('article_id', '=', storyId).executeTakeFirstOrThrow();
    const local = new Date(Date.parse(at) + 7 * 3_600_000).toISOString();
    const [date = '', time = ''] = local.split('T');
    const [y, m, d] = date.split('-');
    const shown = await created.locator('time').textContent();
    expect(shown).toContain(time.slice(0, 8));
    expect(shown).toContain(`${d}/${m}/${y}`);
    expect(await seriousViolations(chief), 'audit').toEqual([]);
    await screenshot(chief, 'audit');

    // Filtering by action keeps only that action.
    await chief.getByLabel('Thao tác', { exact: true }).selectOption({ label: 'Tạo tin bài' });
    await expect.poll(async () => new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action'))))).toEqual(new Set(['create']));
    expect(chief.url()).toContain('action=create');
    await chief.getByRole('link', { name: `Tin bài #${storyId}` }).click();
    await chief.getByTestId('story-status').waitFor();
    expect(chief.url()).toContain(`/admin/articles/${storyId}`);

    // 120 entries of one kind: three pages of 50, newest first, each reached with "Cũ hơn".
    for (let i = 0; i < 120; i++) await appendAudit(e2e.site.store.db, { userId: null, userEmail: 'system', action: 'x_test', note: `mục ${i}` });
    // Each page is one request for the newest entries first (no count request, no second page to merge).
    const asked: string[] = [];
    chief.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/audit') asked.push(new URL(r.url()).search);
    });
    await chief.goto(`${e2e.site.base}/admin/audit?action=x_test`);
    const notes = () => rows.evaluateAll((trs) => trs.map((tr) => /“(.*)”/.exec(tr.textContent ?? '')?.[1]));
    const expected = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => `mục ${from - i}`);
    await chief.getByText('120 mục · trang 1/3').waitFor();
    expect(await notes()).toEqual(expected(119, 70));
    expect(asked).toEqual(['?action=x_test&order=desc&page=1&perPage=50']);
    expect(await rows.first().textContent()).toContain('Hệ thống (tự động)');
    await chief.getByRole('button', { name: 'Cũ hơn' }).click();
    await chief.getByText('120 mục · trang 2/3').waitFor();
    expect(await notes()).toEqual(expected(69, 20));
    await chief.getByRole('button', { name: 'Cũ hơn' }).click();
    await chief.getByText('120 mục · trang 3/3').waitFor();
    expect(await notes()).toEqual(expected(19, 0));
    expect(await chief.getByRole('button', { name: 'Cũ hơn' }).isDisabled()).toBe(true);
    await chief.getByRole('button', { name: 'Mới hơn' }).click();
    await chief.getByText('120 mục · trang 2/3').waitFor();
    expect(await notes()).toEqual(expected(69, 20));
  });

  it('the administrator creates a tag, sees refusals next to the field, renames the tag in its row, and the API has the new name', { timeout: 90_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, admin.email);
    await nav(page).getByRole('link', { name: 'Thẻ' }).click();
    await page.getByRole('heading', { name: 'Thẻ', exact: true }).waitFor();
    const field = page.getByLabel('Tên thẻ mới');
    const add = page.getByRole('button', { name: 'Thêm thẻ' });

    await field.fill('Hà Nội');
    await add.click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm thẻ “Hà Nội”.' }).waitFor();
    await field.fill('Biển Đông');
    await add.click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm thẻ “Biển Đông”.' }).waitFor();
    expect(await field.inputValue()).toBe('');
    await page.getByRole('cell', { name: 'Biển Đông', exact: true }).waitFor();

    // The same tag in other case and composition is refused by the server, and said next to the field.
    await field.fill('biển đông');
    await add.click();
    const fieldError = page.locator('#tag-new-error');
    await fieldError.filter({ hasText: 'Thẻ này đã có.' }).waitFor();
    expect(await field.getAttribute('aria-describedby')).toBe('tag-new-error');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('<script>alert(1)</script>');
    await add.click();
    await fieldError.filter({ hasText: 'Nội dung không được chứa mã HTML' }).waitFor();
    await field.fill('   ');
    await add.click();
    await fieldError.filter({ hasText: 'Hãy nhập tên thẻ.' }).waitFor();
    expect(await seriousViolations(page), 'tags with an error').toEqual([]);

    // Search ignores accents.
    await page.getByText('2 thẻ', { exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Tìm thẻ' }).fill('bien dong');
    await page.getByText('1 thẻ', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Đổi tên thẻ “Biển Đông”' }).click();
    const rename = page.getByLabel('Tên mới cho thẻ “Biển Đông”');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe(await rename.getAttribute('id'));
    await rename.fill('Biển Đông Việt Nam');
    expect(await seriousViolations(page), 'tags while renaming').toEqual([]);
    await screenshot(page, 'tags-rename');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã đổi tên thẻ thành “Biển Đông Việt Nam”.' }).waitFor();
    await page.getByRole('cell', { name: 'Biển Đông Việt Nam', exact: true }).waitFor();
    // Focus is back on the row's button, now named after the new name.
    expect(await page.evaluate<string | null | undefined>("document.activeElement?.getAttribute('aria-label')")).toBe('Đổi tên thẻ “Biển Đông Việt Nam”');

    const tags = await apiGet<{ items: Array<{ name: string }> }>(page, '/tags?q=bien-dong');
    expect(tags.items.map((x) => x.name)).toEqual(['Biển Đông Việt Nam']);

    // The administrator also reads the log: the rename is there under the tag's new name.
    await nav(page).getByRole('link', { name: 'Nhật ký' }).click();
    const renamed = page.locator('table.audit-log tbody tr').filter({ hasText: 'Đổi tên thẻ' }).first();
    await renamed.waitFor();
    expect(await renamed.textContent()).toContain('Thẻ: Biển Đông Việt Nam');
    expect(await renamed.textContent()).toContain(admin.name);
  });
});
