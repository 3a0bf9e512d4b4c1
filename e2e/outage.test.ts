import { describe, expect, it } from 'vitest';
import { login, screenshot, startStory, useSiteAndBrowser } from './support.ts';
import { plainText, parseDoc } from '../src/domain/document.ts';

/** Typing while the server is gone for ten seconds: nothing is lost. */
describe('newsroom app: server outage while typing', () => {
  const e2e = useSiteAndBrowser();

  const storedText = async (id: number) => {
    const row = await e2e.site.store.db.selectFrom('articles').select(['body', 'title']).where('id', '=', id).executeTakeFirstOrThrow();
    return { title: row.title, text: plainText(parseDoc(JSON.parse(row.body))) };
  };

  it('keeps typing locally while the server is down and saves all of it when it is back', { timeout: 120_000 }, async () => {
    const context = await e2e.browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    const id = await startStory(page, 'Đường lên bản mùa lũ');
    const saveState = page.getByTestId('save-state');

    await page.locator('.story-body').click();
    await page.keyboard.type('Trước khi mất mạng: con đường đất đỏ men theo suối.');
    await saveState.filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    expect((await storedText(id)).text).toContain('con đường đất đỏ');

    // The server goes away: close it, keep the database.
    await e2e.site.stop();
    const downAt = Date.now();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Trong lúc máy chủ tắt: nước dâng qua ngầm, xe phải dừng lại.');
    await saveState.filter({ hasText: 'Mất kết nối' }).waitFor({ timeout: 15_000 });
    await screenshot(page, '09-offline');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Vẫn gõ tiếp: bà con mang thuyền ra đón khách.');
    await page.getByLabel('Sapo').fill('Sapo viết khi không có mạng.');
    // Ten seconds without a server, then it comes back on the same port with the same database.
    await page.waitForTimeout(Math.max(0, 10_000 - (Date.now() - downAt)));
    await e2e.site.restart();

    await saveState.filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 30_000 });
    const stored = await storedText(id);
    expect(stored.text).toContain('Trước khi mất mạng: con đường đất đỏ men theo suối.');
    expect(stored.text).toContain('Trong lúc máy chủ tắt: nước dâng qua ngầm, xe phải dừng lại.');
    expect(stored.text).toContain('Vẫn gõ tiếp: bà con mang thuyền ra đón khách.');
    const sapo = await e2e.site.store.db.selectFrom('articles').select('sapo').where('id', '=', id).executeTakeFirstOrThrow();
    expect(sapo.sapo).toBe('Sapo viết khi không có mạng.');
    // Nothing left waiting in the e2e.browser.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('toasoan:draft:')))).toEqual([]);
    await context.close();
  });
});
