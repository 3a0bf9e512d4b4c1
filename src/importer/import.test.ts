import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestStore } from '../storage/testing.ts';
import { importFiles, type FileResult } from './import.ts';
import { ensureDefaultCategories } from '../demo/seed.ts';
import { createContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { IMAGE_LINE } from './parse.ts';

const SEEDS = resolve(import.meta.dirname, '../../../shared/seeds');
const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort().map((f) => join(SEEDS, f));
const engines = await testEngines();

/** What a reader must see, in order, read straight from the seed file (independent of the importer's parser). */
function expectedTexts(file: string): string[] {
  const lines = readFileSync(file, 'utf8').normalize('NFC').split('\n').map((l) => l.trim());
  const end = lines.indexOf('Có thể bạn quan tâm');
  return lines.slice(0, end).filter((l) => l !== '' && !IMAGE_LINE.test(l));
}

function chromeTexts(file: string): string[] {
  const lines = readFileSync(file, 'utf8').normalize('NFC').split('\n').map((l) => l.trim());
  return lines.slice(lines.indexOf('Tin cùng chuyên mục') + 1).filter((l) => l.length > 20);
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Text blocks of the page's main story, in document order. */
function storyTexts(html: string): { texts: string[]; article: string } {
  const article = /<article class="story">([\s\S]*?)<\/article>/.exec(html)?.[1] ?? '';
  const texts: string[] = [];
  const re = /<(h1|p|figcaption)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/g;
  for (let m = re.exec(article); m; m = re.exec(article)) {
    const cls = /class="([^"]*)"/.exec(m[0].slice(0, m[0].indexOf('>')))?.[1];
    if (m[1] === 'p' && cls && cls !== 'sapo') continue; // bylines etc. are not seed text
    texts.push(decode(m[2]!.replace(/<[^>]+>/g, '')).trim());
  }
  return { texts, article };
}

