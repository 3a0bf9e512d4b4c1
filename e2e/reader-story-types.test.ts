import { describe, expect, it } from 'vitest';
import { createArticle, insertMedia } from '../src/storage/content.ts';
import { paragraph, type Doc } from '../src/domain/document.ts';
import { screenshot, seriousViolations, useSiteAndBrowser } from './support.ts';

/** Reader pages of the story types that are more than text, in Chromium with JavaScript off (as the site must work). */
describe('reader site: video and e-magazine stories', () => {
  const e2e = useSiteAndBrowser();

  const readerPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await e2e.browser.newContext({ locale: 'vi-VN', viewport, javaScriptEnabled: false });
    const page = await context.newPage();
    const policyErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy/i.test(m.text())) policyErrors.push(m.text());
    });
    return { context, page, policyErrors };
  };

  /** Serious axe findings on a page (axe runs as a script: its own context, the page itself has none). */
  const accessibilityProblems = async (url: string) => {
    const context = await e2e.browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(url);
      return await seriousViolations(page);
    } finally {
      await context.close();
    }
  };

  it('a YouTube video starts in the page when the reader presses play, and nothing comes from YouTube before', { timeout: 60_000 }, async () => {
    const body = { type: 'doc', content: [paragraph('Những chiếc thuyền độc mộc lao trên mặt hồ.'), { type: 'embed', attrs: { provider: 'youtube', url: 'https://www.youtube.com/watch?v=AbCdEfGhIj0&t=45', title: 'Đua thuyền trên hồ' } }] } as Doc;
    const id = await createArticle(e2e.site.store.db, { title: 'Video đua thuyền độc mộc', type: 'video', body, categoryId: e2e.site.categoryId, status: 'published' });
    const { context, page, policyErrors } = await readerPage();
    const youtube: string[] = [];
    // No network here: YouTube's player is answered by a stand-in page, and every request to it is recorded.
    await context.route('https://www.youtube-nocookie.com/**', (route) => {
      youtube.push(route.request().url());
      return route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>player</title><p>trình phát</p>' });
    });
    await page.goto(`${e2e.site.base}/video-dua-thuyen-doc-moc-post${id}.html`);
    const frame = page.frameLocator('iframe[title="Video: Đua thuyền trên hồ"]');
    const play = frame.getByRole('link', { name: 'Phát video: Đua thuyền trên hồ' });
    await play.waitFor();
    const box = await page.locator('figure.video iframe').boundingBox();
    // 16:9 across the story column.
    expect(Math.abs(box!.width / box!.height - 16 / 9)).toBeLessThan(0.02);
    expect(youtube).toEqual([]);
    await screenshot(page, 'reader-video-before-play');
    await play.click();
    await frame.getByText('trình phát').waitFor();
    expect(youtube).toEqual(['https://www.youtube-nocookie.com/embed/AbCdEfGhIj0?autoplay=1&start=45']);
    expect(page.frames().some((f) => f.url() === youtube[0])).toBe(true);
    // The original stays one click away (and is what a printout shows).
    expect(await page.getByRole('link', { name: 'Xem trên YouTube' }).getAttribute('href')).toBe('https://www.youtube.com/watch?v=AbCdEfGhIj0&t=45');
    expect(policyErrors).toEqual([]);
    await context.close();
    expect(await accessibilityProblems(`${e2e.site.base}/video-dua-thuyen-doc-moc-post${id}.html`)).toEqual([]);
  });

  it('an e-magazine sets its text in a narrower column than its photos, with the side blocks below instead of a rail', { timeout: 60_000 }, async () => {
    const cover = await insertMedia(e2e.site.store.db, { fileName: 'khung-cui.jpg', storageKey: null, mime: 'image/jpeg', width: 1600, height: 900, caption: 'Khung cửi', credit: '', alt: 'Khung cửi trong nhà sàn' });
    const body = { type: 'doc', content: [paragraph('Tiếng thoi đưa đều đặn trong căn nhà sàn. '.repeat(6)), { type: 'figure', attrs: { mediaId: cover, caption: 'Tấm vải vừa dệt xong', credit: '', alt: 'Tấm vải' } }, paragraph('Hoa văn được truyền qua nhiều thế hệ. '.repeat(6))] } as Doc;
    const id = await createArticle(e2e.site.store.db, { title: 'Người giữ khung cửi', type: 'emagazine', body, categoryId: e2e.site.categoryId, status: 'published', coverMediaId: cover, sapo: 'Một câu chuyện dài về nghề dệt.' });
    const { context, page, policyErrors } = await readerPage();
    await page.goto(`${e2e.site.base}/nguoi-giu-khung-cui-post${id}.html`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.locator('aside.rail').count()).toBe(0);
    const paragraphBox = await page.locator('.body > p').first().boundingBox();
    const figureBox = await page.locator('.body .figure img').boundingBox();
    expect(paragraphBox!.width).toBeLessThanOrEqual(680);
    expect(figureBox!.width).toBeGreaterThan(paragraphBox!.width + 100);
    expect(await page.getByRole('heading', { level: 2, name: /^(Tin cùng chuyên mục|Tin mới)$/ }).count()).toBe(1);
    await screenshot(page, 'reader-emagazine');
    expect(policyErrors).toEqual([]);
    await context.close();
    expect(await accessibilityProblems(`${e2e.site.base}/nguoi-giu-khung-cui-post${id}.html`)).toEqual([]);
  });
});
