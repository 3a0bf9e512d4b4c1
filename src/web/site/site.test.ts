import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { openTestSqlite, postgresAvailable, openTestPostgres, testEngines, type TestStore } from '../../storage/testing.ts';
import { createContext, type AppContext } from '../context.ts';
import { buildServer } from '../server.ts';
import { seedDemo } from '../../demo/seed.ts';
import { DEMO_STORIES } from '../../demo/stories.ts';
import { articlePath } from '../../domain/article.ts';
import { createArticle, insertMedia, listPublished } from '../../storage/content.ts';
import { storeAudio } from '../../media/store.ts';
import { makeMp3 } from '../../media/testing.ts';
import { paragraph, type Doc } from '../../domain/document.ts';
import { importFiles } from '../../importer/import.ts';
import { relatedArticles } from '../../search/related.ts';

const SEEDS = resolve(import.meta.dirname, '../../../../shared/seeds');
const engines = await testEngines();

describe.each(engines)('reader site on $engine', ({ open }) => {
  let store: TestStore;
  let app: FastifyInstance;
  let ctx: AppContext;

  beforeAll(async () => {
    store = await open();
    ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    await seedDemo(ctx);
    app = await buildServer(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('home shows the demo stories, in Vietnamese, with the imprint and social links', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/^<!doctype html><html lang="vi">/);
    for (const s of DEMO_STORIES.slice(0, 3)) expect(res.body).toContain(s.title.replace(/&/g, '&amp;'));
    expect(res.body).toContain('Tổng Biên tập:');
    expect(res.body).toContain('Giấy phép:');
    for (const name of ['Facebook', 'YouTube', 'Zalo', '>X<']) expect(res.body).toContain(name);
    // The lead story is linked from the headline block only (picture and title), not again in its section's box.
    const [lead] = await listPublished(store.db, { limit: 1 });
    expect(res.body.split(`href="${articlePath(lead!)}"`).length - 1).toBe(2);
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('article page carries title, Vietnamese time, sapo, figure with caption, bylines, tags and both blocks', async () => {
    const kinhTe = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'nong-nghiep').executeTakeFirstOrThrow()).id;
    const [latest] = await listPublished(store.db, { categoryIds: [kinhTe], limit: 1 });
    const res = await app.inject({ url: articlePath(latest!) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00">(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), \d\d\/\d\d\/\d{4} - \d\d:\d\d<\/time>/);
    expect(res.body).toMatch(/<figure class="figure"><picture><source type="image\/avif" srcset="[^"]+" sizes="[^"]+"><source type="image\/webp" srcset="[^"]+" sizes="[^"]+"><img src="[^"]+" srcset="[^"]+" sizes="[^"]+" alt="[^"]+" width="\d+" height="\d+"[^>]*><\/picture><figcaption>/);
    expect(res.body).toContain('class="bylines"');
    expect(res.body).toContain('href="/tag/');
    expect(res.body).toContain('Có thể bạn quan tâm');
    expect(res.body).toContain('Tin cùng chuyên mục');
  });

  it('the only story of its category shows the newest stories as "Tin mới" until a second one joins, then its category\'s', async () => {
    const cat = await store.db.insertInto('categories').values({ name: 'Chuyên đề', slug: 'chuyen-de', parent_id: null, position: 99, description: '' }).returning('id').executeTakeFirstOrThrow();
    const lone = await createArticle(store.db, { title: 'Một mình một chuyên mục', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: cat.id, status: 'published' });
    const path = `/mot-minh-mot-chuyen-muc-post${lone}.html`;
    const before = await app.inject({ url: path });
    expect(before.statusCode).toBe(200);
    const rail = (html: string) => html.slice(html.indexOf('<aside class="rail"'), html.indexOf('</aside>'));
    expect(rail(before.body)).toContain('<h2 id="tin-moi">Tin mới</h2>');
    expect(rail(before.body)).not.toContain('Tin cùng chuyên mục');
    const [newestElsewhere] = await listPublished(store.db, { excludeIds: [lone], limit: 1 });
    expect(rail(before.body)).toContain(articlePath(newestElsewhere!));
    const second = await createArticle(store.db, { title: 'Bài thứ hai của chuyên đề', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: cat.id, status: 'published' });
    await ctx.events.emit({ type: 'article.published', articleId: second });
    const after = await app.inject({ url: path });
    expect(rail(after.body)).toContain('<h2 id="tin-cung-chuyen-muc">Tin cùng chuyên mục</h2>');
    expect(rail(after.body)).toContain(`-post${second}.html`);
    expect(rail(after.body)).not.toContain(articlePath(newestElsewhere!));
  });

  it('"Có thể bạn quan tâm" shows the editor\'s published picks first, in order, then the computed stories, none twice', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'xa-hoi').executeTakeFirstOrThrow()).id;
    const story = (title: string, text: string, status: 'published' | 'draft' = 'published', relatedIds: number[] = []) => createArticle(store.db, { title, sapo: text, body: { type: 'doc', content: [paragraph(text)] }, categoryId: cat, status, relatedIds });
    const coffee = 'Nông dân Cầu Đất thu hoạch cà phê Arabica chín đỏ; giá cà phê Arabica Cầu Đất tăng mạnh.';
    const similar = await story('Cà phê Arabica Cầu Đất được mùa', coffee);
    await story('Giá cà phê Arabica Cầu Đất lập đỉnh', coffee);
    await story('Cà phê Arabica Cầu Đất vào siêu thị', coffee);
    const pick = await story('Hội thi ẩm thực phố núi', 'Các đầu bếp trổ tài với món ăn dân tộc.');
    const draft = await story('Bản nháp về ẩm thực', 'Chưa duyệt.', 'draft');
    const id = await story('Cà phê Arabica Cầu Đất xuất khẩu', coffee, 'published', [pick, draft, similar]);
    const computed = (await relatedArticles(store.db, id, 12)).map((r) => r.id);
    // The computed list holds one of the picks too, and enough others to fill the block.
    expect(computed).toContain(similar);
    expect(computed.filter((x) => x !== similar).length).toBeGreaterThanOrEqual(2);
    const res = await app.inject({ url: `/ca-phe-arabica-cau-dat-xuat-khau-post${id}.html` });
    expect(res.statusCode).toBe(200);
    const block = res.body.slice(res.body.indexOf('<h2 id="co-the-ban-quan-tam">'), res.body.indexOf('</section>', res.body.indexOf('<h2 id="co-the-ban-quan-tam">')));
    const shown = [...block.matchAll(/<h3><a href="[^"]*-post(\d+)\.html">/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([pick, similar, ...computed.filter((x) => x !== similar && x !== pick)].slice(0, 6));
    expect(shown).not.toContain(draft);
    expect(new Set(shown).size).toBe(shown.length);
    // The unpublished pick is not shown, yet the page depends on it: publishing it later must render the page again.
    expect(String(res.headers['surrogate-key']).split(' ')).toContain(`s:${draft}`);
  });

  it('category, sub-category, tag and author pages list their stories; pagination is bounded', async () => {
    const top = await app.inject({ url: '/kinh-te' });
    expect(top.statusCode).toBe(200);
    const sub = await app.inject({ url: '/kinh-te/nong-nghiep' });
    expect(sub.statusCode).toBe(200);
    expect(sub.body).toContain('class="crumbs"');
    expect((await app.inject({ url: '/kinh-te?trang=999' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/kinh-te?trang=abc' })).statusCode).toBe(404);
    const tag = DEMO_STORIES[0]!.tags[0]!;
    const tagPage = await app.inject({ url: `/tag/${(await import('../../domain/vietnamese.ts')).slugify(tag)}` });
    expect(tagPage.statusCode).toBe(200);
    expect(tagPage.body).toContain(DEMO_STORIES[0]!.title);
    const author = await app.inject({ url: `/tac-gia/${(await import('../../domain/vietnamese.ts')).slugify(DEMO_STORIES[0]!.byline)}` });
    expect(author.statusCode).toBe(200);
    expect(author.body).toContain(DEMO_STORIES[0]!.title);
    // Past the last page is a 404 on tag and author pages too (not an empty page to index).
    expect((await app.inject({ url: `/tag/${(await import('../../domain/vietnamese.ts')).slugify(tag)}?trang=999` })).statusCode).toBe(404);
    expect((await app.inject({ url: `/tac-gia/${(await import('../../domain/vietnamese.ts')).slugify(DEMO_STORIES[0]!.byline)}?trang=2` })).statusCode).toBe(404);
  });

  it('moves a trailing or doubled slash to the URL the page names canonical (301, query kept), with the page cache and without it', async () => {
    const { slugify } = await import('../../domain/vietnamese.ts');
    const [latest] = await listPublished(store.db, { limit: 1 });
    const pages = ['/kinh-te', '/kinh-te/nong-nghiep', `/tag/${slugify(DEMO_STORIES[0]!.tags[0]!)}`, `/tac-gia/${slugify(DEMO_STORIES[0]!.byline)}`, articlePath(latest!)];
    const uncached = await buildServer(createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-'))), { cache: false });
    try {
      for (const server of [app, uncached]) {
        for (const canonical of pages) {
          const page = await server.inject({ url: canonical });
          expect(page.statusCode, canonical).toBe(200);
          expect(page.body).toMatch(new RegExp(`<link rel="canonical" href="https?://[^"/]+${canonical.replace(/[.]/g, '\\.')}">`));
          for (const [url, location] of [
            [`${canonical}/`, canonical],
            [`${canonical}//`, canonical],
            [`${canonical}/?trang=1&utm_source=zalo&utm_campaign=tet%202025`, `${canonical}?trang=1&utm_source=zalo&utm_campaign=tet%202025`],
          ]) {
            const res = await server.inject({ url });
            expect([url, res.statusCode, res.headers.location, res.body]).toEqual([url, 301, location, '']);
          }
        }
        for (const [url, location] of [
          ['/tim-kiem/?q=l%C3%BAa', '/tim-kiem?q=l%C3%BAa'],
          ['/rss.xml/', '/rss.xml'],
          ['/sitemap.xml/', '/sitemap.xml'],
          ['/kinh-te/nong-nghiep/khong-co/', '/kinh-te/nong-nghiep/khong-co'],
        ]) {
          const res = await server.inject({ url });
          expect([url, res.statusCode, res.headers.location]).toEqual([url, 301, location]);
        }
        expect((await server.inject({ url: '/' })).statusCode).toBe(200);
        // Not reader pages: the API, its docs, the newsroom app, media, health checks and POSTs are left as they were.
        for (const url of ['/api/v1/', '/api/v1/khong-co/', '/api/docs/', '/admin/', '/media/khong/co/', '/healthz/']) {
          expect([url, (await server.inject({ url })).statusCode === 301]).toEqual([url, false]);
        }
        expect((await server.inject({ method: 'POST', url: '/kinh-te/' })).statusCode).toBe(404);
      }
    } finally {
      await uncached.close();
    }
  });

  it('moves other spellings of an article file to its canonical URL, and never sends a large id to the database', async () => {
    const [latest] = await listPublished(store.db, { limit: 1 });
    const path = articlePath(latest!);
    for (const other of [path.toUpperCase().replace('.HTML', '.html'), `/post${latest!.id}.html`, `/cu-post${latest!.id}.html`]) {
      const res = await app.inject({ url: other });
      expect(res.statusCode, other).toBe(301);
      expect(res.headers.location).toBe(path);
    }
    // Campaign parameters go on with the visitor, with the page cache and without it (TOASOAN_CACHE=off).
    const uncached = await buildServer(createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-'))), { cache: false });
    try {
      for (const server of [app, uncached]) {
        const res = await server.inject({ url: `/post${latest!.id}.html?utm_source=zalo&utm_campaign=tet%202025` });
        expect(res.statusCode).toBe(301);
        expect(res.headers.location).toBe(`${path}?utm_source=zalo&utm_campaign=tet%202025`);
      }
    } finally {
      await uncached.close();
    }
    for (const url of ['/x-post2147483648.html', '/x-post99999999999.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
    }
  });

  it('serves a story whose title has no Latin letter at the URL it advertises', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'thoi-su').executeTakeFirstOrThrow()).id;
    const id = await createArticle(store.db, { title: '中国代表团访问老挝边境口岸', body: { type: 'doc', content: [paragraph('内容')] }, categoryId: cat, status: 'published' });
    const res = await app.inject({ url: `/tin-bai-post${id}.html` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(new RegExp(`<link rel="canonical" href="https?://[^"/]+/tin-bai-post${id}\\.html">`));
  });

  it('answers unknown paths with a Vietnamese 404 page', async () => {
    for (const url of ['/khong-co-trang-nay', '/kinh-te/khong-co', '/a/b/c', '/tag/khong-co', '/tac-gia/khong-co', '/khong-co-post999999.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toContain('Không tìm thấy trang');
    }
    // "//evil.example/x" is a doubled slash: moved to a path here, never to the other host.
    const doubled = await app.inject({ url: '//evil.example/x' });
    expect([doubled.statusCode, doubled.headers.location]).toEqual([301, '/evil.example/x']);
    // An error page vouches for no URL: the path must not become its canonical link.
    const offSite = await app.inject({ url: '/evil.example/x' });
    expect(offSite.statusCode).toBe(404);
    expect(offSite.body).not.toContain('rel="canonical"');
    expect(offSite.body).not.toContain('evil.example');
  });

  it('a YouTube video is a player the reader starts: a placeholder frame until then, nothing loaded from YouTube, allowed by the page\'s policy', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'the-thao').executeTakeFirstOrThrow()).id;
    const embed = (url: string, title?: string) => ({ type: 'embed', attrs: { provider: 'youtube', url, ...(title ? { title } : {}) } });
    const body = { type: 'doc', content: [paragraph('Mở đầu.'), embed('https://www.youtube.com/watch?v=AbCdEfGhIj0&t=1m30s', 'Toàn cảnh "cuộc đua" <trên hồ>'), embed('https://youtu.be/zz'), { type: 'embed', attrs: { provider: 'facebook', url: 'https://www.facebook.com/watch/?v=1' } }] } as Doc;
    const id = await createArticle(store.db, { title: 'Đua thuyền có video', type: 'video', body, categoryId: cat, status: 'published' });
    const res = await app.inject({ url: `/dua-thuyen-co-video-post${id}.html` });
    expect(res.statusCode).toBe(200);
    const frames = res.body.match(/<iframe [^>]*>/g) ?? [];
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    expect(frame).toContain('title="Video: Toàn cảnh &quot;cuộc đua&quot; &lt;trên hồ&gt;"');
    expect(frame).toContain('allow="autoplay; encrypted-media; picture-in-picture; fullscreen"');
    expect(frame).not.toMatch(/ src=/);
    // The placeholder is a document of its own, escaped once for the frame and once for the attribute.
    const srcdoc = /srcdoc="([^"]*)"/.exec(frame)![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(srcdoc).toContain('<a href="https://www.youtube-nocookie.com/embed/AbCdEfGhIj0?autoplay=1&amp;start=90">');
    expect(srcdoc).toContain('Phát video: Toàn cảnh &quot;cuộc đua&quot; &lt;trên hồ&gt;');
    expect(srcdoc).not.toMatch(/<script|<img|src=/);
    // Nothing on the page itself names YouTube but the reader's link to the original.
    expect(res.body.replace(/srcdoc="[^"]*"/, '')).not.toContain('youtube-nocookie');
    expect(res.body).toContain('<a href="https://www.youtube.com/watch?v=AbCdEfGhIj0&amp;t=1m30s" rel="noopener">Xem trên YouTube</a>');
    // An address that names no video, and other providers, stay links.
    expect(res.body).toContain('<a href="https://youtu.be/zz" rel="noopener">');
    expect(res.body).toContain('<a href="https://www.facebook.com/watch/?v=1" rel="noopener">');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-src https://www.youtube-nocookie.com");
    const facadeCss = /<style>([^<]*)<\/style>/.exec(srcdoc)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(facadeCss).digest('base64')}'`);
  });

  it('photo, infographic and e-magazine stories are one wide column with the side blocks below; an e-magazine opens on its cover', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'van-hoa').executeTakeFirstOrThrow()).id;
    const cover = (await store.db.selectFrom('media').select(['id', 'storage_key']).where('storage_key', 'is not', null).orderBy('id').executeTakeFirstOrThrow());
    const body = { type: 'doc', content: [paragraph('Đoạn mở.'), { type: 'figure', attrs: { mediaId: cover.id, caption: 'Ảnh trong bài', credit: '', alt: 'Ảnh' } }] } as Doc;
    const emag = await createArticle(store.db, { title: 'Chuyện dài về khung cửi', type: 'emagazine', body, categoryId: cat, status: 'published', coverMediaId: cover.id });
    const page = (await app.inject({ url: `/chuyen-dai-ve-khung-cui-post${emag}.html` })).body;
    expect(page).toContain('<div class="layout single type-emagazine">');
    expect(page).not.toContain('<aside class="rail"');
    expect(page).toMatch(/<section class="block" aria-labelledby="tin-(cung-chuyen-muc|moi)">/);
    const hero = /<figure class="hero">(.*?)<\/figure>/.exec(page)?.[1];
    expect(hero).toContain(String(cover.storage_key).slice(0, 16));
    expect(hero).toContain('fetchpriority="high"');
    // The cover is the lead image: the body's first figure no longer competes with it.
    expect(page.slice(page.indexOf('<div class="body">')).match(/fetchpriority="high"/g)).toBeNull();
    expect(page).toContain('sizes="(min-width: 992px) 960px, calc(100vw - 32px)"');
    for (const type of ['photo', 'infographic'] as const) {
      const id = await createArticle(store.db, { title: `Bài kiểu ${type}`, type, body, categoryId: cat, status: 'published', coverMediaId: cover.id });
      const html = (await app.inject({ url: `/bai-kieu-${type}-post${id}.html` })).body;
      expect(html).toContain(`<div class="layout single type-${type}">`);
      expect(html).not.toContain('<figure class="hero">');
      expect(html).not.toContain('<aside class="rail"');
    }
    const standard = await createArticle(store.db, { title: 'Bài thường', body, categoryId: cat, status: 'published', coverMediaId: cover.id });
    const plain = (await app.inject({ url: `/bai-thuong-post${standard}.html` })).body;
    expect(plain).toContain('<div class="layout">');
    expect(plain).toContain('<aside class="rail"');
    expect(plain).not.toContain('<figure class="hero">');
  });

  it('draws every photo of a body from the library, including one whose caption, credit and alt are all written in the story', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'xa-hoi').executeTakeFirstOrThrow()).id;
    const photos = await store.db.selectFrom('media').select(['id', 'storage_key']).where('storage_key', 'is not', null).orderBy('id').limit(3).execute();
    expect(photos).toHaveLength(3);
    const [cover, full, partial] = photos as [(typeof photos)[0], (typeof photos)[0], (typeof photos)[0]];
    const body = { type: 'doc', content: [paragraph('Mở đầu.'), { type: 'figure', attrs: { mediaId: full.id, caption: 'Chú thích đủ', credit: 'Ảnh: Phóng viên', alt: 'Mô tả đủ' } }, { type: 'figure', attrs: { mediaId: partial.id, caption: 'Chú thích', credit: '', alt: '' } }] } as Doc;
    const id = await createArticle(store.db, { title: 'Bài có hai ảnh', body, categoryId: cat, status: 'published', coverMediaId: cover.id });
    const res = await app.inject({ url: `/bai-co-hai-anh-post${id}.html` });
    const figures = res.body.slice(res.body.indexOf('<div class="body">')).match(/<figure class="figure">.*?<\/figure>/g) ?? [];
    expect(figures).toHaveLength(2);
    expect(figures[0]).toContain(String(full.storage_key).slice(0, 20));
    expect(figures[1]).toContain(String(partial.storage_key).slice(0, 20));
    for (const f of figures) expect(f).not.toContain('/media/placeholder/');
    // Only the figure that takes text from the library (and the cover) depends on the library row's text.
    const keys = String(res.headers['surrogate-key']).split(' ');
    expect(keys).toContain(`m:${partial.id}`);
    expect(keys).toContain(`m:${cover.id}`);
    expect(keys).not.toContain(`m:${full.id}`);
  });

  it('an audio story plays its recording with a native player, and says so when the file is gone', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'xa-hoi').executeTakeFirstOrThrow()).id;
    const file = await storeAudio(ctx.mediaDir, makeMp3(40));
    const sound = await insertMedia(store.db, { fileName: 'doc-bao.mp3', storageKey: file.storageKey, mime: file.mime, width: 0, height: 0, byteSize: file.byteSize, caption: 'Chú thích trong thư viện', credit: 'Đài tỉnh' });
    const gone = await insertMedia(store.db, { fileName: 'mat.mp3', storageKey: null, mime: 'audio/mpeg', width: 0, height: 0 });
    const body = { type: 'doc', content: [paragraph('Mở đầu.'), { type: 'audio', attrs: { mediaId: sound, title: 'Đọc báo <sáng> thứ Hai', caption: '', credit: '' } }, { type: 'audio', attrs: { mediaId: gone, title: 'Podcast số 3', caption: '', credit: 'Thu Hà' } }] } as Doc;
    const id = await createArticle(store.db, { title: 'Đọc báo sáng thứ Hai', type: 'audio', body, categoryId: cat, status: 'published' });
    const res = await app.inject({ url: `/doc-bao-sang-thu-hai-post${id}.html` });
    expect(res.statusCode).toBe(200);
    const src = `/media/${file.storageKey}`;
    expect(res.body).toContain(`<figure class="audio"><audio controls preload="none" src="${src}" aria-label="Đọc báo &lt;sáng&gt; thứ Hai"></audio><figcaption>Đọc báo &lt;sáng&gt; thứ Hai · Chú thích trong thư viện · <span class="credit">Đài tỉnh</span></figcaption></figure>`);
    expect(res.body).toContain('<figure class="audio"><figcaption>Podcast số 3 · <span class="credit">Thu Hà</span><span class="na"> (Bản ghi âm thanh này hiện không nghe được.)</span></figcaption></figure>');
    expect(res.body.match(/<audio /g)).toHaveLength(1);
    // Text from the library makes the page depend on the row; the same-origin file is allowed by default-src 'self'.
    expect(String(res.headers['surrogate-key']).split(' ')).toContain(`m:${sound}`);
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    const audio = await app.inject({ url: src, headers: { range: 'bytes=0-' } });
    expect(audio.statusCode).toBe(206);
    expect(audio.headers['content-type']).toBe('audio/mpeg');
  });

  it('never shows a story that is not published', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'thoi-su').executeTakeFirstOrThrow()).id;
    const id = await createArticle(store.db, { title: 'Bản nháp chưa duyệt', body: { type: 'doc', content: [paragraph('Nội dung nháp.')] }, categoryId: cat, status: 'draft' });
    expect((await app.inject({ url: `/ban-nhap-chua-duyet-post${id}.html` })).statusCode).toBe(404);
    expect((await app.inject({ url: '/thoi-su' })).body).not.toContain('Bản nháp chưa duyệt');
  });

  it('escapes text from the database', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'thoi-su').executeTakeFirstOrThrow()).id;
    const id = await createArticle(store.db, { title: 'Tiêu đề <script>alert(1)</script>', sapo: '"><img src=x onerror=alert(1)>', body: { type: 'doc', content: [paragraph('<b>không in đậm</b>')] }, categoryId: cat, status: 'published' });
    const res = await app.inject({ url: `/tieu-de-script-alert-1-script-post${id}.html` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;b&gt;không in đậm&lt;/b&gt;');
  });
});

