import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { testEngines, type TestStore } from './testing.ts';
import { createArticle, createCategory, insertMedia } from './content.ts';
import { createUser, type User } from './newsroom.ts';
import { listMedia, mediaUseCounts, mediaUsage, mediaUsesOf } from './media.ts';
import { migrateToLatest } from './migrate.ts';
import { up as migration011 } from './migrations/011_article_media.ts';
import { createContext, type AppContext } from '../web/context.ts';
import { createStory, deleteStory, restoreRevision, transitionStory, updateStory, getStoryView } from '../newsroom/stories.ts';
import { listRevisions } from './newsroom-articles.ts';
import { paragraph, type Block, type Doc } from '../domain/document.ts';

const engines = await testEngines();

const fig = (mediaId: number | null): Block => ({ type: 'figure', attrs: { mediaId, fileName: '', width: null, height: null, alt: '', caption: '', credit: '' } });
const gallery = (...ids: number[]): Block => ({ type: 'gallery', content: ids.map((id) => fig(id) as { type: 'figure'; attrs: never }) });
const doc = (...blocks: Block[]): Doc => ({ type: 'doc', content: [paragraph('Mở đầu.'), ...blocks] });

describe('the images a stored story uses', () => {
  it('finds the cover, figures at any depth and gallery images, ignoring figures without a library image', () => {
    const body = { type: 'doc', content: [fig(2), { type: 'box', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [fig(3)] }] }] }, gallery(4, 5), fig(null), { type: 'paragraph' }] };
    expect(mediaUsesOf({ coverMediaId: 1, body })).toEqual([
      { mediaId: 1, role: 'cover' },
      { mediaId: 2, role: 'figure' },
      { mediaId: 3, role: 'figure' },
      { mediaId: 4, role: 'gallery' },
      { mediaId: 5, role: 'gallery' },
    ]);
    expect(mediaUsesOf({ coverMediaId: null, body: null })).toEqual([]);
    expect(mediaUsesOf({ coverMediaId: undefined, body: { content: 'không phải mảng' } })).toEqual([]);
  });
});

