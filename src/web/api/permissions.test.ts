import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { ROLES, type Role } from '../../domain/roles.ts';
import { can, scopeOf, type StoryRef } from '../../domain/permissions.ts';
import { canDelete, checkTransition, editPermission, TRANSITION_ACTIONS, type TransitionAction, type WorkflowState } from '../../domain/workflow.ts';
import type { ArticleStatus } from '../../domain/article.ts';
import { documentedRoutes } from './route.ts';

/**
 * Every role × every action over HTTP, against what the permission matrix says: 2xx where it
 * allows, 403 where it denies; 401 without credentials; 403 without the CSRF token on a cookie session.
 */
const engines = await testEngines();

const FROM: Record<TransitionAction, { status: ArticleStatus; correction?: 'draft' | 'awaiting_approval' }> = {
  submit: { status: 'draft' },
  start_editing: { status: 'submitted' },
  return: { status: 'awaiting_approval' },
  send_for_approval: { status: 'editing' },
  approve: { status: 'awaiting_approval' },
  publish: { status: 'approved' },
  schedule: { status: 'approved' },
  unschedule: { status: 'scheduled' },
  unpublish: { status: 'published' },
  republish: { status: 'unpublished' },
  discard_correction: { status: 'published', correction: 'draft' },
};

/** Spot checks written from the issue, so the HTTP layer and the matrix are both held to it. */
const MUST: Array<[Role, TransitionAction, boolean]> = [
  ['admin', 'publish', false],
  ['admin', 'approve', false],
  ['contributor', 'approve', false],
  ['editor', 'return', true],
  ['editor', 'send_for_approval', true],
  ['editor', 'publish', false],
  ['desk_head', 'approve', false],
  ['managing_editor', 'schedule', true],
  ['managing_editor', 'publish', false],
  ['deputy_editor_in_chief', 'publish', true],
  ['editor_in_chief', 'unpublish', true],
  ['reporter', 'unpublish', false],
];

