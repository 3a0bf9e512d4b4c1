import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SITE_CSS } from './site/styles.ts';
import { VIDEO_FACADE_CSS, VIDEO_FRAME_ORIGIN } from './site/document-html.tsx';
import { isPrivateRequest } from '../cache/http.ts';

const styleHash = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

/**
 * Reader pages run no script at all and only our own inline stylesheets (the page's, and the video placeholder's,
 * an srcdoc frame that inherits this policy). The only frames are YouTube players a reader started.
 */
export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'none'",
  `style-src ${styleHash(SITE_CSS)} ${styleHash(VIDEO_FACADE_CSS)}`,
  `frame-src ${VIDEO_FRAME_ORIGIN}`,
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The newsroom app and the JSON API (the reader site is everything else). */
export function isNewsroomPath(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?') || url === '/api' || url.startsWith('/api/');
}

export function registerSecurityHeaders(app: FastifyInstance, opts: { hsts: boolean }): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('x-frame-options', 'DENY');
    // The newsroom (and anything a logged-in member is served) keeps its windows to itself. Public reader pages are
    // the same for everyone, run no script and hold no per-user state, so there is nothing for an opener to reach;
    // there the header only cost a second renderer process on navigation (docs/DECISIONS.md).
    if (isNewsroomPath(req.url) || isPrivateRequest(req.headers)) reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    if (opts.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    const type = String(reply.getHeader('content-type') ?? '');
    if (!reply.hasHeader('content-security-policy') && type.startsWith('text/html')) reply.header('content-security-policy', SITE_CSP);
    return payload;
  });
}
