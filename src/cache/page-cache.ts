import { createHash } from 'node:crypto';
import { chunksLength, concatChunks } from './gzip-join.ts';
import { exact } from './bytes.ts';
import { brotliCompressSync, brotliDecompressSync, constants as zc, gunzipSync, gzipSync } from 'node:zlib';

/** What the cache stores about a page: the render's outcome, before any bytes are made. */
export interface PageSource {
  status: number;
  body: string;
  keys: string[];
  contentType: string;
  location?: string;
  /** HTTP date of the newest content shown (feeds): sent as Last-Modified, answers If-Modified-Since. */
  lastModified?: string;
  /** Set on a story's own page (200): each read of it is counted (src/cache/views.ts). */
  articleId?: number;
  /**
   * The body already gzipped (joined from stored parts), as chunks to write in order (src/cache/gzip-join.ts), with its
   * validator; `body` is then unused.
   */
  gzip?: readonly Buffer[];
  tag?: string;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * A page as ready bytes. Each encoding is made once, the first time a client asks for it, never per request: a page
 * only gzip clients read (crawlers, most CDNs) never costs a brotli pass nor holds brotli bytes, and the reverse.
 */
export interface CachedPage {
  readonly cacheKey: string;
  readonly status: number;
  readonly contentType: string;
  readonly location: string | undefined;
  readonly lastModified: string | undefined;
  /** lastModified as epoch ms, for If-Modified-Since. */
  readonly lastModifiedMs: number;
  /** The story whose own page this is (200), or 0: kept so a hit counts a read without parsing its URL. */
  readonly articleId: number;
  readonly keys: readonly string[];
  /** Opaque validator shared by all encodings; each encoding's ETag adds a suffix (strong ETags differ per representation). */
  readonly tag: string;
  /** The encodings made so far (see PageCache.body). */
  readonly bodies: { br?: Buffer; gzip?: Buffer; identity?: Buffer };
  /**
   * A page joined from stored parts, until its gzip body is first asked for: the chunks of that body, which reference
   * the story's stored row and parts shared by many pages. A miss writes them as they are; the first hit copies them
   * into `bodies.gzip` (a page read once never pays for that copy).
   */
  gzipChunks?: readonly Buffer[];
  readonly storedAt: number;
  size: number;
  /** Response headers per encoding, prepared once (see http.ts). */
  prepared?: unknown;
  /** The page cache's own: its neighbours in the order of use, while it is cached (see PageCache). */
  older: CachedPage | undefined;
  newer: CachedPage | undefined;
}

export interface FetchResult {
  page: CachedPage | undefined;
  /** Set when the page could not be cached (e.g. 404): the caller sends it as is. */
  uncacheable?: PageSource;
  /** Set when a render that may decline did (see PageCache.fetch): nothing was made, the caller answers some other way. */
  declined?: true;
  status: 'HIT' | 'MISS';
}

export interface PageCacheOptions {
  /** Upper bound on the bytes held (all encodings); least recently used pages go first. */
  maxBytes?: number;
  /** Statuses worth keeping: a 404 is cheap to render and bots would flood the cache with them. */
  cacheableStatuses?: number[];
  brotliQuality?: number;
  gzipLevel?: number;
  /**
   * A page older than this renders again on its next request. Invalidation is what keeps pages exact; this only
   * bounds the one thing no key can name: a new story entering the "related" block of an older story's page.
   */
  maxAgeMs?: number;
  /**
   * Renders running at once in this process; more wait their turn. SQLite answers synchronously, so more at once
   * only adds memory (each render holds its rows and strings until it finishes), not throughput.
   */
  maxConcurrentRenders?: number;
  /**
   * Which waiting renders go first. A publish invalidates many article pages (their same-category blocks) and only a
   * few listings; readers arriving at those articles must not keep the category page a newsroom just published to
   * waiting behind them. Default: everything in arrival order.
   */
  urgent?: (cacheKey: string) => boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  renders: number;
  /** Renders that threw (the request then answers 500). */
  renderErrors: number;
  stores: number;
  evictions: number;
  invalidatedPages: number;
  entries: number;
  bytes: number;
}

interface Flight {
  promise: Promise<FetchResult>;
  /** Keys invalidated while this render ran: its result must not be stored if it shows any of them. */
  invalidated: Set<string> | 'all';
}

/**
 * What an entry costs besides its bytes, counted against maxBytes so the bound is the memory held: the page object,
 * its key strings and their places in the key index, the prepared headers and response head of an encoding served
 * (src/cache/http.ts, socket-hits.ts). Measured: 2.0 KB of heap per cached article page served in one encoding, hits through the socket path (docs/PERFORMANCE.md).
 */
const ENTRY_OVERHEAD = 2048;
/** Bodies this small are kept uncompressed as well: compressing saves nothing worth a decompression. */
const SMALL_BODY = 2048;

/** Brotli's window fitted to the page (10–24 bits): the same bytes out, far less encoder memory than the 4 MiB default. */
function windowBits(length: number): number {
  // Brotli's usable window is 16 bytes short of 2^bits.
  return Math.min(24, Math.max(10, Math.ceil(Math.log2(length + 17))));
}

export function etagFor(page: CachedPage, encoding: Encoding): string {
  return encoding === 'identity' ? `"${page.tag}"` : `"${page.tag}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

/**
 * In-memory page cache: ready bytes bounded by size (LRU), a dependency-key index for exact invalidation,
 * and single-flight so concurrent misses for one page render it once.
 *
 * The order of use is a list through the pages themselves, not the Map's insertion order. Moving a page to the young
 * end of a Map (delete, then set) on every hit leaves a deleted entry in the key's hash chain until the Map is
 * rehashed, which with thousands of pages cached is thousands of hits later: each hit on a hot page then walked all of
 * them (23 µs per hit with 14,000 pages cached, 0.05 µs with 10; a server that had served 14,000 misses answered its
 * hot article at 22,000 instead of 57,000 requests/s). Evicting the Map's first key had the same cost: the iterator
 * skips the deleted entries before it.
 */
export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  /** Least and most recently used pages: the ends of the list through CachedPage.older / newer. */
  private oldest: CachedPage | undefined;
  private newest: CachedPage | undefined;
  private readonly byKey = new Map<string, Set<string>>();
  private readonly flights = new Map<string, Flight>();
  private readonly renderListeners = new Set<(cacheKey: string) => void>();
  private readonly invalidateListeners = new Set<(keys: string[], pages: number) => void>();
  readonly maxBytes: number;
  private readonly cacheable: Set<number>;
  private readonly brotliQuality: number;
  private readonly gzipLevel: number;
  readonly maxAgeMs: number;
  private readonly maxConcurrentRenders: number;
  private rendering = 0;
  private readonly renderQueue: Array<() => void> = [];
  private readonly urgentQueue: Array<() => void> = [];
  private readonly urgent: (cacheKey: string) => boolean;
  private bytes = 0;
  /** Bumped by clear(): whatever was derived from the content before then must be derived again. */
  epoch = 0;
  readonly stats: Omit<CacheStats, 'entries' | 'bytes'> = { hits: 0, misses: 0, renders: 0, renderErrors: 0, stores: 0, evictions: 0, invalidatedPages: 0 };

  constructor(opts: PageCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 128 * 1024 * 1024;
    this.cacheable = new Set(opts.cacheableStatuses ?? [200, 301, 410]);
    this.brotliQuality = opts.brotliQuality ?? 6;
    this.gzipLevel = opts.gzipLevel ?? 6;
    this.maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
    this.maxConcurrentRenders = Math.max(1, opts.maxConcurrentRenders ?? 8);
    this.urgent = opts.urgent ?? (() => false);
  }

  private async renderSlot<T>(cacheKey: string, work: () => Promise<T>): Promise<T> {
    if (this.rendering >= this.maxConcurrentRenders) await new Promise<void>((r) => (this.urgent(cacheKey) ? this.urgentQueue : this.renderQueue).push(r));
    else this.rendering++;
    try {
      return await work();
    } finally {
      const next = this.urgentQueue.shift() ?? this.renderQueue.shift();
      // The slot passes straight to the next waiter; only when nobody waits is it given back.
      if (next) next();
      else this.rendering--;
    }
  }

  /** Counter hook: called once per actual render (tests count single-flight with it). */
  onRender(listener: (cacheKey: string) => void): () => void {
    this.renderListeners.add(listener);
    return () => this.renderListeners.delete(listener);
  }

  /** Called after each invalidation with the keys and how many local pages it dropped. */
  onInvalidate(listener: (keys: string[], pages: number) => void): () => void {
    this.invalidateListeners.add(listener);
    return () => this.invalidateListeners.delete(listener);
  }

  snapshot(): CacheStats {
    return { ...this.stats, entries: this.entries.size, bytes: this.bytes };
  }

  /** A stored page, marked as recently used; no rendering. */
  peek(cacheKey: string): CachedPage | undefined {
    const page = this.entries.get(cacheKey);
    if (page && Date.now() - page.storedAt > this.maxAgeMs) return undefined;
    if (page) {
      if (page !== this.newest) {
        this.unlink(page);
        this.linkNewest(page);
      }
      this.stats.hits++;
    }
    return page;
  }

  has(cacheKey: string): boolean {
    return this.entries.has(cacheKey);
  }

  /**
   * The stored page, or a render joined with every concurrent request for the same key. A render stores the
   * encoding `encoding` (what the asking client takes); others are made when first asked (`body`).
   */
  async fetch(cacheKey: string, render: () => Promise<PageSource>, encoding?: Encoding): Promise<FetchResult>;
  /**
   * The same with a render that may decline (resolve undefined): the result is then `declined`. Requests joined to a
   * declined render get that result too if they may decline; the others run their own render.
   */
  async fetch(cacheKey: string, render: () => Promise<PageSource | undefined>, encoding: Encoding, mayDecline: true): Promise<FetchResult>;
  async fetch(cacheKey: string, render: () => Promise<PageSource | undefined>, encoding: Encoding = 'gzip', mayDecline = false): Promise<FetchResult> {
    const hit = this.peek(cacheKey);
    if (hit) return { page: hit, status: 'HIT' };
    const running = this.flights.get(cacheKey);
    if (running) return mayDecline ? running.promise : running.promise.then((r) => (r.declined ? this.fetch(cacheKey, render as () => Promise<PageSource>, encoding) : r));
    this.stats.misses++;
    const flight: Flight = { promise: undefined as unknown as Promise<FetchResult>, invalidated: new Set() };
    flight.promise = this.renderAndStore(cacheKey, render, flight, encoding).finally(() => {
      if (this.flights.get(cacheKey) === flight) this.flights.delete(cacheKey);
    });
    this.flights.set(cacheKey, flight);
    return flight.promise;
  }

  private async renderAndStore(cacheKey: string, render: () => Promise<PageSource | undefined>, flight: Flight, encoding: Encoding): Promise<FetchResult> {
    const source = await this.renderSlot(cacheKey, async () => {
      this.stats.renders++;
      for (const l of this.renderListeners) l(cacheKey);
      try {
        return await render();
      } catch (err) {
        this.stats.renderErrors++;
        throw err;
      }
    });
    if (source === undefined) {
      // Not this cache's miss after all: the request goes on to a render that counts it.
      this.stats.misses--;
      return { page: undefined, declined: true, status: 'MISS' };
    }
    if (!this.cacheable.has(source.status)) return { page: undefined, uncacheable: source, status: 'MISS' };
    const page = this.build(cacheKey, source, encoding);
    const stale = flight.invalidated === 'all' || page.keys.some((k) => (flight.invalidated as Set<string>).has(k));
    if (!stale && page.size <= this.maxBytes / 4) this.store(page);
    return { page, status: 'MISS' };
  }

  private compress(raw: Buffer, encoding: 'br' | 'gzip'): Buffer {
    // Synchronous: a page is 10–60 KB and takes a fraction of a millisecond; the async convenience functions ran
    // every call through a stream and the thread pool, costing the event loop more than the compression itself
    // (CPU profile of an uncached pass, docs/PERFORMANCE.md), and held an encoder's memory per render in flight.
    return exact(
      encoding === 'gzip'
        ? gzipSync(raw, { level: this.gzipLevel })
        : brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: this.brotliQuality, [zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_TEXT, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length, [zc.BROTLI_PARAM_LGWIN]: windowBits(raw.length) } }),
    );
  }

  private build(cacheKey: string, source: PageSource, encoding: Encoding): CachedPage {
    const keys = [...new Set(source.keys)];
    const bodies: CachedPage['bodies'] = {};
    let tag: string;
    let chunked = 0;
    if (source.gzip && source.tag) {
      // Joined from parts: gzip is what there is; other encodings are made from it when first asked for (body()).
      chunked = chunksLength(source.gzip);
      tag = source.tag;
    } else {
      const raw = Buffer.from(source.body, 'utf8');
      tag = createHash('sha256').update(source.contentType).update('\0').update(String(source.status)).update('\0').update(source.location ?? '').update('\0').update(raw).digest('base64url').slice(0, 27);
      if (encoding === 'identity' || raw.length <= SMALL_BODY) bodies.identity = exact(raw);
      if (encoding !== 'identity') bodies[encoding] = this.compress(raw, encoding);
    }
    return {
      cacheKey,
      status: source.status,
      contentType: source.contentType,
      location: source.location,
      lastModified: source.lastModified,
      lastModifiedMs: source.lastModified ? Date.parse(source.lastModified) : NaN,
      articleId: source.articleId ?? 0,
      keys,
      tag,
      bodies,
      gzipChunks: chunked ? source.gzip : undefined,
      storedAt: Date.now(),
      older: undefined,
      newer: undefined,
      // Chunks count as the body they make: their own row's bytes are less, but shared parts are held as long as any page.
      size: ENTRY_OVERHEAD + cacheKey.length + chunked + (bodies.identity?.length ?? 0) + (bodies.gzip?.length ?? 0) + (bodies.br?.length ?? 0) + keys.reduce((n, k) => n + k.length + 16, 0),
    };
  }

  /**
   * The page's bytes in this encoding, made (once) the first time they are asked for, from the bytes it already has.
   * A page still in the cache grows by them and the cache evicts to stay within its bound.
   */
  body(page: CachedPage, encoding: Encoding): Buffer {
    const have = page.bodies[encoding];
    if (have) return have;
    if (page.gzipChunks) {
      // Same bytes, same size as counted: the copy replaces the chunks.
      page.bodies.gzip = concatChunks(page.gzipChunks);
      page.gzipChunks = undefined;
      if (encoding === 'gzip') return page.bodies.gzip;
    }
    const { identity, gzip, br } = page.bodies;
    const raw = identity ?? (gzip ? gunzipSync(gzip) : brotliDecompressSync(br!));
    const made = encoding === 'identity' ? exact(raw) : this.compress(raw, encoding);
    page.bodies[encoding] = made;
    if (this.entries.get(page.cacheKey) === page) {
      page.size += made.length;
      this.bytes += made.length;
      this.evictOverflow();
    }
    return made;
  }

  private store(page: CachedPage): void {
    this.remove(page.cacheKey);
    this.entries.set(page.cacheKey, page);
    this.linkNewest(page);
    this.bytes += page.size;
    for (const k of page.keys) {
      let set = this.byKey.get(k);
      if (!set) this.byKey.set(k, (set = new Set()));
      set.add(page.cacheKey);
    }
    this.stats.stores++;
    this.evictOverflow();
  }

  private evictOverflow(): void {
    while (this.bytes > this.maxBytes && this.oldest) {
      this.remove(this.oldest.cacheKey);
      this.stats.evictions++;
    }
  }

  private linkNewest(page: CachedPage): void {
    page.older = this.newest;
    page.newer = undefined;
    if (this.newest) this.newest.newer = page;
    else this.oldest = page;
    this.newest = page;
  }

  private unlink(page: CachedPage): void {
    if (page.older) page.older.newer = page.newer;
    else this.oldest = page.newer;
    if (page.newer) page.newer.older = page.older;
    else this.newest = page.older;
    page.older = page.newer = undefined;
  }

  private remove(cacheKey: string): boolean {
    const page = this.entries.get(cacheKey);
    if (!page) return false;
    this.entries.delete(cacheKey);
    this.unlink(page);
    this.bytes -= page.size;
    for (const k of page.keys) {
      const set = this.byKey.get(k);
      if (!set) continue;
      set.delete(cacheKey);
      if (set.size === 0) this.byKey.delete(k);
    }
    return true;
  }

  /** Cache keys of the stored pages that show any of these dependency keys. */
  pagesWith(keys: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const k of keys) for (const ck of this.byKey.get(k) ?? []) out.add(ck);
    return [...out];
  }

  /**
   * Drops every page showing any of the keys. Renders already running are detached: requests arriving from
   * now on start a fresh render, and a detached render that shows an invalidated key is not stored.
   */
  invalidate(keys: Iterable<string>): number {
    const list = [...new Set(keys)];
    let dropped = 0;
    for (const ck of this.pagesWith(list)) if (this.remove(ck)) dropped++;
    for (const flight of this.flights.values()) {
      if (flight.invalidated !== 'all') for (const k of list) flight.invalidated.add(k);
    }
    this.flights.clear();
    this.stats.invalidatedPages += dropped;
    for (const l of this.invalidateListeners) l(list, dropped);
    return dropped;
  }

  clear(): void {
    this.epoch++;
    for (const flight of this.flights.values()) flight.invalidated = 'all';
    this.flights.clear();
    this.entries.clear();
    this.oldest = this.newest = undefined;
    this.byKey.clear();
    this.bytes = 0;
  }
}
