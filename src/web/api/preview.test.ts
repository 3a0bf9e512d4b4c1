import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type TestStore } from '../../storage/testing.ts';
import { openNewsroom, type Newsroom } from '../../newsroom/testing.ts';

const engines = await testEngines();

describe.each(engines)('story preview on $engine', ({ open }) => {
  let store: TestStore;
  let nr: Newsroom;
  beforeAll(async () => {
    store = await open();
    nr = await openNewsroom(store);
  });
  afterAll(async () => {
    await nr?.close();
    await store?.dispose();
  });

  it('renders a draft with the reader template for the newsroom only, never cached, while readers still get 404', async () => {
    const created = await nr.call(nr.members.reporter, 'POST', '/api/v1/articles', {
      title: 'Bản nháp xem trước về mùa gặt',
      sapo: 'Tóm tắt của bản nháp.',
      categoryId: nr.desk,
      body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Đoạn văn <b>thô</b> trong bản nháp.' }] }] },
      tags: ['Mùa gặt'],
      bylines: [{ name: 'Cộng tác viên Lan' }],
    });
    expect(created.status, created.body).toBe(201);
    const { id, url } = created.json<{ id: number; url: string }>();
    const preview = await nr.call(nr.members.reporter, 'GET', `/api/v1/articles/${id}/preview`);
    expect(preview.status, preview.body).toBe(200);
    expect(preview.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.body).toContain('<article class="story">');
    expect(preview.body).toContain('Bản nháp xem trước về mùa gặt');
    expect(preview.body).toContain('chưa được xuất bản');
    expect(preview.body).toContain('Đoạn văn &lt;b&gt;thô&lt;/b&gt; trong bản nháp.');
    expect(preview.body).toContain('Cộng tác viên Lan');
    expect((await nr.call(null, 'GET', `/api/v1/articles/${id}/preview`)).status).toBe(401);
    expect((await nr.call(null, 'GET', url)).status).toBe(404);
  });
  it('a published story\'s pending correction previews with the picks it would publish, readers keep the live ones', async () => {
    const m = nr.members;
    const live = await nr.seedStory({ status: 'published', authorId: null, title: 'Tin gốc có tin liên quan' });
    const [oldPick, newPick] = [await nr.seedStory({ status: 'published', authorId: null, title: 'Tin liên quan cũ' }), await nr.seedStory({ status: 'published', authorId: null, title: 'Tin liên quan mới' })];
    const etagOf = async (id: number) => String((await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${id}`)).headers.etag);
    const save = async (relatedIds: number[]) => nr.call(m.editor_in_chief, 'PATCH', `/api/v1/articles/${live}`, { relatedIds }, { headers: { 'if-match': await etagOf(live) } });
    // The first change to a live story is itself a correction: published at once here, so the old pick is live.
    expect((await save([oldPick])).status).toBe(200);
    const approve = await nr.call(m.editor_in_chief, 'POST', `/api/v1/articles/${live}/transitions`, { action: 'publish' }, { headers: { 'if-match': await etagOf(live) } });
    expect(approve.status, approve.body).toBe(200);
    expect((await save([newPick])).status).toBe(200);
    const block = (html: string) => html.slice(html.indexOf('id="co-the-ban-quan-tam"'), html.indexOf('</section>', html.indexOf('id="co-the-ban-quan-tam"')));
    // The picks lead the block (the computed stories that follow may include the other one: the titles are alike).
    const firstCard = (html: string) => /<h3><a [^>]*>([^<]*)</.exec(block(html))?.[1];
    expect(firstCard((await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${live}/preview`)).body)).toBe('Tin liên quan mới');
    const path = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${live}`)).json<{ url: string }>().url;
    expect(firstCard((await nr.call(null, 'GET', path)).body)).toBe('Tin liên quan cũ');
  });
});
