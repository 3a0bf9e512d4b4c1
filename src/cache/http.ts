import type { IncomingHttpHeaders } from 'node:http';
import { etagFor, type CachedPage, type Encoding } from './page-cache.ts';

/** Newsroom session cookie: a request carrying it is never answered from, nor stored in, the shared cache. */
export const SESSION_COOKIE = 'toasoan_session';

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
  if (path.charCodeAt(0) !== 47 /* / */ || path.startsWith('/api/') || path === '/api' || path.startsWith('/admin') || path.startsWith('/media/')) return null;
  if (q === -1) return path;
  const pages = new URLSearchParams(url.slice(q + 1)).getAll('trang');
  return pages.length ? `${path}?trang=${pages.map(encodeURIComponent).join('&trang=')}` : path;
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

export interface PreparedResponse {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

export interface PreparedPage {
  br: PreparedResponse;
  gzip: PreparedResponse;
  /** Identity bytes are made on first use (see PageCache.identityOf), so only its headers are ready. */
  identityHeaders: Record<string, string | number>;
  /** Made with the identity bytes, on first use. */
  identity?: PreparedResponse;
  notModified: Record<Encoding, PreparedResponse>;
}

const NO_BODY = Buffer.alloc(0);

/** Every header of every answer for a page, built once so a hit only writes prepared values. */
export function preparePage(page: CachedPage, appHeaders: Record<string, string>, policy: CdnPolicy, xCache: string): PreparedPage {
  const own = pageHeaders(page, policy);
  const base: Record<string, string> = { ...appHeaders, ...own, 'x-cache': xCache };
  const variant = (enc: Encoding, body: Buffer): PreparedResponse => ({
    status: page.status,
    headers: { ...base, ...(enc === 'identity' ? {} : { 'content-encoding': enc }), etag: etagFor(page, enc), 'content-length': body.length },
    body,
  });
  const notModified = (enc: Encoding): PreparedResponse => ({
    status: 304,
    headers: { ...appHeaders, 'cache-control': own['cache-control']!, vary: 'Accept-Encoding', etag: etagFor(page, enc), ...(page.lastModified ? { 'last-modified': page.lastModified } : {}), 'x-cache': xCache },
    body: NO_BODY,
  });
  return {
    br: variant('br', page.br),
    gzip: variant('gzip', page.gzip),
    identityHeaders: { ...base, etag: etagFor(page, 'identity') },
    notModified: { br: notModified('br'), gzip: notModified('gzip'), identity: notModified('identity') },
  };
}
