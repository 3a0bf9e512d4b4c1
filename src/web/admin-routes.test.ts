import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ADMIN_CSP, registerAdminRoutes } from './admin-routes.ts';
import { registerSecurityHeaders } from './security.ts';

describe('admin app routes', () => {
  let app: FastifyInstance;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'toasoan-admin-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Tòa soạn</title><script type="module" src="/admin/assets/index-abc123.js"></script>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'secret.txt'), 'không được lộ');
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    registerSecurityHeaders(app, { hsts: false });
    registerAdminRoutes(app, { dist });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the app shell at /admin and on every screen path, never cached, with the app CSP', async () => {
    for (const url of ['/admin', '/admin/', '/admin/articles/12', '/admin/media?q=x']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
      expect(res.body).toContain('<title>Tòa soạn</title>');
    }
    expect(ADMIN_CSP).toContain("script-src 'self'");
    expect(ADMIN_CSP).not.toContain('unsafe');
  });

  it('caches hashed assets for a year and 404s unknown files and escapes', async () => {
    const res = await app.inject({ url: '/admin/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toContain('text/javascript');
    expect((await app.inject({ url: '/admin/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/admin/..%2F..%2Fsecret.txt' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/admin/assets/../../secret.txt' })).body).not.toContain('không được lộ');
  });
});
