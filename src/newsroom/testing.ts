import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TestStore } from '../storage/testing.ts';
import { createContext, type AppContext } from '../web/context.ts';
import { buildServer } from '../web/server.ts';
import { createCategory, createArticle } from '../storage/content.ts';
import { createApiToken, createUser, type User } from '../storage/newsroom.ts';
import { addRevision, readSnapshot } from '../storage/newsroom-articles.ts';
import { ROLES, type Role } from '../domain/roles.ts';
import { paragraph } from '../domain/document.ts';
import type { ArticleStatus } from '../domain/article.ts';
import type { CorrectionState } from '../domain/workflow.ts';

/** Test support for the newsroom API: a real server over a real database, one logged-in user per role. */

export interface Member {
  role: Role;
  user: User;
  password: string;
  cookie: string;
  csrf: string;
  token: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface Newsroom {
  store: TestStore;
  ctx: AppContext;
  app: FastifyInstance;
  desk: number;
  otherDesk: number;
  members: Record<Role, Member>;
  /** A request as a member (cookie session with CSRF unless told otherwise), by bearer token, or anonymous (null). */
  call(who: Member | null, method: string, url: string, body?: unknown, opts?: { headers?: Record<string, string>; csrf?: boolean; bearer?: boolean; raw?: string | Buffer }): Promise<Reply>;
  /** Inserts a story directly in a given state (for permission tests that need every starting point). */
  seedStory(opts: { status: ArticleStatus; authorId: number | null; categoryId?: number; correction?: CorrectionState; title?: string }): Promise<number>;
  close(): Promise<void>;
}

export const PASSWORD = 'mat-khau-thu-nghiem-1';

export async function openNewsroom(store: TestStore): Promise<Newsroom> {
  const mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-newsroom-media-'));
  const ctx = createContext(store, mediaDir);
  const desk = await createCategory(store.db, { name: 'Thời sự', slug: 'thoi-su' });
  const otherDesk = await createCategory(store.db, { name: 'Thể thao', slug: 'the-thao' });
  const app = await buildServer(ctx);
  await app.ready();

  const call: Newsroom['call'] = async (who, method, url, body, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (who && opts.bearer) headers.authorization = `Bearer ${who.token}`;
    else if (who) {
      headers.cookie = who.cookie;
      if (opts.csrf !== false) headers['x-csrf-token'] = who.csrf;
    }
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    return { status: res.statusCode, headers: res.headers, body: res.body, json: <T>() => JSON.parse(res.body) as T };
  };

  const members = {} as Record<Role, Member>;
  for (const role of ROLES) {
    const user = await createUser(store.db, { email: `${role}@example.vn`, name: `Người ${role}`, password: PASSWORD, roles: [role], deskIds: [desk] });
    const res = await app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: user.email, password: PASSWORD }) });
    if (res.statusCode !== 200) throw new Error(`login failed for ${role}: ${res.statusCode} ${res.body}`);
    const setCookie = String(res.headers['set-cookie']);
    const cookie = setCookie.split(';')[0]!;
    const { token } = await createApiToken(store.db, user.id, 'test');
    members[role] = { role, user, password: PASSWORD, cookie, csrf: (res.json() as { csrfToken: string }).csrfToken, token };
  }

  const seedStory: Newsroom['seedStory'] = async (o) => {
    const id = await createArticle(store.db, { title: o.title ?? `Tin ${o.status} ${Math.random().toString(36).slice(2, 8)}`, body: { type: 'doc', content: [paragraph('Đoạn mở đầu.')] }, categoryId: o.categoryId ?? desk, status: o.status });
    await store.db.insertInto('newsroom_articles').values({ article_id: id, author_id: o.authorId, correction_state: null, pending_revision_id: null, live_revision_id: null, corrected_at: null, scheduled_at: o.status === 'scheduled' ? new Date(Date.now() + 3_600_000).toISOString() : null, deleted_at: null, deleted_by: null }).execute();
    if (o.correction) {
      const snap = (await readSnapshot(store.db, id))!;
      const rev = await addRevision(store.db, id, 'correction', { ...snap, title: `${snap.title} (sửa)` }, o.authorId, '');
      await store.db.updateTable('newsroom_articles').set({ correction_state: o.correction, pending_revision_id: rev }).where('article_id', '=', id).execute();
    }
    return id;
  };

  return {
    store,
    ctx,
    app,
    desk,
    otherDesk,
    members,
    call,
    seedStory,
    async close() {
      await app.close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
