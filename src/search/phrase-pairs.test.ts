import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openTestSqlite, type TestStore } from '../storage/testing.ts';
import { openStore } from '../storage/database.ts';
import { createArticle, createCategory } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import { fillPhrasePairs, frequentKeys, pairColumn, phrasePairsStatus, resetPhrasePairs, RUN_BREAK, withPhrasePairs } from './phrase-pairs.ts';
import { reindexAll } from './indexer.ts';
import { fts5Pairs, fts5Plain, parseQuery } from './query.ts';
import { searchArticles } from './search.ts';

describe('pairColumn', () => {
  const f = new Set(['a', 'b', 'c', 'd']);
  it('writes one token per adjacent pair of frequent keys, run by run, column by column', () => {
    expect(pairColumn(['a b c'], f)).toBe('a_b b_c');
    expect(pairColumn(['a x b c d'], f)).toBe('b_c c_d');
    expect(pairColumn(['a', 'b c', ''], f)).toBe('b_c');
    expect(pairColumn(['x y', 'a'], f)).toBe('');
    expect(pairColumn(['  a  b '], f)).toBe('a_b');
  });
  it('breaks a chain between runs only where the next run begins on the key the last pair ended on', () => {
    // "a b" then "b c" in another run must not read as the phrase "a b c".
    expect(pairColumn(['a b x b c'], f)).toBe(`a_b ${RUN_BREAK} b_c`);
    expect(pairColumn(['a b', 'b c'], f)).toBe(`a_b ${RUN_BREAK} b_c`);
    expect(pairColumn(['a b x c d'], f)).toBe('a_b c_d');
    expect(pairColumn(['b a x a b'], f)).toBe(`b_a ${RUN_BREAK} a_b`);
  });
  it('frequentKeys keeps the plain keys in at least the given share of stories', () => {
    const stories = [['a b', 'c 2024'], ['a', 'đ 2024'], ['a b 2024'], ['x']];
    expect([...frequentKeys(stories, 0.5)].sort()).toEqual(['a', 'b']);
    // Letters only: not numbers, nor anything FTS5 might cut into several tokens.
    expect([...frequentKeys(stories, 0.25)].sort()).toEqual(['a', 'b', 'c', 'x']);
  });
});

