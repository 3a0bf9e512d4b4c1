import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { etagFor, type CachedPage, type Encoding } from './page-cache.ts';
import { chunksLength } from './gzip-join.ts';

/**
 * The newsroom session cookie (set at login by web/api/auth.ts, which takes the name from here): a request carrying it
 * is never answered from, nor stored in, the shared cache. Until 25 November 2026 this said `toasoan_session` while
 * login set `toasoan_sid`, so signed-in users were served and stored like readers.
 */
export const SESSION_COOKIE = 'toasoan_sid';

/** The request headers a cache hit depends on (a subset of Node's, so a hand-parsed request can carry them too). */
export type HitHeaders = Pick<IncomingHttpHeaders, 'accept-encoding' | 'if-none-match' | 'if-modified-since' | 'cookie'>;

export function isPrivateRequest(headers: HitHeaders): boolean {
  const cookie = headers.cookie;
  return typeof cookie === 'string' && cookie.includes(SESSION_COOKIE);
}

/**
 * The cache key of a reader URL, or null when the URL is not a reader page. Only the query parameter a page
 * reads (`trang`) is kept: links shared on Facebook and Zalo carry tracking parameters (fbclid, zarsrc, utm_*)
 * that must not split one story into thousands of cache entries.
 */
export function cacheKeyFor(url: string): string | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  // `/thoi-su/`, `//thoi-su`: a redirect made from the URL alone (see canonicalReaderPath), never a stored page.
  if (!isReaderPath(path) || !isCanonicalPath(path)) return null;
  if (q === -1) return path;
  const pages = new URLSearchParams(url.slice(q + 1)).getAll('trang');
  return pages.length ? `${path}?trang=${pages.map(encodeURIComponent).join('&trang=')}` : path;
}

/** Not the API, the newsroom app or media files (a story slug may begin with "admin", as in /administration-post5.html). */
function isReaderPath(path: string): boolean {
  return path.charCodeAt(0) === 47 /* / */ && !path.startsWith('/api/') && path !== '/api' && path !== '/admin' && !path.startsWith('/admin/') && !path.startsWith('/media/');
}

/** A path spelled the one way pages link to it: no trailing slash (but `/` itself), no empty segment. */
export function isCanonicalPath(path: string): boolean {
  return (path.length === 1 || path.charCodeAt(path.length - 1) !== 47) && !path.includes('//');
}

/** Longest query string a redirect carries on; a longer one is dropped rather than echoed. */
const MAX_REDIRECT_QUERY = 2048;
/** Characters a query may hold as they are (RFC 3986 `query`, less `%`, which is checked on its own). */
const QUERY_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;

/** True when the request URL carries a non-empty query string. */
export function hasQuery(url: string): boolean {
  const q = url.indexOf('?');
  return q !== -1 && q < url.length - 1;
}

/**
 * A redirect's Location with the request's query string kept (utm_*, fbclid, zarsrc…: links shared on social networks
 * must keep their campaign after a 301). `target` is our own path; the query is written again so only URL query
 * characters remain: it can neither end the header line nor change where the target points.
 */
export function withRequestQuery(target: string, url: string): string {
  if (!hasQuery(url)) return target;
  const raw = url.slice(url.indexOf('?') + 1).split('#', 1)[0]!;
  if (!raw || raw.length > MAX_REDIRECT_QUERY) return target;
  const out = reencode(raw, QUERY_SAFE);
  if (out === null || out.length > MAX_REDIRECT_QUERY) return target;
  return `${target}${target.includes('?') ? '&' : '?'}${out}`;
}

/**
 * Where a reader URL whose path is not spelled canonically moves to (301), or null when it is canonical: runs of
 * slashes become one and a trailing slash goes (`/thoi-su/`, `//thoi-su`, `/tag/x//` → `/thoi-su`, `/tag/x`), as
 * the pages' `<link rel="canonical">` and the sitemaps spell them. The result starts with one slash and has any
 * other character encoded, so a browser cannot read it as another host (`//evil.example`, `/\evil.example`).
 */
export function canonicalReaderPath(url: string): string | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!isReaderPath(path) || isCanonicalPath(path) || path.length > MAX_REDIRECT_PATH) return null;
  const canonical = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  // `//api/v1/…` is not sent into the API, nor `//media/…` to a file: those stay not found.
  if (!isReaderPath(canonical)) return null;
  return reencode(canonical, PATH_SAFE);
}

