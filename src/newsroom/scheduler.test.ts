import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testEngines } from '../storage/testing.ts';
import { openStore } from '../storage/database.ts';
import { createContext } from '../web/context.ts';
import { openNewsroom, type Newsroom } from './testing.ts';
import { Scheduler } from './scheduler.ts';
import type { ContentEvent } from '../domain/events.ts';

const engines = await testEngines();

describe.each(engines)('scheduled publishing on $engine', ({ engine, open }) => {
  let nr: Newsroom;
  beforeAll(async () => {
    nr = await openNewsroom(await open());
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const schedule = async (minutesFromNow: number) => {
    const m = nr.members;
    const id = await nr.seedStory({ status: 'approved', authorId: m.reporter.user.id, title: `Tin hẹn giờ ${minutesFromNow}` });
    const at = new Date(Date.now() + minutesFromNow * 60_000).toISOString();
    const r = await nr.call(m.managing_editor, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'schedule', at });
    expect(r.status, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'scheduled', scheduledAt: at });
    return { id, at };
  };

  it('publishes a story when it falls due, from the state in the database, emitting the event', async () => {
    const due = await schedule(1);
    const later = await schedule(60);
    const events: ContentEvent[] = [];
    nr.ctx.events.subscribe((e) => {
      events.push(e);
    });
    // A scheduler that did not exist when the story was scheduled (as after a restart), on its own connection.
    const store2 = await openStore(nr.store.url, { pgSchema: nr.store.pgSchema, migrate: false });
    try {
      const ctx2 = createContext(store2, nr.ctx.mediaDir, nr.ctx.events);
      const scheduler = new Scheduler(ctx2);
      expect(await scheduler.tick(Date.now())).toEqual({ ran: true, published: [] });
      const result = await scheduler.tick(Date.parse(due.at) + 1000);
      expect(result).toEqual({ ran: true, published: [due.id] });
    } finally {
      await store2.close();
    }
    const view = (await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/articles/${due.id}`)).json();
    expect(view).toMatchObject({ status: 'published', publishedAt: due.at, scheduledAt: null });
    expect(events).toContainEqual({ type: 'article.published', articleId: due.id });
    expect((await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/articles/${later.id}`)).json()).toMatchObject({ status: 'scheduled' });
    const audit = (await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/audit?articleId=${due.id}`)).json<{ items: Array<{ action: string; userEmail: string; userId: number | null }> }>().items;
    expect(audit.at(-1)).toMatchObject({ action: 'publish', userEmail: 'system', userId: null });
    const page = await nr.app.inject({ method: 'GET', url: view.url as string });
    expect(page.statusCode).toBe(200);
  });

  it('does not publish a story whose time was moved later after the scheduler picked it', async () => {
    const { id } = await schedule(1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const r = await nr.call(nr.members.managing_editor, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'schedule', at: tomorrow });
    expect(r.json()).toMatchObject({ status: 'scheduled', scheduledAt: tomorrow });
    // The scheduler's own check of a story it listed as due a moment ago, now in its transaction.
    const { transitionStory } = await import('./stories.ts');
    await expect(transitionStory(nr.ctx, { user: null, meta: { ip: '', userAgent: 'test' } }, id, { action: 'publish' }, Date.now() + 2 * 60_000)).rejects.toThrow('chưa đến giờ');
    expect((await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/articles/${id}`)).json()).toMatchObject({ status: 'scheduled', scheduledAt: tomorrow });
  });

  it('runs on its own timer and publishes within a few seconds of the due time', async () => {
    const m = nr.members;
    const id = await nr.seedStory({ status: 'approved', authorId: m.reporter.user.id });
    const at = new Date(Date.now() + 1500).toISOString();
    expect((await nr.call(m.editor_in_chief, 'POST', `/api/v1/articles/${id}/transitions`, { action: 'schedule', at })).status).toBe(200);
    const published = new Promise<number>((resolve) => {
      const scheduler = new Scheduler(nr.ctx, {
        intervalMs: 200,
        onPublished: (articleId) => {
          if (articleId === id) void scheduler.stop().then(() => resolve(articleId));
        },
      }).start();
    });
    expect(await published).toBe(id);
    expect((await nr.call(m.editor_in_chief, 'GET', `/api/v1/articles/${id}`)).json()).toMatchObject({ status: 'published' });
  });

  it('editing a scheduled story voids the approval and the schedule', async () => {
    const { id } = await schedule(30);
    const g = await nr.call(nr.members.editor, 'GET', `/api/v1/articles/${id}`);
    const r = await nr.call(nr.members.editor, 'PATCH', `/api/v1/articles/${id}`, { sapo: 'Đổi sau khi duyệt' }, { headers: { 'if-match': String(g.headers.etag) } });
    expect(r.json()).toMatchObject({ status: 'awaiting_approval', scheduledAt: null });
    expect((await new Scheduler(nr.ctx).tick(Date.now() + 3_600_000)).published).not.toContain(id);
  });

  it.runIf(engine === 'postgres')('with several processes only one runs a tick at a time (advisory lock)', async () => {
    const { id, at } = await schedule(2);
    const other = await openStore(nr.store.url, { pgSchema: nr.store.pgSchema, migrate: false });
    try {
      // Another process holds the scheduler lock: this one stands aside.
      await other.db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(hashtext('toasoan.scheduler:' || current_schema()))`.execute(conn);
        try {
          expect(await new Scheduler(nr.ctx).tick(Date.parse(at) + 1000)).toEqual({ ran: false, published: [] });
        } finally {
          await sql`select pg_advisory_unlock(hashtext('toasoan.scheduler:' || current_schema()))`.execute(conn);
        }
      });
      // Two schedulers racing: the story is published exactly once.
      const a = new Scheduler(nr.ctx);
      const b = new Scheduler(createContext(other, nr.ctx.mediaDir, nr.ctx.events));
      const results = await Promise.all([a.tick(Date.parse(at) + 1000), b.tick(Date.parse(at) + 1000)]);
      expect(results.flatMap((r) => r.published)).toEqual([id]);
    } finally {
      await other.close();
    }
    const publishes = (await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/audit?articleId=${id}&action=publish`)).json<{ total: number }>().total;
    expect(publishes).toBe(1);
  });
});