describe.each(engines)('importer on $engine', ({ open }) => {
  let store: TestStore;
  let app: FastifyInstance;
  let libraryDir: string;
  let results: FileResult[];

  beforeAll(async () => {
    store = await open();
    libraryDir = mkdtempSync(join(tmpdir(), 'toasoan-media-'));
    await ensureDefaultCategories(store.db);
    results = await importFiles(store.db, seedFiles, { categorySlug: 'quoc-te', libraryDir });
    app = await buildServer(createContext(store, libraryDir));
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('imports both seeds with their figures', () => {
    expect(results.map((r) => r.status)).toEqual(['imported', 'imported']);
    expect(results.map((r) => (r.status === 'imported' ? r.figures : -1))).toEqual([3, 3]);
  });

  it.each(seedFiles.map((f, i) => [f.split('/').pop(), i] as const))('article page of %s shows title, sapo, paragraphs and captions verbatim, in order, without page chrome', async (_name, index) => {
    const r = results[index]!;
    if (r.status !== 'imported') throw new Error('not imported');
    const res = await app.inject({ url: r.path });
    expect(res.statusCode).toBe(200);
    const { texts, article } = storyTexts(res.body);
    expect(texts).toEqual(expectedTexts(seedFiles[index]!));
    expect((article.match(/<figure/g) ?? []).length).toBe(3);
    expect((article.match(/<figcaption>/g) ?? []).length).toBe(3);
    for (const img of article.match(/<img [^>]+>/g) ?? []) expect(img).toMatch(/ alt="[^"]+" width="\d+" height="\d+"/);
    for (const chrome of chromeTexts(seedFiles[index]!)) expect(decode(article)).not.toContain(chrome);
    expect(article).not.toContain('fb yt zl tw');
    // The paper's own related blocks are there, outside the story.
    expect(res.body).toContain('Có thể bạn quan tâm');
    expect(res.body).toContain('Tin cùng chuyên mục');
  });

  it('redirects a wrong slug to the right one', async () => {
    const r = results[0]!;
    if (r.status !== 'imported') throw new Error('not imported');
    const res = await app.inject({ url: `/sai-duong-dan-post${r.articleId}.html` });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(r.path);
  });

  it('re-importing the same documents creates no duplicates', async () => {
    const again = await importFiles(store.db, seedFiles, { categorySlug: 'quoc-te', libraryDir });
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    const n = await store.db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
  });

  it('imports the good files of a directory, names the broken ones, and changes nothing for them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-batch-'));
    writeFileSync(join(dir, 'a-good.txt'), 'Một tiêu đề thử nghiệm\n\nĐoạn mở đầu của bài thử.\n\nĐoạn thân bài.\n');
    writeFileSync(join(dir, 'b-latin1.txt'), Buffer.from([0x54, 0x69, 0xea, 0x75, 0x20, 0x0a, 0xff]));
    writeFileSync(join(dir, 'c-empty.txt'), '');
    writeFileSync(join(dir, 'd-binary.txt'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(join(dir, 'e-notitle.txt'), '\n\nfb yt zl tw\n');
    writeFileSync(join(dir, 'f-huge.txt'), `Tiêu đề\n\n${'x'.repeat(1024 * 1024 + 10)}\n`);
    const before = await store.db.selectFrom('articles').select('id').execute();
    const out = await importFiles(store.db, [dir], { categorySlug: 'quoc-te', libraryDir });
    expect(out.map((r) => [r.file.split('/').pop(), r.status])).toEqual([
      ['a-good.txt', 'imported'],
      ['b-latin1.txt', 'failed'],
      ['c-empty.txt', 'failed'],
      ['d-binary.txt', 'failed'],
      ['e-notitle.txt', 'failed'],
      ['f-huge.txt', 'failed'],
    ]);
    for (const r of out.filter((x) => x.status === 'failed')) expect(r.status === 'failed' && r.error).toMatch(/^[a-f]-\w+\.txt:\d+: /);
    const after = await store.db.selectFrom('articles').select('id').execute();
    expect(after.length).toBe(before.length + 1);
  });

  it('takes images from --media-dir, and a broken image fails the whole document', async () => {
    const mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-src-'));
    const jpeg = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const doc = 'Bài có ảnh thật\n\nSapo của bài có ảnh.\n\nAnh-Thu-1.JPG\nChú thích ảnh một.\n\nĐoạn cuối.\n';
    const dir = mkdtempSync(join(tmpdir(), 'toasoan-docs-'));
    writeFileSync(join(dir, 'anh.txt'), doc);
    writeFileSync(join(mediaDir, 'anh-thu-1.jpg'), jpeg);
    const [ok] = await importFiles(store.db, [join(dir, 'anh.txt')], { categorySlug: 'quoc-te', libraryDir, mediaDir });
    expect(ok?.status).toBe('imported');
    if (ok?.status !== 'imported') return;
    expect(ok.placeholders).toEqual([]);
    const page = await app.inject({ url: ok.path });
    const src = /<img src="(\/media\/[^"]+\.jpg)"[^>]* width="640" height="400"/.exec(page.body)?.[1];
    expect(src).toBeDefined();
    const img = await app.inject({ url: src! });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');

    const mediaBefore = (await store.db.selectFrom('media').select('id').execute()).length;
    const articlesBefore = (await store.db.selectFrom('articles').select('id').execute()).length;
    writeFileSync(join(dir, 'hong.txt'), 'Bài có ảnh hỏng\n\nSapo.\n\nhong.png\nChú thích.\n');
    writeFileSync(join(mediaDir, 'hong.png'), 'not a png');
    const [bad] = await importFiles(store.db, [join(dir, 'hong.txt')], { categorySlug: 'quoc-te', libraryDir, mediaDir });
    expect(bad?.status === 'failed' && bad.error).toMatch(/^hong\.txt:5: ảnh hong\.png/);
    expect((await store.db.selectFrom('media').select('id').execute()).length).toBe(mediaBefore);
    expect((await store.db.selectFrom('articles').select('id').execute()).length).toBe(articlesBefore);
  });
});

describe('toasoan import (command line)', () => {
  it('imports a directory with a broken file, reports it by name and exits non-zero', async () => {
    const work = mkdtempSync(join(tmpdir(), 'toasoan-cli-'));
    const docs = join(work, 'docs');
    readdirSync(SEEDS);
    await import('node:fs/promises').then((fs) => fs.mkdir(docs));
    for (const f of seedFiles) copyFileSync(f, join(docs, f.split('/').pop()!));
    writeFileSync(join(docs, 'zz-hong.txt'), Buffer.from([0xc3, 0x28, 0x0a]));
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(work, 'db.sqlite')}`, MEDIA_DIR: join(work, 'media') };
    const bin = resolve(import.meta.dirname, '../../bin/toasoan.mjs');
    const run = promisify(execFile);
    // import works on an existing newsroom: `migrate` creates the database first.
    await run(process.execPath, [bin, 'migrate'], { env });
    const err = await run(process.execPath, [bin, 'import', docs, '--category', 'quoc-te'], { env }).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('zz-hong.txt:1: tệp không phải UTF-8 hợp lệ');
    expect(err?.stdout).toMatch(/Tổng: 2 bài mới, 0 bài trùng, 1 tệp lỗi/);
  });
});
