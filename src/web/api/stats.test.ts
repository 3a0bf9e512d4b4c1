import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { getSettings, saveSettings } from '../../storage/content.ts';
import { localDay } from '../../cache/views.ts';

/** "Lượt đọc" over real HTTP: GET /stats/most-read ranks reads per story over the site's local days, as the caller may see. */
const engines = await testEngines();

const DAY_MS = 86_400_000;
const VIETNAM = 420;

interface MostRead {
  items: Array<{ id: number; title: string; status: string; categoryId: number; publishedAt: string | null; views: number }>;
  total: number;
  page: number;
  perPage: number;
  days: number;
  from: string;
  to: string;
}

describe.each(engines)('most read stories over HTTP on $engine', ({ open }) => {
  let nr: Newsroom;
  let base: string;
  /** Stories: on the desk by the reporter and by the editor, on the other desk, and a spiked draft. */
  let mine: number, desks: number, other: number, spiked: number;

  beforeAll(async () => {
    nr = await openNewsroom(await open());
    base = await nr.app.listen({ port: 0, host: '127.0.0.1' });
    // Days are whole-hour offsets from UTC: keep clear of the top of an hour so "today" does not move mid-test.
    const toHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toHour < 20_000) await new Promise((r) => setTimeout(r, toHour + 1000));
    const m = nr.members;
    mine = await nr.seedStory({ status: 'published', authorId: m.reporter.user.id, title: 'Mưa lớn ở Hà Giang' });
    desks = await nr.seedStory({ status: 'published', authorId: m.editor.user.id, title: 'Giá xăng giảm nhẹ' });
    other = await nr.seedStory({ status: 'published', authorId: null, categoryId: nr.otherDesk, title: 'Đội tuyển thắng trận mở màn' });
    spiked = await nr.seedStory({ status: 'draft', authorId: m.reporter.user.id, title: 'Bản nháp đã xóa' });
    await nr.store.db.updateTable('newsroom_articles').set({ deleted_at: new Date().toISOString() }).where('article_id', '=', spiked).execute();
    // Days of the Vietnam calendar, relative to today there (0), as the counters write them.
    const day = (ago: number) => localDay(Date.now() - ago * DAY_MS, VIETNAM);
    const rows: Array<[number, number, number]> = [
      [mine, 0, 5],
      [mine, 1, 10],
      [mine, 7, 100], // the 8th day back: in 30 days, not in 7
      [desks, 0, 3],
      [desks, 6, 20], // the 7th day back: in 7 days
      [desks, 30, 1000], // the 31st day back: never
      [other, 0, 10],
      [other, 29, 7], // the 30th day back: in 30 days
      [other, -1, 5000], // tomorrow (a machine whose clock runs ahead): never
      [spiked, 0, 9999],
    ];
    await nr.store.db
      .insertInto('article_views')
      .values(rows.map(([article_id, ago, views]) => ({ article_id, day: day(ago), views })))
      .execute();
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  const get = async (who: Member | null, query: string) => {
    const res = await fetch(`${base}/api/v1/stats/most-read${query}`, { headers: { accept: 'application/json', ...(who ? { cookie: who.cookie } : {}) } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: <T = MostRead>() => JSON.parse(text) as T };
  };
  const ranking = async (who: Member, query: string) => {
    const r = await get(who, query);
    expect(r.status, r.text).toBe(200);
    const body = r.json();
    return { body, pairs: body.items.map((i) => [i.id, i.views]) };
  };

  it('ranks the stories by reads over today, 7 and 30 Vietnam days, without tomorrow or spiked stories', async () => {
    const chief = nr.members.editor_in_chief;
    const today = await ranking(chief, '?days=1');
    expect(today.pairs).toEqual([
      [other, 10],
      [mine, 5],
      [desks, 3],
    ]);
    expect(today.body).toMatchObject({ total: 3, page: 1, perPage: 20, days: 1, from: localDay(Date.now(), VIETNAM), to: localDay(Date.now(), VIETNAM) });
    expect(today.body.items[1]).toMatchObject({ id: mine, title: 'Mưa lớn ở Hà Giang', status: 'published', categoryId: nr.desk });
    expect(typeof today.body.items[1]!.publishedAt).toBe('string');

    const week = await ranking(chief, '?days=7');
    expect(week.pairs).toEqual([
      [desks, 23],
      [mine, 15],
      [other, 10],
    ]);
    expect(week.body.from).toBe(localDay(Date.now() - 6 * DAY_MS, VIETNAM));

    const month = await ranking(chief, '?days=30');
    expect(month.pairs).toEqual([
      [mine, 115],
      [desks, 23],
      [other, 17],
    ]);
    expect(month.body.from).toBe(localDay(Date.now() - 29 * DAY_MS, VIETNAM));
    // Seven days by default.
    expect((await ranking(chief, '')).pairs).toEqual(week.pairs);
  });

  it("counts days on the site's calendar: another UTC offset moves today and the rows it covers", async () => {
    const chief = nr.members.editor_in_chief;
    const now = Date.now();
    // Whichever of UTC+14 and UTC−12 is on another date than Vietnam now.
    const offset = localDay(now, 840) !== localDay(now, VIETNAM) ? 840 : -720;
    const settings = await getSettings(nr.store.db);
    await saveSettings(nr.store.db, { ...settings, utcOffsetMinutes: offset });
    try {
      const r = await ranking(chief, '?days=1');
      expect(r.body.to).toBe(localDay(now, offset));
      expect(r.body.to).not.toBe(localDay(now, VIETNAM));
      // UTC+14 is on Vietnam's tomorrow (only the clock-ahead row); UTC−12 on Vietnam's yesterday.
      expect(r.pairs).toEqual(offset === 840 ? [[other, 5000]] : [[mine, 10]]);
    } finally {
      await saveSettings(nr.store.db, settings);
    }
  });

  it('shows each person only the stories they may see, as the story list does', async () => {
    const m = nr.members;
    // A reporter sees their desk's stories, not the other desk's.
    const reporter = await ranking(m.reporter, '?days=7');
    expect(reporter.pairs).toEqual([
      [desks, 23],
      [mine, 15],
    ]);
    expect(reporter.body.total).toBe(2);
    const listed = await fetch(`${base}/api/v1/articles?status=published`, { headers: { cookie: m.reporter.cookie } }).then((r) => r.json() as Promise<{ items: Array<{ id: number }> }>);
    expect(listed.items.map((i) => i.id).sort()).toEqual([mine, desks].sort());
    // A contributor sees only their own stories: none here.
    expect((await ranking(m.contributor, '?days=30')).body).toMatchObject({ items: [], total: 0 });
    // Asking for the other desk does not widen what one sees.
    expect((await ranking(m.reporter, `?days=7&categoryId=${nr.otherDesk}`)).body).toMatchObject({ items: [], total: 0 });
    // Everyone's, for the administrator (view: all).
    expect((await ranking(m.admin, '?days=7')).body.total).toBe(3);
  });

  it('filters by category and pages through the ranking', async () => {
    const chief = nr.members.editor_in_chief;
    expect((await ranking(chief, `?days=30&categoryId=${nr.otherDesk}`)).pairs).toEqual([[other, 17]]);
    const first = await ranking(chief, '?days=7&perPage=2');
    expect(first.pairs).toEqual([
      [desks, 23],
      [mine, 15],
    ]);
    expect(first.body).toMatchObject({ total: 3, page: 1, perPage: 2 });
    const second = await ranking(chief, '?days=7&perPage=2&page=2');
    expect(second.pairs).toEqual([[other, 10]]);
    expect(second.body).toMatchObject({ total: 3, page: 2, perPage: 2 });
    expect((await ranking(chief, '?days=7&perPage=2&page=3')).body).toMatchObject({ items: [], total: 3 });
  });

  it('refuses invalid queries with a problem in Vietnamese, and anonymous callers', async () => {
    const chief = nr.members.editor_in_chief;
    for (const [query, path] of [
      ['?days=2', 'days'],
      ['?days=tuan', 'days'],
      ['?page=0', 'page'],
      ['?perPage=101', 'perPage'],
      ['?categoryId=abc', 'categoryId'],
      ['?categoryId=99999999999', 'categoryId'],
      ['?sort=views', ''],
    ] as const) {
      const r = await get(chief, query);
      expect(r.status, query).toBe(400);
      expect(r.type).toContain('application/problem+json');
      const p = r.json<{ title: string; detail: string; errors: Array<{ path: string; message: string }> }>();
      expect(p.title).toBe('Dữ liệu không hợp lệ');
      expect(p.detail).toBe('Tham số truy vấn không hợp lệ.');
      expect(p.errors.map((e) => e.path), query).toContain(path);
    }
    expect((await get(chief, '?days=2')).json<{ errors: Array<{ message: string }> }>().errors[0]!.message).toBe('Khoảng thời gian chỉ nhận 1, 7 hoặc 30 (ngày)');
    const anonymous = await get(null, '?days=7');
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
  });

  it("gives a story's reads over the last 7 days with the story", async () => {
    const r = await nr.call(nr.members.editor, 'GET', `/api/v1/articles/${mine}`);
    expect(r.status).toBe(200);
    expect(r.json<{ views7d: number }>().views7d).toBe(15);
    const none = await nr.call(nr.members.editor, 'GET', `/api/v1/articles/${other}`);
    // The editor works on the first desk only.
    expect(none.status).toBe(403);
    const chief = await nr.call(nr.members.editor_in_chief, 'GET', `/api/v1/articles/${other}`);
    expect(chief.json<{ views7d: number }>().views7d).toBe(10);
  });
});
