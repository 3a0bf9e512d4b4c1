import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, PASSWORD, screenshot, seriousViolations, startStory, usePages, useSiteAndBrowser } from './support.ts';
import { plainText, parseDoc } from '../src/domain/document.ts';

/** The editor on a phone, and a session that expires while a story is being written. */
describe('newsroom app: phone toolbar and an expired session', () => {
  const e2e = useSiteAndBrowser();
  const phonePage = usePages(e2e, { width: 390, height: 844 });

  const storedText = async (id: number) => {
    const row = await e2e.site.store.db.selectFrom('articles').select('body').where('id', '=', id).executeTakeFirstOrThrow();
    return plainText(parseDoc(JSON.parse(row.body)));
  };
  const saved = (page: Page) => page.getByTestId('save-state').filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
  /** Where focus is: inside the open dialog, in the story, elsewhere on the page, or nowhere on it (body). */
  const focusPlace = (page: Page) =>
    page.evaluate<string>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'none';
      if (el.closest('dialog[open]')) return 'dialog:' + (el.id || el.textContent);
      if (el.closest('.story-body')) return 'story';
      return 'page:' + el.tagName;
    })()`);
  /** Lets the dialog's queued close event (if any) run before looking at it. */
  const settle = (page: Page) => page.evaluate('new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0))');
  const dialogOpen = (page: Page) => page.evaluate<boolean>(`!!document.querySelector('dialog[open]')`);

  it('keeps the sticky toolbar to one scrolling row of 44 px buttons that the keyboard reaches', { timeout: 60_000 }, async () => {
    const page = await phonePage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    await startStory(page, 'Chợ phiên Bắc Hà');
    await page.locator('.story-body[contenteditable="true"]').click();
    await page.keyboard.type('Sáng chủ nhật, người các bản đổ về chợ.');
    await saved(page);

    const toolbar = page.getByRole('toolbar', { name: 'Định dạng' });
    const buttons = toolbar.getByRole('button');
    const count = await buttons.count();
    expect(count).toBeGreaterThan(5);
    const first = (await buttons.first().boundingBox())!;
    const sticky = (await page.locator('.editor-sticky').boundingBox())!;
    // One row of buttons plus the save state's line: under two and a half button heights (four rows of them before).
    expect(sticky.height).toBeLessThan(first.height * 2.5);
    const bar = (await toolbar.boundingBox())!;
    expect(bar.height).toBeLessThan(first.height * 1.5);
    // The row scrolls inside itself; the page does not get wider than the phone.
    expect(await toolbar.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'mobile-01-toolbar');

    // Every button by Tab, each scrolled into view within the row when focused, each a 44 × 44 touch target.
    await buttons.first().focus();
    for (let i = 0; i < count; i++) {
      if (i > 0) await page.keyboard.press('Tab');
      const button = buttons.nth(i);
      expect(await button.evaluate((el) => el === el.ownerDocument.activeElement), `button ${i} focused`).toBe(true);
      const box = (await button.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.height).toBeGreaterThanOrEqual(44);
      // Chromium scrolls the row to the focused button on its next frame.
      const edges = async () => {
        const b = (await button.boundingBox())!;
        return b.x >= bar.x - 1 && b.x + b.width <= bar.x + bar.width + 1;
      };
      await expect.poll(edges, { message: `button ${i} scrolled into view` }).toBe(true);
    }
    expect(await toolbar.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    // The last button ("Nhúng") scrolled into view works from the keyboard: its prompt opens.
    const prompted = page.waitForEvent('dialog').then(async (d) => {
      await d.dismiss();
      return d.type();
    });
    await page.keyboard.press('Enter');
    expect(await prompted).toBe('prompt');
    expect(await seriousViolations(page), 'editor on a phone').toEqual([]);
  });

  it('asks to log in again over the story, keeps focus inside, refuses Escape, and saves the text typed after expiry', { timeout: 90_000 }, async () => {
    const page = await phonePage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    const id = await startStory(page, 'Mùa nước nổi ở An Giang');
    const body = page.locator('.story-body[contenteditable="true"]');
    await body.click();
    await page.keyboard.type('Nước về, cá linh theo con nước.');
    await saved(page);

    // The server forgets every session (as when it expires), then the reporter goes on typing.
    await e2e.site.store.db.deleteFrom('sessions').execute();
    await page.keyboard.type(' Ghe xuồng tấp nập trên đồng.');
    const dialog = page.getByRole('dialog', { name: 'Đăng nhập tòa soạn' });
    await dialog.waitFor();
    await page.getByTestId('save-state').filter({ hasText: 'Phiên hết hạn' }).waitFor();
    expect(await storedText(id)).not.toContain('Ghe xuồng');
    await expect.poll(() => focusPlace(page)).toBe('dialog:login-email');
    await screenshot(page, 'mobile-02-relogin');
    expect(await seriousViolations(page), 'login over the editor').toEqual([]);

    // Tab goes round the dialog's controls and never reaches the story behind it.
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const place = await focusPlace(page);
      expect(place === 'none' || place.startsWith('dialog:'), `Tab ${i + 1}: ${place}`).toBe(true);
      seen.push(place);
    }
    expect(seen).toEqual(expect.arrayContaining(['dialog:login-email', 'dialog:login-password', 'dialog:Đăng nhập', 'dialog:Đăng xuất']));
    // Typing goes to the dialog's fields, not into the story.
    await dialog.getByLabel('Email').focus();
    await page.keyboard.type(e2e.site.users.reporter.email);

    // Escape, twice (the second one the browser does not let a page cancel): the dialog stays, focus with it.
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Escape');
      await settle(page);
      expect(await dialogOpen(page), `after Escape ${i + 1}`).toBe(true);
      expect(await focusPlace(page)).toMatch(/^dialog:/);
    }
    expect(await body.textContent()).toContain('Ghe xuồng tấp nập trên đồng.');

    // Logging in again closes it; focus is back in the story, and what was typed is saved.
    if ((await dialog.getByLabel('Email').inputValue()) !== e2e.site.users.reporter.email) await dialog.getByLabel('Email').fill(e2e.site.users.reporter.email);
    await dialog.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focusPlace(page)).toBe('story');
    await saved(page);
    expect(await storedText(id)).toContain('Nước về, cá linh theo con nước. Ghe xuồng tấp nập trên đồng.');
    // Keys go on into the story.
    await page.keyboard.type(' Chiều xuống, chợ nổi lên đèn.');
    await saved(page);
    expect(await storedText(id)).toContain('Chiều xuống, chợ nổi lên đèn.');
  });

  it('offers "Đăng xuất" in the expired-session dialog; logging in after it does not bring the dialog back', { timeout: 60_000 }, async () => {
    const page = await phonePage();
    await login(page, e2e.site.base, e2e.site.users.editor.email);
    await startStory(page, 'Bài thử đăng xuất');
    await page.locator('.story-body[contenteditable="true"]').click();
    await e2e.site.store.db.deleteFrom('sessions').execute();
    await page.keyboard.type('Gõ sau khi phiên đã hết hạn.');
    const dialog = page.getByRole('dialog', { name: 'Đăng nhập tòa soạn' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Đăng xuất' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The login page, in the same page (no reload): the editor's last save, refused as it closed, must not reopen it.
    await page.getByLabel('Email').fill(e2e.site.users.editor.email);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Tin bài' }).waitFor();
    await settle(page);
    expect(await dialogOpen(page)).toBe(false);
  });
});
