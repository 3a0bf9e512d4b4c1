import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { XMLParser } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { testEngines, type TestStore } from '../../storage/testing.ts';
import { createContext, type AppContext } from '../context.ts';
import { buildServer } from '../server.ts';
import { drawDemoImage, seedDemo } from '../../demo/seed.ts';
import { articlePath } from '../../domain/article.ts';
import { paragraph, type Doc } from '../../domain/document.ts';
import { createArticle, insertMedia, listCategories, listPublished } from '../../storage/content.ts';
import { storeImage } from '../../media/store.ts';
import { HEADLINE_MAX } from './seo.tsx';

const SCHEMAS = resolve(import.meta.dirname, 'schemas');
const run = promisify(execFile);

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('xmllint (Debian package libxml2-utils) is required in CI');
    console.log('[skip] sitemap schema validation skipped: xmllint not installed (apt-get install libxml2-utils)');
    return false;
  }
}
const xmllint = hasXmllint();

async function validateXml(xml: string, schema: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'toasoan-xsd-')), 'doc.xml');
  writeFileSync(file, xml);
  // xmllint exits non-zero and names the offending element when the document does not match.
  await run('xmllint', ['--noout', '--nonet', '--schema', join(SCHEMAS, schema), file]);
}

// Parsed XML is walked dynamically: the tests themselves check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['item', 'entry', 'url', 'sitemap', 'enclosure', 'dc:creator', 'author'].includes(name) });

function jsonLd(html: string): Array<Record<string, unknown>> {
  const blocks = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]!) as unknown);
  return blocks.flatMap((b) => (Array.isArray(b) ? b : [b])) as Array<Record<string, unknown>>;
}

