import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../web/context.ts';
import { ensureVariant } from './variants.ts';
import { registerSocialImageRoute } from './social.ts';

const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', gif: 'image/gif', mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg' };
/** Storage keys are content hashes (see store.ts), so anything else is not ours. Audio has no variants (no suffix). */
const STORAGE_KEY = /^[0-9a-f]{2}\/[0-9a-f]{16,64}(?:(?:-[a-z0-9]{1,16})?\.(jpg|jpeg|png|webp|avif|gif)|\.(mp3|m4a|ogg))$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function placeholderSvg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#e5e7eb"/><path d="M${width / 2 - 40} ${height / 2 + 24}l24-32 18 22 12-14 26 24z" fill="#9ca3af"/><circle cx="${width / 2 + 18}" cy="${height / 2 - 22}" r="9" fill="#9ca3af"/></svg>`;
}

/**
 * The one byte range of a `Range` header (RFC 9110 §14.1.2) for a file of `size` bytes: `null` when the header is to
 * be ignored (absent, malformed, not bytes, or several ranges: the whole file answers those), 'unsatisfiable' when it
 * starts past the end.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m || (!m[1] && !m[2])) return null;
  if (!m[1]) {
    // The last N bytes.
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] ? Number(m[2]) : Infinity;
  if (last < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

export function registerMediaRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { size: string } }>('/media/placeholder/:size', async (req, reply) => {
    const m = /^(\d{1,5})x(\d{1,5})\.svg$/.exec(req.params.size);
    const w = Number(m?.[1]);
    const hgt = Number(m?.[2]);
    if (!m || w < 1 || hgt < 1 || w > 10_000 || hgt > 10_000) return reply.callNotFound();
    return reply.header('cache-control', IMMUTABLE).type('image/svg+xml').send(placeholderSvg(w, hgt));
  });

  registerSocialImageRoute(app, ctx);

  app.get<{ Params: { '*': string } }>('/media/*', async (req, reply) => {
    const key = req.params['*'];
    const m = STORAGE_KEY.exec(key);
    if (!m) return reply.callNotFound();
    let file = join(ctx.mediaDir, key);
    let info = await stat(file).catch(() => null);
    if (!info) {
      // Responsive variants are made on first request (see variants.ts), then served like any file.
      const made = await ensureVariant(ctx.mediaDir, key);
      if (made) {
        file = made;
        info = await stat(file).catch(() => null);
      }
    }
    if (!info?.isFile()) return reply.callNotFound();
    // The name is the content's hash (a variant's, its original's plus the variant), so it is a strong validator.
    const etag = `"${key.replace('/', '-')}"`;
    const type = MIME[m[1] ?? m[2]!]!;
    reply.header('cache-control', IMMUTABLE).header('accept-ranges', 'bytes').header('etag', etag);
    // Players seek with ranges (Chromium asks `bytes=0-` for any <audio>). An If-Range naming another version, or a
    // date (we send none to compare with), asks for the whole file.
    const ifRange = req.headers['if-range'];
    const range = ifRange === undefined || ifRange === etag ? byteRange(req.headers.range, info.size) : null;
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${info.size}`).header('content-length', 0).send();
    if (range) return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`).header('content-length', range.end - range.start + 1).type(type).send(createReadStream(file, { start: range.start, end: range.end }));
    return reply.header('content-length', info.size).type(type).send(createReadStream(file));
  });
}
