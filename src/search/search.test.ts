import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { openTestSqlite, testEngines, type TestStore } from '../storage/testing.ts';
import { createArticle, createCategory } from '../storage/content.ts';
import { paragraph, type Doc } from '../domain/document.ts';
import { createContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { searchArticles, suggestTitles } from './search.ts';
import { relatedArticles } from './related.ts';
import { indexArticle, refillPgPairs, reindexAll } from './indexer.ts';
import { parseQuery, fts5Plain, pgMatch, pgPairs } from './query.ts';
import { fillPhrasePairs, phrasePairsStatus, resetPhrasePairs, withPhrasePairs } from './phrase-pairs.ts';
import { sql } from 'kysely';
import { keysForEvent } from '../cache/invalidation.ts';
import { keys } from '../web/site/data.ts';

const SEEDS = '/work/shared/seeds';

/** A seed file as the acceptance criteria describe it: title, sapo, then body paragraphs up to "Có thể bạn quan tâm". */
function readSeed(file: string): { title: string; sapo: string; body: Doc } {
  const text = readFileSync(join(SEEDS, file), 'utf8').replace(/\r\n/g, '\n');
  const [titleLine, ...rest] = text.split('\n');
  const paragraphs = rest.join('\n').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const end = paragraphs.findIndex((p) => p === 'Có thể bạn quan tâm');
  const kept = end >= 0 ? paragraphs.slice(0, end) : paragraphs;
  return { title: titleLine!.trim(), sapo: kept[0] ?? '', body: { type: 'doc', content: kept.slice(1).map((p) => paragraph(p.replace(/\n/g, ' '))) } };
}

/** Unrelated stories, written for this test. */
const DEMO = [
  { title: 'Mùa lúa chín trên ruộng bậc thang ở bản Sín Chải', sapo: 'Những thửa ruộng vàng óng thu hút du khách chụp ảnh vào cuối tuần.', body: 'Người dân bắt đầu gặt sớm hơn mọi năm vì thời tiết nắng ráo. Hợp tác xã thu mua thóc với giá ổn định.' },
  { title: 'Đội bóng đá thiếu niên giành cúp vô địch khu vực', sapo: 'Trận chung kết kết thúc với tỷ số 2-1 sau hiệp phụ.', body: 'Huấn luyện viên khen ngợi tinh thần thi đấu của các cầu thủ nhỏ tuổi. Phụ huynh đến cổ vũ đông đủ.' },
  { title: 'Chợ phiên vùng cao tấp nập ngày cuối năm', sapo: 'Bà con mang thổ cẩm, mật ong và gà đồi xuống chợ bán.', body: 'Nhiều bạn trẻ tìm đến chợ để mua quà Tết cho gia đình. Người bán hàng vui vẻ mời khách nếm thử.' },
  { title: 'Bệnh viện huyện đưa vào sử dụng máy chụp cắt lớp mới', sapo: 'Thiết bị giúp người bệnh không phải đi xa để chẩn đoán.', body: 'Các bác sĩ đã được tập huấn vận hành máy trong hai tuần. Bệnh nhân đầu tiên được chụp miễn phí.' },
  { title: 'Trường học miền núi nhận thêm sách cho thư viện', sapo: 'Hơn một nghìn đầu sách thiếu nhi được trao tặng.', body: 'Học sinh hào hứng đọc truyện trong giờ ra chơi. Cô giáo tổ chức câu lạc bộ đọc sách hòa nhã mỗi tuần.' },
  { title: 'Nông dân trồng thử giống chè mới chịu rét', sapo: 'Mô hình bước đầu cho năng suất khả quan trên đồi cao.', body: 'Cán bộ khuyến nông hướng dẫn kỹ thuật bón phân và tưới tiêu. Sản phẩm được thương lái đặt mua trước.' },
];

const engines = await testEngines();
/** Each engine, and SQLite again with phrase pairs on: there every phrase query is answered from search_pairs. */
const fixtures = [...engines.map((e) => ({ ...e, name: e.engine, pairs: false })), { engine: 'sqlite' as const, name: 'sqlite with phrase pairs', open: openTestSqlite, pairs: true }];

describe.each(fixtures)('search on $name', ({ open, pairs }) => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;
  let mediaDir: string;
  let ctx: ReturnType<typeof createContext>;
  const ids: { doan: number; festival: number; draft: number } = { doan: 0, festival: 0, draft: 0 };

  beforeAll(async () => {
    store = await open();
    mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-search-media-'));
    const cat = await createCategory(store.db, { name: 'Thời sự' });
    const other = await createCategory(store.db, { name: 'Đời sống' });
    const files = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
    let hours = 100;
    for (const d of DEMO) {
      await createArticle(store.db, { title: d.title, sapo: d.sapo, body: { type: 'doc', content: [paragraph(d.body)] }, categoryId: other, status: 'published', publishedAt: new Date(Date.UTC(2024, 10, 20) - hours-- * 3_600_000).toISOString() });
    }
    for (const f of files) {
      const seed = readSeed(f);
      const id = await store.db.transaction().execute((trx) => createArticle(trx, { ...seed, categoryId: cat, status: 'published', publishedAt: new Date(Date.UTC(2024, 10, 18) - hours-- * 3_600_000).toISOString() }));
      if (seed.title.startsWith('Đoàn công tác')) ids.doan = id;
      if (seed.title.includes('Festival')) ids.festival = id;
    }
    ids.draft = await createArticle(store.db, { title: 'Bản nháp về Lào Cai chưa đăng', sapo: 'Chỉ tòa soạn thấy.', body: { type: 'doc', content: [paragraph('Nội dung nháp.')] }, categoryId: cat, status: 'draft' });
    ctx = createContext(store, mediaDir);
    app = await buildServer(ctx, { cache: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    await app?.close();
    await store?.dispose();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  /** With pairs: a new generation over the stories as they are now, every key frequent, nothing pending. */
  const refreshPairs = async () => {
    if (!pairs) return;
    await resetPhrasePairs(store.db);
    expect(await fillPhrasePairs(store.db, { minStories: 1, share: 1e-9 })).toBeGreaterThan(0);
  };
  const found = async (q: string) => {
    await refreshPairs();
    return (await searchArticles(store.db, q)).hits.map((h) => h.article.id);
  };

  it.runIf(pairs)('answers phrases of frequent syllables from search_pairs once nothing is pending', async () => {
    await refreshPairs();
    expect(await withPhrasePairs(store.db, parseQuery('"lao cai" -"song hong"'))).not.toBeNull();
    // Not for words, prefixes or mixed queries.
    for (const q of ['lao cai', '"lao ca*"', '"lao cai" festival']) expect(await withPhrasePairs(store.db, parseQuery(q)), q).toBeNull();
    await createArticle(store.db, { title: 'Tin mới về Lào Cai', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: 1, status: 'published', publishedAt: new Date(Date.UTC(2024, 10, 1)).toISOString() });
    expect(await phrasePairsStatus(store.db)).toMatchObject({ pending: 1 });
    expect(await withPhrasePairs(store.db, parseQuery('"lao cai"'))).toBeNull();
  });

  it('finds both seed stories for "lao cai", "Lào Cai" and "LÀO CAI"', async () => {
    expect(ids.doan).toBeGreaterThan(0);
    expect(ids.festival).toBeGreaterThan(0);
    for (const q of ['lao cai', 'Lào Cai', 'LÀO CAI']) {
      const hits = await found(q);
      expect(hits, q).toContain(ids.doan);
      expect(hits, q).toContain(ids.festival);
      expect(hits, 'drafts are not on the reader side').not.toContain(ids.draft);
    }
    expect(new Set(await found('Lào Cai'))).toEqual(new Set(await found('lao cai')));
  });

  it('finds "Đoàn công tác …" for "doan cong tac", first', async () => {
    const hits = await found('doan cong tac');
    expect(hits[0]).toBe(ids.doan);
  });

  it('"hoà" and "hòa" give the same results; an NFD query equals its NFC form', async () => {
    await refreshPairs();
    const a = await searchArticles(store.db, 'hoà');
    const b = await searchArticles(store.db, 'hòa');
    expect(a.hits.length).toBeGreaterThan(0);
    expect(a.hits.map((h) => h.article.id)).toEqual(b.hits.map((h) => h.article.id));
    for (const q of ['Lào Cai', 'Đoàn công tác', 'hữu nghị quốc tế', 'Festival sông Hồng']) {
      const nfd = await searchArticles(store.db, q.normalize('NFD'));
      const nfc = await searchArticles(store.db, q.normalize('NFC'));
      expect(nfd.hits.map((h) => [h.article.id, h.snippetHtml])).toEqual(nfc.hits.map((h) => [h.article.id, h.snippetHtml]));
      expect(nfd.hits.length).toBeGreaterThan(0);
    }
  });

  it('"festival song hong" finds the Festival sông Hồng story first, highlighted', async () => {
    await refreshPairs();
    const r = await searchArticles(store.db, 'festival song hong');
    expect(r.hits[0]?.article.id).toBe(ids.festival);
    expect(r.hits[0]?.titleHtml).toContain('<mark>Festival sông Hồng</mark>');
  });

  it('ranks the exact-accent match first while the unaccented query finds both', async () => {
    const ban = await createArticle(store.db, { title: 'Phiên chợ bán nông sản', sapo: 'Gian hàng đông khách.', body: { type: 'doc', content: [paragraph('Thương lái đến từ sớm.')] }, categoryId: 1, status: 'published' });
    const ban2 = await createArticle(store.db, { title: 'Phiên chợ bạn nông sản', sapo: 'Gian hàng đông khách.', body: { type: 'doc', content: [paragraph('Thương lái đến từ sớm.')] }, categoryId: 1, status: 'published' });
    const accented = (await found('bán nông sản')).filter((id) => id === ban || id === ban2);
    expect(accented[0]).toBe(ban);
    const other = (await found('bạn nông sản')).filter((id) => id === ban || id === ban2);
    expect(other[0]).toBe(ban2);
    const plain = await found('ban nong san');
    expect(plain).toEqual(expect.arrayContaining([ban, ban2]));
  });

  it('supports phrases, exclusion and prefixes, and the newsroom sees every status', async () => {
    expect(await found('"lao cai"')).toEqual(expect.arrayContaining([ids.doan, ids.festival]));
    expect(await found('"cai lao"')).not.toContain(ids.doan);
    expect(await found('lao cai -festival')).not.toContain(ids.festival);
    expect(await found('festi*')).toContain(ids.festival);
    // Prefixes expand to indexed words on SQLite: none, excluded, after other words.
    expect(await found('qzxv*')).toEqual([]);
    expect(await found('lao cai -festi*')).not.toContain(ids.festival);
    expect(await found('lao cai -qzxv*')).toEqual(expect.arrayContaining([ids.doan, ids.festival]));
    expect(await found('festival song ho*')).toContain(ids.festival);
    // A quoted phrase may end in a prefix, with the star inside or after the closing quote.
    for (const q of ['"festival song ho*"', '"FESTIVAL SÔNG HON"*', '"festival sông hồ"*']) expect(await found(q), q).toContain(ids.festival);
    expect(await found('"festival ho*"')).not.toContain(ids.festival);
    expect(await found('lao cai -"festival so*"')).not.toContain(ids.festival);
    const newsroom = await searchArticles(store.db, 'lao cai', { audience: 'newsroom' });
    expect(newsroom.hits.map((h) => h.article.id)).toContain(ids.draft);
    const onlyDrafts = await searchArticles(store.db, 'lao cai', { audience: 'newsroom', statuses: ['draft'] });
    expect(onlyDrafts.hits.map((h) => h.article.id)).toEqual([ids.draft]);
  });

  it('a code with a digit ("A2") finds only itself, not words with an accent that folds to it ("á")', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').executeTakeFirstOrThrow()).id;
    const code = await createArticle(store.db, { title: 'Thi sát hạch bằng lái hạng A2 tăng ca', body: { type: 'doc', content: [paragraph('Thí sinh đông.')] }, categoryId: cat, status: 'published' });
    const accented = await createArticle(store.db, { title: 'Đội tuyển vào bán kết châu Á', body: { type: 'doc', content: [paragraph('Trận đấu hay.')] }, categoryId: cat, status: 'published' });
    const hits = await found('A2');
    expect(hits).toContain(code);
    expect(hits).not.toContain(accented);
  });

  it('finds a two-word phrase deep in a long story (PostgreSQL keeps only 256 positions per word)', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').executeTakeFirstOrThrow()).id;
    const long = [...Array.from({ length: 300 }, (_, i) => `Hà Nội đón khách thứ ${i + 1} trong ngày hội.`), 'Chúng tôi tiếp tục lên Hà Giang ngắm hoa tam giác mạch.'];
    const id = await createArticle(store.db, { title: 'Nhật ký một mùa du lịch', body: { type: 'doc', content: long.map((p) => paragraph(p)) }, categoryId: cat, status: 'published', publishedAt: new Date(Date.UTC(2025, 5, 1)).toISOString() });
    expect(await found('"hà giang"')).toContain(id);
    expect(await found('"ha giang"')).toContain(id);
    expect(await found('"giang hà"')).not.toContain(id);
  });

  it('phrases hold within one field: numbers, tags, exclusion; on PostgreSQL through the pairs index', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').executeTakeFirstOrThrow()).id;
    const id = await createArticle(store.db, {
      title: 'Lễ hội hoa ban năm 2025 ở Điện Biên',
      sapo: 'Du khách đổ về thành phố vùng cao.',
      tags: ['Sắc trắng Tây Bắc'],
      body: { type: 'doc', content: [paragraph('Ngày hội kéo dài ba ngày với nhiều gian hàng đặc sản.')] },
      categoryId: cat,
      status: 'published',
      publishedAt: new Date(Date.UTC(2025, 2, 10)).toISOString(),
    });
    for (const q of ['"năm 2025"', '"hoa ban nam 2025"', '"Điện Biên"', '"sắc trắng tây bắc"', '"hội kéo dài"', '"gian hàng đặc sản"', '"hoa ban" "dien bien"']) {
      expect(await found(q), q).toContain(id);
    }
    // The title ends "Điện Biên" and the sapo starts "Du khách": no phrase runs across fields.
    expect(await found('"điện biên du khách"')).not.toContain(id);
    expect(await found('"ban hoa"')).not.toContain(id);
    expect(await found('dien bien -"hoa ban"')).not.toContain(id);
    expect(await found('dien bien -"ban hoa"')).toContain(id);
    if (store.engine === 'postgres') {
      const row = await sql<{ pairs: string }>`SELECT pairs::text AS pairs FROM search_documents WHERE article_id = ${id}`.execute(store.db);
      const pairs = row.rows[0]!.pairs;
      expect(pairs).toContain("'nam_2025'");
      expect(pairs).toContain("'dac_san'");
      expect(pairs).not.toContain("'bien_du'");
      // Migration 006 fills the column for an existing archive from the stories' text: the same vectors.
      const before = await sql<{ id: number; pairs: string }>`SELECT article_id AS id, pairs::text AS pairs FROM search_documents ORDER BY article_id`.execute(store.db);
      await sql`UPDATE search_documents SET pairs = ''`.execute(store.db);
      expect(await refillPgPairs(store.db, 3)).toBe(before.rows.length);
      const after = await sql<{ id: number; pairs: string }>`SELECT article_id AS id, pairs::text AS pairs FROM search_documents ORDER BY article_id`.execute(store.db);
      expect(after.rows).toEqual(before.rows);
      // A rebuild drops the GIN indexes while it fills the table and builds them again at the end.
      await reindexAll(store.db, 'postgres', { batchSize: 4 });
      const rebuilt = await sql<{ id: number; pairs: string }>`SELECT article_id AS id, pairs::text AS pairs FROM search_documents ORDER BY article_id`.execute(store.db);
      expect(rebuilt.rows).toEqual(before.rows);
      const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename = 'search_documents' AND schemaname = current_schema() ORDER BY indexname`.execute(store.db);
      expect(indexes.rows.map((r) => r.indexname)).toEqual(['search_documents_pairs', 'search_documents_pkey', 'search_documents_tsv']);
      expect(await found('"gian hàng đặc sản"')).toContain(id);
    }
  });

  it('filters by category, type and date range', async () => {
    const all = await searchArticles(store.db, 'lao cai');
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect((await searchArticles(store.db, 'lao cai', { categoryIds: [2] })).hits).toEqual([]);
    expect((await searchArticles(store.db, 'lao cai', { type: 'video' })).hits).toEqual([]);
    expect((await searchArticles(store.db, 'lao cai', { to: '2020-01-01' })).hits).toEqual([]);
    expect((await searchArticles(store.db, 'lao cai', { from: '2024-01-01', to: '2024-12-31' })).hits.length).toBe(all.hits.length);
  });

  it('suggests headlines as the reader types', async () => {
    const s = await suggestTitles(store.db, 'festival song ho');
    expect(s.map((x) => x.id)).toEqual([ids.festival]);
    expect(s[0]?.titleHtml).toContain('<mark>');
    // A one-letter last word is a word being typed: suggestions follow the words before it.
    expect((await suggestTitles(store.db, 'festival song h')).map((x) => x.id)).toEqual([ids.festival]);
    // Once a space follows it, it is a whole word and must match.
    expect(await suggestTitles(store.db, 'festival song h ')).toEqual([]);
  });

  it('lists the other seed story as related, never the story itself', async () => {
    const forDoan = (await relatedArticles(store.db, ids.doan, 6)).map((a) => a.id);
    expect(forDoan).toContain(ids.festival);
    expect(forDoan).not.toContain(ids.doan);
    const forFestival = (await relatedArticles(store.db, ids.festival, 6)).map((a) => a.id);
    expect(forFestival).toContain(ids.doan);
    expect(forFestival).not.toContain(ids.festival);
    expect(forFestival).not.toContain(ids.draft);
  });

  it('stores related lists; a newly published story enters the lists it belongs to and their pages are told', async () => {
    const before = (await relatedArticles(store.db, ids.doan, 10)).map((a) => a.id);
    const stored = await sql<{ n: number }>`SELECT count(*) AS n FROM related_state WHERE article_id = ${ids.doan}`.execute(store.db);
    expect(Number(stored.rows[0]?.n)).toBe(1);
    const doan = await store.db.selectFrom('articles').select(['title', 'sapo', 'published_at']).where('id', '=', ids.doan).executeTakeFirstOrThrow();
    const seen: number[] = [];
    const off = ctx.events.subscribe((e) => {
      if (e.type === 'article.related_changed') seen.push(e.articleId);
    });
    try {
      const twin = await createArticle(store.db, { title: `${doan.title} (tiếp theo)`, sapo: doan.sapo, body: { type: 'doc', content: [paragraph(doan.sapo)] }, categoryId: 1, status: 'published', publishedAt: doan.published_at! });
      // Without an event nothing tells the stored list: it stays as computed.
      expect((await relatedArticles(store.db, ids.doan, 10)).map((a) => a.id)).toEqual(before);
      await ctx.events.emit({ type: 'article.published', articleId: twin });
      expect(seen).toContain(ids.doan);
      expect(keysForEvent({ type: 'article.related_changed', articleId: ids.doan }, undefined, undefined)).toEqual([keys.article(ids.doan)]);
      expect((await relatedArticles(store.db, ids.doan, 10)).map((a) => a.id)[0]).toBe(twin);
      expect((await relatedArticles(store.db, twin, 10)).map((a) => a.id)).toContain(ids.doan);
      // Taken down: gone from the lists at once (read-time status filter).
      await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', twin).execute();
      expect((await relatedArticles(store.db, ids.doan, 10)).map((a) => a.id)).not.toContain(twin);
    } finally {
      off();
    }
  });

  // After the related-stories tests: one story this long moves bm25's average length, and with it related rankings.
  it('indexes a story of tens of thousands of distinct words (a results table) on both engines, its start searchable', async () => {
    const cat = (await store.db.selectFrom('categories').select('id').executeTakeFirstOrThrow()).id;
    // 120,000 distinct numbers: PostgreSQL refused the tsvector (over 1 MB) and the story could not be saved.
    const rows = Array.from({ length: 12 }, (_, p) => Array.from({ length: 10_000 }, (_, i) => String(7_000_000 + p * 10_000 + i)).join(' '));
    const id = await createArticle(store.db, { title: 'Bảng kết quả xổ số kiến thiết cả năm', body: { type: 'doc', content: rows.map((r) => paragraph(r)) }, categoryId: cat, status: 'published' });
    expect(await found('"xổ số kiến thiết"')).toContain(id);
    expect(await found('7000001')).toContain(id);
  });

  it('keeps the index in step when a story changes or is taken down', async () => {
    await store.db.updateTable('articles').set({ title: 'Tiêu đề mới hoàn toàn khác xyzzy' }).where('id', '=', ids.festival).execute();
    await indexArticle(store.db, ids.festival);
    expect(await found('xyzzy')).toEqual([ids.festival]);
    await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', ids.festival).execute();
    expect(await found('xyzzy')).toEqual([]);
    const seed = readSeed(readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort().find((f) => readSeed(f).title.includes('Festival'))!);
    await store.db.updateTable('articles').set({ status: 'published', title: seed.title }).where('id', '=', ids.festival).execute();
    await indexArticle(store.db, ids.festival);
    expect(await found('xyzzy')).toEqual([]);
  });

  it('reindexes on article events (the safety net attached by buildServer)', async () => {
    const id = await createArticle(store.db, { title: 'Tin thử sự kiện', sapo: 'Chưa có từ khóa.', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: 1, status: 'published' });
    await store.db.updateTable('articles').set({ title: 'Tin thử sự kiện quuxword' }).where('id', '=', id).execute();
    expect(await found('quuxword')).toEqual([]);
    await ctx.events.emit({ type: 'article.updated', articleId: id });
    expect(await found('quuxword')).toEqual([id]);
  });

  it('escapes everything in snippets and titles', async () => {
    const id = await createArticle(store.db, { title: 'Thẻ <script>alert(1)</script> & "nháy"', sapo: '<img src=x onerror=alert(1)> scriptword', body: { type: 'doc', content: [paragraph('a < b & c > d')] }, categoryId: 1, status: 'published' });
    const r = await searchArticles(store.db, 'script');
    const hit = r.hits.find((h) => h.article.id === id)!;
    expect(hit.titleHtml).toBe('Thẻ &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &amp; &quot;nháy&quot;');
    expect(hit.snippetHtml).not.toMatch(/<(?!\/?mark>)/);
    const page = await (await fetch(`${base}/tim-kiem?q=script`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;<mark>script</mark>&gt;');
  });

  it('serves /tim-kiem and /api/v1/search over HTTP, with Vietnamese 400s for over-long input', async () => {
    const pageRes = await fetch(`${base}/tim-kiem?q=${encodeURIComponent('Lào Cai')}`);
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    expect(html).toContain('<mark>Lào Cai</mark>');
    const api = await fetch(`${base}/api/v1/search?q=lao+cai`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { items: Array<{ id: number }>; total: number };
    expect(body.items.map((i) => i.id)).toEqual(expect.arrayContaining([ids.doan, ids.festival]));
    const long = 'a'.repeat(201);
    const bad = await fetch(`${base}/api/v1/search?q=${long}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { title: string }).title).toBe('Từ khóa tìm kiếm quá dài');
    const badPage = await fetch(`${base}/tim-kiem?q=${long}`);
    expect(badPage.status).toBe(400);
    expect(await badPage.text()).toContain('Từ khóa quá dài');
    // Filters and pages that cannot be: a clear answer, not "no results".
    const form = async (qs: string) => {
      const r = await fetch(`${base}/tim-kiem?q=lao+cai&${qs}`);
      return { status: r.status, text: await r.text() };
    };
    expect(await form('trang=999')).toMatchObject({ status: 404, text: expect.stringContaining('vượt quá số trang') });
    expect(await form('chuyen-muc=khong-co')).toMatchObject({ status: 400, text: expect.stringContaining('không tồn tại') });
    expect((await form('tu=2024-02-31')).status).toBe(400);
    expect(await form('tu=2024-05-02&den=2024-05-01')).toMatchObject({ status: 400, text: expect.stringContaining('phải trước') });
    expect((await form('tu=2024-02-29&den=2024-03-01')).status).toBe(200);
    const sug = await fetch(`${base}/api/v1/search/suggest?q=festival+so`);
    expect(((await sug.json()) as { items: Array<{ id: number }> }).items.map((i) => i.id)).toEqual([ids.festival]);
  });

  it('no query string breaks search: random text, FTS operators and SQL fragments answer 200 or a clear 400', async () => {
    const operators = fc.constantFrom('"', '*', 'NEAR', 'NEAR(', 'AND', 'OR', 'NOT', '(', ')', '-', ':', '^', '{', '}', '+', "'", '\\', '&', '|', '!', '<->', ':*', '%', '_', ';');
    const sqlBits = fc.constantFrom("' OR 1=1 --", '"; DROP TABLE articles; --', 'title_f:', '{title_a}:', 'rank', 'bm25(', "')::tsquery", '$1', '\u0000', '\uFFFF', '\uD800', 'lao cai');
    const piece = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), operators, sqlBits, fc.constantFrom('Lào', 'hoà', 'đ', 'ộ'));
    const query = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(' '));
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('/tim-kiem', '/api/v1/search', '/api/v1/search/suggest'), async (q, path) => {
        const res = await fetch(`${base}${path}?q=${encodeURIComponent(Buffer.from(q, 'utf8').toString('utf8'))}`);
        const text = await res.text();
        if (res.status === 400) expect(text).toMatch(/quá dài|không hợp lệ/);
        else expect(res.status, `${path} ${JSON.stringify(q)}: ${text.slice(0, 300)}`).toBe(200);
      }),
      { numRuns: 150 },
    );
    // Malformed query strings and repeated parameters are handled too.
    for (const raw of ['q=%E0%A4%A', 'q=%ED%A0%80', 'q=%00', 'q=a&q=b', 'q[]=x', 'q=lao&page=abc', 'q=lao&from=2024-13-45', 'q=lao&type=xyz']) {
      for (const path of ['/tim-kiem', '/api/v1/search']) {
        const res = await fetch(`${base}${path}?${raw}`);
        expect([200, 400], `${path}?${raw}`).toContain(res.status);
      }
    }
    // The index is still intact afterwards.
    expect(await found('lao cai')).toEqual(expect.arrayContaining([ids.doan]));
  });

  it('builds engine syntax only from parsed keys', async () => {
    const q = parseQuery('NEAR("a" b) OR c:* \'; --');
    const match = store.engine === 'sqlite' ? fts5Plain(q) : pgMatch(q);
    expect(match).not.toBeNull();
    // The built expression is valid engine syntax.
    if (store.engine === 'sqlite') await sql`SELECT count(*) FROM search_fts WHERE search_fts MATCH ${match}`.execute(store.db);
    else {
      await sql`SELECT ${match}::tsquery`.execute(store.db);
      const pairs = pgPairs(parseQuery('"NEAR(a b" "c:* \'; -- d" e'));
      expect(pairs).not.toBeNull();
      await sql`SELECT ${pairs}::tsquery`.execute(store.db);
    }
  });
});
