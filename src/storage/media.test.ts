import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { testEngines, type TestStore } from './testing.ts';
import { insertMedia } from './content.ts';
import { listMedia, mediaSearchText, updateMediaText } from './media.ts';
import { up as migration009 } from './migrations/009_media_search.ts';

const engines = await testEngines();

describe('media search text', () => {
  it('folds caption, alt and file name into separate word runs', () => {
    expect(mediaSearchText({ caption: 'Ruộng bậc thang ở LÀO CAI', alt: 'Đoàn khách', file_name: 'sa-pa_2024.jpg' })).toBe('ruong bac thang o lao cai | doan khach | sa pa 2024 jpg');
    expect(mediaSearchText({ caption: 'Lào Cai'.normalize('NFD'), alt: '', file_name: 'a.jpg' })).toBe(mediaSearchText({ caption: 'Lào Cai', alt: '', file_name: 'a.jpg' }));
  });
});

describe.each(engines)('media library search on $engine', ({ engine, open }) => {
  let store: TestStore;
  const ids = { laoCai: 0, doan: 0, file: 0, percent: 0, underscore: 0, plain: 0 };
  const photo = (fileName: string, caption: string, alt = '') => insertMedia(store.db, { fileName, storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption, alt });
  const find = async (q: string) => (await listMedia(store.db, { q, limit: 50, offset: 0 })).rows.map((r) => r.id).sort((a, b) => a - b);

  beforeAll(async () => {
    store = await open();
    ids.laoCai = await photo('ruong-bac-thang.jpg', 'Ruộng bậc thang ở Lào Cai mùa nước đổ');
    ids.doan = await photo('anh-1.jpg', '', 'Đoàn công tác thăm bản');
    ids.file = await photo('cho-phien-bac-ha.jpg', '');
    ids.percent = await photo('ti-le.jpg', 'Tăng 50% sản lượng');
    ids.underscore = await photo('ban_do_tinh.png', 'Bản đồ');
    ids.plain = await photo('khac.jpg', 'Cánh đồng lúa');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it(`runs on ${engine}`, () => expect(store.engine).toBe(engine));

  it('matches without accents, in capitals and in NFD, on caption, alt text and file name', async () => {
    for (const q of ['lao cai', 'LÀO CAI', 'Lào Cai'.normalize('NFD'), 'lào cai', 'cai', 'bac thang']) expect(await find(q), q).toEqual([ids.laoCai]);
    for (const q of ['doan', 'Đoàn', 'ĐOÀN CÔNG TÁC', 'doan cong tac']) expect(await find(q), q).toEqual([ids.doan]);
    expect(await find('bac ha')).toEqual([ids.file]);
    // At the start of a word only, and a phrase does not run from the caption into the file name.
    expect(await find('ao cai')).toEqual([]);
    expect(await find('doi thang')).toEqual([]);
    expect(await find('nuoc do ruong')).toEqual([]);
  });

  it('takes "%" and "_" literally (they matched everything)', async () => {
    expect(await find('%')).toEqual([]);
    expect(await find('_')).toEqual([]);
    expect(await find('50%')).toEqual([ids.percent]);
    expect(await find('ban_do')).toEqual([ids.underscore]);
    expect(await find('b_n')).toEqual([]);
    expect((await listMedia(store.db, { q: '', limit: 50, offset: 0 })).total).toBe(6);
  });

  it('counts every match and pages newest first', async () => {
    const first = await listMedia(store.db, { q: 'jpg', limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.rows.map((r) => r.id)).toEqual([ids.plain, ids.percent]);
  });

  it('keeps the search text in step when a caption or alt text changes', async () => {
    await updateMediaText(store.db, ids.plain, { caption: 'Mù Cang Chải'.normalize('NFD') });
    expect(await find('mu cang chai')).toEqual([ids.plain]);
    expect(await find('canh dong')).toEqual([]);
    await updateMediaText(store.db, ids.plain, { alt: 'Cánh đồng lúa' });
    expect(await find('canh dong')).toEqual([ids.plain]);
    expect(await find('mu cang')).toEqual([ids.plain]);
  });

  it('migration 009 fills rows that have no search text and can run again', async () => {
    await store.db.updateTable('media').set({ search_f: '' }).where('id', '=', ids.doan).execute();
    expect(await find('doan')).toEqual([]);
    const ctx = { engine: store.engine, id: store.engine === 'postgres' ? ('serial' as const) : ('integer' as const) };
    await migration009(store.db as unknown as Kysely<unknown>, ctx);
    await migration009(store.db as unknown as Kysely<unknown>, ctx);
    expect(await find('doan')).toEqual([ids.doan]);
    const applied = await sql<{ name: string }>`SELECT name FROM schema_migrations WHERE name = '009_media_search'`.execute(store.db);
    expect(applied.rows).toHaveLength(1);
  });
});