function meta(html: string, attr: 'property' | 'name', key: string): string | undefined {
  const m = new RegExp(`<meta ${attr}="${key.replace(/[.:]/g, '\\$&')}" content="([^"]*)">`).exec(html);
  return m?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const BASE = 'https://baomiennui.example.vn';
const LONG_TITLE = `Tỉnh ${'triển khai đồng bộ các giải pháp phát triển kinh tế xã hội vùng đồng bào dân tộc thiểu số '.repeat(4)}giai đoạn mới`;
const engines = await testEngines();

describe.each(engines)('feeds, sitemaps, structured data on $engine', ({ open }) => {
  let store: TestStore;
  let ctx: AppContext;
  let app: FastifyInstance;
  const special: Record<'noImage' | 'longTitle' | 'infographic' | 'oldMonth' | 'draft', number> = { noImage: 0, longTitle: 0, infographic: 0, oldMonth: 0, draft: 0 };

  beforeAll(async () => {
    store = await open();
    ctx = createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-')));
    await seedDemo(ctx);
    const db = store.db;
    const settingsRow = await db.selectFrom('settings').select('value').where('key', '=', 'site').executeTakeFirstOrThrow();
    await db.updateTable('settings').set({ value: JSON.stringify({ ...JSON.parse(settingsRow.value), baseUrl: BASE }) }).where('key', '=', 'site').execute();
    const [category] = await listCategories(db);
    const now = Date.now();
    special.noImage = await createArticle(db, { title: 'Tin không có ảnh: họp báo định kỳ của tỉnh', sapo: 'Bản tin ngắn, không kèm ảnh.', body: { type: 'doc', content: [paragraph('Nội dung bản tin ngắn & không có ảnh <b>đậm</b>.')] }, categoryId: category!.id, status: 'published', publishedAt: new Date(now - 60_000).toISOString(), bylines: [{ name: 'Thu Hà' }] });
    special.longTitle = await createArticle(db, { title: LONG_TITLE, sapo: '', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: category!.id, status: 'published', publishedAt: new Date(now - 120_000).toISOString() });
    const tall = await storeImage(ctx.mediaDir, await drawDemoImage(42, 200, 800, 2000));
    const tallId = await insertMedia(db, { fileName: 'infographic.jpg', storageKey: tall.storageKey, mime: tall.mime, width: tall.width, height: tall.height, byteSize: tall.byteSize, sha256: tall.sha256, caption: 'Số liệu năm', alt: 'Biểu đồ số liệu năm' });
    special.infographic = await createArticle(db, {
      title: 'Infographic: toàn cảnh kinh tế tỉnh năm qua',
      sapo: 'Các con số chính của năm.',
      type: 'infographic',
      body: { type: 'doc', content: [{ type: 'figure', attrs: { mediaId: tallId, fileName: '', width: tall.width, height: tall.height, alt: 'Biểu đồ số liệu năm', caption: 'Số liệu năm', credit: 'Đồ họa: Minh Anh' } }] },
      categoryId: category!.id,
      coverMediaId: tallId,
      status: 'published',
      publishedAt: new Date(now - 180_000).toISOString(),
      tags: ['Kinh tế'],
    });
    special.oldMonth = await createArticle(db, { title: 'Tin lưu trữ tháng ba', sapo: 'Tin cũ.', body: { type: 'doc', content: [paragraph('Cũ.')] }, categoryId: category!.id, status: 'published', publishedAt: '2024-03-10T02:00:00.000Z' });
    special.draft = await createArticle(db, { title: 'Bản nháp chưa duyệt', body: { type: 'doc', content: [paragraph('Nháp.')] }, categoryId: category!.id, status: 'draft' });
    app = await buildServer(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('RSS 2.0: parses, self link, permalink guids, RFC 822 dates, enclosures with length and type', async () => {
    const res = await get('/rss.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const feed = parseRssFeed(res.body);
    expect(feed.title).toBe('Báo Miền Núi');
    expect(feed.items?.length).toBeGreaterThan(5);
    for (const item of feed.items ?? []) {
      expect(item.title).toBeTruthy();
      expect(item.link).toMatch(/^https:\/\/baomiennui\.example\.vn\/[a-z0-9-]+-post\d+\.html$/);
    }
    const doc = xml.parse(res.body);
    const channel = doc.rss.channel;
    expect(doc.rss['@version']).toBe('2.0');
    expect(channel['atom:link']['@rel']).toBe('self');
    expect(channel['atom:link']['@href']).toBe(`${BASE}/rss.xml`);
    expect(channel.lastBuildDate).toMatch(RFC822);
    const items = channel.item as Array<Record<string, Node>>;
    for (const item of items) {
      expect(item.guid['@isPermaLink']).toBe('true');
      expect(item.guid['#text']).toBe(item.link);
      expect(item.pubDate).toMatch(RFC822);
      for (const enc of item.enclosure ?? []) {
        expect(Number(enc['@length'])).toBeGreaterThan(0);
        expect(enc['@type']).toMatch(/^image\//);
        expect(enc['@url']).toMatch(/^https:\/\//);
      }
    }
    const byLink = (id: number) => items.find((i) => String(i.link).endsWith(`-post${id}.html`))!;
    expect(byLink(special.noImage).enclosure).toBeUndefined();
    expect(byLink(special.noImage)['dc:creator']).toEqual(['Thu Hà']);
    expect(byLink(special.infographic).title).toBe('[Infographic] Infographic: toàn cảnh kinh tế tỉnh năm qua');
    expect(byLink(special.infographic).enclosure).toHaveLength(1);
    expect(byLink(special.longTitle).title).toBe(LONG_TITLE);
    // Escaped text survives the round trip.
    expect(res.body).not.toContain(`-post${special.draft}.html`);
  });

  it('Atom 1.0: parses, ids, updated times, self and alternate links, enclosure links', async () => {
    const res = await get('/atom.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parseAtomFeed(res.body);
    expect(feed.id).toBe(`${BASE}/atom.xml`);
    expect(Number.isNaN(Date.parse(feed.updated!))).toBe(false);
    expect(feed.links?.some((l) => l.rel === 'self' && l.href === `${BASE}/atom.xml`)).toBe(true);
    expect(feed.authors?.[0]?.name).toBe('Báo Miền Núi');
    for (const entry of feed.entries ?? []) {
      expect(entry.id).toMatch(/^https:\/\//);
      expect(entry.title).toBeTruthy();
      expect(Number.isNaN(Date.parse(entry.updated!))).toBe(false);
      expect(entry.links?.some((l) => l.rel === 'alternate' && l.href === entry.id)).toBe(true);
    }
    const info = feed.entries!.find((e) => e.id!.endsWith(`-post${special.infographic}.html`))!;
    const enclosure = info.links!.find((l) => l.rel === 'enclosure')!;
    expect(enclosure.type).toBe('image/jpeg');
    expect(Number(enclosure.length)).toBeGreaterThan(0);
    expect(feed.entries!.find((e) => e.id!.endsWith(`-post${special.noImage}.html`))!.links!.some((l) => l.rel === 'enclosure')).toBe(false);
  });

  it('JSON Feed 1.1: parses, every item has id, url, content and dates', async () => {
    const res = await get('/feed.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const raw = JSON.parse(res.body);
    expect(raw.version).toBe('https://jsonfeed.org/version/1.1');
    const feed = parseJsonFeed(raw);
    expect(feed.feed_url).toBe(`${BASE}/feed.json`);
    for (const item of feed.items ?? []) {
      expect(item.id).toMatch(/^https:\/\//);
      expect(item.content_text ?? item.content_html).toBeTruthy();
      expect(Number.isNaN(Date.parse(item.date_published!))).toBe(false);
    }
    const noImage = raw.items.find((i: { id: string }) => i.id.endsWith(`-post${special.noImage}.html`));
    expect(noImage.image).toBeUndefined();
    expect(noImage.authors).toEqual([{ name: 'Thu Hà' }]);
  });

  it('an audio story\'s feed item encloses its recording (podcast apps play it), not its cover', async () => {
    const db = store.db;
    const [category] = await listCategories(db);
    const cover = (await db.selectFrom('media').select('id').where('storage_key', 'is not', null).orderBy('id').executeTakeFirstOrThrow()).id;
    const sound = await insertMedia(db, { fileName: 'ban-tin.mp3', storageKey: `ab/${'ab'.repeat(32)}.mp3`, mime: 'audio/mpeg', width: 0, height: 0, byteSize: 123_456, caption: 'Bản tin sáng', alt: '' });
    const body = { type: 'doc', content: [paragraph('Nghe bản tin.'), { type: 'audio', attrs: { mediaId: sound, title: 'Bản tin sáng', caption: '', credit: '' } }] } as Doc;
    const id = await createArticle(db, { title: 'Bản tin âm thanh buổi sáng', sapo: 'Nghe tin.', type: 'audio', body, categoryId: category!.id, coverMediaId: cover, status: 'published' });
    await ctx.events.emit({ type: 'article.published', articleId: id });
    const rssItem = ((xml.parse((await get('/rss.xml')).body).rss.channel.item as Array<Record<string, Node>>).find((i) => String(i.link).endsWith(`-post${id}.html`)))!;
    expect(rssItem.enclosure).toEqual([{ '@url': `${BASE}/media/ab/${'ab'.repeat(32)}.mp3`, '@length': '123456', '@type': 'audio/mpeg' }]);
    const atom = (await get('/atom.xml')).body;
    expect(atom).toContain(`<link rel="enclosure" type="audio/mpeg" length="123456" href="${BASE}/media/ab/${'ab'.repeat(32)}.mp3"/>`);
    const json = JSON.parse((await get('/feed.json')).body) as { items: Array<{ url: string; image?: string; attachments?: Array<{ mime_type: string }> }> };
    const jsonItem = json.items.find((i) => i.url.endsWith(`-post${id}.html`))!;
    expect(jsonItem.attachments?.map((a) => a.mime_type)).toEqual(['audio/mpeg', 'image/jpeg']);
    expect(jsonItem.image).toMatch(/\.jpg$/);
  });

  it('category feeds in all three formats, including sub-categories; unknown category is 404', async () => {
    const [top] = (await listCategories(store.db)).filter((c) => c.parent_id === null);
    for (const [url, parse] of [
      [`/rss/${top!.slug}.rss`, (b: string) => parseRssFeed(b).items ?? []],
      [`/atom/${top!.slug}.xml`, (b: string) => parseAtomFeed(b).entries ?? []],
      [`/feed/${top!.slug}.json`, (b: string) => parseJsonFeed(JSON.parse(b)).items ?? []],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(parse(res.body).length, url).toBeGreaterThan(0);
    }
    expect((await get('/rss/khong-ton-tai.rss')).statusCode).toBe(404);
    expect((await get(`/rss/${top!.slug}.xml`)).statusCode).toBe(404);
  });

  it('feeds answer conditional GETs with 304, and Last-Modified is the newest change', async () => {
    const first = await get('/rss.xml');
    const etag = first.headers.etag as string | undefined;
    const lastModified = first.headers['last-modified'] as string | undefined;
    expect(etag ?? lastModified).toBeTruthy();
    if (etag) expect((await get('/rss.xml', { 'if-none-match': etag })).statusCode).toBe(304);
    if (lastModified) {
      expect((await get('/rss.xml', { 'if-modified-since': lastModified })).statusCode).toBe(304);
      expect((await get('/rss.xml', { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).statusCode).toBe(200);
      const newest = await listPublished(store.db, { limit: 50 });
      const max = newest.flatMap((a) => [a.updated_at, a.published_at ?? '']).sort().at(-1)!;
      expect(Date.parse(lastModified)).toBe(Math.floor(Date.parse(max) / 1000) * 1000);
    }
  });

  it.runIf(xmllint)('sitemap index, monthly, news, category and tag sitemaps validate against the XSDs', async () => {
    const index = await get('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('application/xml; charset=utf-8');
    await validateXml(index.body, 'siteindex.xsd');
    const locs = (xml.parse(index.body).sitemapindex.sitemap as Array<{ loc: string; lastmod?: string }>).map((s) => s.loc);
    expect(locs).toContain(`${BASE}/sitemap-news.xml`);
    expect(locs).toContain(`${BASE}/sitemap-2024-03.xml`);
    for (const loc of locs) {
      const path = new URL(loc).pathname;
      const res = await get(path);
      expect(res.statusCode, path).toBe(200);
      await validateXml(res.body, path === '/sitemap-news.xml' ? 'news-sitemap.xsd' : 'sitemap.xsd');
    }
    const march = await get('/sitemap-2024-03.xml');
    expect(march.body).toContain(`-post${special.oldMonth}.html`);
    expect(march.body).not.toContain(`-post${special.noImage}.html`);
    const current = await get(`/sitemap-${new Date().toISOString().slice(0, 7)}.xml`);
    for (const id of [special.noImage, special.longTitle, special.infographic]) expect(current.body).toContain(`-post${id}.html`);
    expect(current.body).not.toContain(`-post${special.draft}.html`);
    expect((await get('/sitemap-1999-01.xml')).statusCode).toBe(404);
    // The schemas do reject what Google would: a news entry without its publication, an index entry without loc.
    const news = (await get('/sitemap-news.xml')).body;
    await expect(validateXml(news.replace(/<news:publication>.*?<\/news:publication>/, ''), 'news-sitemap.xsd')).rejects.toThrow();
    await expect(validateXml(index.body.replace(/<loc>[^<]*<\/loc>/, ''), 'siteindex.xsd')).rejects.toThrow();
  });

  it('Google News sitemap: last 48 hours only, publication name and language vi', async () => {
    const res = await get('/sitemap-news.xml');
    const urls = xml.parse(res.body).urlset.url as Array<Record<string, Node>>;
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) {
      const news = u['news:news'];
      expect(news['news:publication']['news:name']).toBe('Báo Miền Núi');
      expect(news['news:publication']['news:language']).toBe('vi');
      expect(Date.now() - Date.parse(news['news:publication_date'])).toBeLessThanOrEqual(48 * 3_600_000);
    }
    expect(res.body).toContain(`-post${special.longTitle}.html`);
    expect(res.body).not.toContain(`-post${special.oldMonth}.html`);
  });

  it('robots.txt points to the sitemaps with absolute URLs', async () => {
    const res = await get('/robots.txt');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toContain(`Sitemap: ${BASE}/sitemap.xml`);
    expect(res.body).toContain(`Sitemap: ${BASE}/sitemap-news.xml`);
    expect(res.body).toMatch(/^User-agent: \*$/m);
  });

  it('article pages carry a complete NewsArticle, a BreadcrumbList, and absolute OG/Twitter tags', async () => {
    for (const id of [special.noImage, special.longTitle, special.infographic]) {
      const [a] = (await listPublished(store.db, { limit: 100 })).filter((x) => x.id === id);
      const res = await get(articlePath(a!));
      expect(res.statusCode).toBe(200);
      const ld = jsonLd(res.body);
      const article = ld.find((x) => x['@type'] === 'NewsArticle')!;
      expect(article, `article ${id}`).toBeDefined();
      expect(article['@context']).toBe('https://schema.org');
      for (const key of ['headline', 'description', 'image', 'datePublished', 'dateModified', 'author', 'publisher', 'articleSection', 'inLanguage', 'isAccessibleForFree', 'mainEntityOfPage']) expect(article[key], `${key} of ${id}`).toBeDefined();
      expect((article.headline as string).length).toBeLessThanOrEqual(HEADLINE_MAX);
      expect(article.inLanguage).toBe('vi');
      expect(article.isAccessibleForFree).toBe(true);
      expect(Number.isNaN(Date.parse(article.datePublished as string))).toBe(false);
      expect(Date.parse(article.dateModified as string)).toBeGreaterThanOrEqual(Date.parse(article.datePublished as string));
      const images = article.image as string[];
      expect(images.length).toBeGreaterThan(0);
      for (const img of images) {
        expect(img).toMatch(/^https:\/\/baomiennui\.example\.vn\//);
        const file = await get(new URL(img).pathname);
        expect(file.statusCode, img).toBe(200);
        const { width, height } = await sharp(file.rawPayload).metadata();
        expect(width! * height!).toBeGreaterThanOrEqual(50_000);
      }
      for (const author of article.author as Array<Record<string, string>>) {
        expect(['Person', 'Organization']).toContain(author['@type']);
        expect(author.name).toBeTruthy();
      }
      const publisher = article.publisher as Record<string, Node>;
      expect(publisher['@type']).toBe('NewsMediaOrganization');
      expect(publisher.logo.url).toMatch(/^https:\/\//);
      expect((await get(new URL(publisher.logo.url).pathname)).headers['content-type']).toBe('image/png');
      const crumbs = ld.find((x) => x['@type'] === 'BreadcrumbList')!;
      const list = crumbs.itemListElement as Array<Record<string, unknown>>;
      expect(list.map((i) => i.position)).toEqual(list.map((_, i) => i + 1));
      for (const i of list) expect(i.item).toMatch(/^https:\/\//);

      for (const [attr, key] of [['property', 'og:title'], ['property', 'og:description'], ['property', 'og:type'], ['property', 'og:site_name'], ['name', 'twitter:card'], ['name', 'twitter:title']] as const) expect(meta(res.body, attr, key), key).toBeTruthy();
      for (const [attr, key] of [['property', 'og:url'], ['property', 'og:image'], ['name', 'twitter:image']] as const) expect(meta(res.body, attr, key), key).toMatch(/^https:\/\/baomiennui\.example\.vn\//);
      expect(meta(res.body, 'property', 'og:url')).toBe(`${BASE}${articlePath(a!)}`);
      expect(res.body).toContain(`<link rel="canonical" href="${BASE}${articlePath(a!)}">`);
      expect(meta(res.body, 'name', 'twitter:card')).toBe('summary_large_image');
      const social = await get(new URL(meta(res.body, 'property', 'og:image')!).pathname);
      expect(social.statusCode).toBe(200);
      expect(social.headers['content-type']).toBe('image/jpeg');
      expect(social.headers['cache-control']).toContain('immutable');
      const size = await sharp(social.rawPayload).metadata();
      expect([size.width, size.height]).toEqual([1200, 630]);
    }
    const [long] = (await listPublished(store.db, { limit: 100 })).filter((x) => x.id === special.longTitle);
    const ld = jsonLd((await get(articlePath(long!))).body).find((x) => x['@type'] === 'NewsArticle')!;
    expect(ld.alternativeHeadline).toBe(LONG_TITLE);
  });

  it('home has WebSite with SearchAction; category pages a BreadcrumbList and their own feed links', async () => {
    const home = await get('/');
    const website = jsonLd(home.body).find((x) => x['@type'] === 'WebSite')!;
    expect(website.url).toBe(`${BASE}/`);
    const action = website.potentialAction as Record<string, Node>;
    expect(action['@type']).toBe('SearchAction');
    expect(action.target.urlTemplate).toBe(`${BASE}/tim-kiem?q={search_term_string}`);
    expect(action['query-input']).toBe('required name=search_term_string');
    expect(meta(home.body, 'property', 'og:image')).toMatch(/^https:\/\//);
    expect(home.body).toContain(`<link rel="alternate" type="application/rss+xml" title="Báo Miền Núi (RSS)" href="${BASE}/rss.xml">`);
    const [top] = (await listCategories(store.db)).filter((c) => c.parent_id === null);
    const cat = await get(`/${top!.slug}`);
    expect(jsonLd(cat.body).find((x) => x['@type'] === 'BreadcrumbList')).toBeDefined();
    expect(cat.body).toContain(`href="${BASE}/rss/${top!.slug}.rss"`);
    expect(meta(cat.body, 'property', 'og:url')).toBe(`${BASE}/${top!.slug}`);
  });

  it('images: <picture> with AVIF and WebP sources and a JPEG fallback, sizes set, lead first, others lazy', async () => {
    const [a] = (await listPublished(store.db, { limit: 100 })).filter((x) => x.id === special.infographic);
    const res = await get(articlePath(a!));
    const pictures = [...res.body.matchAll(/<picture>(.*?)<\/picture>/g)].map((m) => m[1]!);
    expect(pictures.length).toBeGreaterThan(1);
    for (const p of pictures) {
      expect(p).toMatch(/^<source type="image\/avif" srcset="[^"]+ \d+w[^"]*" sizes="[^"]+"><source type="image\/webp" srcset="[^"]+" sizes="[^"]+"><img src="[^"]+\.jpg" srcset="[^"]+" sizes="[^"]+" alt="[^"]*" width="\d+" height="\d+"/);
    }
    const imgs = [...res.body.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
    expect(imgs.every((i) => /width="\d+" height="\d+"/.test(i))).toBe(true);
    expect(imgs.filter((i) => i.includes('fetchpriority="high"'))).toHaveLength(1);
    expect(imgs.filter((i) => !i.includes('loading="lazy"'))).toHaveLength(1);
    const avif = /([^" ,]+-w320\.avif) 320w/.exec(res.body)![1]!;
    const file = await get(avif);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/avif');
    expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await sharp(file.rawPayload).metadata()).width).toBe(320);
    const again = await get(avif);
    expect(again.rawPayload.equals(file.rawPayload)).toBe(true);
    expect((await get(avif.replace('-w320.avif', '-w333.avif'))).statusCode).toBe(404);
    expect((await get(avif.replace(/[0-9a-f]{64}/, 'f'.repeat(64)))).statusCode).toBe(404);
  });

  it('the article page is under 50 KB of HTML+CSS gzipped and readable without scripts', async () => {
    const [a] = await listPublished(store.db, { limit: 1 });
    const res = await get(articlePath(a!));
    expect(gzipSync(res.body).length).toBeLessThan(50 * 1024);
    expect(res.body).not.toMatch(/<script(?! type="application\/ld\+json")/);
    expect(res.body).toContain('@media print');
  });

  it('ninjs export: published stories only, with headline, bodies, bylines and pictures', async () => {
    const res = await get(`/api/v1/ninjs/${special.infographic}`);
    expect(res.statusCode).toBe(200);
    const item = JSON.parse(res.body);
    expect(item.standard).toEqual({ name: 'ninjs', version: '2.1', schema: 'https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json' });
    expect(item.uri).toMatch(new RegExp(`^${BASE}/[a-z0-9-]+-post${special.infographic}\\.html$`));
    expect(item.headlines[0]).toEqual({ role: 'main', contenttype: 'text/plain', value: 'Infographic: toàn cảnh kinh tế tỉnh năm qua' });
    expect(item.pubstatus).toBe('usable');
    expect(item.language).toBe('vi');
    expect(item.genres).toEqual([{ name: 'Infographic', literal: 'infographic' }]);
    const html = item.bodies.find((b: { contenttype: string }) => b.contenttype === 'text/html').value as string;
    expect(html).toContain('<figure');
    expect(html).not.toMatch(/(src|srcset)="\//);
    expect(item.associations[0].name).toBe('featureimage');
    expect(item.associations[0].renditions[0].href).toMatch(/^https:\/\//);
    expect(item.subjects.some((s: { rel: string; name: string }) => s.rel === 'keyword' && s.name === 'Kinh tế')).toBe(true);
    const plain = JSON.parse((await get(`/api/v1/ninjs/${special.noImage}`)).body);
    expect(plain.type).toBe('text');
    expect(plain.by).toBe('Thu Hà');
    expect(plain.associations).toBeUndefined();
    expect((await get(`/api/v1/ninjs/${special.draft}`)).statusCode).toBe(404);
    expect((await get('/api/v1/ninjs/999999')).statusCode).toBe(404);
    expect((await get('/api/v1/ninjs/abc')).statusCode).toBe(404);
  });

  it('a story taken down leaves every feed and sitemap, its ninjs answers 410, and Last-Modified moves forward', async () => {
    const before = await get('/rss.xml');
    expect(before.body).toContain(`-post${special.noImage}.html`);
    await new Promise((r) => setTimeout(r, 1100));
    await store.db.updateTable('articles').set({ status: 'unpublished', updated_at: new Date().toISOString() }).where('id', '=', special.noImage).execute();
    await ctx.events.emit({ type: 'article.unpublished', articleId: special.noImage });
    const month = `/sitemap-${new Date().toISOString().slice(0, 7)}.xml`;
    for (const url of ['/rss.xml', '/atom.xml', '/feed.json', '/sitemap-news.xml', month]) expect((await get(url)).body, url).not.toContain(`-post${special.noImage}.html`);
    const after = await get('/rss.xml');
    if (before.headers['last-modified'] && after.headers['last-modified']) expect(Date.parse(after.headers['last-modified'] as string)).toBeGreaterThan(Date.parse(before.headers['last-modified'] as string));
    if (before.headers.etag) expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((await get(`/api/v1/ninjs/${special.noImage}`)).statusCode).toBe(410);
  });
});