describe('when the database stops answering', () => {
  it('readers get a plain Vietnamese 500 page (no internals), /healthz says 503, and the error is logged', async () => {
    const store = await openTestSqlite();
    const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    await seedDemo(ctx);
    const app = await buildServer(ctx, { cache: false });
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    try {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      await store.db.destroy();
      const res = await app.inject({ url: '/thoi-su' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Hệ thống đang gặp sự cố');
      expect(res.body).not.toMatch(/driver|destroyed|sqlite|\/tmp\//i);
      expect(logged.some((l) => l.includes('/thoi-su'))).toBe(true);
      const health = await app.inject({ url: '/healthz' });
      expect(health.statusCode).toBe(503);
    } finally {
      console.error = original;
      await app.close().catch(() => undefined);
    }
  });
});

describe('HTML validity (W3C Nu checker)', () => {
  let store: TestStore;
  let app: FastifyInstance;
  beforeAll(async () => {
    store = await openTestSqlite();
    const ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    await seedDemo(ctx);
    await importFiles(store.db, [SEEDS], { categorySlug: 'quoc-te', libraryDir: ctx.mediaDir });
    app = await buildServer(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('home, category, sub-category, article (standard, e-magazine, with a video), tag, author and 404 pages have no errors or warnings', async () => {
    const [article] = await listPublished(store.db, { limit: 1 });
    const seed = (await listPublished(store.db, { limit: 50 })).find((a) => a.title.startsWith('Hội đàm'))!;
    const cat = (await store.db.selectFrom('categories').select('id').where('slug', '=', 'van-hoa').executeTakeFirstOrThrow()).id;
    const cover = await store.db.selectFrom('media').select('id').where('storage_key', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    const body = { type: 'doc', content: [paragraph('Đoạn mở.'), { type: 'embed', attrs: { provider: 'youtube', url: 'https://youtu.be/AbCdEfGhIj0', title: 'Lễ hội' } }, { type: 'figure', attrs: { mediaId: cover.id, caption: 'Ảnh', credit: '', alt: 'Ảnh' } }] } as Doc;
    const emag = await createArticle(store.db, { title: 'Chuyện dài về khung cửi', type: 'emagazine', body, categoryId: cat, status: 'published', coverMediaId: cover.id });
    const video = await createArticle(store.db, { title: 'Lễ hội qua ống kính', type: 'video', body, categoryId: cat, status: 'published' });
    const urls = ['/', '/quoc-te', '/kinh-te/nong-nghiep', articlePath(article!), articlePath(seed), `/chuyen-dai-ve-khung-cui-post${emag}.html`, `/le-hoi-qua-ong-kinh-post${video}.html`, `/tag/nong-nghiep`, `/tac-gia/ha-minh`, '/khong-co'];
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-vnu-'));
    const files: string[] = [];
    for (const [i, url] of urls.entries()) {
      const res = await app.inject({ url });
      expect([200, 404]).toContain(res.statusCode);
      const file = join(dir, `page-${i}.html`);
      writeFileSync(file, res.body);
      files.push(file);
    }
    const jar = resolve(import.meta.dirname, '../../../node_modules/vnu-jar/build/dist/vnu.jar');
    const { stdout, stderr } = await promisify(execFile)('java', ['-jar', jar, '--format', 'json', '--also-check-css', ...files], { maxBuffer: 10 * 1024 * 1024 }).catch((e: { stdout: string; stderr: string }) => e);
    const messages = (JSON.parse(stderr || stdout || '{"messages":[]}') as { messages: Array<{ type: string; subType?: string; message: string; url: string; extract?: string }> }).messages;
    const problems = messages.filter((m) => m.type === 'error' || m.subType === 'warning').map((m) => `${urls[Number(/page-(\d+)/.exec(m.url)?.[1])]}: ${m.message} ${m.extract ?? ''}`);
    expect(problems).toEqual([]);
  });
});

describe('npm start on PostgreSQL', () => {
  it('serves the same site from DATABASE_URL=postgres://…', async (t) => {
    if (!(await postgresAvailable())) return t.skip();
    const pgStore = await openTestPostgres();
    const media = mkdtempSync(join(tmpdir(), 'toasoan-media-'));
    const url = `${pgStore.url}?options=${encodeURIComponent(`-c search_path=${pgStore.pgSchema}`)}`;
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../../bin/toasoan.mjs'), 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: url, MEDIA_DIR: media } });
    try {
      const address = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          out += d;
          const m = /đang phục vụ (http:\/\/\S+)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.once('exit', (code) => fail(new Error(`server exited ${code}: ${out}`)));
      });
      const home = await fetch(address);
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain(DEMO_STORIES[0]!.title);
      const count = await pgStore.db.selectFrom('articles').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(DEMO_STORIES.length);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await pgStore.dispose();
    }
  });
});