describe.each(engines)('permission matrix over HTTP on $engine', ({ open }) => {
  let nr: Newsroom;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const ref = (who: Member, authorId: number): StoryRef => ({ authorId, categoryId: nr.desk });
  const actorOf = (who: Member) => ({ id: who.user.id, roles: who.role === 'admin' ? (['admin'] as Role[]) : [who.role], deskIds: [nr.desk] });
  /** A story by someone else on the member's desk, and one of their own. */
  const authors = (who: Member): Array<[string, number]> => [
    ['other', who.role === 'contributor' ? nr.members.reporter.user.id : nr.members.contributor.user.id],
    ['own', who.user.id],
  ];

  it('transitions: each allow and each deny as the matrix says', async () => {
    const seen = { allowed: 0, denied: 0 };
    for (const role of ROLES) {
      const who = nr.members[role];
      for (const action of TRANSITION_ACTIONS) {
        for (const [kind, authorId] of authors(who)) {
          const from = FROM[action];
          const id = await nr.seedStory({ status: from.status, authorId, correction: from.correction });
          const state: WorkflowState = { status: from.status, correction: from.correction ?? null, deleted: false };
          const expected = can(actorOf(who), 'view', ref(who, authorId)) && checkTransition(actorOf(who), ref(who, authorId), state, action).ok;
          const res = await nr.call(who, 'POST', `/api/v1/articles/${id}/transitions`, { action, note: 'Ghi chú', at: new Date(Date.now() + 86_400_000).toISOString() });
          expect(res.status, `${role} ${action} on ${kind} story: ${res.body.slice(0, 200)}`).toBe(expected ? 200 : 403);
          if (!expected) expect(res.json<{ type: string }>().type).toBe('https://toasoan.dev/problems/forbidden');
          seen[expected ? 'allowed' : 'denied']++;
          const must = MUST.find(([r, a]) => r === role && a === action);
          if (must && kind === 'other') expect(expected, `${role} ${action}`).toBe(must[2]);
        }
      }
    }
    expect(seen.allowed).toBeGreaterThan(40);
    expect(seen.denied).toBeGreaterThan(40);
  });

  it('editing, spiking, restoring and creating: each allow and deny as the matrix says', async () => {
    for (const role of ROLES) {
      const who = nr.members[role];
      for (const status of ['draft', 'submitted', 'approved', 'published'] as const) {
        for (const [kind, authorId] of authors(who)) {
          const r = ref(who, authorId);
          const visible = can(actorOf(who), 'view', r);
          const id = await nr.seedStory({ status, authorId });
          const etag = `"${id}-1"`;
          const edit = await nr.call(who, 'PATCH', `/api/v1/articles/${id}`, { sapo: 'Sửa tóm tắt' }, { headers: { 'if-match': etag } });
          expect(edit.status, `${role} edit ${status} ${kind}: ${edit.body.slice(0, 200)}`).toBe(visible && can(actorOf(who), editPermission(status), r) ? 200 : 403);

          const id2 = await nr.seedStory({ status, authorId });
          const del = await nr.call(who, 'DELETE', `/api/v1/articles/${id2}`);
          const mayDelete = visible && canDelete(actorOf(who), r, { status, correction: null, deleted: false });
          const expectedDelete = mayDelete ? 204 : status === 'published' && visible ? 409 : 403;
          expect(del.status, `${role} delete ${status} ${kind}`).toBe(expectedDelete);
        }
      }
      const spiked = await nr.seedStory({ status: 'draft', authorId: nr.members.contributor.user.id });
      await nr.store.db.updateTable('newsroom_articles').set({ deleted_at: new Date().toISOString() }).where('article_id', '=', spiked).execute();
      const restore = await nr.call(who, 'POST', `/api/v1/articles/${spiked}/restore`);
      expect(restore.status, `${role} restore`).toBe(can(actorOf(who), 'restore', ref(who, nr.members.contributor.user.id)) ? 200 : 403);

      const create = await nr.call(who, 'POST', '/api/v1/articles', { title: `Tin của ${role}`, categoryId: nr.desk });
      expect(create.status, `${role} create`).toBe(can(actorOf(who), 'create') ? 201 : 403);
    }
  });

  it('administration: users, categories, tags, settings and the audit log', async () => {
    const settings = (await nr.call(nr.members.admin, 'GET', '/api/v1/settings')).json();
    for (const role of ROLES) {
      const who = nr.members[role];
      const a = actorOf(who);
      const users = await nr.call(who, 'POST', '/api/v1/users', { email: `moi-${role}@example.vn`, name: 'Người mới', roles: ['reporter'], password: 'mot-mat-khau-dai' });
      expect(users.status, `${role} create user`).toBe(can(a, 'manage_users') ? 201 : 403);
      const patchUser = await nr.call(who, 'PATCH', `/api/v1/users/${nr.members.contributor.user.id}`, { deskIds: [nr.desk] });
      expect(patchUser.status, `${role} edit user`).toBe(can(a, 'manage_users') ? 200 : 403);
      const cat = await nr.call(who, 'POST', '/api/v1/categories', { name: `Chuyên mục ${role}` });
      expect(cat.status, `${role} create category`).toBe(can(a, 'manage_taxonomy') ? 201 : 403);
      const patchCat = await nr.call(who, 'PATCH', `/api/v1/categories/${nr.otherDesk}`, { description: 'Mô tả' });
      expect(patchCat.status, `${role} edit category`).toBe(can(a, 'manage_taxonomy') ? 200 : 403);
      const tag = await nr.call(who, 'POST', '/api/v1/tags', { name: `Thẻ ${role}` });
      expect(tag.status, `${role} create tag`).toBe(can(a, 'manage_taxonomy') ? 201 : 403);
      const put = await nr.call(who, 'PUT', '/api/v1/settings', settings);
      expect(put.status, `${role} settings`).toBe(can(a, 'manage_settings') ? 200 : 403);
      const audit = await nr.call(who, 'GET', '/api/v1/audit');
      expect(audit.status, `${role} audit`).toBe(['desk', 'all'].includes(scopeOf(a, 'view_audit')) ? 200 : 403);
      // Reading the shared lists is open to every signed-in member.
      for (const url of ['/api/v1/categories', '/api/v1/tags', '/api/v1/settings', '/api/v1/users', '/api/v1/session']) expect((await nr.call(who, 'GET', url)).status, `${role} GET ${url}`).toBe(200);
    }
    expect(ROLES.filter((r) => can(actorOf(nr.members[r]), 'manage_users'))).toEqual(['admin']);
  });

  it('every protected route answers 401 without credentials, and every cookie mutation 403 without the CSRF token', async () => {
    const id = await nr.seedStory({ status: 'draft', authorId: nr.members.editor_in_chief.user.id });
    const path = (url: string) => '/api/v1' + url.replace(':revisionId', '1').replace(':id', String(id));
    const count = async () => Number((await nr.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    const protectedRoutes = documentedRoutes.filter((r) => r.auth !== false);
    expect(protectedRoutes.length).toBeGreaterThan(25);
    for (const r of protectedRoutes) {
      const res = await nr.call(null, r.method, path(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      expect(res.json<{ type: string }>().type).toBe('https://toasoan.dev/problems/unauthenticated');
    }
    const before = await count();
    const admin = nr.members.admin;
    const eic = nr.members.editor_in_chief;
    for (const r of protectedRoutes.filter((x) => x.method !== 'GET')) {
      for (const who of [admin, eic]) {
        const missing = await nr.call(who, r.method, path(r.url), r.method === 'DELETE' ? undefined : {}, { csrf: false });
        expect(missing.status, `${r.method} ${r.url} without CSRF`).toBe(403);
        expect(missing.json<{ type: string }>().type).toBe('https://toasoan.dev/problems/csrf');
        const wrong = await nr.call(who, r.method, path(r.url), r.method === 'DELETE' ? undefined : {}, { csrf: false, headers: { 'x-csrf-token': 'sai-ma-chong-gia-mao' } });
        expect(wrong.status, `${r.method} ${r.url} with a wrong CSRF token`).toBe(403);
      }
    }
    expect(await count()).toBe(before);
    expect((await nr.call(eic, 'GET', `/api/v1/articles/${id}`)).json<{ version: number }>().version).toBe(1);
  });
});