/** Longest path a slash redirect is made for; a longer one is not found. */
const MAX_REDIRECT_PATH = 2048;
/** Characters a path may hold as they are (RFC 3986 `path`, less `%`, which is checked on its own). */
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/** `raw` with every character outside `safe` (and every `%` not starting an escape) percent-encoded; null if it cannot be. */
function reencode(raw: string, safe: RegExp): string | null {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const code = raw.charCodeAt(i);
    if (safe.test(c)) out += c;
    else if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) out += c;
    // Node reads the request line as latin1: a character below 256 stands for one byte.
    else if (code < 0x100) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else {
      const pair = code >= 0xd800 && code <= 0xdbff ? raw.slice(i, i + 2) : c;
      try {
        out += encodeURIComponent(pair);
      } catch {
        return null;
      }
      i += pair.length - 1;
    }
  }
  return out;
}

const negotiated = new Map<string, Encoding>();

/** Picks br, gzip or identity from Accept-Encoding, honouring q-values (q=0 refuses). */
export function negotiate(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const known = negotiated.get(acceptEncoding);
  if (known) return known;
  const q: Record<string, number> = {};
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q[name] = weight;
  }
  const star = q['*'];
  const weight = (name: string) => q[name] ?? star ?? 0;
  const identity = q.identity ?? (star === 0 ? 0 : 0.001);
  let best: Encoding = 'identity';
  let bestQ = identity;
  for (const enc of ['br', 'gzip'] as const) {
    const w = weight(enc);
    if (w > 0 && w >= bestQ && (best === 'identity' || w > bestQ)) {
      best = enc;
      bestQ = w;
    }
  }
  if (negotiated.size < 256) negotiated.set(acceptEncoding, best);
  return best;
}

/** Whether a client asking for `preferred` takes gzip as well (`br, gzip`, as browsers send): gzip is then as good an answer. */
export function alsoTakesGzip(acceptEncoding: string | undefined, preferred: Encoding): boolean {
  if (preferred === 'gzip') return true;
  if (preferred !== 'br' || !acceptEncoding) return false;
  return negotiate(acceptEncoding.replace(/(^|,)\s*br\s*(;[^,]*)?(?=,|$)/gi, '$1')) === 'gzip';
}

/**
 * True when the client's copy is current: If-None-Match names any representation of this page (or `*`), or, without
 * If-None-Match (it wins when both are sent, RFC 9110 §13.2.2), If-Modified-Since is not older than Last-Modified.
 */
export function notModified(page: CachedPage, headers: HitHeaders): boolean {
  if (page.status !== 200) return false;
  const inm = headers['if-none-match'];
  if (inm) return inm.trim() === '*' || inm.includes(`"${page.tag}`);
  const ims = headers['if-modified-since'];
  return !!ims && Number.isFinite(page.lastModifiedMs) && Date.parse(ims) >= page.lastModifiedMs;
}

export interface CdnPolicy {
  /** Shared caches (CDN) may keep a page this long; purges make it exact before then. */
  sMaxAge: number;
  staleWhileRevalidate: number;
  staleIfError: number;
}

export const DEFAULT_CDN_POLICY: CdnPolicy = { sMaxAge: 60, staleWhileRevalidate: 30, staleIfError: 86_400 };

/** Browsers revalidate every time (a 304 is cheap); CDNs keep pages for s-maxage and are purged by key. */
export function publicCacheControl(p: CdnPolicy): string {
  return `public, max-age=0, s-maxage=${p.sMaxAge}, stale-while-revalidate=${p.staleWhileRevalidate}, stale-if-error=${p.staleIfError}`;
}

export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** Headers that describe the page itself (same for every encoding and every response). */
export function pageHeaders(page: CachedPage, policy: CdnPolicy): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': page.contentType,
    'cache-control': publicCacheControl(policy),
    vary: 'Accept-Encoding',
    // Fastly and Varnish read Surrogate-Key (space separated), Cloudflare reads Cache-Tag (comma separated).
    'surrogate-key': page.keys.join(' '),
    'cache-tag': page.keys.join(','),
  };
  if (page.location) h.location = page.location;
  if (page.lastModified) h['last-modified'] = page.lastModified;
  return h;
}

