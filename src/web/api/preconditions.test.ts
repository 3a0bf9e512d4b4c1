import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Newsroom } from '../../newsroom/testing.ts';
import { parseEntityTags } from './articles.ts';

const engines = await testEngines();

interface View {
  id: number;
  title: string;
  version: number;
  status: string;
}

describe('parseEntityTags', () => {
  it('reads `*`, lists, weak tags and commas inside a tag; a broken list matches nothing', () => {
    expect(parseEntityTags(undefined)).toBeUndefined();
    expect(parseEntityTags('  ')).toBeUndefined();
    expect(parseEntityTags(' * ')).toBe('*');
    expect(parseEntityTags('"1-2", W/"1-3",,"a,b"')).toEqual([
      { weak: false, opaque: '1-2' },
      { weak: true, opaque: '1-3' },
      { weak: false, opaque: 'a,b' },
    ]);
    expect(parseEntityTags('1-2')).toEqual([]);
    expect(parseEntityTags('"1-2" "1-3"')).toEqual([]);
    expect(parseEntityTags('*, "1-2"')).toEqual([]);
  });
});

describe.each(engines)('If-Match and If-None-Match on the article API on $engine', ({ open }) => {
  let nr: Newsroom;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const create = async (title: string) => {
    const r = await nr.call(nr.members.reporter, 'POST', '/api/v1/articles', { title, categoryId: nr.desk });
    expect(r.status, r.body).toBe(201);
    return r.json<View>();
  };
  const patch = (id: number, ifMatch: string, title: string) => nr.call(nr.members.reporter, 'PATCH', `/api/v1/articles/${id}`, { title }, { headers: { 'if-match': ifMatch } });
  const current = async (id: number) => (await nr.call(nr.members.reporter, 'GET', `/api/v1/articles/${id}`)).json<View>();

  it('`*` matches any version of an existing story, and a missing story is still a 404', async () => {
    const story = await create('Bản đầu');
    await patch(story.id, `"${story.id}-${story.version}"`, 'Bản hai');
    const r = await patch(story.id, '*', 'Bản ba');
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ title: 'Bản ba', version: story.version + 2 });
    expect(r.headers.etag).toBe(`"${story.id}-${story.version + 2}"`);
    const missing = await patch(99_999_999, '*', 'Không có');
    expect(missing.status).toBe(404);
    // A garbled precondition does not hide that the story is missing either.
    expect((await patch(99_999_999, 'rác', 'Không có')).status).toBe(404);
  });

  it('two saves with `*` at once both go through, one after the other', async () => {
    const story = await create('Gốc');
    const [a, b] = await Promise.all([patch(story.id, '*', 'Lần A'), patch(story.id, '*', 'Lần B')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await current(story.id)).version).toBe(story.version + 2);
  });

  it('a list matches when any tag names the current version (also weakened by a proxy); other versions and stories never do', async () => {
    const created = await create('Danh sách');
    // The tag a compressing proxy hands the app back: it names the current version, so the save goes through.
    const weak = await patch(created.id, `W/"${created.id}-${created.version}"`, 'Yếu');
    expect(weak.status, weak.body).toBe(200);
    const story = weak.json<View>();
    const tag = `"${story.id}-${story.version}"`;
    // A weak tag of an old version is as stale as a strong one.
    const weakOld = await patch(story.id, `W/"${story.id}-${created.version}"`, 'Cũ yếu');
    expect(weakOld.status).toBe(412);
    expect(weakOld.json<{ current: View }>().current.title).toBe('Yếu');
    expect(weakOld.headers.etag).toBe(tag);
    expect((await patch(story.id, `"${story.id + 1}-${story.version}"`, 'Tin khác')).status).toBe(412);
    const listed = await patch(story.id, `"${story.id}-${story.version + 5}", "x,y", ${tag}`, 'Trong danh sách');
    expect(listed.status, listed.body).toBe(200);
    // Both listed versions are old now.
    const stale = await patch(story.id, `"${story.id}-${story.version + 5}", ${tag}`, 'Cũ');
    expect(stale.status).toBe(412);
    expect(stale.json<{ type: string; current: View }>()).toMatchObject({ type: 'https://toasoan.dev/problems/stale-revision', current: { title: 'Trong danh sách' } });
    expect((await current(story.id)).title).toBe('Trong danh sách');
    // Still required: an empty field is no precondition.
    expect((await patch(story.id, ' ', 'Trống')).status).toBe(428);
  });

  it('revision restore, transitions and delete read the same If-Match', async () => {
    const m = nr.members;
    const story = await create('Có phiên bản');
    await patch(story.id, `"${story.id}-${story.version}"`, 'Sửa lại');
    const revs = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${story.id}/revisions`)).json<{ items: Array<{ id: number; title: string }> }>().items;
    const first = revs.find((r) => r.title === 'Có phiên bản')!;
    const restore = (ifMatch: string) => nr.call(m.reporter, 'POST', `/api/v1/articles/${story.id}/revisions/${first.id}/restore`, undefined, { headers: { 'if-match': ifMatch } });
    expect((await restore(`"${story.id}-${story.version}"`)).status).toBe(412);
    const restored = await restore('*');
    expect(restored.status, restored.body).toBe(200);
    expect(restored.json<View>().title).toBe('Có phiên bản');

    const transition = (ifMatch: string) => nr.call(m.reporter, 'POST', `/api/v1/articles/${story.id}/transitions`, { action: 'submit' }, { headers: { 'if-match': ifMatch } });
    const now = await current(story.id);
    expect((await transition(`W/"${story.id}-${now.version - 1}"`)).status).toBe(412);
    expect((await current(story.id)).status).toBe('draft');
    const submitted = await transition('*');
    expect(submitted.status, submitted.body).toBe(200);
    expect(submitted.json<View>().status).toBe('submitted');
    expect((await nr.call(m.reporter, 'POST', '/api/v1/articles/99999999/transitions', { action: 'submit' }, { headers: { 'if-match': '*' } })).status).toBe(404);

    const spike = await create('Sẽ xóa');
    const del = (ifMatch: string) => nr.call(m.reporter, 'DELETE', `/api/v1/articles/${spike.id}`, undefined, { headers: { 'if-match': ifMatch } });
    expect((await del(`"${spike.id}-${spike.version + 1}"`)).status).toBe(412);
    expect((await nr.call(m.reporter, 'GET', `/api/v1/articles?deleted=true`)).json<{ items: View[] }>().items.map((i) => i.id)).not.toContain(spike.id);
    expect((await del(`"${spike.id}-${spike.version}"`)).status).toBe(204);
    expect((await nr.call(m.reporter, 'DELETE', '/api/v1/articles/99999999', undefined, { headers: { 'if-match': '*' } })).status).toBe(404);
  });

  it('If-None-Match on a read compares weakly, takes lists and `*`', async () => {
    const story = await create('Đọc lại');
    const get = (inm: string) => nr.call(nr.members.reporter, 'GET', `/api/v1/articles/${story.id}`, undefined, { headers: { 'if-none-match': inm } });
    const tag = `"${story.id}-${story.version}"`;
    for (const inm of [tag, `W/${tag}`, `"khac", ${tag}`, '*']) {
      const r = await get(inm);
      expect(r.status, inm).toBe(304);
      expect(r.headers.etag, inm).toBe(tag);
    }
    expect((await get(`"${story.id}-${story.version + 1}"`)).status).toBe(200);
  });
});
