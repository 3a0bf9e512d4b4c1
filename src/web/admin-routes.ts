import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The newsroom app (admin/, built to admin/dist by `npm install`), served at /admin. */
export const ADMIN_DIST = fileURLToPath(new URL('../../admin/dist/', import.meta.url));

/**
 * The app runs its own scripts and styles from /admin/assets, talks only to /api/v1, shows
 * images from /media, and is never framed. Reader pages keep their script-free CSP (security.ts).
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.map': 'application/json', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8' };

export function registerAdminRoutes(app: FastifyInstance, opts: { dist?: string } = {}): void {
  const dist = opts.dist ?? ADMIN_DIST;
  const sendIndex = async (reply: FastifyReply) => {
    const html = await readFile(join(dist, 'index.html'), 'utf8').catch(() => null);
    reply.header('content-security-policy', ADMIN_CSP).header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
    if (html === null) return reply.code(503).type('text/plain; charset=utf-8').send('Ứng dụng tòa soạn chưa được build: chạy npm install (hoặc npm run build:admin).');
    return reply.type('text/html; charset=utf-8').send(html);
  };
  // The router ignores trailing slashes, so /admin and /admin/ are this one route.
  app.get('/admin', async (_req, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/admin/*', async (req, reply) => {
    const rest = req.params['*'];
    if (rest.startsWith('assets/') || /\.[a-z0-9]{1,6}$/i.test(rest)) {
      const root = normalize(dist.endsWith(sep) ? dist : dist + sep);
      const file = normalize(join(root, rest));
      if (!file.startsWith(root)) return reply.callNotFound();
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return reply.callNotFound();
      // Vite puts a content hash in every asset name: cache them for a year.
      reply.header('cache-control', rest.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('content-security-policy', ADMIN_CSP);
      return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('content-length', info.size).send(createReadStream(file));
    }
    // Every other path is a screen of the app (SPA fallback).
    return sendIndex(reply);
  });
}
