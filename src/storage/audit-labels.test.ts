import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { testEngines, type TestStore } from './testing.ts';
import { createArticle, createCategory, ensureTag } from './content.ts';
import { createUser } from './newsroom.ts';
import { appendAudit, listAudit, withTargetLabels } from './newsroom-audit.ts';
import { paragraph } from '../domain/document.ts';

const engines = await testEngines();

describe.each(engines)('audit entry labels on $engine', ({ open }) => {
  let store: TestStore;
  let ours = 0;
  let theirs = 0;
  let secret = 0;

  beforeAll(async () => {
    store = await open();
    ours = await createCategory(store.db, { name: 'Thời sự' });
    theirs = await createCategory(store.db, { name: 'Kinh tế' });
    const user = await createUser(store.db, { email: 'an@example.vn', name: 'Nguyễn Văn An', password: 'mat-khau-thu-nghiem-1', roles: ['reporter'], deskIds: [ours] });
    const tag = await ensureTag(store.db, 'Biển Đông');
    const body = { type: 'doc' as const, content: [paragraph('Nội dung.')] };
    const open1 = await createArticle(store.db, { title: 'Tin công khai', body, categoryId: ours, status: 'draft' });
    secret = await createArticle(store.db, { title: 'Tin mật của ban Kinh tế', body, categoryId: theirs, status: 'draft' });
    // Many entries of every kind: one page of them must still be labelled with one query per kind.
    for (let i = 0; i < 20; i++) {
      await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'update', articleId: i % 2 ? open1 : secret });
      await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'user_update', target: `user:${user.id}` });
      await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'tag_update', target: `tag:${tag.id}` });
      await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'category_update', target: `category:${ours}` });
      await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'media_update', target: 'media:1' });
    }
    await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'user_update', target: 'user:999999' });
    await appendAudit(store.db, { userId: null, userEmail: 'system', action: 'x', target: 'article:99999999999' });
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('labels a page with one query per kind, and never names a story the reader may not see', async () => {
    const { items } = await listAudit(store.db, { limit: 500 });
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => (queries++, args.node),
      transformResult: async (args) => args.result,
    };
    const mayView = (story: { authorId: number | null; categoryId: number }) => story.categoryId === ours;
    const labelled = await withTargetLabels(store.db.withPlugin(counting), items, mayView);
    expect(queries).toBe(4);
    const labelsOf = (action: string) => new Set(labelled.filter((e) => e.action === action).map((e) => e.targetLabel));
    expect(labelsOf('update')).toEqual(new Set(['Tin công khai', null]));
    expect(labelled.filter((e) => e.articleId === secret).every((e) => e.targetLabel === null)).toBe(true);
    expect(JSON.stringify(labelled)).not.toContain('Tin mật');
    expect(labelsOf('user_update')).toEqual(new Set(['Nguyễn Văn An', null]));
    expect(labelled.find((e) => e.target === 'user:999999')?.targetLabel).toBeNull();
    expect(labelsOf('tag_update')).toEqual(new Set(['Biển Đông']));
    expect(labelsOf('category_update')).toEqual(new Set(['Thời sự']));
    expect(labelsOf('media_update')).toEqual(new Set([null]));
    expect(labelsOf('x')).toEqual(new Set([null]));
    // Whoever sees every story reads every title.
    const all = await withTargetLabels(store.db, items, () => true);
    expect(new Set(all.filter((e) => e.articleId === secret).map((e) => e.targetLabel))).toEqual(new Set(['Tin mật của ban Kinh tế']));
  });

  it('asks nothing when no entry names a labelled kind', async () => {
    let queries = 0;
    const counting: KyselyPlugin = { transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result };
    const out = await withTargetLabels(store.db.withPlugin(counting), [{ target: 'settings:site', articleId: null }, { target: '', articleId: null }], () => true);
    expect(out.map((e) => e.targetLabel)).toEqual([null, null]);
    expect(queries).toBe(0);
  });
});
