import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, useSiteAndBrowser } from './support.ts';

/** The editor's main actions with the keyboard alone: log in, create, write with marks, insert an image dialog, save, submit. */
describe('newsroom app: keyboard only', () => {
  const e2e = useSiteAndBrowser();

  /** Presses Tab until the focused element matches, as a keyboard user would. */
  const tabTo = async (page: Page, matches: (el: { tag: string; text: string; label: string; id: string }) => boolean, max = 60) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      // A string, evaluated in the page (the test code itself is typed for Node, without the DOM).
      const el = (await page.evaluate(`(() => {
        const a = document.activeElement;
        return { tag: a ? a.tagName.toLowerCase() : '', text: ((a && a.textContent) || '').trim(), label: (a && a.getAttribute('aria-label')) || '', id: (a && a.id) || '' };
      })()`)) as { tag: string; text: string; label: string; id: string };
      if (matches(el)) return;
    }
    throw new Error('focus never reached the element');
  };

  it('works without a mouse', { timeout: 120_000 }, async () => {
    const page = await (await e2e.browser.newContext({ locale: 'vi-VN' })).newPage();
    await page.goto(`${e2e.site.base}/admin/`);
    // The email field has focus on arrival.
    await page.getByLabel('Email').waitFor();
    await page.keyboard.type(e2e.site.users.reporter.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Tin bài' }).waitFor();

    await tabTo(page, (e) => e.tag === 'a' && e.text === 'Viết bài mới');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Viết bài mới' }).waitFor();
    await page.keyboard.type('Phiên chợ tình Khâu Vai');
    await page.keyboard.press('Enter');
    await page.getByTestId('story-status').waitFor();
    const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);

    await tabTo(page, (e) => e.id === 'story-body');
    await page.keyboard.type('Chợ chỉ họp ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('mỗi năm một lần');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('.');
    // Ctrl+Alt+M opens the image dialog; Escape closes it.
    await page.keyboard.press('Control+Alt+m');
    await page.getByRole('dialog', { name: 'Chọn ảnh' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Chọn ảnh' }).waitFor({ state: 'detached' });
    // TipTap gives focus back on the next animation frame, so wait for it rather than read it at once.
    await page.waitForFunction(`document.activeElement && document.activeElement.id === 'story-body'`, undefined, { timeout: 5_000 });
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-state').filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    const row = await e2e.site.store.db.selectFrom('articles').select('body').where('id', '=', id).executeTakeFirstOrThrow();
    const para = (JSON.parse(row.body) as { content: Array<{ content: Array<{ text: string; marks?: Array<{ type: string }> }> }> }).content[0]!.content;
    expect(para.map((n) => n.text).join('')).toBe('Chợ chỉ họp mỗi năm một lần.');
    expect(para.find((n) => n.marks?.some((m) => m.type === 'bold'))?.text.trim()).toBe('mỗi năm một lần');

    // Submit through the workflow panel with Tab and Enter.
    await tabTo(page, (e) => e.tag === 'button' && e.text === 'Gửi biên tập');
    await page.keyboard.press('Enter');
    await page.getByTestId('story-status').filter({ hasText: 'Đã gửi' }).waitFor();
    const status = await e2e.site.store.db.selectFrom('articles').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(status.status).toBe('submitted');
  });
});
