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
});
