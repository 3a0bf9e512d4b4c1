import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';

const engines = await testEngines();

interface ListItem {
  id: number;
  status: string;
  correction: string | null;
}

/** List options of the newsroom API: stories with a pending correction, and the audit log newest first. */
describe.each(engines)('article list by pending correction, audit order on $engine', ({ open }) => {
  let nr: Newsroom;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const list = async (who: Member, q: string) => {
    const r = await nr.call(who, 'GET', `/api/v1/articles?perPage=100&${q}`);
    expect(r.status, r.body).toBe(200);
    return r.json<{ items: ListItem[]; total: number }>();
  };
  const ids = async (who: Member, q: string) => (await list(who, q)).items.map((x) => x.id).sort((a, b) => a - b);

  it('correction= lists the stories whose correction waits (or is being prepared), whatever their status, within what the reader may see', async () => {
    const m = nr.members;
    const author = m.reporter.user.id;
    const waiting = await nr.seedStory({ status: 'published', authorId: author, correction: 'awaiting_approval' });
    const preparing = await nr.seedStory({ status: 'published', authorId: author, correction: 'draft' });
    const takenDown = await nr.seedStory({ status: 'unpublished', authorId: author, correction: 'awaiting_approval' });
    const otherDesk = await nr.seedStory({ status: 'published', authorId: null, categoryId: nr.otherDesk, correction: 'awaiting_approval' });
    const plain = await nr.seedStory({ status: 'published', authorId: author });
    await nr.seedStory({ status: 'awaiting_approval', authorId: author });

    const chief = m.editor_in_chief;
    expect(await ids(chief, 'correction=awaiting_approval')).toEqual([waiting, takenDown, otherDesk].sort((a, b) => a - b));
    expect(await ids(chief, 'correction=awaiting_approval&status=published')).toEqual([waiting, otherDesk].sort((a, b) => a - b));
    expect(await ids(chief, 'correction=draft')).toEqual([preparing]);
    expect(await ids(chief, 'correction=pending')).toEqual([waiting, preparing, takenDown, otherDesk].sort((a, b) => a - b));
    const all = await list(chief, 'correction=pending');
    expect(all.total).toBe(4);
    expect(Object.fromEntries(all.items.map((x) => [x.id, [x.status, x.correction]]))).toEqual({
      [waiting]: ['published', 'awaiting_approval'],
      [preparing]: ['published', 'draft'],
      [takenDown]: ['unpublished', 'awaiting_approval'],
      [otherDesk]: ['published', 'awaiting_approval'],
    });
    // Without the option the list is as before: the story without a correction is there too.
    expect(await ids(chief, 'status=published')).toEqual(expect.arrayContaining([waiting, preparing, otherDesk, plain]));
    // A desk editor sees only their desk's.
    expect(await ids(m.editor, 'correction=awaiting_approval')).toEqual([waiting, takenDown].sort((a, b) => a - b));
    // Paged like any list.
    const first = await nr.call(chief, 'GET', '/api/v1/articles?correction=pending&perPage=3&page=2');
    expect(first.json<{ items: ListItem[]; total: number }>()).toMatchObject({ total: 4, items: [expect.objectContaining({ correction: expect.any(String) })] });
  });

  it('a correction made through the API is listed while it waits and leaves the list once approved', async () => {
    const m = nr.members;
    const id = await nr.seedStory({ status: 'published', authorId: m.reporter.user.id, title: 'Tin đã đăng cần đính chính' });
    expect(await ids(m.editor_in_chief, 'correction=pending')).not.toContain(id);
    const etag = String((await nr.call(m.editor, 'GET', `/api/v1/articles/${id}`)).headers.etag);
    const patched = await nr.call(m.editor, 'PATCH', `/api/v1/articles/${id}`, { title: 'Tin đã đăng cần đính chính (sửa tên xã)', correctionNote: 'Sửa tên xã.' }, { headers: { 'if-match': etag } });
    expect(patched.status, patched.body).toBe(200);
    expect(await ids(m.editor_in_chief, 'correction=draft')).toContain(id);
    expect(await ids(m.editor_in_chief, 'correction=awaiting_approval')).not.toContain(id);
    expect((await nr.call(m.editor, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'send_for_approval' })).status).toBe(200);
    expect(await ids(m.editor_in_chief, 'correction=awaiting_approval')).toContain(id);
    expect(await ids(m.editor_in_chief, 'correction=draft')).not.toContain(id);
    expect((await nr.call(m.editor_in_chief, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'approve' })).status).toBe(200);
    expect(await ids(m.editor_in_chief, 'correction=pending')).not.toContain(id);
  });

  it('refuses an unknown correction value with a 400 naming the parameter', async () => {
    for (const value of ['yes', 'true', '', 'AWAITING_APPROVAL']) {
      const r = await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/articles?correction=${value}`);
      expect(r.status, value).toBe(400);
      expect(r.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), value).toEqual(['correction']);
    }
  });

  it('GET /audit pages oldest first by default and newest first with order=desc, over the same total', async () => {
    const chief = nr.members.editor_in_chief;
    for (let i = 0; i < 7; i++) await appendAudit(nr.store.db, { userId: null, userEmail: 'system', action: 'x_order', note: `mục ${i}` });
    const notes = async (q: string) => {
      const r = await nr.call(chief, 'GET', `/api/v1/audit?action=x_order&${q}`);
      expect(r.status, r.body).toBe(200);
      const body = r.json<{ items: Array<{ note: string }>; total: number }>();
      expect(body.total).toBe(7);
      return body.items.map((e) => e.note);
    };
    expect(await notes('perPage=3')).toEqual(['mục 0', 'mục 1', 'mục 2']);
    expect(await notes('perPage=3&order=asc&page=3')).toEqual(['mục 6']);
    expect(await notes('perPage=3&order=desc')).toEqual(['mục 6', 'mục 5', 'mục 4']);
    expect(await notes('perPage=3&order=desc&page=2')).toEqual(['mục 3', 'mục 2', 'mục 1']);
    expect(await notes('perPage=3&order=desc&page=3')).toEqual(['mục 0']);
    expect(await notes('order=desc&page=9')).toEqual([]);
    for (const value of ['DESC', 'newest', '']) {
      const r = await nr.call(chief, 'GET', `/api/v1/audit?order=${value}`);
      expect(r.status, value).toBe(400);
      expect(r.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), value).toEqual(['order']);
    }
  });
});
