import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../web/context.ts';
import { ensureVariant } from './variants.ts';
import { registerSocialImageRoute } from './social.ts';

const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', gif: 'image/gif' };
/** Storage keys are content hashes (see store.ts), so anything else is not ours. */
const STORAGE_KEY = /^[0-9a-f]{2}\/[0-9a-f]{16,64}(?:-[a-z0-9]{1,16})?\.(jpg|jpeg|png|webp|avif|gif)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function placeholderSvg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#e5e7eb"/><path d="M${width / 2 - 40} ${height / 2 + 24}l24-32 18 22 12-14 26 24z" fill="#9ca3af"/><circle cx="${width / 2 + 18}" cy="${height / 2 - 22}" r="9" fill="#9ca3af"/></svg>`;
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
    return reply.header('cache-control', IMMUTABLE).header('content-length', info.size).type(MIME[m[1]!]!).send(createReadStream(file));
  });
}
