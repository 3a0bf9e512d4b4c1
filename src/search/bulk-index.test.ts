import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestSqlite, type TestStore } from '../storage/testing.ts';
import { slugify } from '../domain/vietnamese.ts';
import { Corpus, insertCorpusStories } from '../../bench/search-corpus.ts';
import { indexArticles, refillSearchFts, reindexAll } from './indexer.ts';

/** Everything the SQLite index holds, in a comparable form (FTS5 contents through fts5vocab instance tables). */
async function dump(store: TestStore) {
  const all = async (q: ReturnType<typeof sql>) => (await q.execute(store.db)).rows;
  return {
    fts: await all(sql`SELECT term, doc, col, "offset" FROM search_fts_instances ORDER BY term, doc, col, "offset"`),
    titles: await all(sql`SELECT term, doc, col, "offset" FROM search_titles_instances ORDER BY term, doc, col, "offset"`),
    heads: await all(sql`SELECT * FROM search_heads ORDER BY article_id`),
    terms: await all(sql`SELECT term FROM search_terms ORDER BY term`),
  };
}

describe('bulk indexing (SQLite)', () => {
  let store: TestStore;
  let published: Awaited<ReturnType<typeof dump>>;

  beforeAll(async () => {
    store = await openTestSqlite();
    const corpus = new Corpus(7);
    const category = (await store.db.insertInto('categories').values({ slug: 'thoi-su', name: 'Thời sự', parent_id: null, position: 0, description: '' }).returning('id').executeTakeFirstOrThrow()).id;
    const tagIds = new Map<string, number>();
    for (const t of new Set(corpus.tagPool)) tagIds.set(t, (await store.db.insertInto('tags').values({ slug: slugify(t), name: t }).onConflict((oc) => oc.column('slug').doUpdateSet({ name: t })).returning('id').executeTakeFirstOrThrow()).id);
    const ids = await insertCorpusStories(store.db, Array.from({ length: 120 }, (_, i) => corpus.story(i, 120, 1)), [category], tagIds);
    await sql`UPDATE articles SET short_title = 'Đoàn công tác Lào Cai' WHERE id = ${ids[3]!}`.execute(store.db);
    await sql`CREATE VIRTUAL TABLE search_fts_instances USING fts5vocab(search_fts, 'instance')`.execute(store.db);
    await sql`CREATE VIRTUAL TABLE search_titles_instances USING fts5vocab(search_titles, 'instance')`.execute(store.db);
    // The publish path (indexArticles) is the reference.
    for (let i = 0; i < ids.length; i += 50) await store.db.transaction().execute((trx) => indexArticles(trx, ids.slice(i, i + 50)));
    published = await dump(store);
    expect(published.fts.length).toBeGreaterThan(10_000);
  });
  afterAll(() => store.dispose());

  it('reindexAll gives the same index in-thread and with the worker, whatever the batch size', async () => {
    expect(await reindexAll(store.db, 'sqlite', { worker: false, batchSize: 33 })).toBe(120);
    expect(await dump(store)).toEqual(published);
    expect(await reindexAll(store.db, 'sqlite', { worker: true, batchSize: 7 })).toBe(120);
    expect(await dump(store)).toEqual(published);
  });

  it('refillSearchFts rebuilds search_fts alone, with the worker too', async () => {
    await sql`INSERT INTO search_fts(search_fts) VALUES ('delete-all')`.execute(store.db);
    expect(await refillSearchFts(store.db, { worker: true, batchSize: 50 })).toBe(120);
    expect(await dump(store)).toEqual(published);
  });
});
