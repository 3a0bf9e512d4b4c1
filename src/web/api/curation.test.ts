import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type TestStore } from '../../storage/testing.ts';
import { openNewsroom, type Newsroom } from '../../newsroom/testing.ts';

const engines = await testEngines();

describe.each(engines)('home page curation on $engine', ({ open }) => {
  let store: TestStore;
  let nr: Newsroom;
  let ids: number[];

  beforeAll(async () => {
    store = await open();
    nr = await openNewsroom(store);
    ids = [];
    for (const title of ['Tin thứ nhất được chọn', 'Tin thứ hai được chọn', 'Tin thứ ba được chọn', 'Tin mới nhất chưa chọn']) {
      ids.push(await nr.seedStory({ status: 'published', authorId: nr.members.reporter.user.id, title }));
    }
  });
  afterAll(async () => {
    await nr?.close();
    await store?.dispose();
  });

  const leadTitle = (html: string) => /<section class="lead"[\s\S]*?<h2><a href="[^"]+">([^<]+)<\/a><\/h2>/.exec(html)?.[1];

  it('the reader home page follows the lead and featured order the managing editor sets, and only home is re-rendered', async () => {
    expect(leadTitle((await nr.call(null, 'GET', '/')).body)).toBe('Tin mới nhất chưa chọn');
    const category = await nr.call(null, 'GET', '/thoi-su');
    expect((await nr.call(null, 'GET', '/thoi-su')).headers['x-cache']).toBe('HIT');

    const put = await nr.call(nr.members.managing_editor, 'PUT', '/api/v1/home', { leadId: ids[1], featuredIds: [ids[2], ids[0]] });
    expect(put.status).toBe(200);
    const home = await nr.call(null, 'GET', '/');
    expect(home.headers['x-cache']).toBe('MISS');
    expect(leadTitle(home.body)).toBe('Tin thứ hai được chọn');
    const featured = /<section class="block" aria-labelledby="tin-noi-bat">([\s\S]*?)<\/section>/.exec(home.body)?.[1] ?? '';
    expect([...featured.matchAll(/<h3><a href="[^"]+">([^<]+)<\/a><\/h3>/g)].map((m) => m[1])).toEqual(['Tin thứ ba được chọn', 'Tin thứ nhất được chọn']);
    const again = await nr.call(null, 'GET', '/thoi-su');
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toBe(category.body);
  });

  it('only roles allowed to curate may change it, and a taken-down story leaves its slot', async () => {
    const denied = await nr.call(nr.members.reporter, 'PUT', '/api/v1/home', { leadId: ids[0], featuredIds: [] });
    expect(denied.status).toBe(403);
    const draft = await nr.seedStory({ status: 'draft', authorId: nr.members.reporter.user.id, title: 'Bản nháp' });
    expect((await nr.call(nr.members.managing_editor, 'PUT', '/api/v1/home', { leadId: draft, featuredIds: [] })).status).toBe(422);
    await store.db.updateTable('articles').set({ status: 'unpublished' }).where('id', '=', ids[1]!).execute();
    const got = await nr.call(nr.members.managing_editor, 'GET', '/api/v1/home');
    expect(got.json()).toEqual({ leadId: null, featuredIds: [ids[2], ids[0]] });
  });
});
