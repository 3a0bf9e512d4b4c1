import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEngines } from '../../storage/testing.ts';
import { openNewsroom, type Member, type Newsroom } from '../../newsroom/testing.ts';
import { paragraph } from '../../domain/document.ts';
import { makeM4a, makeMp3, makeOggOpus, MP3_FRAME_SECONDS } from '../../media/testing.ts';
import { MAX_AUDIO_BYTES } from '../../media/store.ts';
import { byteRange } from '../../media/routes.ts';

const engines = await testEngines();

interface Item {
  id: number;
  url: string;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  kind: string;
  duration: number | null;
  variants?: string[];
}
interface Problem {
  type: string;
  status: number;
  detail: string;
}

/** Audio in the library, over a real HTTP server: upload by content, the file route's ranges, and stories using it. */
describe.each(engines)('audio uploads and the media file route over HTTP on $engine', ({ open }) => {
  let nr: Newsroom;
  let base: string;
  const uploaded: Record<'mp3' | 'm4a' | 'ogg', Item> = {} as never;
  const files = { mp3: makeMp3(80), m4a: makeM4a(2.5), ogg: makeOggOpus(2) };

  const upload = async (who: Member, name: string, type: string, data: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type }), name);
    const res = await fetch(`${base}/api/v1/media`, { method: 'POST', body: form, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, accept: 'application/json' } });
    const text = await res.text();
    return { status: res.status, text, type: res.headers.get('content-type'), json: <T>() => JSON.parse(text) as T };
  };
  const mediaRows = async () => Number((await nr.store.db.selectFrom('media').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const audioBlock = (mediaId: number, title = 'Bản tin chiều') => ({ type: 'audio', attrs: { mediaId, title, caption: 'Đọc báo cùng phóng viên', credit: 'Giọng đọc: Thu Hà' } });
  const doc = (...blocks: unknown[]) => ({ type: 'doc', content: [paragraph('Mở đầu.'), ...blocks] });

  beforeAll(async () => {
    nr = await openNewsroom(await open());
    base = await nr.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await nr?.close();
    await nr?.store.dispose();
  });

  it('takes MP3, M4A and Ogg by their content, whatever their name and declared type, as audio rows with no pixels', async () => {
    const expected = {
      mp3: { mime: 'audio/mpeg', ext: 'mp3', duration: Math.round(80 * MP3_FRAME_SECONDS * 1000) / 1000 },
      m4a: { mime: 'audio/mp4', ext: 'm4a', duration: 2.5 },
      ogg: { mime: 'audio/ogg', ext: 'ogg', duration: 2 },
    };
    for (const format of ['mp3', 'm4a', 'ogg'] as const) {
      // Declared as something else, named without an extension: only the bytes count.
      const r = await upload(nr.members.reporter, `ban-tin-${format}`, 'application/octet-stream', files[format]);
      expect(r.status, r.text).toBe(201);
      const item = r.json<Item>();
      expect(item).toMatchObject({ mime: expected[format].mime, width: 0, height: 0, byteSize: files[format].length, kind: 'audio', duration: expected[format].duration, variants: [] });
      expect(item.url).toMatch(new RegExp(`^/media/[0-9a-f]{2}/[0-9a-f]{64}\\.${expected[format].ext}$`));
      // Stored as sent, under its hash, and no image variant was tried next to it.
      const path = join(nr.ctx.mediaDir, item.url.slice('/media/'.length));
      expect(readFileSync(path).equals(files[format])).toBe(true);
      expect(existsSync(path.replace(/\.\w+$/, '-w960.jpg'))).toBe(false);
      const row = await nr.store.db.selectFrom('media').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ mime: expected[format].mime, width: 0, height: 0, duration_ms: Math.round(expected[format].duration * 1000) });
      uploaded[format] = item;
    }
    const audit = await nr.store.db.selectFrom('audit_log').select('target').where('action', '=', 'media_upload').execute();
    expect(audit.map((a) => a.target)).toEqual(expect.arrayContaining((['mp3', 'm4a', 'ogg'] as const).map((f) => `media:${uploaded[f].id}`)));
  });

  it('refuses a text file named .mp3 (415) and a file over the audio limit (413), in Vietnamese, adding nothing', async () => {
    const before = await mediaRows();
    const renamed = await upload(nr.members.reporter, 'phong-van.mp3', 'audio/mpeg', Buffer.from('Biên bản phỏng vấn, lưu nhầm đuôi .mp3.\n'.repeat(20)));
    expect(renamed.status, renamed.text).toBe(415);
    expect(renamed.type).toContain('application/problem+json');
    expect(renamed.json<Problem>().detail).toBe('phong-van.mp3: Tệp không phải ảnh (JPEG, PNG, WebP, GIF, AVIF) hay âm thanh (MP3, M4A, Ogg) hợp lệ.');
    // Real MP3 frames, one byte too many: the multipart limit stops it while it is read.
    const huge = Buffer.concat([makeMp3(10), Buffer.alloc(MAX_AUDIO_BYTES)]);
    const over = await upload(nr.members.reporter, 'podcast-dai.mp3', 'audio/mpeg', huge);
    expect(over.status, over.text).toBe(413);
    expect(over.json<Problem>().detail).toBe('Tệp podcast-dai.mp3 quá lớn (tối đa 100 MB với âm thanh, 25 MB với ảnh).');
    expect(await mediaRows()).toBe(before);
  });

  it('lists audio or images alone with kind=, each item saying its kind and duration', async () => {
    const list = async (query: string) => {
      const res = await fetch(`${base}/api/v1/media${query}`, { headers: { cookie: nr.members.reporter.cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as { items: Item[]; total: number };
    };
    const photo = await nr.store.db.insertInto('media').values({ file_name: 'anh.jpg', storage_key: null, mime: 'image/jpeg', width: 800, height: 600, byte_size: 0, caption: 'Ảnh', credit: '', alt: '', sha256: null, created_at: new Date().toISOString(), search_f: 'anh', duration_ms: null }).returning('id').executeTakeFirstOrThrow();
    const audio = await list('?kind=audio');
    expect(audio.items.map((i) => i.id).sort()).toEqual([uploaded.mp3.id, uploaded.m4a.id, uploaded.ogg.id].sort());
    expect(audio.items.every((i) => i.kind === 'audio' && typeof i.duration === 'number')).toBe(true);
    const images = await list('?kind=image');
    expect(images.items.map((i) => i.id)).toEqual([photo.id]);
    expect(images.items[0]).toMatchObject({ kind: 'image', duration: null });
    expect((await list('')).total).toBe(4);
    const bad = await fetch(`${base}/api/v1/media?kind=video`, { headers: { cookie: nr.members.reporter.cookie } });
    expect(bad.status).toBe(400);
  });

  it('serves audio with its type and answers byte ranges: 206 with Content-Range, 416 past the end, the whole file otherwise', async () => {
    for (const format of ['mp3', 'm4a', 'ogg'] as const) {
      const url = base + uploaded[format].url;
      const size = files[format].length;
      const full = await fetch(url);
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toBe(uploaded[format].mime);
      expect(full.headers.get('accept-ranges')).toBe('bytes');
      expect(full.headers.get('content-length')).toBe(String(size));
      expect(Buffer.from(await full.arrayBuffer()).equals(files[format])).toBe(true);

      // What Chromium asks first for an <audio>.
      const open = await fetch(url, { headers: { range: 'bytes=0-' } });
      expect(open.status).toBe(206);
      expect(open.headers.get('content-range')).toBe(`bytes 0-${size - 1}/${size}`);
      expect((await open.arrayBuffer()).byteLength).toBe(size);

      const middle = await fetch(url, { headers: { range: 'bytes=10-19' } });
      expect(middle.status).toBe(206);
      expect(middle.headers.get('content-type')).toBe(uploaded[format].mime);
      expect(middle.headers.get('content-range')).toBe(`bytes 10-19/${size}`);
      expect(middle.headers.get('content-length')).toBe('10');
      expect(Buffer.from(await middle.arrayBuffer()).equals(files[format].subarray(10, 20))).toBe(true);

      const tail = await fetch(url, { headers: { range: 'bytes=-5' } });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(files[format].subarray(size - 5))).toBe(true);

      const past = await fetch(url, { headers: { range: `bytes=${size}-` } });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
      await past.arrayBuffer();

      // A range on another version of the file (If-Range) gets the whole current file.
      const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"khac"' } });
      expect(stale.status).toBe(200);
      expect((await stale.arrayBuffer()).byteLength).toBe(size);
      const same = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': String(full.headers.get('etag')) } });
      expect(same.status).toBe(206);
      await same.arrayBuffer();
    }
    // An audio file has no image variants, and none is made on request.
    const key = uploaded.mp3.url.slice('/media/'.length).replace(/\.mp3$/, '');
    expect((await fetch(`${base}/media/${key}-w320.jpg`)).status).toBe(404);
    expect((await fetch(`${base}/media/${key}.wav`)).status).toBe(404);
  });

  it('reads a Range header as RFC 9110 says', () => {
    expect(byteRange(undefined, 100)).toBeNull();
    expect(byteRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(byteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 100)).toBe('unsatisfiable');
    // Ignored (the whole file answers): malformed, reversed, other units, several ranges.
    for (const h of ['bytes=9-3', 'items=0-1', 'bytes=0-1,5-6', 'bytes=-', 'bytes=a-b']) expect(byteRange(h, 100), h).toBeNull();
  });

  it('a story plays an audio block: its use is recorded as audio, and an audio file is never taken as a picture', async () => {
    const m = nr.members;
    const create = (body: unknown, extra: Record<string, unknown> = {}) => nr.call(m.reporter, 'POST', '/api/v1/articles', { title: 'Podcast: chuyện làng nghề', categoryId: nr.desk, type: 'audio', body, ...extra });
    const ok = await create(doc(audioBlock(uploaded.mp3.id), { type: 'box', content: [audioBlock(uploaded.ogg.id, 'Phần hai')] }));
    expect(ok.status, ok.body).toBe(201);
    const id = ok.json<{ id: number; body: { content: unknown[] } }>().id;
    expect(ok.json<{ body: { content: unknown[] } }>().body.content[1]).toEqual(audioBlock(uploaded.mp3.id));
    const detail = await nr.call(m.reporter, 'GET', `/api/v1/media/${uploaded.ogg.id}`);
    expect(detail.json()).toMatchObject({ kind: 'audio', useCount: 1, usedIn: [{ articleId: id, role: 'audio' }] });
    const uses = await nr.store.db.selectFrom('article_media').select(['media_id', 'role']).where('article_id', '=', id).orderBy('media_id').execute();
    expect(uses).toEqual([{ media_id: uploaded.mp3.id, role: 'audio' }, { media_id: uploaded.ogg.id, role: 'audio' }]);

    const photo = (await nr.store.db.selectFrom('media').select('id').where('mime', '=', 'image/jpeg').executeTakeFirstOrThrow()).id;
    const refused: Array<[string, unknown, Record<string, unknown>]> = [
      ['an audio file as a figure', doc({ type: 'figure', attrs: { mediaId: uploaded.m4a.id } }), {}],
      ['an image in an audio block', doc(audioBlock(photo)), {}],
      ['an audio block naming nothing', doc(audioBlock(999_999)), {}],
      ['an audio file as the cover', doc(), { coverMediaId: uploaded.mp3.id }],
    ];
    for (const [name, body, extra] of refused) {
      const r = await create(body, extra);
      expect(r.status, `${name}: ${r.body}`).toBe(422);
      expect(r.json<Problem>().detail, name).toMatch(/âm thanh|Âm thanh/);
    }
    // Partners get the recordings as ninjs associations of type audio, with their file, caption and credit.
    await nr.store.db.updateTable('articles').set({ status: 'published', published_at: new Date().toISOString() }).where('id', '=', id).execute();
    const ninjs = await fetch(`${base}/api/v1/ninjs/${id}`);
    expect(ninjs.status).toBe(200);
    const item = (await ninjs.json()) as { type: string; associations: Array<Record<string, unknown>>; bodies: Array<{ contenttype: string; value: string }> };
    expect(item.type).toBe('composite');
    expect(item.associations).toEqual([
      { name: 'audio1', uri: expect.stringMatching(new RegExp(`^https?://[^/]+${uploaded.mp3.url}$`)), type: 'audio', title: 'Bản tin chiều', descriptions: [{ role: 'caption', contenttype: 'text/plain', value: 'Đọc báo cùng phóng viên' }], by: 'Giọng đọc: Thu Hà', renditions: [{ name: 'original', href: expect.stringMatching(new RegExp(`^https?://[^/]+${uploaded.mp3.url}$`)), contenttype: 'audio/mpeg', sizeinbytes: files.mp3.length, duration: 2 }] },
      expect.objectContaining({ name: 'audio2', type: 'audio', title: 'Phần hai', renditions: [expect.objectContaining({ contenttype: 'audio/ogg', duration: 2 })] }),
    ]);
    expect(item.bodies.find((b) => b.contenttype === 'text/plain')?.value).toBe('Mở đầu.\nBản tin chiều\nĐọc báo cùng phóng viên\nPhần hai\nĐọc báo cùng phóng viên');

    const schema = await create(doc({ type: 'audio', attrs: { mediaId: uploaded.mp3.id, title: 'x'.repeat(501) } }));
    expect(schema.status).toBe(400);
    const script = await create(doc({ type: 'audio', attrs: { mediaId: uploaded.mp3.id, title: '<script>alert(1)</script>' } }));
    expect(script.status).toBe(400);
  });
});
