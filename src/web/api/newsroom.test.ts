import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { paragraph } from '../../domain/document.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../server.ts';
import { insertMedia } from '../../storage/content.ts';
import { syncArticleMedia } from '../../storage/media.ts';
import { createUser } from '../../storage/newsroom.ts';
import { trustProxyFrom } from '../../config.ts';
import type { ContentEvent } from '../../domain/events.ts';
import { createContext } from '../context.ts';
import { isPrivateRequest } from '../../cache/http.ts';

const engines = await testEngines();
const doc = (...paras: string[]) => ({ type: 'doc', content: paras.map(paragraph) });

interface View {
  id: number;
  url: string;
  status: string;
  title: string;
  version: number;
  returnNote: string;
  takedownReason: string;
  correction: { state: string } | null;
  correctionNote: string;
  allowedActions: string[];
  body: unknown;
  bylines: Array<{ personId: number } | { name: string }>;
}

describe.each(engines)('newsroom API on $engine', ({ open }) => {
  let nr: Newsroom;
  let base: string;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
    base = await nr.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const act = (who: Member, id: number, action: string, extra: Record<string, unknown> = {}) => nr.call(who, 'POST', `/api/v1/articles/${id}/transitions`, { action, ...extra });
  const get = async (who: Member, id: number) => {
    const r = await nr.call(who, 'GET', `/api/v1/articles/${id}`);
    expect(r.status).toBe(200);
    return { view: r.json<View>(), etag: String(r.headers.etag) };
  };
  const reader = async (path: string) => {
    const res = await fetch(base + path, { redirect: 'manual' });
    return { status: res.status, html: await res.text() };
  };

  it("runs a story's whole life with a user of each role, and logs every step in order", async () => {
    const m = nr.members;
    // The reporter drafts and submits.
    let r = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Khánh thành cầu treo bản Nà Hẩu', sapo: 'Cây cầu nối hai bản.', categoryId: nr.desk, body: doc('Sáng nay, cầu treo mới được đưa vào sử dụng.'), tags: ['Giao thông'] });
    expect(r.status, r.body).toBe(201);
    const id = r.json<View>().id;
    expect(r.headers.location).toBe(`/api/v1/articles/${id}`);
    expect(r.json<View>().allowedActions).toEqual(['edit', 'submit', 'delete']);
    // Signed by the reporter unless the request says otherwise; an empty list stays empty.
    expect(r.json<View>().bylines).toEqual([{ name: m.reporter.user.name }]);
    const unsigned = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Tin không ký tên', categoryId: nr.desk, bylines: [] });
    expect(unsigned.json<View>().bylines).toEqual([]);
    expect((await act(m.reporter, id, 'submit')).json<View>().status).toBe('submitted');
    // Not visible to readers while in the newsroom.
    expect((await reader(`/khanh-thanh-cau-treo-ban-na-hau-post${id}.html`)).status).toBe(404);

    // The editor returns it with a note.
    r = await act(m.editor, id, 'return', { note: 'Cần thêm ý kiến người dân.' });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ status: 'draft', returnNote: 'Cần thêm ý kiến người dân.' });

    // The reporter fixes it and resubmits.
    let { etag } = await get(m.reporter, id);
    r = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { body: doc('Sáng nay, cầu treo mới được đưa vào sử dụng.', 'Người dân trong bản rất phấn khởi.') }, { headers: { 'if-match': etag } });
    expect(r.status, r.body).toBe(200);
    expect((await act(m.reporter, id, 'submit')).json<View>().status).toBe('submitted');

    // The editor sends it for approval; the editor-in-chief approves and publishes.
    expect((await act(m.editor, id, 'send_for_approval')).json<View>().status).toBe('awaiting_approval');
    expect((await act(m.editor, id, 'publish')).status).toBe(403);
    expect((await act(m.editor_in_chief, id, 'approve')).json<View>().status).toBe('approved');
    r = await act(m.editor_in_chief, id, 'publish');
    expect(r.json<View>().status).toBe('published');
    const url = r.json<View>().url;

    // The reader site shows it.
    let page = await reader(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Khánh thành cầu treo bản Nà Hẩu');
    expect(page.html).toContain('Người dân trong bản rất phấn khởi.');

    // A correction goes through approval while the old version stays live.
    ({ etag } = await get(m.editor, id));
    r = await nr.call(m.editor, 'PATCH', `/api/v1/articles/${id}`, { title: 'Khánh thành cầu treo bản Nà Hẩu (Yên Bái)', correctionNote: 'Bổ sung địa danh.' }, { headers: { 'if-match': etag } });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ status: 'published', title: 'Khánh thành cầu treo bản Nà Hẩu (Yên Bái)', correction: { state: 'draft' } });
    page = await reader(url);
    expect(page.html).not.toContain('(Yên Bái)');
    expect((await act(m.editor, id, 'send_for_approval')).json<View>().correction).toMatchObject({ state: 'awaiting_approval' });
    expect((await reader(url)).html).not.toContain('(Yên Bái)');
    const seen: ContentEvent[] = [];
    const off = nr.ctx.events.subscribe((e) => void seen.push(e));
    r = await act(m.deputy_editor_in_chief, id, 'approve');
    off();
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>()).toMatchObject({ status: 'published', correction: null, correctionNote: 'Bổ sung địa danh.' });
    // The event carries where the story stood before the correction, for caches that never saw it.
    expect(seen.find((e) => e.type === 'article.updated')).toMatchObject({ articleId: id, previous: { status: 'published', categoryId: nr.desk } });
    page = await reader(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Khánh thành cầu treo bản Nà Hẩu (Yên Bái)');
    expect(page.html).toMatch(/<aside class="correction" aria-label="Đính chính"><p class="correction-note"><strong>Đính chính<\/strong> \(<time datetime="[^"]+">[^<]+<\/time>\): Bổ sung địa danh\.<\/p><\/aside>/);

    // Both published versions are kept unchanged.
    const revs = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${id}/revisions`)).json<{ items: Array<{ id: number; kind: string; title: string }> }>().items;
    expect(revs.filter((x) => x.kind === 'published').map((x) => x.title)).toEqual(['Khánh thành cầu treo bản Nà Hẩu (Yên Bái)', 'Khánh thành cầu treo bản Nà Hẩu']);

    // Take-down: the URL answers 410, the story stays in the newsroom.
    expect((await act(m.editor_in_chief, id, 'unpublish')).status).toBe(422);
    r = await act(m.editor_in_chief, id, 'unpublish', { note: 'Thông tin sai, chờ xác minh.' });
    expect(r.json<View>()).toMatchObject({ status: 'unpublished', takedownReason: 'Thông tin sai, chờ xác minh.' });
    page = await reader(url);
    expect(page.status).toBe(410);
    expect(page.html).not.toContain('Người dân trong bản');
    expect((await get(m.reporter, id)).view.status).toBe('unpublished');
    const list = (await nr.call(m.managing_editor, 'GET', '/api/v1/articles?status=unpublished')).json<{ items: Array<{ id: number }> }>();
    expect(list.items.map((x) => x.id)).toContain(id);

    // The audit log: one entry per step, in order, with who and the notes.
    const audit = await nr.call(m.editor_in_chief, 'GET', `/api/v1/audit?articleId=${id}`);
    expect(audit.status).toBe(200);
    const entries = audit.json<{ items: Array<{ action: string; userEmail: string; fromStatus: string; toStatus: string; note: string; ip: string }> }>().items;
    expect(entries.map((e) => [e.action, e.userEmail.split('@')[0], e.toStatus])).toEqual([
      ['create', 'reporter', 'draft'],
      ['submit', 'reporter', 'submitted'],
      ['return', 'editor', 'draft'],
      ['update', 'reporter', 'draft'],
      ['submit', 'reporter', 'submitted'],
      ['send_for_approval', 'editor', 'awaiting_approval'],
      ['approve', 'editor_in_chief', 'approved'],
      ['publish', 'editor_in_chief', 'published'],
      ['update_correction', 'editor', 'published'],
      ['send_for_approval', 'editor', 'published'],
      ['approve', 'deputy_editor_in_chief', 'published'],
      ['unpublish', 'editor_in_chief', 'unpublished'],
    ]);
    expect(entries[2]!.note).toBe('Cần thêm ý kiến người dân.');
    expect(entries.every((e) => e.ip !== '')).toBe(true);

    // It cannot be changed through the API, nor behind its back in the database.
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await nr.call(m.admin, method, method === 'POST' ? '/api/v1/audit' : '/api/v1/audit/1', method === 'DELETE' ? undefined : { action: 'x' });
      expect(res.status).toBe(405);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await expect(sql`update audit_log set note = 'đã sửa'`.execute(nr.store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(nr.store.db)).rejects.toThrow(/append-only/);
    const again = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/audit?articleId=${id}`)).json<{ items: unknown[] }>().items;
    expect(again).toEqual(audit.json<{ items: unknown[] }>().items);

    // Republish brings it back.
    expect((await act(m.editor_in_chief, id, 'republish')).json<View>().status).toBe('published');
    expect((await reader(url)).status).toBe(200);
  });

  it('two concurrent updates from the same base revision: one succeeds, the other gets 412 with the current version', async () => {
    const m = nr.members;
    const created = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Bản gốc', categoryId: nr.desk });
    const id = created.json<View>().id;
    const etag = String(created.headers.etag);
    const [a, b] = await Promise.all([
      nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { title: 'Sửa lần A' }, { headers: { 'if-match': etag } }),
      nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { title: 'Sửa lần B' }, { headers: { 'if-match': etag } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    const problem = loser.json<{ type: string; current: View }>();
    expect(problem.type).toBe('https://toasoan.dev/problems/stale-revision');
    expect(loser.headers['content-type']).toContain('application/problem+json');
    expect(problem.current.title).toBe(winner.json<View>().title);
    expect(loser.headers.etag).toBe(winner.headers.etag);
    const now = (await get(m.reporter, id)).view;
    expect(now.title).toBe(winner.json<View>().title);
    expect(now.version).toBe(created.json<View>().version + 1);
    // The winner's save is a revision; the loser can retry on top of the current version.
    const retry = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { title: `${now.title} + B` }, { headers: { 'if-match': String(loser.headers.etag) } });
    expect(retry.status).toBe(200);
    const revs = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions`)).json<{ items: Array<{ title: string }> }>().items;
    expect(revs.map((x) => x.title)).toEqual([`${now.title} + B`, now.title, 'Bản gốc']);
    // Without If-Match: 428, nothing written.
    const missing = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { title: 'không có If-Match' });
    expect(missing.status).toBe(428);
    expect((await get(m.reporter, id)).view.title).toBe(`${now.title} + B`);
  });

  it('rejects bad input with a clear 4xx problem+json and changes nothing', async () => {
    const m = nr.members;
    const created = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Tin nguyên vẹn', categoryId: nr.desk, body: doc('Nội dung ban đầu.') });
    const id = created.json<View>().id;
    const etag = String(created.headers.etag);
    const count = async (table: 'articles' | 'audit_log' | 'article_revisions') => Number((await nr.store.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = { articles: await count('articles'), audit: await count('audit_log'), revisions: await count('article_revisions'), view: (await get(m.reporter, id)).view };
    const patch = (body: unknown, raw?: string | Buffer) => nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, body, { headers: { 'if-match': etag }, ...(raw !== undefined ? { raw } : {}) });
    const cases: Array<[string, () => ReturnType<Newsroom['call']>, number, string]> = [
      ['unknown field', () => patch({ title: 'x', mauSac: 'đỏ' }), 400, 'invalid-body'],
      ['wrong type', () => patch({ title: 12345 }), 400, 'invalid-body'],
      ['wrong body type', () => patch({ body: '<p>HTML</p>' }), 400, 'invalid-body'],
      ['10 MB title', () => patch({ title: 'a'.repeat(10 * 1024 * 1024) }), 413, 'payload-too-large'],
      ['long title within the size limit', () => patch({ title: 'a'.repeat(1000) }), 400, 'invalid-body'],
      ['invalid UTF-8', () => patch(undefined, Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])), 400, 'invalid-utf8'],
      ['malformed JSON', () => patch(undefined, '{"title": '), 400, 'invalid-json'],
      ['script tag in the body', () => patch({ body: doc('Đoạn <script>alert(1)</script> cuối.') }), 400, 'invalid-body'],
      ['script tag in the title', () => patch({ title: '<script src=//x.example></script>' }), 400, 'invalid-body'],
      ['event handler attribute', () => patch({ sapo: '<img src=x onerror="alert(1)">' }), 400, 'invalid-body'],
      ['javascript: link', () => patch({ body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bấm', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] } }), 400, 'invalid-body'],
      ['unknown category', () => patch({ categoryId: 999999 }), 422, 'validation'],
      ['unknown cover image', () => patch({ coverMediaId: 999999 }), 422, 'validation'],
      ['unknown image in a figure', () => patch({ body: { type: 'doc', content: [{ type: 'figure', attrs: { mediaId: 999999, caption: 'Ảnh' } }] } }), 422, 'validation'],
      ['empty title', () => patch({ title: '   ' }), 400, 'invalid-body'],
      ['not JSON at all', () => nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, undefined, { raw: 'title=x', headers: { 'if-match': etag, 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported-media-type'],
      ['unknown transition', () => act(m.reporter, id, 'xuat_ban'), 400, 'invalid-body'],
      ['transition with extra field', () => nr.call(m.reporter, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'submit', force: true }), 400, 'invalid-body'],
      ['invalid id', () => nr.call(m.reporter, 'GET', '/api/v1/articles/abc'), 400, 'invalid-body'],
      ['unknown create field', () => nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'x', categoryId: nr.desk, status: 'published' }), 400, 'invalid-body'],
      ['create with wrong category type', () => nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'x', categoryId: 'thoi-su' }), 400, 'invalid-body'],
    ];
    for (const [name, run, status, type] of cases) {
      const res = await run();
      expect(res.status, `${name}: ${res.body.slice(0, 300)}`).toBe(status);
      expect(res.headers['content-type'], name).toContain('application/problem+json');
      const p = res.json<{ type: string; title: string; status: number; detail: string }>();
      expect(p.type, name).toBe(`https://toasoan.dev/problems/${type}`);
      expect(p.status).toBe(status);
      expect(p.title.length).toBeGreaterThan(0);
      expect(p.detail.length).toBeGreaterThan(0);
    }
    expect(await count('articles')).toBe(before.articles);
    expect(await count('audit_log')).toBe(before.audit);
    expect(await count('article_revisions')).toBe(before.revisions);
    expect((await get(m.reporter, id)).view).toEqual(before.view);
  });

  it('edit locks: lease, heartbeat, conflict, takeover by a higher role (audited), refusal for a lower one', async () => {
    const m = nr.members;
    const id = await nr.seedStory({ status: 'editing', authorId: m.reporter.user.id });
    let r = await nr.call(m.editor, 'POST', `/api/v1/articles/${id}/lock`, {});
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ userId: m.editor.user.id });
    expect((await nr.call(m.editor, 'PUT', `/api/v1/articles/${id}/lock`)).status).toBe(200);
    r = await nr.call(m.desk_head, 'POST', `/api/v1/articles/${id}/lock`, {});
    expect(r.status).toBe(409);
    expect(r.json<{ lock: { userName: string } }>().lock.userName).toBe(m.editor.user.name);
    const { etag } = await get(m.desk_head, id);
    expect((await get(m.desk_head, id)).view).toMatchObject({ lock: { userId: m.editor.user.id } });
    expect((await nr.call(m.desk_head, 'PATCH', `/api/v1/articles/${id}`, { title: 'Chen ngang' }, { headers: { 'if-match': etag } })).status).toBe(423);
    // A managing editor outranks the editor and may take over; the editor's heartbeat then fails.
    r = await nr.call(m.managing_editor, 'POST', `/api/v1/articles/${id}/lock`, { takeover: true });
    expect(r.status, r.body).toBe(200);
    expect((await nr.call(m.editor, 'PUT', `/api/v1/articles/${id}/lock`)).status).toBe(409);
    // The editor cannot take it back: lower rank.
    expect((await nr.call(m.editor, 'POST', `/api/v1/articles/${id}/lock`, { takeover: true })).status).toBe(403);
    const audit = (await nr.call(m.editor_in_chief, 'GET', `/api/v1/audit?articleId=${id}&action=lock_takeover`)).json<{ items: Array<{ userEmail: string; details: Record<string, unknown> }> }>().items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ userEmail: m.managing_editor.user.email, details: { fromUserId: m.editor.user.id } });
    expect((await nr.call(m.managing_editor, 'DELETE', `/api/v1/articles/${id}/lock`)).status).toBe(204);
    expect((await nr.call(m.desk_head, 'PATCH', `/api/v1/articles/${id}`, { title: 'Giờ thì được' }, { headers: { 'if-match': etag } })).status).toBe(200);
  });

  it('revisions: autosaves coalesce, diff shows changes, restore makes a new revision', async () => {
    const m = nr.members;
    const created = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Phiên bản một', categoryId: nr.desk, body: doc('Câu thứ nhất.') });
    const id = created.json<View>().id;
    let etag = String(created.headers.etag);
    for (const text of ['Câu thứ nhất. Thêm', 'Câu thứ nhất. Thêm nữa']) {
      const r = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { body: doc(text), autosave: true }, { headers: { 'if-match': etag } });
      expect(r.status).toBe(200);
      etag = String(r.headers.etag);
    }
    let r = await nr.call(m.reporter, 'PATCH', `/api/v1/articles/${id}`, { title: 'Phiên bản hai', body: doc('Câu thứ nhất.', 'Câu thứ hai.') }, { headers: { 'if-match': etag } });
    etag = String(r.headers.etag);
    const revs = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions`)).json<{ items: Array<{ id: number; kind: string }> }>().items;
    expect(revs.map((x) => x.kind)).toEqual(['save', 'autosave', 'created']);
    const diff = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions/${revs[0]!.id}/diff?against=${revs[2]!.id}`)).json<{ changes: Array<{ field: string; before?: unknown; after?: unknown; lines?: Array<{ op: string; text: string }> }> }>();
    expect(diff.changes.find((c) => c.field === 'title')).toMatchObject({ before: 'Phiên bản một', after: 'Phiên bản hai' });
    expect(diff.changes.find((c) => c.field === 'body')?.lines).toEqual([{ op: 'same', text: 'Câu thứ nhất.' }, { op: 'add', text: 'Câu thứ hai.' }]);
    r = await nr.call(m.reporter, 'POST', `/api/v1/articles/${id}/revisions/${revs[2]!.id}/restore`, undefined, { headers: { 'if-match': etag } });
    expect(r.status, r.body).toBe(200);
    expect(r.json<View>().title).toBe('Phiên bản một');
    const after = (await nr.call(m.reporter, 'GET', `/api/v1/articles/${id}/revisions`)).json<{ items: Array<{ kind: string }> }>().items;
    expect(after.map((x) => x.kind)).toEqual(['restore', 'save', 'autosave', 'created']);
  });

  it('spike and restore: only unpublished stories, restore needs the right', async () => {
    const m = nr.members;
    const id = (await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Tin sẽ xóa', categoryId: nr.desk })).json<View>().id;
    expect((await nr.call(m.reporter, 'DELETE', `/api/v1/articles/${id}`)).status).toBe(204);
    expect((await nr.call(m.reporter, 'GET', '/api/v1/articles?text=sẽ xóa')).json<{ items: unknown[] }>().items).toHaveLength(0);
    expect((await nr.call(m.desk_head, 'GET', '/api/v1/articles?deleted=true')).json<{ items: Array<{ id: number }> }>().items.map((x) => x.id)).toContain(id);
    expect((await get(m.reporter, id)).view.allowedActions).toEqual([]);
    expect((await nr.call(m.reporter, 'POST', `/api/v1/articles/${id}/restore`)).status).toBe(403);
    expect((await nr.call(m.desk_head, 'POST', `/api/v1/articles/${id}/restore`)).status).toBe(200);
    const published = await nr.seedStory({ status: 'published', authorId: m.reporter.user.id });
    expect((await nr.call(m.editor_in_chief, 'DELETE', `/api/v1/articles/${published}`)).status).toBe(409);
  });

  it('listing filters by status, desk, author and text, with pagination and visibility by role', async () => {
    const m = nr.members;
    const mine = (await nr.call(m.contributor, 'POST', '/api/v1/articles', { title: 'Phóng sự vùng cao Mù Cang Chải', categoryId: nr.otherDesk })).json<View>().id;
    const list = async (who: Member, q: string) => (await nr.call(who, 'GET', `/api/v1/articles?${q}`)).json<{ items: Array<{ id: number; status: string; categoryId: number; authorId: number }>; total: number; perPage: number }>();
    expect((await list(m.contributor, '')).items.every((x) => x.authorId === m.contributor.user.id)).toBe(true);
    expect((await list(m.reporter, '')).items.map((x) => x.id)).not.toContain(mine);
    expect((await list(m.managing_editor, `text=${encodeURIComponent('mù cang')}`)).items.map((x) => x.id)).toEqual([mine]);
    // Without accents, in capitals, or decomposed: the same story (LIKE folded ASCII letters only).
    for (const text of ['mu cang', 'MÙ CANG', 'PHÓNG SỰ VÙNG CAO'.normalize('NFD'), 'phong su vung']) expect((await list(m.managing_editor, `text=${encodeURIComponent(text)}`)).items.map((x) => x.id), text).toEqual([mine]);
    expect((await list(m.managing_editor, `text=${encodeURIComponent('%')}`)).items.map((x) => x.id)).not.toContain(mine);
    expect((await list(m.managing_editor, `desk=${nr.otherDesk}&author=${m.contributor.user.id}`)).items.map((x) => x.id)).toEqual([mine]);
    expect((await list(m.managing_editor, 'status=draft')).items.every((x) => x.status === 'draft')).toBe(true);
    const page = await list(m.managing_editor, 'perPage=2&page=1');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect((await nr.call(m.managing_editor, 'GET', '/api/v1/articles?status=bogus')).status).toBe(400);
    // Somebody else's story outside your desk is not yours to read.
    expect((await nr.call(m.reporter, 'GET', `/api/v1/articles/${mine}`)).status).toBe(403);
  });

  it('sessions: generic login errors, rate limit, logout, bearer tokens, disabled accounts', async () => {
    const m = nr.members;
    const login = (email: string, password: string, ip = '10.0.0.1') => nr.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password }) });
    const wrong = await login(m.reporter.user.email, 'sai-mat-khau');
    const unknown = await login('khong-co@example.vn', 'sai-mat-khau');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    const ok = await login(m.reporter.user.email, m.reporter.password);
    expect(ok.statusCode).toBe(200);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    // The page cache knows this cookie: a signed-in user is never served or stored as a reader.
    expect(isPrivateRequest({ cookie: `theme=dark; ${cookie.split(';')[0]}` })).toBe(true);
    // Per-account limit: the fifth failure locks out further attempts, even with the right password.
    for (let i = 0; i < 5; i++) await login(m.contributor.user.email, 'sai', `10.0.1.${i}`);
    const limited = await login(m.contributor.user.email, m.contributor.password, '10.0.2.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Attempts in parallel see each other: at most five of a burst reach the password check.
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => login('tan-cong@example.vn', `doan-${i}`, `10.0.4.${i}`)));
    expect(burst.filter((r) => r.statusCode === 401).length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(25);
    // Per-address limit across accounts.
    for (let i = 0; i < 20; i++) await login(`nguoi${i}@example.vn`, 'sai', '10.9.9.9');
    expect((await login(m.editor.user.email, m.editor.password, '10.9.9.9')).statusCode).toBe(429);
    expect((await login(m.editor.user.email, m.editor.password, '10.9.9.10')).statusCode).toBe(200);
    // The count lives in the database: another app process (here a second server over the same database) refuses too.
    const other = await buildServer(createContext(nr.store, mkdtempSync(join(tmpdir(), 'toasoan-second-app-'))), { cache: false });
    try {
      const elsewhere = await other.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '10.0.3.1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: m.contributor.user.email, password: m.contributor.password }) });
      expect(elsewhere.statusCode).toBe(429);
    } finally {
      await other.close();
    }

    // Session info and logout.
    const who = { ...m.reporter, cookie: cookie.split(';')[0]!, csrf: ok.json().csrfToken as string };
    const s = await nr.call(who, 'GET', '/api/v1/session');
    expect(s.json()).toMatchObject({ user: { id: m.reporter.user.id }, roles: [{ key: 'reporter', label: 'Phóng viên' }], desks: [{ id: nr.desk }], via: 'session' });
    // The app shows screens by these (reporter: own stories, desk view, no audit log or tags).
    expect(s.json().permissions).toMatchObject({ edit: 'own', view: 'desk', create: 'all' });
    expect(s.json().permissions).not.toHaveProperty('view_audit');
    expect(s.json().permissions).not.toHaveProperty('manage_taxonomy');
    expect((await nr.call(m.admin, 'GET', '/api/v1/session')).json().permissions).toMatchObject({ view_audit: 'all', manage_taxonomy: 'all' });
    expect((await nr.call(who, 'DELETE', '/api/v1/session', undefined, { csrf: false })).status).toBe(403);
    expect((await nr.call(who, 'DELETE', '/api/v1/session')).status).toBe(204);
    expect((await nr.call(who, 'GET', '/api/v1/session')).status).toBe(401);

    // Bearer tokens skip CSRF; a bad token is 401 and never falls back to the cookie.
    const created = await nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Tin qua API token', categoryId: nr.desk }, { bearer: true });
    expect(created.status).toBe(201);
    expect((await nr.call(m.reporter, 'GET', '/api/v1/session', undefined, { bearer: true })).json()).toMatchObject({ via: 'token', csrfToken: null });
    expect((await nr.call(m.reporter, 'GET', '/api/v1/session', undefined, { headers: { authorization: 'Bearer tsn_khong_hop_le_1234567890' } })).status).toBe(401);

    // An admin disables an account: its sessions and tokens stop working at once.
    const victim = await nr.call(m.admin, 'POST', '/api/v1/users', { email: 'tam-thoi@example.vn', name: 'Tạm Thời', roles: ['reporter'] });
    expect(victim.status).toBe(201);
    const { user, generatedPassword } = victim.json<{ user: { id: number }; generatedPassword: string }>();
    const vlogin = await login('tam-thoi@example.vn', generatedPassword, '10.3.3.3');
    expect(vlogin.statusCode).toBe(200);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    const vcookie = String(vlogin.headers['set-cookie']).split(';')[0]!;
    expect((await nr.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: vcookie } })).statusCode).toBe(401);
    expect((await login('tam-thoi@example.vn', generatedPassword, '10.3.3.4')).statusCode).toBe(401);
  });

  it('password change: wrong current passwords are audited and limited like logins; a change ends every session', async () => {
    const password = 'mat-khau-cu-du-dai-123';
    const login = async (email: string, pw: string) => nr.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '10.0.7.1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: pw }) });
    const member = async (email: string): Promise<Member> => {
      const user = await createUser(nr.store.db, { email, name: 'Phóng viên đổi mật khẩu', password, roles: ['reporter'], deskIds: [nr.desk] });
      const res = await login(email, password);
      return { role: 'reporter', user, password, cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string, token: '' };
    };
    const victim = await member('doi-mat-khau-1@example.vn');
    const change = (who: Member, currentPassword: string) => nr.call(who, 'POST', '/api/v1/session/password', { currentPassword, newPassword: 'mat-khau-moi-du-dai-456' });
    for (let i = 0; i < 5; i++) expect((await change(victim, `doan-sai-${i}`)).status).toBe(403);
    const limited = await change(victim, password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const failures = await nr.store.db.selectFrom('audit_log').select('id').where('action', '=', 'password_change_failed').where('user_id', '=', victim.user.id).execute();
    expect(failures).toHaveLength(5);

    const owner = await member('doi-mat-khau-2@example.vn');
    expect((await change(owner, password)).status).toBe(204);
    expect((await nr.call(owner, 'GET', '/api/v1/session')).status).toBe(401);
    expect((await login(owner.user.email, 'mat-khau-moi-du-dai-456')).statusCode).toBe(200);
  });

  it('a publish that committed answers 200 even when an event listener fails after the commit', async () => {
    const id = await nr.seedStory({ status: 'approved', authorId: nr.members.reporter.user.id });
    const unsubscribe = nr.ctx.events.subscribe(() => {
      throw new Error('bộ nghe sự kiện hỏng');
    });
    try {
      const r = await nr.call(nr.members.editor_in_chief, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'publish' });
      expect(r.status, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'published' });
    } finally {
      unsubscribe();
    }
  });

  it('admin: no self-granted roles, two-level categories, tag renames reach search, changes and their audit entries together', async () => {
    const m = nr.members;
    const self = await nr.call(m.admin, 'PATCH', `/api/v1/users/${m.admin.user.id}`, { roles: ['admin', 'editor_in_chief'] });
    expect(self.status).toBe(403);
    expect((await nr.call(m.admin, 'GET', `/api/v1/users/${m.admin.user.id}`)).json()).toMatchObject({ roles: ['admin'] });

    const top = (await nr.call(m.admin, 'POST', '/api/v1/categories', { name: 'Văn hóa' })).json<{ id: number }>().id;
    // Paths the site already answers are not category slugs, given or made from the name.
    for (const body of [{ name: 'Tìm kiếm' }, { name: 'Số liệu', slug: 'metrics' }, { name: 'Quản trị', slug: 'admin' }]) {
      const refused = await nr.call(m.admin, 'POST', '/api/v1/categories', body);
      expect(refused.status, refused.body).toBe(409);
      expect(refused.json<{ detail: string }>().detail).toContain('đã dành cho trang khác');
    }
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/categories/${top}`, { slug: 'tim-kiem' })).status).toBe(409);
    const sub = (await nr.call(m.admin, 'POST', '/api/v1/categories', { name: 'Di sản', parentId: top })).json<{ id: number }>().id;
    expect((await nr.call(m.admin, 'POST', '/api/v1/categories', { name: 'Cấp ba', parentId: sub })).status).toBe(422);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/categories/${top}`, { parentId: 999_999 })).status).toBe(422);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/categories/${top}`, { parentId: nr.desk })).status).toBe(422);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/categories/${nr.desk}`, { parentId: sub })).status).toBe(422);

    const story = await nr.seedStory({ status: 'published', authorId: m.reporter.user.id, title: 'Lễ hội đền vùng biên' });
    await nr.store.db.transaction().execute(async (trx) => {
      const { setArticleTags } = await import('../../storage/content.ts');
      const { indexArticle } = await import('../../search/indexer.ts');
      await setArticleTags(trx, story, ['Túc cầu']);
      await indexArticle(trx, story);
    });
    const { searchArticles } = await import('../../search/search.ts');
    const found = async (q: string) => (await searchArticles(nr.store.db, q)).hits.map((h) => h.article.id);
    expect(await found('túc cầu')).toContain(story);
    const tag = (await nr.store.db.selectFrom('tags').select('id').where('name', '=', 'Túc cầu').executeTakeFirstOrThrow()).id;
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/tags/${tag}`, { name: 'Bóng đá phong trào' })).status).toBe(200);
    expect(await found('phong trào')).toContain(story);
    expect(await found('túc cầu')).not.toContain(story);
    // Renaming onto another tag's name (accents and case aside) is refused and changes nothing; its own name is fine.
    const other = (await nr.call(m.admin, 'POST', '/api/v1/tags', { name: 'Bão số 3' })).json() as { id: number };
    const clash = await nr.call(m.admin, 'PATCH', `/api/v1/tags/${tag}`, { name: '  bão SỐ 3 ' });
    expect(clash.status).toBe(409);
    expect(clash.json()).toMatchObject({ detail: 'Đã có thẻ “Bão số 3”.' });
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/tags/${tag}`, { name: 'Báo số 3' })).status).toBe(200);
    expect((await nr.call(m.admin, 'PATCH', `/api/v1/tags/${other.id}`, { name: ' Bão Số 3 ' })).json()).toMatchObject({ name: 'Bão Số 3' });

    // Requests creating one new tag at once: one makes it, the others are told it exists, and there is one tag.
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => nr.call(m.admin, 'POST', '/api/v1/tags', { name: i % 2 ? 'Lũ quét' : 'lũ QUÉT' })));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect((await nr.store.db.selectFrom('tags').select('id').where('slug', 'like', 'lu-quet%').execute()).length).toBe(1);

    // When the audit entry cannot be written, the change is not kept either.
    const fail = nr.store.engine === 'sqlite'
      ? [sql`CREATE TRIGGER audit_fail BEFORE INSERT ON audit_log WHEN NEW.action = 'user_update' BEGIN SELECT RAISE(ABORT, 'audit hỏng'); END`]
      : [sql`CREATE FUNCTION audit_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'user_update' THEN RAISE EXCEPTION 'audit hỏng'; END IF; RETURN NEW; END $$`, sql`CREATE TRIGGER audit_fail BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fail()`];
    for (const q of fail) await q.execute(nr.store.db);
    try {
      expect((await nr.call(m.admin, 'PATCH', `/api/v1/users/${m.contributor.user.id}`, { roles: ['reporter'] })).status).toBe(500);
      expect((await nr.call(m.admin, 'GET', `/api/v1/users/${m.contributor.user.id}`)).json()).toMatchObject({ roles: ['contributor'] });
    } finally {
      await sql`DROP TRIGGER audit_fail${sql.raw(nr.store.engine === 'postgres' ? ' ON audit_log' : '')}`.execute(nr.store.db);
      if (nr.store.engine === 'postgres') await sql`DROP FUNCTION audit_fail()`.execute(nr.store.db);
    }
  });

  it('a story you may not see: restore and revision restore say 403, not whether it is deleted or which revisions exist', async () => {
    const theirs = await nr.seedStory({ status: 'draft', authorId: nr.members.editor.user.id, categoryId: nr.otherDesk });
    expect((await nr.call(nr.members.contributor, 'POST', `/api/v1/articles/${theirs}/restore`)).status).toBe(403);
    const restore = await nr.call(nr.members.contributor, 'POST', `/api/v1/articles/${theirs}/revisions/999999/restore`, {}, { headers: { 'if-match': `"${theirs}-1"` } });
    expect(restore.status).toBe(403);
  });

  it('ids beyond 32 bits are a 400 everywhere, never a database error', async () => {
    const big = 99_999_999_999;
    for (const url of [`/api/v1/articles/${big}`, `/api/v1/articles/1/revisions/${big}/diff`, `/api/v1/articles/${big}/preview`, `/api/v1/articles?author=${big}`, `/api/v1/articles?desk=${big}`, `/api/v1/audit?articleId=${big}`, `/api/v1/audit?userId=${big}`]) {
      const r = await nr.call(nr.members.editor_in_chief, 'GET', url);
      expect(r.status, url).toBe(400);
    }
    const create = await nr.call(nr.members.reporter, 'POST', '/api/v1/articles', { title: 'Tin thử', categoryId: big });
    expect(create.status).toBe(400);
  });

  it('behind a proxy, the client address is the one the proxy saw, not one the client wrote', async () => {
    const behind = await buildServer(createContext(nr.store, mkdtempSync(join(tmpdir(), 'toasoan-proxy-app-'))), { cache: false, trustProxy: trustProxyFrom('on') });
    try {
      const email = 'sau-proxy@example.vn';
      const r = await behind.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '10.0.0.2', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7, 203.0.113.9' }, payload: JSON.stringify({ email, password: 'sai-mat-khau' }) });
      expect(r.statusCode).toBe(401);
      const row = await nr.store.db.selectFrom('audit_log').select('ip').where('action', '=', 'login_failed').where('user_email', '=', email).executeTakeFirstOrThrow();
      expect(row.ip).toBe('203.0.113.9');
    } finally {
      await behind.close();
    }
    expect(trustProxyFrom('')).toBe(false);
    expect(trustProxyFrom('2')).toBe(2);
    expect(trustProxyFrom('10.0.0.2, 10.0.0.3')).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(() => trustProxyFrom('mọi-nơi')).toThrow('TRUST_PROXY');
  });

  it('sessions expire, and an expired session is refused', async () => {
    const m = nr.members;
    const res = await nr.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '10.4.4.4', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: m.desk_head.user.email, password: m.desk_head.password }) });
    const body = res.json<{ expiresAt: string; csrfToken: string }>();
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11);
    expect(hours).toBeLessThanOrEqual(12);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect(String(res.headers['set-cookie'])).toMatch(/Max-Age=43200/);
    const session = () => nr.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    expect((await session()).statusCode).toBe(200);
    await nr.store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', m.desk_head.user.id).where('csrf_token', '=', body.csrfToken).execute();
    expect((await session()).statusCode).toBe(401);
  });

  it('media library text: PATCH validates, audits, and tells the pages that draw the image only when something changed', async () => {
    const m = nr.members;
    const photo = await insertMedia(nr.store.db, { fileName: 'cho-phien.jpg', storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: 'Chợ phiên', credit: '', alt: '' });
    const seen: unknown[] = [];
    const off = nr.ctx.events.subscribe((e) => void (e.type === 'media.updated' && seen.push(e)));
    try {
      const r = await nr.call(m.reporter, 'PATCH', `/api/v1/media/${photo}`, { caption: '  Chợ phiên vùng cao  ', alt: 'Người dân mua bán' });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ id: photo, caption: 'Chợ phiên vùng cao', alt: 'Người dân mua bán', credit: '' });
      expect(seen).toEqual([{ type: 'media.updated', mediaId: photo }]);
      // The same text again changes nothing: no page needs to re-render.
      expect((await nr.call(m.reporter, 'PATCH', `/api/v1/media/${photo}`, { caption: 'Chợ phiên vùng cao' })).status).toBe(200);
      expect(seen).toHaveLength(1);
      expect((await nr.call(m.reporter, 'PATCH', `/api/v1/media/${photo}`, { caption: 'x', width: 10 })).status).toBe(400);
      expect((await nr.call(m.reporter, 'PATCH', '/api/v1/media/999999', { caption: 'x' })).status).toBe(404);
      expect((await nr.call(null, 'PATCH', `/api/v1/media/${photo}`, { caption: 'x' })).status).toBe(401);
      expect(seen).toHaveLength(1);
      const audit = await nr.store.db.selectFrom('audit_log').select(['user_id', 'details']).where('action', '=', 'media_update').where('target', '=', `media:${photo}`).orderBy('id').execute();
      expect(audit).toHaveLength(2);
      expect(JSON.parse(audit[0]!.details)).toEqual({ changes: { caption: 'Chợ phiên vùng cao', alt: 'Người dân mua bán' } });
    } finally {
      off();
    }
  });

  it('media library text on live pages: only people who may edit those published stories change it', async () => {
    const m = nr.members;
    const cover = await insertMedia(nr.store.db, { fileName: 'bia.jpg', storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: 'Ảnh bìa', credit: '', alt: '' });
    const figure = await insertMedia(nr.store.db, { fileName: 'minh-hoa.jpg', storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: 'Ảnh minh họa', credit: '', alt: '' });
    const story = await nr.seedStory({ status: 'published', authorId: m.reporter.user.id, title: 'Tin có ảnh' });
    const body = { type: 'doc', content: [paragraph('Đoạn một.'), { type: 'figure', attrs: { mediaId: figure, fileName: '', width: 800, height: 600, alt: '', caption: '', credit: '' } }] };
    await nr.store.db.updateTable('articles').set({ cover_media_id: cover, body: JSON.stringify(body) }).where('id', '=', story).execute();
    // Written past the storage functions, so the use table is brought in step as every write path does.
    await syncArticleMedia(nr.store.db, story);
    for (const photo of [cover, figure]) {
      expect((await nr.call(m.contributor, 'PATCH', `/api/v1/media/${photo}`, { caption: 'Sửa lén' })).status).toBe(403);
      expect((await nr.call(m.reporter, 'PATCH', `/api/v1/media/${photo}`, { caption: 'Sửa lén' })).status).toBe(403);
      expect((await nr.call(m.editor, 'PATCH', `/api/v1/media/${photo}`, { caption: 'Chú thích đã duyệt' })).status).toBe(200);
    }
    // Image 1 is not image 10: "mediaId":1 must not match "mediaId":10.
    const unused = await insertMedia(nr.store.db, { fileName: 'chua-dung.jpg', storageKey: null, mime: 'image/jpeg', width: 800, height: 600, caption: '', credit: '', alt: '' });
    expect((await nr.call(m.contributor, 'PATCH', `/api/v1/media/${unused}`, { caption: 'Ảnh mới tải' })).status).toBe(200);
  });

  it('uploads: all files of a request go into the library or none; too many files is a 413', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = (color: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toBuffer();
    const upload = async (files: Array<{ name: string; data: Buffer; type: string }>) => {
      const boundary = '----toasoan-test-boundary';
      const parts = files.map((f) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n')]));
      const payload = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
      return nr.app.inject({ method: 'POST', url: '/api/v1/media', payload, headers: { cookie: nr.members.reporter.cookie, 'x-csrf-token': nr.members.reporter.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    };
    const count = async () => Number((await nr.store.db.selectFrom('media').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const mixed = await upload([{ name: 'tot.jpg', data: await jpeg('#2a6'), type: 'image/jpeg' }, { name: 'hong.jpg', data: Buffer.from('không phải ảnh'), type: 'image/jpeg' }]);
    expect([415, 422]).toContain(mixed.statusCode);
    expect(mixed.json().detail).toContain('hong.jpg');
    expect(await count()).toBe(before);
    const many = await upload(await Promise.all(Array.from({ length: 21 }, async (_, i) => ({ name: `anh-${i}.jpg`, data: await jpeg(`#${(100 + i).toString(16)}a`), type: 'image/jpeg' }))));
    expect(many.statusCode).toBe(413);
    expect(many.json().detail).toContain('20');
    expect(await count()).toBe(before);
    const two = await upload([{ name: 'mot.jpg', data: await jpeg('#a62'), type: 'image/jpeg' }, { name: 'hai.jpg', data: await jpeg('#26a'), type: 'image/jpeg' }]);
    expect(two.statusCode, two.body).toBe(201);
    expect(two.json().items.map((i: { fileName: string }) => i.fileName)).toEqual(['mot.jpg', 'hai.jpg']);
    expect(await count()).toBe(before + 2);
  });

  it('serves OpenAPI 3.1 generated from the schemas, and an HTML index', async () => {
    const json = await nr.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(json.statusCode).toBe(200);
    const d = json.json();
    expect(d.openapi).toBe('3.1.0');
    expect(Object.keys(d.paths)).toEqual(expect.arrayContaining(['/api/v1/session', '/api/v1/articles', '/api/v1/articles/{id}', '/api/v1/articles/{id}/transitions', '/api/v1/articles/{id}/revisions', '/api/v1/audit', '/api/v1/users', '/api/v1/categories', '/api/v1/tags', '/api/v1/settings', '/api/v1/media']));
    const patchBody = d.paths['/api/v1/articles/{id}'].patch.requestBody.content['application/json'].schema;
    expect(patchBody.additionalProperties).toBe(false);
    // Every $ref resolves inside the document.
    const refs = JSON.stringify(d).match(/"\$ref":"#\/components\/(schemas|responses)\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const [, kind, name] = /#\/components\/(schemas|responses)\/([^"]+)/.exec(ref)!;
      expect(d.components[kind!][name!], ref).toBeDefined();
    }
    const missing = await nr.app.inject({ method: 'GET', url: '/api/v1/khong-co' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ type: 'https://toasoan.dev/problems/not-found', status: 404 });
    const html = await nr.app.inject({ method: 'GET', url: '/api/docs' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('/api/v1/articles/{id}/transitions');
  });
});