/** Headers the rest of the app adds to every response of a content type (security headers), shared by every page. */
export class SharedHeaders {
  /** The same headers as head lines (`name: value\r\n` each). */
  readonly lines: string;
  constructor(readonly headers: Readonly<Record<string, string>>) {
    this.lines = headLines(headers);
  }
}

function headLines(headers: Record<string, string | number>): string {
  const out: string[] = [];
  for (const name in headers) out.push(`${name}: ${headers[name]}\r\n`);
  // join() makes one flat string; `+=` would keep a rope of one node per piece alive as long as the page.
  return out.join('');
}

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) statusLines.set(status, (line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`));
  return line;
}

/**
 * A prepared answer: status, headers and body, ready to write. What is kept per page is one flat string of the page's
 * own header lines; the app's shared headers are referenced, and a headers object is only made when Node's HTTP path
 * needs one. (Kept as objects, a page's headers and head cost about 5 KB of heap, more than half of its gzip bytes.)
 */
export class PreparedResponse {
  constructor(
    readonly status: number,
    private readonly shared: SharedHeaders,
    /** This page's own header lines (content type, cache control, keys, ETag, length…). */
    private readonly own: string,
    readonly body: Buffer,
    /** The body as chunks to write in order, instead of `body` (a page joined from parts, on its miss). */
    readonly chunks?: readonly Buffer[],
  ) {}

  /** The status line and every header but Date and Connection (added per response), as head text. */
  get head(): string {
    return statusLine(this.status) + this.shared.lines + this.own;
  }

  /** All headers as an object, for Node's ServerResponse and Fastify (made per call: those paths are rare). */
  get headers(): Record<string, string> {
    const out: Record<string, string> = { ...this.shared.headers };
    for (const line of this.own.split('\r\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 2);
    }
    return out;
  }
}

const NO_BODY = Buffer.alloc(0);

/**
 * The answers for one page, each built the first time it is sent, so a hit only writes prepared values. Built
 * lazily because most pages are only ever sent in one or two of their six forms (three encodings, full or 304),
 * and every form held costs memory for as long as the page is cached.
 */
export class PreparedPage {
  private readonly full: Partial<Record<Encoding, PreparedResponse>> = {};
  private readonly unchanged: Partial<Record<Encoding, PreparedResponse>> = {};

  constructor(
    private readonly page: CachedPage,
    private readonly shared: SharedHeaders,
    private readonly policy: CdnPolicy,
    private readonly xCache: string,
  ) {}

  /** The full answer in this encoding; `body` gives the page's bytes in it (made on first use by the page cache). */
  response(enc: Encoding, body: () => Buffer): PreparedResponse {
    const known = this.full[enc];
    if (known) return known;
    const bytes = body();
    return (this.full[enc] = new PreparedResponse(this.page.status, this.shared, headLines(this.ownHeaders(enc, bytes.length)), bytes));
  }

  /** The full answer with the body in chunks (a page joined from parts, on its miss): made per call, never kept. */
  chunked(enc: Encoding, chunks: readonly Buffer[]): PreparedResponse {
    return new PreparedResponse(this.page.status, this.shared, headLines(this.ownHeaders(enc, chunksLength(chunks))), NO_BODY, chunks);
  }

  private ownHeaders(enc: Encoding, length: number): Record<string, string | number> {
    const headers: Record<string, string | number> = { ...pageHeaders(this.page, this.policy), 'x-cache': this.xCache };
    if (enc !== 'identity') headers['content-encoding'] = enc;
    headers.etag = etagFor(this.page, enc);
    headers['content-length'] = length;
    return headers;
  }

  /** The 304 answer for a client holding this encoding's representation. */
  notModified(enc: Encoding): PreparedResponse {
    const known = this.unchanged[enc];
    if (known) return known;
    const page = this.page;
    const headers: Record<string, string | number> = { 'cache-control': publicCacheControl(this.policy), vary: 'Accept-Encoding', etag: etagFor(page, enc) };
    if (page.lastModified) headers['last-modified'] = page.lastModified;
    headers['x-cache'] = this.xCache;
    return (this.unchanged[enc] = new PreparedResponse(304, this.shared, headLines(headers), NO_BODY));
  }
}
