import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createArticle, createCategory } from '../src/storage/content.ts';
import { localDay } from '../src/cache/views.ts';
import { paragraph } from '../src/domain/document.ts';
import { login, screenshot, seriousViolations, usePages, useSiteAndBrowser } from './support.ts';

const DAY_MS = 86_400_000;

/** "Lượt đọc": an editor sees the stories of their desk ranked by reads, per period and category. */
describe('newsroom app: readership screen', () => {
  const e2e = useSiteAndBrowser();
  const newPage = usePages(e2e);
  let bridge: number, market: number;

  beforeAll(async () => {
    const { store, categoryId, users } = e2e.site;
    const db = store.db;
    const sport = await createCategory(db, { name: 'Thể thao', slug: 'the-thao' });
    const story = async (title: string, category: number) => {
      const id = await createArticle(db, { title, body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: category, status: 'published' });
      await db.insertInto('newsroom_articles').values({ article_id: id, author_id: users.reporter.id, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).execute();
      return id;
    };
    bridge = await story('Cầu Rồng phun lửa cuối tuần', categoryId);
    market = await story('Chợ nổi Cái Răng vào mùa', categoryId);
    // Another desk's: the editor (desk Đời sống) never sees it, however much it is read.
    const match = await story('Đội tuyển nữ vào chung kết', sport);
    const day = (ago: number) => localDay(Date.now() - ago * DAY_MS, 420);
    await db
      .insertInto('article_views')
      .values([
        { article_id: bridge, day: day(0), views: 1000 },
        { article_id: bridge, day: day(3), views: 234 },
        { article_id: market, day: day(0), views: 56 },
        { article_id: market, day: day(20), views: 5000 },
        { article_id: match, day: day(0), views: 9999 },
      ])
      .execute();
  });

  /** The table's rows as [headline, reads]. */
  const rows = async (page: Page) =>
    page
      .locator('table.stats tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th a')?.textContent ?? '', tr.querySelector('[data-testid="stats-views"]')?.textContent ?? '']));

  it('an editor opens "Lượt đọc", sees their desk\'s stories in order of reads per period, and opens one', { timeout: 90_000 }, async () => {
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.editor.email);
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Lượt đọc' }).click();
    await page.getByRole('heading', { name: 'Lượt đọc' }).waitFor();
    const table = page.getByRole('table', { name: /^Tin đọc nhiều nhất từ \d{2}\/\d{2}\/\d{4} đến \d{2}\/\d{2}\/\d{4} \(7 ngày\)/ });
    await table.waitFor();
    // Seven days by default; reads grouped the Vietnamese way.
    expect(await rows(page)).toEqual([
      ['Cầu Rồng phun lửa cuối tuần', '1.234'],
      ['Chợ nổi Cái Răng vào mùa', '56'],
    ]);
    expect(await table.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('1');
    expect(await table.locator('time').first().textContent()).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
    expect(await page.getByTestId('stats-count').textContent()).toBe('2 tin có lượt đọc');
    expect(await seriousViolations(page), 'readership table').toEqual([]);
    await screenshot(page, 'newsroom-stats');

    const period = page.getByRole('combobox', { name: 'Thời gian' });
    await period.selectOption({ label: 'Hôm nay' });
    await expect.poll(() => rows(page)).toEqual([
      ['Cầu Rồng phun lửa cuối tuần', '1.000'],
      ['Chợ nổi Cái Răng vào mùa', '56'],
    ]);
    await period.selectOption({ label: '30 ngày' });
    await expect.poll(() => rows(page)).toEqual([
      ['Chợ nổi Cái Răng vào mùa', '5.056'],
      ['Cầu Rồng phun lửa cuối tuần', '1.234'],
    ]);
    expect(page.url()).toContain('/admin/stats?days=30');

    // Another desk's category: nothing the editor may see was read there.
    await page.getByRole('combobox', { name: 'Chuyên mục' }).selectOption({ label: 'Thể thao' });
    await page.getByText('Chưa có lượt đọc nào trong thời gian này.').waitFor();
    expect(await page.locator('table.stats').count()).toBe(0);
    expect(await seriousViolations(page), 'readership empty').toEqual([]);

    await page.getByRole('combobox', { name: 'Chuyên mục' }).selectOption({ label: 'Mọi chuyên mục' });
    await page.getByRole('link', { name: 'Chợ nổi Cái Răng vào mùa' }).click();
    await page.waitForURL(`**/admin/articles/${market}`);
    await page.getByTestId('story-status').waitFor();
  });
});