describe.each(engines)('article_media kept in step with stories on $engine', ({ engine, open }) => {
  let store: TestStore;
  let ctx: AppContext;
  let mediaDir: string;
  let cat: number;
  let chief: User;
  const m: number[] = [];
  const who = () => ({ user: chief, meta: { ip: '127.0.0.1', userAgent: 'vitest' } });
  /** A story's links as `media:role`, in media order (m[i] shown as its index i). */
  const links = async (articleId: number) =>
    (await store.db.selectFrom('article_media').select(['media_id', 'role']).where('article_id', '=', articleId).execute())
      .map((r) => `${m.indexOf(r.media_id)}:${r.role}`)
      .sort();
  const allLinks = async () => (await store.db.selectFrom('article_media').select(['article_id', 'media_id', 'role']).execute()).map((r) => `${r.article_id}/${r.media_id}/${r.role}`).sort();
  const version = async (id: number) => (await getStoryView(store.db, chief, id)).version;

  beforeAll(async () => {
    store = await open();
    mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-article-media-'));
    ctx = createContext(store, mediaDir);
    cat = await createCategory(store.db, { name: 'Thời sự', slug: 'thoi-su' });
    chief = await createUser(store.db, { email: 'tbt@example.vn', name: 'Tổng biên tập', password: 'mat-khau-thu-nghiem-1', roles: ['editor_in_chief'], deskIds: [cat] });
    for (let i = 0; i < 8; i++) m.push(await insertMedia(store.db, { fileName: `anh-${i}.jpg`, storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: `Ảnh ${i}` }));
  });
  afterAll(async () => {
    await store?.dispose();
    if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
  });

  it(`runs on ${engine}`, () => expect(store.engine).toBe(engine));

  it('createArticle (import, demo) links the cover, figures and gallery; an image not in the library is left out', async () => {
    const id = await createArticle(store.db, { title: 'Tin nhập', body: doc(fig(m[1]!), { type: 'blockquote', content: [fig(m[2]!)] }, gallery(m[3]!, m[1]!), fig(null), fig(2_000_000_000)), categoryId: cat, coverMediaId: m[0], status: 'published' });
    expect(await links(id)).toEqual(['0:cover', '1:figure', '1:gallery', '2:figure', '3:gallery']);
  });

  it('writes nothing when the transaction that writes the story fails', async () => {
    const before = await allLinks();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await createArticle(trx, { title: 'Tin hỏng', body: doc(fig(m[4]!)), categoryId: cat, coverMediaId: m[4], status: 'draft' });
        throw new Error('hủy');
      }),
    ).rejects.toThrow('hủy');
    expect(await allLinks()).toEqual(before);
  });

  it('follows a newsroom story: creation, saves changing figures and cover, a correction staged then discarded or applied, a restore, a spike and a delete', async () => {
    const view = await createStory(ctx, who(), { title: 'Lũ quét ở Mù Cang Chải', categoryId: cat, body: doc(fig(m[1]!)), coverMediaId: m[0] });
    const id = view.id;
    expect(await links(id)).toEqual(['0:cover', '1:figure']);

    // A save that swaps the figure for a gallery and drops the cover.
    await updateStory(ctx, who(), id, await version(id), { body: doc(gallery(m[2]!, m[3]!)), coverMediaId: null });
    expect(await links(id)).toEqual(['2:gallery', '3:gallery']);
    await updateStory(ctx, who(), id, await version(id), { body: doc(fig(m[2]!)), coverMediaId: m[0] });
    expect(await links(id)).toEqual(['0:cover', '2:figure']);

    for (const action of ['submit', 'send_for_approval', 'publish'] as const) await transitionStory(ctx, who(), id, { action });
    expect((await getStoryView(store.db, chief, id)).status).toBe('published');
    expect(await links(id)).toEqual(['0:cover', '2:figure']);

    // A correction waits beside the live copy: the images of both count, since the correction may be published.
    await updateStory(ctx, who(), id, await version(id), { body: doc(fig(m[5]!)), correctionNote: 'Thêm ảnh.' });
    expect(await links(id)).toEqual(['0:cover', '2:figure', '5:figure']);
    // Saved again (autosave) with another image: the first staged image is no longer used.
    await updateStory(ctx, who(), id, await version(id), { body: doc(fig(m[6]!)), autosave: true });
    expect(await links(id)).toEqual(['0:cover', '2:figure', '6:figure']);
    await transitionStory(ctx, who(), id, { action: 'discard_correction' });
    expect(await links(id)).toEqual(['0:cover', '2:figure']);

    // Applied, the correction's images replace the live ones.
    await updateStory(ctx, who(), id, await version(id), { body: doc(gallery(m[5]!)), coverMediaId: m[7] });
    expect(await links(id)).toEqual(['0:cover', '2:figure', '5:gallery', '7:cover']);
    await transitionStory(ctx, who(), id, { action: 'publish' });
    expect(await links(id)).toEqual(['5:gallery', '7:cover']);

    // Restoring the first version of a published story stages it as a correction; applying it brings its images back.
    const first = (await listRevisions(store.db, id)).find((r) => r.kind === 'created')!;
    await restoreRevision(ctx, who(), id, first.id, await version(id));
    expect(await links(id)).toEqual(['0:cover', '1:figure', '5:gallery', '7:cover']);
    await transitionStory(ctx, who(), id, { action: 'publish' });
    expect(await links(id)).toEqual(['0:cover', '1:figure']);

    // A draft's restore is a plain save.
    const draft = await createStory(ctx, who(), { title: 'Bản nháp có ảnh', categoryId: cat, body: doc(fig(m[3]!)) });
    const created = (await listRevisions(store.db, draft.id)).find((r) => r.kind === 'created')!;
    await updateStory(ctx, who(), draft.id, await version(draft.id), { body: doc(fig(m[4]!)) });
    expect(await links(draft.id)).toEqual(['4:figure']);
    await restoreRevision(ctx, who(), draft.id, created.id, await version(draft.id));
    expect(await links(draft.id)).toEqual(['3:figure']);

    // A spiked story can come back: its images stay used. Deleting the row removes its links.
    await deleteStory(ctx, who(), draft.id);
    expect(await links(draft.id)).toEqual(['3:figure']);
    await store.db.deleteFrom('articles').where('id', '=', draft.id).execute();
    expect(await links(draft.id)).toEqual([]);
  });

  it('answers where an image is used, how many stories use each, and which images none does', async () => {
    const a = await createArticle(store.db, { title: 'Tin A', body: doc(fig(m[6]!), gallery(m[6]!)), categoryId: cat, coverMediaId: m[6], status: 'draft' });
    const b = await createArticle(store.db, { title: 'Tin B', body: doc(fig(m[6]!)), categoryId: cat, status: 'draft' });
    const usage = await mediaUsage(store.db, m[6]!);
    expect(usage.filter((u) => u.articleId === a).map((u) => u.role)).toEqual(['cover', 'figure', 'gallery']);
    expect(usage.filter((u) => u.articleId === b).map((u) => u.role)).toEqual(['figure']);
    expect(usage[0]).toMatchObject({ title: expect.any(String), status: 'draft', categoryId: cat, authorId: null, deleted: false });
    const counts = await mediaUseCounts(store.db, [m[6]!, m[4]!]);
    expect(counts.get(m[6]!)).toBe(2);
    expect(counts.has(m[4]!)).toBe(false);
    const unused = (await listMedia(store.db, { unused: true, limit: 50, offset: 0 })).rows.map((r) => m.indexOf(r.id));
    // Newest first; 5 and 7 were used only by versions since replaced.
    expect(unused).toEqual([7, 5, 4]);
    expect((await listMedia(store.db, { unused: true, q: 'anh 4', limit: 50, offset: 0 })).total).toBe(1);
    expect((await listMedia(store.db, { unused: true, q: 'anh 6', limit: 50, offset: 0 })).total).toBe(0);
  });

  it('migration 011 fills the table on a database made before it, from live rows and pending corrections, and can run again', async () => {
    // A pending correction written as older versions did, straight into the tables, with an image only it uses.
    const live = await createArticle(store.db, { title: 'Tin có đính chính', body: doc(fig(m[1]!)), categoryId: cat, status: 'published' });
    const rev = await store.db
      .insertInto('article_revisions')
      .values({ article_id: live, kind: 'correction', snapshot: JSON.stringify({ title: 'Tin có đính chính (sửa)', body: doc(fig(m[4]!)), coverMediaId: m[3] }), user_id: null, note: '', created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.insertInto('newsroom_articles').values({ article_id: live, author_id: null, correction_state: 'draft', pending_revision_id: rev.id, live_revision_id: null, corrected_at: null, scheduled_at: null, deleted_at: null, deleted_by: null }).execute();
    const expected = [...(await allLinks()).filter((l) => !l.startsWith(`${live}/`)), `${live}/${m[1]}/figure`, `${live}/${m[3]}/cover`, `${live}/${m[4]}/figure`].sort();

    // The database as it was before 011: no table, no record of the migration.
    await sql`DROP TABLE article_media`.execute(store.db);
    await sql`DELETE FROM schema_migrations WHERE name >= '011'`.execute(store.db);
    const ran = await migrateToLatest(store.db as unknown as Kysely<unknown>, store.engine);
    expect(ran[0]).toBe('011_article_media');
    expect(await allLinks()).toEqual(expected);

    const ctx011 = { engine: store.engine, id: store.engine === 'postgres' ? ('serial' as const) : ('integer' as const) };
    await migration011(store.db as unknown as Kysely<unknown>, ctx011);
    expect(await allLinks()).toEqual(expected);

    // Small batches cover every story too.
    await store.db.deleteFrom('article_media').execute();
    const { backfillArticleMedia } = await import('./media.ts');
    await backfillArticleMedia(store.db, 2);
    expect(await allLinks()).toEqual(expected);
  });
});
