import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStory } from '../src/newsroom/stories.ts';
import { insertMedia } from '../src/storage/content.ts';
import { getUser } from '../src/storage/newsroom.ts';
import { login, screenshot, seriousViolations, startStory, usePages, useSiteAndBrowser } from './support.ts';

/** Review defects of the newsroom app: queue paging, accent-blind media search, Vietnamese errors and history, cover, lock. */
describe('newsroom app: review fixes', () => {
  const e2e = useSiteAndBrowser();
  const newPage = usePages(e2e);

  const focusedText = (page: Page) => page.evaluate<string>(`(document.activeElement && document.activeElement.textContent || '').trim()`);

  it('the waiting tab pages through more than 30 stories of two statuses and reaches the oldest on page 2', { timeout: 120_000 }, async () => {
    const { ctx, store, users, categoryId } = e2e.site;
    const reporter = (await getUser(store.db, users.reporter.id))!;
    // 27 awaiting approval and 9 approved, interleaved in time: the chief's waiting tab merges both lists.
    const ids: number[] = [];
    for (let i = 0; i < 36; i++) {
      const v = await createStory(ctx, { user: reporter, meta: { ip: '127.0.0.1', userAgent: 'e2e' } }, { title: `Tin chờ xử lý số ${String(i + 1).padStart(2, '0')}`, categoryId });
      const updatedAt = new Date(Date.UTC(2025, 0, 1, 8, i)).toISOString();
      await store.db.updateTable('articles').set({ status: i % 4 === 1 ? 'approved' : 'awaiting_approval', updated_at: updatedAt }).where('id', '=', v.id).execute();
      ids.push(v.id);
    }
    const statuses = await store.db.selectFrom('articles').select(['status']).where('id', 'in', ids).execute();
    expect(statuses.filter((s) => s.status === 'approved').length).toBe(9);
    const oldest = 'Tin chờ xử lý số 01';
    const newest = 'Tin chờ xử lý số 36';

    const page = await newPage();
    await login(page, e2e.site.base, users.chief.email);
    await page.getByRole('link', { name: newest }).waitFor();
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe('Tin 1–30 trong 36 tin bài');
    expect(await page.getByRole('link', { name: oldest }).count()).toBe(0);
    const pager = page.getByRole('navigation', { name: 'Phân trang' });
    expect(await pager.textContent()).toContain('Trang 1/2');
    expect(await pager.getByRole('button', { name: 'Trang trước' }).getAttribute('aria-disabled')).toBe('true');
    expect(await seriousViolations(page), 'queue with pager').toEqual([]);

    // With the keyboard: focus the next-page button and press Enter; focus stays on it at the last page.
    await pager.getByRole('button', { name: 'Trang sau' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: oldest }).waitFor();
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe('Tin 31–36 trong 36 tin bài');
    expect(await pager.textContent()).toContain('Trang 2/2');
    expect(await page.getByRole('link', { name: newest }).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(await pager.getByRole('button', { name: 'Trang sau' }).getAttribute('aria-disabled')).toBe('true');
    expect(await focusedText(page)).toBe('Trang sau');
    // Page 2 holds exactly the six oldest, across both statuses.
    const rows = await page.locator('table.queue tbody tr td:first-child').allTextContents();
    expect(rows.sort()).toEqual(['01', '02', '03', '04', '05', '06'].map((n) => `Tin chờ xử lý số ${n}`));
    await screenshot(page, 'review-01-queue-page-2');

    await pager.getByRole('button', { name: 'Trang trước' }).click();
    await page.getByRole('link', { name: newest }).waitFor();
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe('Tin 1–30 trong 36 tin bài');
  });

  it('the media library finds an accented caption from an unaccented query, and the cover shows the image, not its id', { timeout: 120_000 }, async () => {
    const { store } = e2e.site;
    const laoCai = await insertMedia(store.db, { fileName: 'ruong-bac-thang.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Ruộng bậc thang Lào Cai mùa nước đổ', alt: 'Ruộng bậc thang' });
    await insertMedia(store.db, { fileName: 'muong-thanh.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Cánh đồng Mường Thanh', alt: '' });
    await insertMedia(store.db, { fileName: 'doan-cong-tac.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Đoàn công tác thăm bản', alt: '' });

    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    await page.goto(`${e2e.site.base}/admin/media`);
    await page.getByRole('heading', { name: 'Thư viện ảnh' }).waitFor();
    const search = page.getByRole('searchbox', { name: 'Tìm ảnh theo chú thích, mô tả hoặc tên tệp' });
    const tiles = page.locator('.media-tile');
    await tiles.filter({ hasText: 'Cánh đồng Mường Thanh' }).waitFor();
    await search.fill('lao cai');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('media-found').textContent()).toBe('Tìm thấy 1 tệp');
    expect(await tiles.allTextContents()).toEqual(['Ruộng bậc thang Lào Cai mùa nước đổ']);
    await search.fill('doan');
    await search.press('Enter');
    await expect.poll(() => tiles.allTextContents()).toEqual(['Đoàn công tác thăm bản']);
    await search.fill('%');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('media-found').textContent()).toBe('Tìm thấy 0 tệp');

    // The picker searches the same way; the chosen cover shows its thumbnail text, never "#<id>".
    const id = await startStory(page, 'Mùa nước đổ trên ruộng bậc thang');
    await page.getByRole('button', { name: 'Chọn ảnh đại diện' }).click();
    const dialog = page.getByRole('dialog', { name: 'Chọn ảnh' });
    await dialog.getByRole('searchbox').fill('LAO CAI');
    await dialog.getByRole('searchbox').press('Enter');
    await expect.poll(() => dialog.locator('.media-tile').allTextContents()).toEqual(['Ruộng bậc thang Lào Cai mùa nước đổ']);
    await dialog.locator('.media-tile').first().click();
    const cover = page.getByTestId('cover-preview');
    await expect.poll(() => cover.textContent()).toContain('Ruộng bậc thang Lào Cai mùa nước đổ');
    expect(await cover.textContent()).toContain('ruong-bac-thang.jpg');
    expect(await page.locator('.editor-side').textContent()).not.toContain(`#${laoCai}`);
    await page.getByRole('button', { name: 'Lưu ngay' }).click();
    await page.getByTestId('save-state').filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    expect((await store.db.selectFrom('articles').select('cover_media_id').where('id', '=', id).executeTakeFirstOrThrow()).cover_media_id).toBe(laoCai);

    // Opened again (nothing cached in the page): the cover is still named by its caption.
    await page.goto(`${e2e.site.base}/admin/articles/${id}`);
    await expect.poll(() => page.getByTestId('cover-preview').textContent(), { timeout: 15_000 }).toContain('Ruộng bậc thang Lào Cai');
    await screenshot(page, 'review-02-cover');
  });

  it('a refused save names the field in Vietnamese, and the history dialog speaks Vietnamese', { timeout: 120_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    await startStory(page, 'Tin thử lỗi tiêu đề');
    await page.locator('.story-body[contenteditable="true"]').waitFor();
    const title = page.locator('#f-title');
    await title.fill('Tiêu đề rất dài '.repeat(20));
    await page.getByRole('button', { name: 'Lưu ngay' }).click();
    const state = page.getByTestId('save-state');
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).toBe('Máy chủ không nhận bản lưu: Tiêu đề quá dài: tối đa 300 ký tự.');
    await screenshot(page, 'review-03-validation');

    // Back within the limit it saves; then the history names kinds and fields in Vietnamese.
    await title.fill('Tin thử lịch sử phiên bản');
    await page.getByRole('button', { name: 'Lưu ngay' }).click();
    await state.filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Lịch sử phiên bản' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lịch sử phiên bản' });
    const revisions = dialog.locator('ol.revisions button');
    await expect.poll(() => revisions.count()).toBeGreaterThanOrEqual(2);
    const listed = (await revisions.allTextContents()).join('\n');
    expect(listed).toContain('Tạo bài');
    expect(listed).toMatch(/Tự động lưu|Lưu/);
    for (const raw of ['created', 'autosave', ' save']) expect(listed).not.toContain(raw);
    await revisions.first().click();
    const diff = dialog.locator('.diff');
    await expect.poll(() => diff.textContent()).toContain('Tiêu đề: ');
    const diffText = (await diff.textContent()) ?? '';
    expect(diffText).toContain('“Tin thử lịch sử phiên bản”');
    expect(diffText).not.toMatch(/\btitle\b/);
    expect(await seriousViolations(page), 'history dialog').toEqual([]);
    await screenshot(page, 'review-04-history');
  });

  it('a lock that cannot be taken is said, and typing goes on', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    const id = await startStory(page, 'Tin thử lỗi khóa sửa');
    await page.goto(`${e2e.site.base}/admin/`);
    await page.route(`**/api/v1/articles/${id}/lock`, (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'https://toasoan.dev/problems/internal', title: 'Lỗi hệ thống', status: 503, detail: 'Máy chủ đang bận.' }) }) : route.continue(),
    );
    await page.goto(`${e2e.site.base}/admin/articles/${id}`);
    const issue = page.getByTestId('lock-issue');
    await expect.poll(() => issue.textContent(), { timeout: 15_000 }).toBe('Chưa nhận được quyền sửa bài: Máy chủ đang bận. Bạn vẫn gõ tiếp được; hệ thống sẽ thử lại.');
    expect(await issue.getAttribute('role')).toBe('status');
    const body = page.locator('.story-body[contenteditable="true"]');
    await body.waitFor();
    await body.click();
    await page.keyboard.type('Vẫn gõ được khi chưa có khóa.');
    await page.getByRole('button', { name: 'Lưu ngay' }).click();
    await page.getByTestId('save-state').filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    expect((await e2e.site.store.db.selectFrom('articles').select('body').where('id', '=', id).executeTakeFirstOrThrow()).body).toContain('Vẫn gõ được khi chưa có khóa.');
  });
});
