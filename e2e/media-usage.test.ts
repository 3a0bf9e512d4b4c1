import { beforeAll, describe, expect, it } from 'vitest';
import { createArticle, createCategory, insertMedia } from '../src/storage/content.ts';
import { paragraph, type Block } from '../src/domain/document.ts';
import { login, screenshot, seriousViolations, usePages, useSiteAndBrowser } from './support.ts';

/** The image library says where a photo is used, and leads to the story, in real Chromium against a real server. */
describe('newsroom app: where an image is used', () => {
  const e2e = useSiteAndBrowser();
  const newPage = usePages(e2e);
  const TITLE = 'Cầu kính Bạch Long đón khách dịp nghỉ lễ';
  const HIDDEN = 'Doanh nghiệp du lịch Mộc Châu báo lãi';
  let storyId = 0;

  beforeAll(async () => {
    const { store, categoryId, users } = e2e.site;
    const photo = await insertMedia(store.db, { fileName: 'cau-kinh.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Cầu kính Bạch Long nhìn từ trên cao' });
    await insertMedia(store.db, { fileName: 'dong-lua.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Đồng lúa chín chưa ai dùng' });
    const figure: Block = { type: 'figure', attrs: { mediaId: photo, fileName: '', width: 1200, height: 800, alt: '', caption: '', credit: '' } };
    const body = { type: 'doc' as const, content: [paragraph('Mở đầu.'), figure] };
    storyId = await createArticle(store.db, { title: TITLE, body, categoryId, coverMediaId: photo, status: 'draft' });
    await store.db.insertInto('newsroom_articles').values({ article_id: storyId, author_id: users.reporter.id, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).execute();
    // Another desk's story: the editor may not open it, so the library only counts it.
    const economy = await createCategory(store.db, { name: 'Kinh tế', slug: 'kinh-te' });
    const other = await createArticle(store.db, { title: HIDDEN, body, categoryId: economy, status: 'draft' });
    await store.db.insertInto('newsroom_articles').values({ article_id: other, author_id: users.chief.id, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).execute();
  });

  it('an editor sees the use count, filters unused images, opens an image and follows "Dùng trong" to the story', { timeout: 90_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.editor.email);
    await page.goto(`${e2e.site.base}/admin/media`);
    await page.getByRole('heading', { name: 'Thư viện ảnh' }).waitFor();
    const item = (caption: string) => page.locator('.media-grid > li').filter({ has: page.locator('.media-tile', { hasText: caption }) });
    await item('Cầu kính Bạch Long').waitFor();
    expect(await item('Cầu kính Bạch Long').getByTestId('media-uses').textContent()).toBe('Dùng trong 2 tin');
    expect(await item('Đồng lúa chín').getByTestId('media-uses').textContent()).toBe('Chưa dùng');

    // "Chưa dùng" keeps only the images no story uses.
    const tiles = page.locator('.media-tile');
    await page.getByRole('checkbox', { name: 'Chưa dùng' }).check();
    await expect.poll(() => tiles.allTextContents()).toEqual(['Đồng lúa chín chưa ai dùng']);
    expect(await page.getByTestId('media-found').textContent()).toBe('Tìm thấy 1 tệp chưa dùng');
    await page.getByRole('checkbox', { name: 'Chưa dùng' }).uncheck();
    await expect.poll(() => tiles.count()).toBe(2);

    // The image's edit view lists the stories using it, before its caption fields; the other desk's story is only counted.
    await tiles.filter({ hasText: 'Cầu kính Bạch Long' }).click();
    const usage = page.getByRole('region', { name: 'Dùng trong' });
    const link = usage.getByRole('link', { name: TITLE });
    await link.waitFor();
    expect(await usage.locator('li').textContent()).toContain('ảnh đại diện · ảnh trong bài · Bản nháp');
    expect(await usage.textContent()).toContain('Và 1 tin bài khác mà bạn không có quyền xem.');
    expect(await page.content()).not.toContain(HIDDEN);
    expect(await seriousViolations(page), 'media usage').toEqual([]);
    await screenshot(page, 'media-usage');

    await link.click();
    await page.getByTestId('story-status').waitFor();
    expect(page.url()).toBe(`${e2e.site.base}/admin/articles/${storyId}`);
    expect(await page.getByLabel('Tiêu đề', { exact: true }).inputValue()).toBe(TITLE);
  });
});
