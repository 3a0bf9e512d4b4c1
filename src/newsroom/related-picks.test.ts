import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from './testing.ts';
import { createArticle } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';
import type { ContentEvent } from '../domain/events.ts';

const engines = await testEngines();

interface View {
  id: number;
  status: string;
  title: string;
  relatedIds: number[];
  related: Array<{ id: number; title: string; status: string }>;
  correction: { state: string } | null;
}
type Changes = Array<{ field: string; before?: unknown; after?: unknown }>;

/** The editor's "Tin liên quan": stored with the story's content, staged in corrections, kept in revisions. */
describe.each(engines)('related picks on $engine', ({ open }) => {
  let nr: Newsroom;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const etagOf = async (who: Member, id: number) => String((await nr.call(who, 'GET', `/api/v1/articles/${id}`)).headers.etag);
  const patch = async (who: Member, id: number, body: Record<string, unknown>) => nr.call(who, 'PATCH', `/api/v1/articles/${id}`, body, { headers: { 'if-match': await etagOf(who, id) } });
  const stored = async (id: number) => (await nr.store.db.selectFrom('article_related_picks').select(['position', 'related_id']).where('article_id', '=', id).orderBy('position').execute()).map((r) => r.related_id);
  const published = (title: string, categoryId = nr.desk) => nr.seedStory({ status: 'published', authorId: null, categoryId, title });

  it('saves picks in order with a draft, validates them in Vietnamese, and restores them with a revision', async () => {
    const m = nr.members;
    const [a, b, c] = [await published('Mở đường lên bản Tả Van'), await published('Lễ hội xuống đồng ở Sa Pa'), await published('Chợ tình Khâu Vai')];
    const created = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Du lịch cộng đồng vùng cao', categoryId: nr.desk, relatedIds: [a] });
    expect(created.status, created.body).toBe(201);
    const id = created.json<View>().id;
    expect(created.json<View>()).toMatchObject({ relatedIds: [a], related: [{ id: a, title: 'Mở đường lên bản Tả Van', status: 'published' }] });
    expect(await stored(id)).toEqual([a]);

    let r = await patch(m.reporter, id, { relatedIds: [c, a, b] });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>().relatedIds).toEqual([c, a, b]);
    expect(r.json<View>().related.map((x) => x.title)).toEqual(['Chợ tình Khâu Vai', 'Mở đường lên bản Tả Van', 'Lễ hội xuống đồng ở Sa Pa']);
    expect(await stored(id)).toEqual([c, a, b]);

    // Refused: the story itself, a story that does not exist (both named), more than six, the same one twice.
    r = await patch(m.reporter, id, { relatedIds: [a, id] });
    expect(r.status).toBe(422);
    expect(r.json<{ detail: string }>().detail).toBe(`Không thể chọn chính tin bài này (mã ${id}) làm tin liên quan.`);
    r = await patch(m.reporter, id, { relatedIds: [a, 987_654] });
    expect(r.status).toBe(422);
    expect(r.json<{ detail: string }>().detail).toBe('Tin liên quan không tồn tại (mã 987654).');
    r = await patch(m.reporter, id, { relatedIds: [1, 2, 3, 4, 5, 6, 7] });
    expect(r.status).toBe(400);
    expect(r.json<{ errors: Array<{ path: string; message: string }> }>().errors).toContainEqual(expect.objectContaining({ path: 'relatedIds', message: 'Chỉ chọn được tối đa 6 tin liên quan' }));
    r = await patch(m.reporter, id, { relatedIds: [a, a] });
    expect(r.status).toBe(400);
    r = await patch(m.reporter, id, { relatedIds: [0] });
    expect(r.status).toBe(400);
    expect(await stored(id)).toEqual([c, a, b]);

    // The history shows the change, and restoring the first version brings its picks back.
    const revs = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions`)).json<{ items: Array<{ id: number; kind: string }> }>().items;
    const first = revs.at(-1)!;
    expect(first.kind).toBe('created');
    expect((await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions/${first.id}`)).json<{ content: { relatedIds: number[] } }>().content.relatedIds).toEqual([a]);
    const diff = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions/${revs[0]!.id}/diff`)).json<{ changes: Changes }>().changes;
    expect(diff).toEqual([{ field: 'relatedIds', before: [a], after: [c, a, b] }]);
    r = await nr.call(m.reporter, 'POST', `/api/v1/articles/${id}/revisions/${first.id}/restore`, undefined, { headers: { 'if-match': await etagOf(m.reporter, id) } });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>().relatedIds).toEqual([a]);
    expect(await stored(id)).toEqual([a]);
  });

  it('a correction of a live story\'s picks waits for approval; the view names only stories the caller may see', async () => {
    const m = nr.members;
    const story = await published('Khánh thành trường bán trú Pả Vi');
    const [near, far] = [await published('Học sinh vùng cao vào năm học mới'), await published('Giải bóng đá học sinh toàn tỉnh', nr.otherDesk)];
    // A draft of another desk by someone else: the reporter may not open it, so its title is not given to them.
    const hidden = await nr.seedStory({ status: 'draft', authorId: m.editor_in_chief.user.id, categoryId: nr.otherDesk, title: 'Bản thảo chưa công bố' });

    let r = await patch(m.editor, story, { relatedIds: [far, near, hidden], correctionNote: 'Bổ sung tin liên quan.' });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ status: 'published', correction: { state: 'draft' }, relatedIds: [far, near, hidden] });
    // Readers still get the live version: no picks yet.
    expect(await stored(story)).toEqual([]);
    const asReporter = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${story}`)).json<View>();
    expect(asReporter.relatedIds).toEqual([far, near, hidden]);
    expect(asReporter.related.map((x) => x.id)).toEqual([far, near]);
    expect(JSON.stringify(asReporter)).not.toContain('Bản thảo chưa công bố');
    expect((await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${story}`)).json<View>().related.map((x) => x.title)).toEqual(['Giải bóng đá học sinh toàn tỉnh', 'Học sinh vùng cao vào năm học mới', 'Bản thảo chưa công bố']);

    expect((await nr.call(m.editor, 'POST', `/api/v1/articles/${story}/transitions`, { action: 'send_for_approval' })).status).toBe(200);
    expect(await stored(story)).toEqual([]);
    const seen: ContentEvent[] = [];
    const off = nr.ctx.events.subscribe((e) => void seen.push(e));
    r = await nr.call(m.editor_in_chief, 'POST', `/api/v1/articles/${story}/transitions`, { action: 'approve' });
    off();
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ correction: null, relatedIds: [far, near, hidden] });
    expect(await stored(story)).toEqual([far, near, hidden]);
    // The story's own page (a:{id}) is invalidated by the correction going live.
    expect(seen).toContainEqual(expect.objectContaining({ type: 'article.updated', articleId: story }));
    const revs = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${story}/revisions`)).json<{ items: Array<{ id: number; kind: string }> }>().items;
    expect(revs[0]!.kind).toBe('published');
    const diff = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${story}/revisions/${revs[0]!.id}/diff?against=${revs.at(-1)!.id}`)).json<{ changes: Changes }>().changes;
    expect(diff).toContainEqual({ field: 'relatedIds', before: [], after: [far, near, hidden] });
  });

  it('a story deleted for good leaves the picks of others (cascade); createArticle takes picks too', async () => {
    const gone = await createArticle(nr.store.db, { title: 'Tin sẽ bị xóa hẳn', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: nr.desk, status: 'published' });
    const kept = await published('Tin vẫn còn');
    const picker = await createArticle(nr.store.db, { title: 'Tin nhập từ tệp', body: { type: 'doc', content: [paragraph('Nội dung.')] }, categoryId: nr.desk, status: 'published', relatedIds: [gone, kept] });
    expect(await stored(picker)).toEqual([gone, kept]);
    await nr.store.db.deleteFrom('articles').where('id', '=', gone).execute();
    expect(await stored(picker)).toEqual([kept]);
    // Deleting the picking story takes its rows with it.
    await nr.store.db.deleteFrom('articles').where('id', '=', picker).execute();
    expect(await nr.store.db.selectFrom('article_related_picks').select('related_id').where('article_id', '=', picker).execute()).toEqual([]);
  });
});
