import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { paragraph } from '../../domain/document.ts';
import { insertMedia } from '../../storage/content.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';

const engines = await testEngines();

const figure = (mediaId: number) => ({ type: 'figure', attrs: { mediaId, caption: 'Chú thích riêng' } });
const doc = (...blocks: unknown[]) => ({ type: 'doc', content: [paragraph('Mở đầu.'), ...blocks] });

interface MediaDetail {
  id: number;
  useCount: number;
  usedIn: Array<{ articleId: number; title: string; status: string; role: string; deleted: boolean }>;
  hiddenUses: number;
}
interface MediaList {
  items: Array<{ id: number; useCount: number }>;
  total: number;
}
interface AuditPage {
  items: Array<{ id: number; action: string; target: string; articleId: number | null; targetLabel: string | null }>;
}

/** Where an image is used and what an audit entry is about, over a real HTTP server. */
describe.each(engines)('media usage and audit labels over HTTP on $engine', ({ open }) => {
  let nr: Newsroom;
  let base: string;
  const img = { shared: 0, unused: 0, other: 0 };
  const story = { desk: 0, otherDesk: 0, own: 0 };
  const TITLE_HIDDEN = 'Điều tra đường dây gỗ lậu ở Kon Tum';

  /** A GET as a member, with their session cookie, over the network. */
  const get = async <T>(who: Member, path: string) => {
    const res = await fetch(base + path, { headers: { cookie: who.cookie, accept: 'application/json' } });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as T };
  };
  const create = async (who: Member, input: Record<string, unknown>) => {
    const r = await nr.call(who, 'POST', '/api/v1/articles', input);
    expect(r.status, r.body).toBe(201);
    return r.json<{ id: number }>().id;
  };

  beforeAll(async () => {
    nr = await openNewsroom(await open());
    base = await nr.app.listen({ port: 0, host: '127.0.0.1' });
    const photo = (fileName: string, caption: string) => insertMedia(nr.store.db, { fileName, storageKey: null, mime: 'image/jpeg', width: 1200, height: 800, caption });
    img.shared = await photo('ruong-bac-thang.jpg', 'Ruộng bậc thang Mù Cang Chải');
    img.unused = await photo('cho-phien.jpg', 'Chợ phiên Bắc Hà');
    img.other = await photo('ban-do.png', 'Bản đồ');
    const m = nr.members;
    // In the reporter's desk, by the editor: the reporter may open it.
    story.desk = await create(m.editor, { title: 'Mùa nước đổ trên ruộng bậc thang', categoryId: nr.desk, coverMediaId: img.shared, body: doc(figure(img.shared)) });
    // In another desk, by the managing editor: the reporter may not.
    story.otherDesk = await create(m.managing_editor, { title: TITLE_HIDDEN, categoryId: nr.otherDesk, body: doc({ type: 'gallery', content: [figure(img.shared), figure(img.other)] }) });
    // In another desk but the reporter's own.
    story.own = await create(m.reporter, { title: 'Phóng sự ảnh của phóng viên', categoryId: nr.otherDesk, body: doc(figure(img.shared)) });
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  it('lists the stories using an image that the reader may open, and only counts the others', async () => {
    const m = nr.members;
    let r = await get<MediaDetail>(m.managing_editor, `/api/v1/media/${img.shared}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toMatchObject({ id: img.shared, useCount: 3, hiddenUses: 0 });
    expect(r.json().usedIn.map((u) => [u.articleId, u.role])).toEqual(
      expect.arrayContaining([
        [story.desk, 'cover'],
        [story.desk, 'figure'],
        [story.otherDesk, 'gallery'],
        [story.own, 'figure'],
      ]),
    );
    expect(r.json().usedIn).toHaveLength(4);
    expect(r.json().usedIn.find((u) => u.articleId === story.otherDesk)).toEqual({ articleId: story.otherDesk, title: TITLE_HIDDEN, status: 'draft', role: 'gallery', deleted: false });

    // The reporter sees their desk's story and their own, and learns only that one more story uses the image.
    r = await get<MediaDetail>(m.reporter, `/api/v1/media/${img.shared}`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ useCount: 3, hiddenUses: 1 });
    expect(r.json().usedIn.map((u) => `${u.articleId}:${u.role}`).sort()).toEqual([`${story.desk}:cover`, `${story.desk}:figure`, `${story.own}:figure`].sort());
    expect(r.text).not.toContain(TITLE_HIDDEN);
    expect(r.text).not.toContain(`"articleId":${story.otherDesk}`);
    // Cover first among one story's uses.
    const deskUses = r.json().usedIn.filter((u) => u.articleId === story.desk).map((u) => u.role);
    expect(deskUses).toEqual(['cover', 'figure']);

    // A contributor sees only their own stories: here none.
    r = await get<MediaDetail>(m.contributor, `/api/v1/media/${img.shared}`);
    expect(r.json()).toMatchObject({ usedIn: [], hiddenUses: 3, useCount: 3 });

    r = await get<MediaDetail>(m.reporter, `/api/v1/media/${img.other}`);
    expect(r.json()).toMatchObject({ useCount: 1, usedIn: [], hiddenUses: 1 });
    expect(r.text).not.toContain(TITLE_HIDDEN);

    expect((await get(m.reporter, '/api/v1/media/999999')).status).toBe(404);
    expect((await get(m.reporter, '/api/v1/media/abc')).status).toBe(400);
  });

  it('follows the story: a save that removes the image drops the use', async () => {
    const m = nr.members;
    const v = await nr.call(m.reporter, 'GET', `/api/v1/articles/${story.own}`);
    const r = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${story.own}`, { body: doc() }, { headers: { 'if-match': String(v.headers.etag) } });
    expect(r.status, r.body).toBe(200);
    const after = (await get<MediaDetail>(m.reporter, `/api/v1/media/${img.shared}`)).json();
    expect(after).toMatchObject({ useCount: 2, hiddenUses: 1 });
    expect(after.usedIn.some((u) => u.articleId === story.own)).toBe(false);
  });

  it('gives each library item its use count, and unused=true lists only images no story uses', async () => {
    const m = nr.members;
    let r = await get<MediaList>(m.reporter, '/api/v1/media');
    expect(r.status, r.text).toBe(200);
    const counts = new Map(r.json().items.map((i) => [i.id, i.useCount]));
    expect(counts.get(img.shared)).toBe(2);
    expect(counts.get(img.other)).toBe(1);
    expect(counts.get(img.unused)).toBe(0);

    r = await get<MediaList>(m.reporter, '/api/v1/media?unused=true');
    expect(r.json().items.map((i) => i.id)).toEqual([img.unused]);
    expect(r.json()).toMatchObject({ total: 1, items: [{ useCount: 0 }] });
    r = await get<MediaList>(m.reporter, '/api/v1/media?unused=true&q=cho%20phien');
    expect(r.json().total).toBe(1);
    r = await get<MediaList>(m.reporter, '/api/v1/media?unused=true&q=ruong');
    expect(r.json().total).toBe(0);
    expect((await get<MediaList>(m.reporter, '/api/v1/media?unused=false')).json().total).toBe(3);
    const bad = await get<{ type: string; errors: Array<{ path: string }> }>(m.reporter, '/api/v1/media?unused=co');
    expect(bad.status).toBe(400);
    expect(bad.json().errors[0]?.path).toBe('unused');
  });

  it("names each audit entry's target by its current name: story title, person, tag, category; null for the rest", async () => {
    const m = nr.members;
    const tag = await nr.call(m.admin, 'POST', '/api/v1/tags', { name: 'Lâm nghiệp' });
    expect(tag.status, tag.body).toBe(201);
    const tagId = tag.json<{ id: number }>().id;
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/tags/${tagId}`, { name: 'Lâm nghiệp bền vững' })).status).toBe(200);
    const cat = await nr.call(m.admin, 'POST', '/api/v1/categories', { name: 'Môi trường', slug: 'moi-truong' });
    expect(cat.status, cat.body).toBe(201);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/users/${m.reporter.user.id}`, { name: 'Phóng viên Hoàng Lan' })).status).toBe(200);
    await appendAudit(nr.store.db, { userId: null, userEmail: 'system', action: 'x_gone', articleId: 2_000_000_000 });
    await appendAudit(nr.store.db, { userId: null, userEmail: 'system', action: 'x_media', target: `media:${img.shared}` });

    const r = await get<AuditPage>(m.editor_in_chief, '/api/v1/audit?order=desc&perPage=200');
    expect(r.status, r.text).toBe(200);
    const items = r.json().items;
    const label = (pred: (e: AuditPage['items'][number]) => boolean) => items.filter(pred).map((e) => e.targetLabel);
    expect(label((e) => e.action === 'create' && e.articleId === story.desk)).toEqual(['Mùa nước đổ trên ruộng bậc thang']);
    expect(label((e) => e.action === 'create' && e.articleId === story.otherDesk)).toEqual([TITLE_HIDDEN]);
    // Current names: the tag as renamed, the person as renamed (both entries of the tag show its new name).
    expect(label((e) => e.target === `tag:${tagId}`)).toEqual(['Lâm nghiệp bền vững', 'Lâm nghiệp bền vững']);
    expect(label((e) => e.target === `user:${m.reporter.user.id}`)).toEqual(['Phóng viên Hoàng Lan']);
    expect(label((e) => e.action === 'category_create')).toEqual(['Môi trường']);
    expect(label((e) => e.action === 'x_gone')).toEqual([null]);
    expect(label((e) => e.action === 'x_media')).toEqual([null]);
    expect(label((e) => e.action === 'login')).toEqual(expect.arrayContaining([null]));

    // A desk head reads only their desk's entries: the other desk's title is not in the answer.
    const desk = await get<AuditPage>(m.desk_head, '/api/v1/audit?perPage=200');
    expect(desk.status).toBe(200);
    expect(desk.json().items.find((e) => e.articleId === story.desk)?.targetLabel).toBe('Mùa nước đổ trên ruộng bậc thang');
    expect(desk.text).not.toContain(TITLE_HIDDEN);
    // Those who may not read the log get nothing.
    expect((await get(m.reporter, '/api/v1/audit')).status).toBe(403);
  });
});
