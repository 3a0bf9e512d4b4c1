import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { makeMp3 } from '../src/media/testing.ts';
import { login, screenshot, seriousViolations, startStory, usePages, useSiteAndBrowser } from './support.ts';

/** Audio news from the reporter's upload to the reader's player, in real Chromium against a real server. */
describe('newsroom app: an audio story', () => {
  const e2e = useSiteAndBrowser();
  const newPage = usePages(e2e);
  const TITLE = 'Đọc báo sáng: mùa lúa chín ở Mù Cang Chải';
  const AUDIO_TITLE = 'Bản tin sáng thứ Hai';
  const VIDEO_TITLE = 'Lễ hội mùa vàng';
  let storyId = 0;

  const act = async (page: Page, name: string) => {
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByText(`Đã thực hiện: ${name}`).waitFor();
  };

  it('a reporter puts a recording in a story, the editor-in-chief publishes it, and the reader page plays it from the site', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-e2e-audio-'));
    const file = join(dir, 'ban-tin-sang.mp3');
    writeFileSync(file, makeMp3(80));

    // --- reporter
    const reporter = await newPage();
    await login(reporter, e2e.site.base, e2e.site.users.reporter.email);
    storyId = await startStory(reporter, TITLE);
    await reporter.locator('.story-body').click();
    await reporter.keyboard.type('Mời quý vị nghe bản tin sáng do phóng viên của báo thực hiện.');

    // The audio dialog offers sound files only, and takes the upload straight into the story.
    await reporter.getByRole('button', { name: 'Chèn âm thanh' }).click();
    const dialog = reporter.getByRole('dialog', { name: 'Chọn âm thanh' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('media-file-input').getAttribute('accept')).toContain('audio/mpeg');
    expect(await dialog.getByTestId('media-file-input').getAttribute('accept')).not.toContain('image/');
    await dialog.getByTestId('media-file-input').setInputFiles(file);
    const card = reporter.locator('.audio-node');
    await card.waitFor();
    await dialog.waitFor({ state: 'detached' });
    const preview = card.locator('audio');
    await expect.poll(() => preview.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.mp3$/);
    expect(await preview.getAttribute('controls')).not.toBeNull();
    await reporter.waitForFunction(`document.activeElement && document.activeElement.id === 'story-body'`, undefined, { timeout: 5_000 });
    await card.getByLabel('Tiêu đề bản ghi').fill(AUDIO_TITLE);
    await card.getByLabel('Nguồn/người đọc').fill('Giọng đọc: Thu Hà');
    await expect.poll(() => card.locator('.audio-node-head').textContent()).toBe(`Âm thanh: ${AUDIO_TITLE}`);

    // The image dialog never offers the recording.
    await reporter.getByRole('button', { name: 'Chèn ảnh' }).click();
    const images = reporter.getByRole('dialog', { name: 'Chọn ảnh' });
    await images.getByText('Chưa có ảnh nào.').waitFor();
    expect(await images.locator('.media-tile').count()).toBe(0);
    await images.getByRole('button', { name: 'Đóng' }).click();
    await images.waitFor({ state: 'detached' });

    // A video gets a title of its own, which names its player on the site.
    await reporter.locator('.story-body p').last().click();
    reporter.once('dialog', (d) => void d.accept('https://www.youtube.com/watch?v=AbCdEfGhIj0'));
    await reporter.getByRole('button', { name: 'Nhúng video/bài mạng xã hội' }).click();
    await reporter.locator('.embed-node').getByLabel('Tiêu đề video (tên trình phát trên trang)').fill(VIDEO_TITLE);

    await reporter.getByRole('button', { name: 'Lưu ngay' }).click();
    await reporter.getByTestId('save-state').filter({ hasText: 'Đã lưu' }).waitFor({ timeout: 15_000 });
    expect(await seriousViolations(reporter), 'editor with audio').toEqual([]);
    await screenshot(reporter, 'audio-editor');
    const stored = await e2e.site.store.db.selectFrom('articles').select('body').where('id', '=', storyId).executeTakeFirstOrThrow();
    const blocks = (JSON.parse(stored.body) as { content: Array<{ type: string; attrs?: Record<string, unknown> }> }).content;
    const audio = blocks.find((b) => b.type === 'audio');
    expect(audio?.attrs).toMatchObject({ title: AUDIO_TITLE, credit: 'Giọng đọc: Thu Hà' });
    expect(blocks.find((b) => b.type === 'embed')?.attrs).toEqual({ provider: 'youtube', url: 'https://www.youtube.com/watch?v=AbCdEfGhIj0', title: VIDEO_TITLE });
    await act(reporter, 'Gửi biên tập');

    // --- editor-in-chief
    const chief = await newPage();
    await login(chief, e2e.site.base, e2e.site.users.chief.email);
    await chief.goto(`${e2e.site.base}/admin/articles/${storyId}`);
    await chief.getByTestId('story-status').waitFor();
    await chief.locator('.audio-node audio').waitFor();
    if (await chief.getByRole('button', { name: 'Trình duyệt', exact: true }).count()) await act(chief, 'Trình duyệt');
    await act(chief, 'Xuất bản');
    await chief.getByTestId('story-status').filter({ hasText: 'Đã đăng' }).waitFor();
    const href = await chief.getByRole('link', { name: 'Xem trên trang' }).getAttribute('href');

    // --- reader: a native player whose file the page's policy lets it load, and which plays.
    const reader = await newPage();
    const refused: string[] = [];
    reader.on('console', (m) => {
      if (/Content Security Policy|Refused to load/i.test(m.text())) refused.push(m.text());
    });
    await reader.goto(e2e.site.base + href!);
    const player = reader.locator('figure.audio audio');
    expect(await player.count()).toBe(1);
    expect(await player.getAttribute('preload')).toBe('none');
    expect(await reader.locator('figure.audio figcaption').textContent()).toBe(`${AUDIO_TITLE} · Giọng đọc: Thu Hà`);
    const src = (await player.getAttribute('src'))!;
    const first = await reader.request.get(e2e.site.base + src, { headers: { range: 'bytes=0-' } });
    expect([200, 206]).toContain(first.status());
    expect(first.headers()['content-type']).toBe('audio/mpeg');
    expect(first.headers()['accept-ranges']).toBe('bytes');
    // Muted, so no gesture is needed: the browser fetches, decodes and plays it.
    const played = await reader.evaluate(`(async () => {
      const a = document.querySelector('figure.audio audio');
      a.muted = true;
      await a.play();
      await new Promise((resolve) => { if (a.currentTime > 0) resolve(); else a.addEventListener('timeupdate', () => resolve(), { once: true }); setTimeout(resolve, 5000); });
      return { time: a.currentTime, error: a.error && a.error.code, duration: a.duration };
    })()`);
    expect(played).toMatchObject({ error: null });
    expect((played as { time: number }).time).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(await reader.locator('iframe').getAttribute('title')).toBe(`Video: ${VIDEO_TITLE}`);
    expect(await seriousViolations(reader), 'reader audio page').toEqual([]);
    await screenshot(reader, 'audio-reader');
  });

  it('the library lists the recording with its icon and length, and its caption and credit can be changed', { timeout: 90_000 }, async () => {
    // The recording plays in a published story: only someone who may edit that story once published changes its words.
    const page = await newPage();
    await login(page, e2e.site.base, e2e.site.users.chief.email);
    await page.goto(`${e2e.site.base}/admin/media`);
    await page.getByRole('heading', { name: 'Thư viện ảnh và âm thanh' }).waitFor();
    await page.getByTestId('media-kind').selectOption('audio');
    const tile = page.locator('.media-tile[data-kind="audio"]');
    await tile.waitFor();
    expect(await tile.locator('svg.audio-icon').count()).toBe(1);
    expect(await tile.textContent()).toContain('Tệp âm thanh · 0:02');
    await page.getByTestId('media-kind').selectOption('image');
    await expect.poll(() => page.locator('.media-tile').count()).toBe(0);
    await page.getByTestId('media-kind').selectOption('audio');
    await tile.click();
    const form = page.locator('form.media-edit');
    await form.locator('audio').waitFor();
    expect(await form.textContent()).toContain('Thời lượng 0:02');
    expect(await form.getByLabel('Mô tả ảnh cho người khiếm thị').count()).toBe(0);
    await form.getByLabel('Chú thích', { exact: true }).fill('Bản tin sáng của phóng viên thường trú');
    await form.getByLabel('Nguồn/người đọc').fill('Đài Phát thanh tỉnh');
    await form.getByRole('button', { name: 'Lưu thông tin âm thanh' }).click();
    await form.getByRole('status').filter({ hasText: 'Đã lưu' }).waitFor();
    expect(await form.getByRole('region', { name: 'Dùng trong' }).textContent()).toContain('âm thanh trong bài');
    const row = await e2e.site.store.db.selectFrom('media').select(['caption', 'credit']).where('mime', '=', 'audio/mpeg').executeTakeFirstOrThrow();
    expect(row).toEqual({ caption: 'Bản tin sáng của phóng viên thường trú', credit: 'Đài Phát thanh tỉnh' });
    expect(await seriousViolations(page), 'library with audio').toEqual([]);
    await screenshot(page, 'audio-library');
  });
});
