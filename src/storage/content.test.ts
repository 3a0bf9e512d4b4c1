import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testEngines, type TestStore } from './testing.ts';
import { countPublished, createArticle, createCategory, ensurePerson, ensureTag, findTagByName, getArticleDetail, getSettings, insertMedia, listPublished, sameName, saveSettings } from './content.ts';
import { articlePath } from '../domain/article.ts';
import { paragraph } from '../domain/document.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';

const engines = await testEngines();

describe.each(engines)('content storage on $engine', ({ engine, open }) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('runs migrations and enables the engine settings', async () => {
    expect(store.engine).toBe(engine);
    if (engine === 'sqlite') {
      const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(store.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      const wal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
      expect(wal.rows[0]?.journal_mode).toBe('wal');
    }
  });

  it('stores an article with tags, bylines and NFC text, and lists it', async () => {
    const cat = await createCategory(store.db, { name: 'Thời sự' });
    const decomposed = 'Lào Cai'.normalize('NFD');
    const mediaId = await insertMedia(store.db, { fileName: 'a.jpg', storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: 'Ảnh' });
    const id = await createArticle(store.db, {
      title: `Tin ${decomposed}`,
      sapo: 'Tóm tắt',
      body: { type: 'doc', content: [paragraph(`Đoạn ${decomposed}`)] },
      categoryId: cat,
      coverMediaId: mediaId,
      status: 'published',
      tags: ['Lào Cai', 'lao cai', 'Biên giới'],
      bylines: [{ name: 'Minh Anh' }],
    });
    const detail = await getArticleDetail(store.db, id);
    expect(detail?.article.title).toBe('Tin Lào Cai'.normalize('NFC'));
    expect(detail?.article.slug).toBe('tin-lao-cai');
    expect(JSON.stringify(detail?.body)).toContain('Lào Cai'.normalize('NFC'));
    expect(detail?.tags.map((t) => t.slug)).toEqual(['lao-cai', 'bien-gioi']);
    expect(detail?.bylines).toEqual([{ name: 'Minh Anh', title: '', slug: null }]);
    expect(await countPublished(store.db, { categoryIds: [cat] })).toBe(1);
    const list = await listPublished(store.db, { categoryIds: [cat], limit: 10 });
    expect(list.map((a) => a.id)).toEqual([id]);
  });

  it('migrations after the first run again cleanly over what an interrupted upgrade left (SQLite runs them outside transactions)', async () => {
    const { migrateToLatest } = await import('./migrate.ts');
    await sql`DELETE FROM schema_migrations WHERE name >= '003'`.execute(store.db);
    const ran = await migrateToLatest(store.db as never, engine);
    expect(ran[0]).toBe('003_search');
    expect(ran.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps tags and people apart when only their accents differ, and together when typed without accents', async () => {
    const bao = await ensureTag(store.db, 'Bão');
    const bao2 = await ensureTag(store.db, 'Báo');
    expect(bao2.id).not.toBe(bao.id);
    expect([bao.slug, bao2.slug]).toEqual(['bao', 'bao-2']);
    expect((await ensureTag(store.db, 'báo')).id).toBe(bao2.id);
    expect((await ensureTag(store.db, 'BÃO'.normalize('NFD'))).id).toBe(bao.id);
    expect((await findTagByName(store.db, 'Báo'))?.id).toBe(bao2.id);
    expect(await findTagByName(store.db, 'Bảo')).toBeUndefined();
    const hoa = await ensureTag(store.db, 'Hoà Bình');
    expect((await ensureTag(store.db, 'hòa bình')).id).toBe(hoa.id);
    expect((await ensureTag(store.db, 'hoa binh')).id).toBe(hoa.id);
    const ha = await ensurePerson(store.db, { name: 'Lê Thị Hà' });
    const ha2 = await ensurePerson(store.db, { name: 'Lê Thị Hạ' });
    expect(ha2.id).not.toBe(ha.id);
    expect(ha2.name).toBe('Lê Thị Hạ');
    expect(ha2.slug).toBe('le-thi-ha-2');
    // Names with no Latin letter get a slug of their own.
    const zh = await ensureTag(store.db, '中国');
    const lo = await ensureTag(store.db, 'ລາວ');
    expect([zh.slug, lo.slug]).toEqual(['the', 'the-2']);
    expect((await ensureTag(store.db, '中国')).id).toBe(zh.id);
  });

  it('gives a story whose title has no Latin letter a working URL', async () => {
    const cat = await createCategory(store.db, { name: 'Quốc tế' });
    const id = await createArticle(store.db, { title: '中国代表团访问', body: { type: 'doc', content: [] }, categoryId: cat, status: 'published' });
    const detail = await getArticleDetail(store.db, id);
    expect(detail?.article.slug).toBe('tin-bai');
    expect(articlePath(detail!.article)).toBe(`/tin-bai-post${id}.html`);
    expect(articlePath({ id, slug: '' })).toBe(`/post${id}.html`);
  });

  it('tells names apart as a reader would', () => {
    expect(sameName('Lào Cai', 'lao cai')).toBe(true);
    expect(sameName('Lào Cai', 'LÀO CAI')).toBe(true);
    expect(sameName('Thuỷ', 'thủy')).toBe(true);
    expect(sameName('Đoàn', 'doan')).toBe(true);
    expect(sameName('Đoàn', 'Đoán')).toBe(false);
    expect(sameName('COVID-19', 'covid-19')).toBe(true);
    expect(sameName('Lào Cai', 'Lào Cai mới')).toBe(false);
  });

  it('rejects an article in a missing category and leaves nothing behind', async () => {
    const before = await countPublished(store.db, {});
    await expect(
      store.db.transaction().execute((trx) => createArticle(trx, { title: 'X', body: { type: 'doc', content: [] }, categoryId: 999_999, status: 'published', tags: ['mồ côi'] })),
    ).rejects.toThrow();
    expect(await countPublished(store.db, {})).toBe(before);
    const orphanTag = await store.db.selectFrom('tags').select('id').where('slug', '=', 'mo-coi').executeTakeFirst();
    expect(orphanTag).toBeUndefined();
  });

  it('round-trips site settings', async () => {
    await saveSettings(store.db, { ...DEFAULT_SETTINGS, name: 'Báo Thử Nghiệm' });
    expect((await getSettings(store.db)).name).toBe('Báo Thử Nghiệm');
  });
});
