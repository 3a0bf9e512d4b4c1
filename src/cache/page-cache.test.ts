import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PageCache, type PageSource } from './page-cache.ts';
import { deflatePart, gzipChunks } from './gzip-join.ts';
import { cacheKeyFor, canonicalReaderPath, negotiate, withRequestQuery } from './http.ts';

const page = (body: string, keys: string[], status = 200): PageSource => ({ status, body, keys, contentType: 'text/html; charset=utf-8' });

/** A render the test finishes by hand, to interleave it with invalidations. */
function deferred<T = PageSource>(): { promise: Promise<T>; resolve: (p: T) => void } {
  let resolve!: (p: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PageCache', () => {
  it('stores the encoding the first client asked for, makes each other one once when asked, all decoding to the rendered HTML', async () => {
    const cache = new PageCache();
    const html = `<!doctype html><p>${'Tin tức Việt Nam – '.repeat(500)}</p>`;
    const first = await cache.fetch('/a', async () => page(html, ['a:1']), 'gzip');
    expect(first.status).toBe('MISS');
    const p = first.page!;
    expect(Object.keys(p.bodies)).toEqual(['gzip']);
    expect(gunzipSync(p.bodies.gzip!).toString()).toBe(html);
    const sizeBefore = cache.snapshot().bytes;
    const br = cache.body(p, 'br');
    expect(brotliDecompressSync(br).toString()).toBe(html);
    expect(cache.body(p, 'br')).toBe(br);
    expect(cache.snapshot().bytes).toBe(sizeBefore + br.length);
    expect(cache.body(p, 'identity').toString()).toBe(html);
    expect(Object.keys(p.bodies).sort()).toEqual(['br', 'gzip', 'identity']);
    const second = await cache.fetch('/a', async () => page('other', []), 'br');
    expect(second.status).toBe('HIT');
    expect(second.page).toBe(first.page);
    expect(cache.stats.renders).toBe(1);
  });

  it('a page given as gzip chunks keeps them until its gzip body is asked for, then holds one copy of the same size', async () => {
    const cache = new PageCache();
    const texts = ['<!doctype html><head>', `<style>${'p{margin:0}'.repeat(200)}</style>`, `<body>${'Tin Lào Cai. '.repeat(400)}</body>`];
    const chunks = gzipChunks(texts.map((t) => deflatePart(Buffer.from(t))));
    const { page: p } = await cache.fetch('/c', async () => ({ ...page('', ['a:3']), gzip: chunks, tag: 'joined-tag' }), 'gzip');
    expect(p!.gzipChunks).toBe(chunks);
    expect(p!.bodies).toEqual({});
    const bytes = cache.snapshot().bytes;
    const gz = cache.body(p!, 'gzip');
    expect(gz.equals(Buffer.concat(chunks))).toBe(true);
    expect(p!.gzipChunks).toBeUndefined();
    expect(cache.snapshot().bytes).toBe(bytes);
    expect(cache.body(p!, 'gzip')).toBe(gz);
    expect(brotliDecompressSync(cache.body(p!, 'br')).toString()).toBe(texts.join(''));
    expect(p!.tag).toBe('joined-tag');
  });

  it('a brotli-first page makes its gzip bytes from the brotli ones', async () => {
    const cache = new PageCache();
    const html = `<p>${'Đoàn công tác làm việc tại Lào Cai. '.repeat(300)}</p>`;
    const { page: p } = await cache.fetch('/b', async () => page(html, ['a:2']), 'br');
    expect(Object.keys(p!.bodies)).toEqual(['br']);
    expect(gunzipSync(cache.body(p!, 'gzip')).toString()).toBe(html);
    expect(cache.body(p!, 'identity').toString()).toBe(html);
  });

  it('keeps compressed bytes in buffers of their own size, so the byte bound is the memory held', async () => {
    const cache = new PageCache();
    const small = await cache.fetch('/small', async () => page('<p>ngắn</p>', ['a:1']));
    const large = await cache.fetch('/large', async () => page(`<p>${'Tin tức tỉnh nhà hôm nay. '.repeat(2000)}</p>`, ['a:2']));
    for (const p of [small.page!, large.page!]) {
      for (const b of [cache.body(p, 'gzip'), cache.body(p, 'br'), cache.body(p, 'identity')]) expect([b.length, b.buffer.byteLength]).toEqual([b.length, b.length]);
    }
  });

  it('concurrent misses for one key render once', async () => {
    const cache = new PageCache();
    const d = deferred();
    let renders = 0;
    cache.onRender(() => renders++);
    const all = Promise.all(Array.from({ length: 50 }, () => cache.fetch('/x', () => d.promise)));
    d.resolve(page('<p>x</p>', ['a:1']));
    const results = await all;
    expect(renders).toBe(1);
    expect(new Set(results.map((r) => r.page)).size).toBe(1);
  });

  it('a render that declines stores nothing; joiners that may decline get that, the others render themselves', async () => {
    const cache = new PageCache();
    const d = deferred<PageSource | undefined>();
    const declining = cache.fetch('/x', () => d.promise, 'gzip', true);
    const alsoDeclining = cache.fetch('/x', async () => page('<p>never</p>', ['a:1']), 'gzip', true);
    let full = 0;
    const others = Array.from({ length: 3 }, () => cache.fetch('/x', async () => (full++, page('<p>x</p>', ['a:1']))));
    d.resolve(undefined);
    expect(await declining).toEqual({ page: undefined, declined: true, status: 'MISS' });
    expect((await alsoDeclining).declined).toBe(true);
    const results = await Promise.all(others);
    // The first to learn of the decline renders; the other two join it.
    expect(full).toBe(1);
    expect(new Set(results.map((r) => r.page)).size).toBe(1);
    expect(cache.has('/x')).toBe(true);
    expect(cache.snapshot()).toMatchObject({ misses: 1, renderErrors: 0, stores: 1 });
  });

  it('gives a free render slot to an urgent page before pages that queued earlier', async () => {
    const cache = new PageCache({ maxConcurrentRenders: 1, urgent: (key) => key.startsWith('/listing') });
    const order: string[] = [];
    const first = deferred();
    const render = (key: string, gate?: Promise<PageSource>) =>
      cache.fetch(key, async () => {
        order.push(key);
        return gate ?? page(`<p>${key}</p>`, [key]);
      });
    const all = [render('/a1', first.promise), render('/a2'), render('/a3'), render('/listing'), render('/a4')];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['/a1']);
    first.resolve(page('<p>a1</p>', ['a1']));
    await Promise.all(all);
    expect(order).toEqual(['/a1', '/listing', '/a2', '/a3', '/a4']);
  });

  it('runs at most maxConcurrentRenders renders at once; the others wait their turn', async () => {
    const cache = new PageCache({ maxConcurrentRenders: 2 });
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 5 }, () => deferred());
    const all = gates.map((g, i) =>
      cache.fetch(`/p${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        const p = await g.promise;
        running--;
        return p;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    gates.forEach((g, i) => g.resolve(page(`<p>${i}</p>`, [`a:${i}`])));
    await Promise.all(all);
    expect(peak).toBe(2);
    expect(cache.stats.renders).toBe(5);
  });

  it('invalidation drops exactly the pages carrying the keys', async () => {
    const cache = new PageCache();
    await cache.fetch('/one', async () => page('1', ['a:1', 'c:1']));
    await cache.fetch('/two', async () => page('2', ['a:2', 'c:1']));
    await cache.fetch('/three', async () => page('3', ['a:3', 'c:2']));
    expect(cache.invalidate(['a:2'])).toBe(1);
    expect([cache.has('/one'), cache.has('/two'), cache.has('/three')]).toEqual([true, false, true]);
    expect(cache.invalidate(['c:1', 'c:9'])).toBe(1);
    expect([cache.has('/one'), cache.has('/three')]).toEqual([false, true]);
  });

  it('a render running across an invalidation of its keys is not stored, and later requests do not join it', async () => {
    const cache = new PageCache();
    const stale = deferred();
    const early = cache.fetch('/story', () => stale.promise);
    cache.invalidate(['a:7']);
    const fresh = deferred();
    const late = cache.fetch('/story', () => fresh.promise);
    stale.resolve(page('<p>old</p>', ['a:7']));
    fresh.resolve(page('<p>new</p>', ['a:7']));
    expect(cache.body((await early).page!, 'identity').toString()).toBe('<p>old</p>');
    expect(cache.body((await late).page!, 'identity').toString()).toBe('<p>new</p>');
    expect(cache.body(cache.peek('/story')!, 'identity').toString()).toBe('<p>new</p>');
  });

  it('a render running across an unrelated invalidation is stored', async () => {
    const cache = new PageCache();
    const d = deferred();
    const pending = cache.fetch('/story', () => d.promise);
    cache.invalidate(['a:8']);
    d.resolve(page('<p>ok</p>', ['a:7']));
    await pending;
    expect(cache.has('/story')).toBe(true);
  });

  it('stays within its byte budget, evicting the least recently used', async () => {
    const cache = new PageCache({ maxBytes: 40_000 });
    // Random-looking bytes barely compress, so each entry costs about its size twice (gzip + brotli).
    const noise = (_seed: number) => randomBytes(4000).toString('base64');
    for (let i = 0; i < 3; i++) await cache.fetch(`/p${i}`, async () => page(noise(i), [`a:${i}`]));
    expect(cache.peek('/p0')).toBeDefined();
    for (let i = 3; i < 8; i++) await cache.fetch(`/p${i}`, async () => page(noise(i), [`a:${i}`]));
    const s = cache.snapshot();
    expect(s.bytes).toBeLessThanOrEqual(40_000);
    expect(s.evictions).toBeGreaterThan(0);
    expect(cache.has('/p7')).toBe(true);
    expect(cache.has('/p1')).toBe(false);
    expect(cache.pagesWith(['a:1'])).toEqual([]);
  });

  it('evicts in the order of last use, whatever mix of misses, hits and invalidations came before (against a list model)', async () => {
    const text = Buffer.from('<p>Tin trong ngày</p>'.repeat(40));
    const joined = (i: number): PageSource => ({ status: 200, body: '', gzip: gzipChunks([deflatePart(text)]), tag: `t${i}`, keys: [`a:${String(i).padStart(2, '0')}`], contentType: 'text/html; charset=utf-8' });
    const url = (i: number) => `/p${String(i).padStart(2, '0')}`;
    // Every page costs the same: the budget holds exactly five.
    const probe = new PageCache();
    await probe.fetch(url(0), async () => joined(0));
    const pageSize = probe.snapshot().bytes;
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('get' as const), i: fc.nat(11) }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('peek' as const), i: fc.nat(11) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('invalidate' as const), i: fc.nat(11) }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), async (ops) => {
        const cache = new PageCache({ maxBytes: pageSize * 5 + pageSize / 2 });
        const model: number[] = [];
        const use = (i: number) => {
          model.splice(model.indexOf(i), 1);
          model.push(i);
        };
        for (const { kind, i } of ops) {
          if (kind === 'get') {
            await cache.fetch(url(i), async () => joined(i));
            if (model.includes(i)) use(i);
            else {
              model.push(i);
              if (model.length > 5) model.shift();
            }
          } else if (kind === 'peek') {
            expect(cache.peek(url(i)) !== undefined).toBe(model.includes(i));
            if (model.includes(i)) use(i);
          } else {
            cache.invalidate([`a:${String(i).padStart(2, '0')}`]);
            if (model.includes(i)) model.splice(model.indexOf(i), 1);
          }
          for (let k = 0; k < 12; k++) expect(cache.has(url(k)), `${url(k)} after ${kind} ${i}`).toBe(model.includes(k));
          expect(cache.snapshot()).toMatchObject({ entries: model.length, bytes: model.length * pageSize });
        }
      }),
      // The plainest case first: five pages, the oldest read again, a sixth page evicts the second.
      { numRuns: 300, examples: [[[0, 1, 2, 3, 4, 0, 5].map((i, n) => ({ kind: n === 5 ? ('peek' as const) : ('get' as const), i }))]] },
    );
  });

  it('keeps 200, 301 and 410 but not 404', async () => {
    const cache = new PageCache();
    for (const status of [200, 301, 410, 404]) await cache.fetch(`/${status}`, async () => page('x', ['a:1'], status));
    expect(['/200', '/301', '/410', '/404'].map((k) => cache.has(k))).toEqual([true, true, true, false]);
  });

  it('renders again after max age', async () => {
    const cache = new PageCache({ maxAgeMs: 0 });
    await cache.fetch('/a', async () => page('1', []));
    await new Promise((r) => setTimeout(r, 5));
    expect((await cache.fetch('/a', async () => page('2', []))).status).toBe('MISS');
  });
});

describe('request helpers', () => {
  it('negotiates encodings with q-values', () => {
    expect(negotiate(undefined)).toBe('identity');
    expect(negotiate('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiate('gzip')).toBe('gzip');
    expect(negotiate('br;q=0, gzip')).toBe('gzip');
    expect(negotiate('gzip;q=0.5, br;q=0.8')).toBe('br');
    expect(negotiate('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(negotiate('*')).toBe('br');
    expect(negotiate('identity')).toBe('identity');
    expect(negotiate('deflate')).toBe('identity');
  });

  it('keys reader URLs by path and page number only', () => {
    expect(cacheKeyFor('/thoi-su')).toBe('/thoi-su');
    expect(cacheKeyFor('/tin-a-post1.html?fbclid=abc&utm_source=zalo')).toBe('/tin-a-post1.html');
    expect(cacheKeyFor('/thoi-su?trang=2&fbclid=x')).toBe('/thoi-su?trang=2');
    expect(cacheKeyFor('/api/v1/articles')).toBeNull();
    expect(cacheKeyFor('/admin/')).toBeNull();
    expect(cacheKeyFor('/admin')).toBeNull();
    expect(cacheKeyFor('/admin/bai-viet/5')).toBeNull();
    // Reader pages whose slug merely begins like the app's path are cached like any other.
    expect(cacheKeyFor('/administrator-thanh-pho-post5.html')).toBe('/administrator-thanh-pho-post5.html');
    expect(cacheKeyFor('/admin-tin')).toBe('/admin-tin');
    expect(cacheKeyFor('/media/ab/cd.jpg')).toBeNull();
    // Other spellings of a page are redirects made from the URL (canonicalReaderPath), never a second stored copy.
    expect(cacheKeyFor('/')).toBe('/');
    for (const url of ['/thoi-su/', '/thoi-su/?trang=2', '//thoi-su', '/thoi-su//the-gioi', '/tag/gao/', '//', '/tin-a-post1.html/']) expect(cacheKeyFor(url), url).toBeNull();
  });

  it('moves a trailing or doubled slash to the one spelling pages link to, always to a path on this site', () => {
    for (const url of ['/', '/thoi-su', '/thoi-su?trang=2', '/tag/gao', '/api/v1/articles/', '/api/', '/admin/', '/admin//bai-viet/', '/media/ab/', 'thoi-su/', '*']) expect(canonicalReaderPath(url), url).toBeNull();
    const cases: Array<[string, string]> = [
      ['/thoi-su/', '/thoi-su'],
      ['/thoi-su/?trang=2&utm_source=zalo', '/thoi-su'],
      ['/thoi-su//', '/thoi-su'],
      ['/thoi-su//the-gioi/', '/thoi-su/the-gioi'],
      ['/tag/gao/', '/tag/gao'],
      ['/administrator-post5.html/', '/administrator-post5.html'],
      ['/tac-gia/nguyen-lan/', '/tac-gia/nguyen-lan'],
      ['/tim-kiem/?q=g%E1%BA%A1o', '/tim-kiem'],
      ['/gia-lua-post7.html/', '/gia-lua-post7.html'],
      ['//', '/'],
      ['///', '/'],
      // Protocol-relative targets would send the reader to another host: the slashes collapse into one.
      ['//evil.example', '/evil.example'],
      ['//evil.example/', '/evil.example'],
      ['///evil.example//x/', '/evil.example/x'],
      // Browsers read `/\` as `//`: the backslash is encoded.
      ['/\\evil.example/', '/%5Cevil.example'],
      ['//\\evil.example', '/%5Cevil.example'],
      // Raw bytes (Node reads the request line as latin1) and quotes are encoded, escapes kept.
      [`/${Buffer.from('thời-sự').toString('latin1')}/`, '/th%E1%BB%9Di-s%E1%BB%B1'],
      ['/a"<b>/', '/a%22%3Cb%3E'],
      ['/%2F%2Fevil.example/', '/%2F%2Fevil.example'],
    ];
    for (const [url, target] of cases) {
      expect([url, canonicalReaderPath(url)]).toEqual([url, target]);
      expect(new URL(target, 'https://bao.example').host, url).toBe('bao.example');
    }
    // `//api/…` and `//media/…` are not sent into the API or to a file.
    for (const url of ['//api/v1/articles', '//media/ab/cd.jpg', '//admin/']) expect(canonicalReaderPath(url), url).toBeNull();
    expect(canonicalReaderPath(`/${'a'.repeat(3000)}/`)).toBeNull();
  });

  it('keeps the query string on a redirect as URL query characters only', () => {
    const to = '/gia-lua-post7.html';
    expect(withRequestQuery(to, '/Gia-Lua-post7.html')).toBe(to);
    expect(withRequestQuery(to, '/Gia-Lua-post7.html?')).toBe(to);
    expect(withRequestQuery(to, '/x-post7.html?utm_source=zalo&utm_medium=social&fbclid=IwAR0')).toBe(`${to}?utm_source=zalo&utm_medium=social&fbclid=IwAR0`);
    // Already-encoded bytes stay as they are; a stray % and raw bytes are encoded, so no CR/LF or quote reaches the header.
    expect(withRequestQuery(to, '/x?q=%0D%0ASet-Cookie:%20a=1&p=100%')).toBe(`${to}?q=%0D%0ASet-Cookie:%20a=1&p=100%25`);
    expect(withRequestQuery(to, '/x?q=\r\nLocation: //evil.example"<>`{|}\\^ ')).toBe(`${to}?q=%0D%0ALocation:%20//evil.example%22%3C%3E%60%7B%7C%7D%5C%5E%20`);
    // Node reads the request line as latin1, so raw UTF-8 arrives one character per byte.
    expect(withRequestQuery(to, `/x?q=${Buffer.from('Hà Nội').toString('latin1')}`)).toBe(`${to}?q=H%C3%A0%20N%E1%BB%99i`);
    expect(withRequestQuery(to, '/x?q=Nội')).toBe(`${to}?q=N%E1%BB%99i`);
    expect(withRequestQuery(to, '/x?q=\ud800')).toBe(to);
    expect(withRequestQuery(to, '/x?a=1#frag')).toBe(`${to}?a=1`);
    expect(withRequestQuery(to, `/x?${'a'.repeat(3000)}`)).toBe(to);
    // The query never decides where the redirect goes: the target stays a path on this site.
    expect(new URL(withRequestQuery(to, '/x?u=https://evil.example/&next=//evil.example'), 'https://bao.example').host).toBe('bao.example');
  });
});
