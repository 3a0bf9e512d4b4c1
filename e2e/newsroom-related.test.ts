import { describe, expect, it } from 'vitest';
import { createStory, transitionStory } from '../src/newsroom/stories.ts';
import { getUser } from '../src/storage/newsroom.ts';
import { getArticle } from '../src/storage/content.ts';
import { articlePath } from '../src/domain/article.ts';
import { paragraph } from '../src/domain/document.ts';
import { login, screenshot, seriousViolations, usePages, useSiteAndBrowser } from './support.ts';

/** "Tin liên quan": an editor picks related stories for a live story; once the correction is approved they lead the reader's block. */
describe('newsroom app: editor-picked related stories', () => {
  const e2e = useSiteAndBrowser();
  const newPage = usePages(e2e);
  const acting = async (id: number) => ({ user: (await getUser(e2e.site.store.db, id))!, meta: { ip: '127.0.0.1', userAgent: 'e2e' } });

  /** A story taken through the whole workflow to published by the site's reporter, editor and editor-in-chief. */
  const publishedStory = async (title: string, text: string) => {
    const { ctx, users, categoryId } = e2e.site;
    const [reporter, editor, chief] = [await acting(users.reporter.id), await acting(users.editor.id), await acting(users.chief.id)];
    const v = await createStory(ctx, reporter, { title, categoryId, sapo: text, body: { type: 'doc', content: [paragraph(text)] } });
    for (const [who, action] of [[reporter, 'submit'], [editor, 'start_editing'], [editor, 'send_for_approval'], [chief, 'approve'], [chief, 'publish']] as const) await transitionStory(ctx, who, v.id, { action });
    return v.id;
  };
  const relatedOnSite = async (id: number) => {
    const html = await (await fetch(e2e.site.base + articlePath((await getArticle(e2e.site.store.db, id))!))).text();
    const start = html.indexOf('<h2 id="co-the-ban-quan-tam">');
    expect(start).toBeGreaterThan(0);
    return [...html.slice(start, html.indexOf('</section>', start)).matchAll(/<h3><a href="[^"]*-post(\d+)\.html">/g)].map((m) => Number(m[1]));
  };

  it('an editor picks two stories for a published one, the editor-in-chief approves, and the reader\'s block starts with them', { timeout: 150_000 }, async () => {
    const story = await publishedStory('Mùa hoa tam giác mạch trên cao nguyên đá', 'Du khách đổ về Hà Giang ngắm hoa tam giác mạch.');
    const road = await publishedStory('Đèo Mã Pì Lèng được mở rộng', 'Con đèo nổi tiếng thêm làn xe và điểm dừng ngắm cảnh.');
    const market = await publishedStory('Chợ phiên Đồng Văn đông vui ngày cuối tuần', 'Người dân các bản xuống chợ từ tờ mờ sáng.');
    // Before: the block holds only what the system found, not the editor's order.
    expect((await relatedOnSite(story)).slice(0, 2)).not.toEqual([market, road]);

    const editor = await newPage();
    await login(editor, e2e.site.base, e2e.site.users.editor.email);
    await editor.goto(`${e2e.site.base}/admin/articles/${story}`);
    const field = editor.getByRole('group', { name: 'Tin liên quan' });
    await field.waitFor();
    expect(await field.textContent()).toContain('Chưa chọn tin liên quan');
    const search = field.getByLabel('Tìm tin đã đăng theo tiêu đề');
    // Typed without accents, as on a keyboard without a Vietnamese input method.
    await search.fill('ma pi leng');
    await field.getByRole('button', { name: 'Thêm “Đèo Mã Pì Lèng được mở rộng” vào tin liên quan' }).click();
    await expect.poll(() => field.getByTestId('related-announce').textContent()).toBe('Đã thêm “Đèo Mã Pì Lèng được mở rộng” vào tin liên quan, vị trí 1/1.');
    await search.fill('cho phien dong van');
    await field.getByRole('button', { name: 'Thêm “Chợ phiên Đồng Văn đông vui ngày cuối tuần” vào tin liên quan' }).click();
    // The story itself is never offered.
    await search.fill('tam giac mach');
    await expect.poll(() => field.getByTestId('related-announce').textContent()).toBe('Tìm thấy 0 tin có thể thêm.');
    await search.fill('');

    // Reordered with the keyboard: focus stays on the moved story's button, and the move is announced.
    const up = field.getByRole('button', { name: 'Đưa lên: “Chợ phiên Đồng Văn đông vui ngày cuối tuần”' });
    await up.focus();
    await editor.keyboard.press('Enter');
    await expect.poll(() => field.getByTestId('related-item').allTextContents()).toEqual([expect.stringContaining('Chợ phiên Đồng Văn'), expect.stringContaining('Đèo Mã Pì Lèng')]);
    expect(await field.getByTestId('related-announce').textContent()).toBe('Đã chuyển “Chợ phiên Đồng Văn đông vui ngày cuối tuần” tới vị trí 1/2.');
    expect(await editor.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('aria-label')`)).toBe('Đưa xuống: “Chợ phiên Đồng Văn đông vui ngày cuối tuần”');
    expect(await seriousViolations(editor), 'editor with related picks').toEqual([]);
    await screenshot(editor, 'related-01-editor');

    // Saved with the story: on a live story that is a correction, which waits; readers still see the live version.
    const notice = editor.getByRole('region', { name: 'Đính chính đang soạn' });
    await notice.waitFor();
    await expect.poll(() => editor.getByTestId('save-state').textContent()).toBe('Đã lưu');
    await notice.getByRole('button', { name: 'Trình duyệt bản đính chính' }).click();
    await editor.getByRole('region', { name: 'Đính chính chờ duyệt' }).waitFor();
    expect((await relatedOnSite(story)).slice(0, 2)).not.toEqual([market, road]);

    const chief = await newPage();
    await login(chief, e2e.site.base, e2e.site.users.chief.email);
    await chief.goto(`${e2e.site.base}/admin/articles/${story}`);
    const waiting = chief.getByRole('region', { name: 'Đính chính chờ duyệt' });
    await waiting.waitFor();
    // The approver sees the picks the correction brings, in order.
    expect(await chief.getByTestId('related-item').allTextContents()).toEqual([expect.stringContaining('Chợ phiên Đồng Văn'), expect.stringContaining('Đèo Mã Pì Lèng')]);
    await waiting.getByRole('button', { name: 'Duyệt bản đính chính' }).click();
    await chief.getByRole('status').filter({ hasText: 'Đã thực hiện: Duyệt bản đính chính' }).waitFor();

    // The reader's "Có thể bạn quan tâm" starts with the editor's picks, in the editor's order.
    expect((await relatedOnSite(story)).slice(0, 2)).toEqual([market, road]);
  });
});
