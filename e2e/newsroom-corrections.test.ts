import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createStory, transitionStory, updateStory } from '../src/newsroom/stories.ts';
import { getUser, createUser } from '../src/storage/newsroom.ts';
import { createArticle, insertMedia } from '../src/storage/content.ts';
import { HOME_CURATION_KEY } from '../src/storage/curation.ts';
import { paragraph } from '../src/domain/document.ts';
import { login, PASSWORD, screenshot, seriousViolations, startStory, usePages, useSiteAndBrowser } from './support.ts';

/** Pending corrections in the queue and the editor, action results in view, and focus in the image dialog. */
describe('newsroom app: pending corrections, messages in view, image dialog focus', () => {
  const e2e = useSiteAndBrowser();
  const admin = { email: 'quantri-dinhchinh@example.vn', name: 'Vũ Thị Hạnh' };
  beforeAll(async () => {
    await createUser(e2e.site.store.db, { ...admin, password: PASSWORD, roles: ['admin'], deskIds: [] });
  });
  const newPage = usePages(e2e);
  const acting = async (id: number) => ({ user: (await getUser(e2e.site.store.db, id))!, meta: { ip: '127.0.0.1', userAgent: 'e2e' } });
  const doc = (...paras: string[]) => ({ type: 'doc' as const, content: paras.map(paragraph) });

  /** A story taken through the whole workflow to published, by the site's reporter, editor and editor-in-chief. */
  const publishedStory = async (title: string, paras: string[] = ['Đoạn mở đầu của tin.']) => {
    const { ctx, users, categoryId } = e2e.site;
    const [reporter, editor, chief] = [await acting(users.reporter.id), await acting(users.editor.id), await acting(users.chief.id)];
    const v = await createStory(ctx, reporter, { title, categoryId, body: doc(...paras) });
    await transitionStory(ctx, reporter, v.id, { action: 'submit' });
    await transitionStory(ctx, editor, v.id, { action: 'start_editing' });
    await transitionStory(ctx, editor, v.id, { action: 'send_for_approval' });
    await transitionStory(ctx, chief, v.id, { action: 'approve' });
    await transitionStory(ctx, chief, v.id, { action: 'publish' });
    return v.id;
  };
  /** The editor prepares a correction of a published story; `send` puts it up for approval. */
  const correct = async (id: number, title: string, note: string, send: boolean) => {
    const { ctx, store, users } = e2e.site;
    const editor = await acting(users.editor.id);
    const { version } = await store.db.selectFrom('newsroom_articles').select('version').where('article_id', '=', id).executeTakeFirstOrThrow();
    await updateStory(ctx, editor, id, version, { title, correctionNote: note });
    if (send) await transitionStory(ctx, editor, id, { action: 'send_for_approval' });
  };
  const liveTitle = async (id: number) => (await e2e.site.store.db.selectFrom('articles').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title;
  const queueTitles = (page: Page) => page.locator('table.queue tbody tr td:first-child a').allTextContents();
  /** Whether the element is drawn inside the window as it is scrolled now. */
  const inView = (locator: Locator) =>
    locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      // Runs in the page; the test code is typed for Node, without the DOM's globals.
      const win = globalThis as unknown as { innerHeight: number; innerWidth: number };
      return r.height > 0 && r.top >= 0 && r.bottom <= win.innerHeight && r.left >= 0 && r.right <= win.innerWidth;
    });
  const activeText = (page: Page) => page.evaluate<string>(`(document.activeElement && document.activeElement.textContent || '').trim()`);

  it('an approver finds a published story whose correction waits in the waiting tab, marked, and approves it from the notice in the editor', { timeout: 150_000 }, async () => {
    const waiting = await publishedStory('Lễ hội cầu mùa của người Dao đỏ');
    await correct(waiting, 'Lễ hội cầu mùa của người Dao đỏ ở Bát Xát', 'Bổ sung địa danh.', true);
    const preparing = await publishedStory('Chợ phiên Cán Cấu họp sớm');
    await correct(preparing, 'Chợ phiên Cán Cấu họp từ sáng sớm', '', false);
    const plain = await publishedStory('Mùa hoa tam giác mạch trên cao nguyên đá');
    // The live text is unchanged while the correction waits.
    expect(await liveTitle(waiting)).toBe('Lễ hội cầu mùa của người Dao đỏ');

    const chief = await newPage();
    await login(chief, e2e.site.base, e2e.site.users.chief.email);
    // The waiting tab (the default one) holds the correction that waits, with its mark, under the title readers see;
    // not the one still being prepared.
    const live = 'Lễ hội cầu mùa của người Dao đỏ';
    const row = chief.locator('table.queue tbody tr').filter({ has: chief.getByRole('link', { name: live, exact: true }) });
    await row.waitFor();
    expect(await row.getByTestId('correction-badge').textContent()).toBe('Đính chính chờ duyệt');
    expect(await row.textContent()).toContain('Đã đăng');
    const titles = await queueTitles(chief);
    expect(titles).not.toContain('Chợ phiên Cán Cấu họp sớm');
    expect(titles).not.toContain('Mùa hoa tam giác mạch trên cao nguyên đá');
    expect(await seriousViolations(chief), 'queue with a correction').toEqual([]);
    await screenshot(chief, 'corrections-01-queue');

    // The status filter finds them too: "Đính chính chờ duyệt", and "Đã đăng" within the waiting tab.
    const status = chief.getByRole('search', { name: 'Bộ lọc' }).getByLabel('Trạng thái');
    await status.selectOption({ label: 'Đính chính chờ duyệt' });
    await expect.poll(() => queueTitles(chief)).toEqual([live]);
    expect(new URL(chief.url()).searchParams.get('status')).toBe('correction');
    await status.selectOption({ label: 'Đã đăng' });
    await expect.poll(() => queueTitles(chief)).toEqual([live]);
    // In "Tất cả", the same filter lists every waiting correction the person may see.
    await chief.goto(`${e2e.site.base}/admin/?tab=all&status=correction`);
    await expect.poll(() => queueTitles(chief)).toEqual([live]);
    // All published stories are listed with their mark, the one being prepared included.
    await chief.goto(`${e2e.site.base}/admin/?tab=all&status=published`);
    await chief.getByRole('link', { name: 'Mùa hoa tam giác mạch trên cao nguyên đá' }).waitFor();
    const marks = chief.locator('table.queue tbody tr').filter({ has: chief.getByTestId('correction-badge') });
    await expect.poll(() => marks.locator('td:first-child a').allTextContents()).toEqual(expect.arrayContaining([live, 'Chợ phiên Cán Cấu họp sớm']));
    expect(await marks.filter({ hasText: 'Chợ phiên Cán Cấu' }).getByTestId('correction-badge').textContent()).toBe('Đính chính đang soạn');

    // An editor, who cannot approve, does not get it in their waiting tab.
    const editor = await newPage();
    await login(editor, e2e.site.base, e2e.site.users.editor.email);
    await editor.getByTestId('queue-count').waitFor();
    expect(await queueTitles(editor)).not.toContain(live);
    await editor.close();

    // The editor says what is going on and offers the approver's actions.
    await chief.goto(`${e2e.site.base}/admin/`);
    await chief.getByRole('link', { name: live, exact: true }).click();
    const notice = chief.getByRole('region', { name: 'Đính chính chờ duyệt' });
    await notice.waitFor();
    const said = (await notice.textContent()) ?? '';
    expect(said).toContain('Tin đã đăng này có bản đính chính đang chờ duyệt.');
    expect(said).toContain('Bạn đọc vẫn thấy bản đang đăng');
    expect(said).toContain('Ghi chú đính chính: Bổ sung địa danh.');
    expect(await chief.locator('#f-title').inputValue()).toBe('Lễ hội cầu mùa của người Dao đỏ ở Bát Xát');
    expect(await notice.getByRole('button').allTextContents()).toEqual(['Duyệt bản đính chính', 'Bỏ bản đính chính']);
    // The workflow panel does not offer the same actions a second time under other words.
    expect(await chief.getByRole('button', { name: 'Duyệt', exact: true }).count()).toBe(0);
    expect(await chief.getByRole('button', { name: 'Xuất bản', exact: true }).count()).toBe(0);
    expect(await chief.getByTestId('story-status').textContent()).toBe('Đã đăng');
    expect(await seriousViolations(chief), 'editor with a pending correction').toEqual([]);
    await screenshot(chief, 'corrections-02-editor');

    await notice.getByRole('button', { name: 'Duyệt bản đính chính' }).click();
    const toast = chief.getByRole('status').filter({ hasText: 'Đã thực hiện: Duyệt bản đính chính' });
    await toast.waitFor();
    expect(await inView(toast)).toBe(true);
    await notice.waitFor({ state: 'detached' });
    expect(await liveTitle(waiting)).toBe('Lễ hội cầu mùa của người Dao đỏ ở Bát Xát');
    await chief.goto(`${e2e.site.base}/admin/?status=correction`);
    await expect.poll(() => chief.getByTestId('queue-count').textContent()).toBe('0 tin bài');

    // A correction still being prepared says so, and the approver can drop it: the live text comes back in the form.
    await chief.goto(`${e2e.site.base}/admin/articles/${preparing}`);
    const draft = chief.getByRole('region', { name: 'Đính chính đang soạn' });
    await draft.waitFor();
    expect(await draft.textContent()).toContain('Tin đã đăng này có bản đính chính chưa trình duyệt.');
    expect(await chief.locator('#f-title').inputValue()).toBe('Chợ phiên Cán Cấu họp từ sáng sớm');
    await draft.getByRole('button', { name: 'Bỏ bản đính chính' }).click();
    await chief.getByRole('status').filter({ hasText: 'Đã thực hiện: Bỏ bản đính chính' }).waitFor();
    await draft.waitFor({ state: 'detached' });
    await expect.poll(() => chief.locator('#f-title').inputValue()).toBe('Chợ phiên Cán Cấu họp sớm');
    expect((await e2e.site.store.db.selectFrom('newsroom_articles').select('correction_state').where('article_id', '=', preparing).executeTakeFirstOrThrow()).correction_state).toBeNull();
    expect(await liveTitle(plain)).toBe('Mùa hoa tam giác mạch trên cao nguyên đá');
  });

  it('action results and the save state are shown where the person is, without taking focus', { timeout: 120_000 }, async () => {
    // A phone-sized window: the workflow panel comes after a long story.
    const paras = Array.from({ length: 40 }, (_, i) => `Đoạn thứ ${i + 1} của một phóng sự dài về những bản làng vùng cao mùa nước đổ.`);
    const { ctx, users, categoryId } = e2e.site;
    const reporter = await acting(users.reporter.id);
    const v = await createStory(ctx, reporter, { title: 'Phóng sự dài về bản làng mùa nước đổ', categoryId, body: doc(...paras) });
    await transitionStory(ctx, reporter, v.id, { action: 'submit' });

    const page = await newPage({ width: 390, height: 700 });
    await login(page, e2e.site.base, e2e.site.users.editor.email);
    await page.goto(`${e2e.site.base}/admin/articles/${v.id}`);
    await page.getByTestId('story-status').waitFor();
    // A refusal: "return" needs a note. The alert is in view and the button keeps focus.
    const back = page.getByRole('button', { name: 'Trả lại tác giả', exact: true });
    await back.scrollIntoViewIfNeeded();
    expect(await inView(page.getByTestId('story-status'))).toBe(false);
    await back.focus();
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'Thao tác này cần ghi chú.' });
    await alert.waitFor();
    expect(await inView(alert)).toBe(true);
    expect(await activeText(page)).toBe('Trả lại tác giả');
    await screenshot(page, 'corrections-03-alert-in-view');
    // It can be put away.
    await page.getByRole('button', { name: 'Ẩn thông báo' }).click();
    await alert.waitFor({ state: 'detached' });
    // A success: the notice is in view too.
    await page.getByRole('button', { name: 'Nhận biên tập', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: 'Đã thực hiện: Nhận biên tập' });
    await done.waitFor();
    expect(await inView(done)).toBe(true);
    expect(await seriousViolations(page), 'editor with a notice').toEqual([]);
    await page.getByRole('button', { name: 'Ẩn thông báo' }).click();
    await done.waitFor({ state: 'detached' });

    // Typing at the end of the long story: the save state rides with the toolbar, in view.
    await page.locator('.story-body[contenteditable="true"]').waitFor();
    const last = page.locator('.story-body p').last();
    await last.scrollIntoViewIfNeeded();
    await last.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Thêm một câu cuối.');
    const saved = page.getByTestId('save-state').filter({ hasText: 'Đã lưu' });
    await saved.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+s');
    await saved.waitFor({ timeout: 15_000 });
    expect(await inView(page.getByTestId('save-state'))).toBe(true);
    expect(await inView(page.getByTestId('story-status'))).toBe(false);
    await screenshot(page, 'corrections-04-save-state-in-view');

    // The administration screen: the settings form's outcome is next to its button, at the bottom of the page.
    const adm = await newPage({ width: 390, height: 700 });
    await login(adm, e2e.site.base, admin.email);
    await adm.goto(`${e2e.site.base}/admin/admin`);
    const save = adm.getByRole('button', { name: 'Lưu', exact: true });
    await save.scrollIntoViewIfNeeded();
    await save.click();
    const settingsSaved = adm.getByTestId('settings-outcome').getByRole('status').filter({ hasText: 'Đã lưu' });
    await settingsSaved.waitFor();
    expect(await inView(settingsSaved)).toBe(true);
    expect(await inView(adm.getByRole('heading', { name: 'Quản trị' }))).toBe(false);
    // A refusal of the category form is an alert next to that form.
    await adm.getByLabel('Tên chuyên mục').fill('<script>x</script>');
    await adm.getByRole('button', { name: 'Thêm chuyên mục' }).click();
    const refused = adm.getByTestId('categories-outcome').getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('mã HTML');
    expect(await inView(refused)).toBe(true);
    expect(await seriousViolations(adm), 'admin with outcomes').toEqual([]);
  });

  it('the image dialog keeps focus inside, closes with Escape and gives focus back to the button that opened it', { timeout: 120_000 }, async () => {
    await insertMedia(e2e.site.store.db, { fileName: 'thac-bac.jpg', storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption: 'Thác Bạc mùa nước', alt: 'Thác Bạc' });
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.reporter.email);
    await startStory(page, 'Tin thử hộp thoại chọn ảnh');
    await page.locator('.story-body[contenteditable="true"]').waitFor();
    const dialog = page.getByRole('dialog', { name: 'Chọn ảnh' });
    const focusInDialog = () => page.evaluate<boolean>(`!!document.activeElement && !!document.activeElement.closest('dialog[open]')`);
    const focusOnPage = () => page.evaluate<boolean>(`!!document.activeElement && document.activeElement !== document.body && !document.activeElement.closest('dialog')`);

    // Opened from the cover button: focus goes into the dialog and Tab does not leave it for the page behind.
    const cover = page.getByRole('button', { name: 'Chọn ảnh đại diện' });
    await cover.click();
    await dialog.waitFor();
    await dialog.locator('.media-tile').first().waitFor();
    expect(await focusInDialog()).toBe(true);
    let wrapped = false;
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      expect(await focusOnPage(), `Tab ${i + 1}`).toBe(false);
      if ((await focusInDialog()) && (await activeText(page)) === 'Đóng' && i > 0) wrapped = true;
    }
    expect(wrapped).toBe(true);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusOnPage(), `Shift+Tab ${i + 1}`).toBe(false);
    }
    // The page behind cannot take focus, even when asked to.
    expect(await page.evaluate<string>(`(document.getElementById('f-sapo').focus(), document.activeElement && document.activeElement.id || '')`)).not.toBe('f-sapo');
    expect(await seriousViolations(page), 'image dialog').toEqual([]);
    await screenshot(page, 'corrections-05-picker');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => activeText(page)).toBe('Chọn ảnh đại diện');

    // Opened from the toolbar and closed with its button: focus is back on "Chèn ảnh".
    await page.getByRole('button', { name: 'Chèn ảnh' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Đóng' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('title')`)).toBe('Chèn ảnh');

    // A cover chosen: the dialog closes and focus is back on the cover button, with the cover shown.
    await cover.click();
    await dialog.locator('.media-tile').filter({ hasText: 'Thác Bạc mùa nước' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => activeText(page)).toBe('Chọn ảnh đại diện');
    await expect.poll(() => page.getByTestId('cover-preview').textContent()).toContain('Thác Bạc mùa nước');

    // The history dialog behaves the same way.
    const history = page.getByRole('button', { name: 'Lịch sử phiên bản' });
    await history.click();
    const historyDialog = page.getByRole('dialog', { name: 'Lịch sử phiên bản' });
    await historyDialog.waitFor();
    expect(await focusInDialog()).toBe(true);
    await page.keyboard.press('Escape');
    await historyDialog.waitFor({ state: 'detached' });
    await expect.poll(() => activeText(page)).toBe('Lịch sử phiên bản');
  });

  it('the home page screen names a chosen story the list of published ones does not hold, never as "#id"', { timeout: 120_000 }, async () => {
    const { store, categoryId } = e2e.site;
    // The screen lists the 100 most recently updated published stories; the lead was published long before them.
    const old = await createArticle(store.db, { title: 'Tin cũ vẫn làm tin chính trang chủ', body: doc('Đoạn mở đầu.'), categoryId, status: 'published' });
    const gone = await createArticle(store.db, { title: 'Tin cũ sắp gỡ', body: doc('Đoạn mở đầu.'), categoryId, status: 'published' });
    await store.db.updateTable('articles').set({ updated_at: '2020-01-01T00:00:00.000Z' }).where('id', 'in', [old, gone]).execute();
    let recent = 0;
    for (let i = 0; i < 100; i++) recent = await createArticle(store.db, { title: `Tin mới số ${i + 1}`, body: doc('Đoạn mở đầu.'), categoryId, status: 'published' });
    await store.db.deleteFrom('settings').where('key', '=', HOME_CURATION_KEY).execute();
    await store.db.insertInto('settings').values({ key: HOME_CURATION_KEY, value: JSON.stringify({ leadId: old, featuredIds: [recent, gone] }) }).execute();

    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.chief.email);
    // Taken down (or gone) by the time the screen asks about it.
    await page.route(`**/api/v1/articles/${gone}`, (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'https://toasoan.dev/problems/not-found', title: 'Không tìm thấy', status: 404, detail: 'Không tìm thấy tin bài.' }) }));
    await page.goto(`${e2e.site.base}/admin/home`);
    await page.getByRole('heading', { name: 'Trang chủ: tin nổi bật' }).waitFor();
    await expect.poll(() => page.getByTestId('lead').textContent()).toBe('Tin cũ vẫn làm tin chính trang chủ');
    const featured = page.locator('.curation ol > li');
    await expect.poll(() => featured.evaluateAll((lis) => lis.map((li) => li.firstChild?.textContent))).toEqual(['Tin mới số 100', `Tin bài #${gone} (chưa đăng hoặc đã gỡ)`]);
    expect(await page.getByRole('button', { name: `Lên: Tin bài #${gone} (chưa đăng hoặc đã gỡ)` }).count()).toBe(1);
    expect(await page.locator('.curation').textContent()).not.toContain(`#${old}`);
    expect(await seriousViolations(page), 'home page screen').toEqual([]);
  });
});