describe('phrase pairs on SQLite', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestSqlite();
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('finds exactly what the plain phrase finds, on random texts (search_fts against search_pairs)', async () => {
    const vocab = ['a', 'b', 'c', 'd', 'e', 'xa', 'xb'];
    const frequent = new Set(['a', 'b', 'c', 'd', 'e']);
    const column = fc.array(fc.constantFrom(...vocab), { maxLength: 14 }).map((k) => k.join(' '));
    const doc = fc.array(column, { minLength: 4, maxLength: 4 });
    const phrase = fc.array(fc.constantFrom(...frequent), { minLength: 2, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 12 }), fc.array(phrase, { minLength: 1, maxLength: 6 }), async (docs, phrases) => {
        await sql`INSERT INTO search_fts(search_fts) VALUES ('delete-all')`.execute(store.db);
        await sql`INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')`.execute(store.db);
        for (const [i, d] of docs.entries()) {
          await sql`INSERT INTO search_fts(rowid, title_f, sapo_f, tags_f, body_f) VALUES (${i + 1}, ${d[0]}, ${d[1]}, ${d[2]}, ${d[3]})`.execute(store.db);
          const p = pairColumn(d, frequent);
          if (p) await sql`INSERT INTO search_pairs(rowid, p) VALUES (${i + 1}, ${p})`.execute(store.db);
        }
        for (const keys of phrases) {
          const q = parseQuery(`"${keys.join(' ')}"`);
          const paired = { ...q, terms: q.terms.map((t) => ({ ...t, pairs: t.folded.slice(1).map((k, j) => `${t.folded[j]}_${k}`) })) };
          const plain = (await sql<{ id: number }>`SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ${fts5Plain(q)} ORDER BY rowid`.execute(store.db)).rows;
          const viaPairs = (await sql<{ id: number }>`SELECT rowid AS id FROM search_pairs WHERE search_pairs MATCH ${fts5Pairs(paired)} ORDER BY rowid`.execute(store.db)).rows;
          expect(viaPairs, `${keys.join(' ')} in ${JSON.stringify(docs)}`).toEqual(plain);
        }
      }),
      { numRuns: 200 },
    );
    await sql`INSERT INTO search_fts(search_fts) VALUES ('delete-all')`.execute(store.db);
    await sql`INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')`.execute(store.db);
  });

  it('starts with a large enough archive, follows every change, and never changes an answer', async () => {
    const cat = await createCategory(store.db, { name: 'Thời sự' });
    const story = (title: string, body: string) => createArticle(store.db, { title, body: { type: 'doc', content: [paragraph(body)] }, categoryId: cat, status: 'published' });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await story(`Hội nghị về phát triển nông thôn mới số ${i}`, i % 2 ? 'Đại biểu bàn về phát triển nông thôn mới ở vùng cao.' : 'Nông thôn và phát triển mới là hai chủ đề khác nhau.'));
    const ids2 = () => searchArticles(store.db, '"phát triển nông thôn mới"', { pageSize: 100 }).then((r) => r.hits.map((h) => h.article.id).sort((a, b) => a - b));
    const plain = await ids2();
    expect(plain.length).toBe(12);

    // Too small an archive: no generation, nothing pending, the plain path.
    expect(await fillPhrasePairs(store.db, { minStories: 13 })).toBe(0);
    expect(await phrasePairsStatus(store.db)).toEqual({ frequent: null, pending: 0 });
    expect(await fillPhrasePairs(store.db, { minStories: 12, share: 0.5, batchSize: 5 })).toBe(12);
    const status = await phrasePairsStatus(store.db);
    expect(status.pending).toBe(0);
    expect(status.frequent).toBeGreaterThan(4);
    const q = parseQuery('"phát triển nông thôn mới"');
    expect(await withPhrasePairs(store.db, q)).not.toBeNull();
    expect(await ids2()).toEqual(plain);

    // A new story is pending until filled: the plain path finds it meanwhile, the pairs after.
    const added = await story('Phát triển nông thôn mới gắn với du lịch', 'Xã điểm.');
    expect(await phrasePairsStatus(store.db)).toMatchObject({ pending: 1 });
    expect(await withPhrasePairs(store.db, q)).toBeNull();
    expect(await ids2()).toContain(added);
    expect(await fillPhrasePairs(store.db)).toBe(1);
    expect(await withPhrasePairs(store.db, q)).not.toBeNull();
    expect(await ids2()).toContain(added);

    // An edit that removes the phrase, and a deleted story, leave the pairs too.
    await store.db.updateTable('articles').set({ title: 'Du lịch cộng đồng ở xã điểm' }).where('id', '=', added).execute();
    const { indexArticle } = await import('./indexer.ts');
    await indexArticle(store.db, added);
    await store.db.deleteFrom('articles').where('id', '=', ids[1]!).execute();
    await indexArticle(store.db, ids[1]!);
    expect(await fillPhrasePairs(store.db)).toBe(2);
    expect(await withPhrasePairs(store.db, q)).not.toBeNull();
    const after = await ids2();
    expect(after).not.toContain(added);
    expect(after).not.toContain(ids[1]);
    await resetPhrasePairs(store.db);
    expect(await ids2()).toEqual(after);

    // Two connections taking turns (as two processes would) share the work: each batch is claimed once.
    expect(await fillPhrasePairs(store.db, { minStories: 1, share: 0.5, maxBatches: 0 })).toBe(0);
    const pending = (await phrasePairsStatus(store.db)).pending;
    expect(pending).toBe(12);
    const other = await openStore(store.url, { migrate: false });
    try {
      let written = 0;
      for (let turn = 0; turn < 20; turn++) written += await fillPhrasePairs(turn % 2 ? other.db : store.db, { batchSize: 2, maxBatches: 1 });
      expect(written).toBe(pending);
    } finally {
      await other.close();
    }
    expect(await ids2()).toEqual(after);

    // A rebuild forgets the generation; the next fill decides the frequent keys again.
    await reindexAll(store.db);
    expect(await phrasePairsStatus(store.db)).toEqual({ frequent: null, pending: 0 });
    expect(await fillPhrasePairs(store.db, { minStories: 1, share: 0.5 })).toBe(12);
    expect(await ids2()).toEqual(after);
  });
});
