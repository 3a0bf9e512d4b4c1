import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { buildServer } from '../src/web/server.ts';
import { createContext, type AppContext } from '../src/web/context.ts';
import { openTestSqlite, type TestStore } from '../src/storage/testing.ts';
import { createCategory } from '../src/storage/content.ts';
import { createUser } from '../src/storage/newsroom.ts';
import type { Role } from '../src/domain/roles.ts';

/** Browser tests: a real server on a random port with a fresh SQLite database, driven by Debian's Chromium. */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Builds admin/dist when it is missing or older than its sources (tests can run before npm install did). */
export function ensureAdminBuilt(): void {
  const index = join(ROOT, 'admin', 'dist', 'index.html');
  const newest = (dir: string): number => {
    let t = 0;
    for (const entry of readdir(dir)) t = Math.max(t, entry.isDirectory ? newest(entry.path) : statSync(entry.path).mtimeMs);
    return t;
  };
  if (!existsSync(index) || statSync(index).mtimeMs < newest(join(ROOT, 'admin', 'src'))) {
    // The production build, as npm install makes it: under vitest NODE_ENV is `test`, and vite would build React's
    // development bundle (StrictMode's double effects and all), which is not what readers or the newsroom run.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', join(ROOT, 'admin', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  }
}

function readdir(dir: string): Array<{ path: string; isDirectory: boolean }> {
  return readdirSync(dir, { withFileTypes: true }).map((d) => ({ path: join(dir, d.name), isDirectory: d.isDirectory() }));
}

export const PASSWORD = 'mat-khau-thu-nghiem-2025';

export interface TestSite {
  ctx: AppContext;
  store: TestStore;
  app: FastifyInstance;
  port: number;
  base: string;
  categoryId: number;
  users: Record<'reporter' | 'editor' | 'chief', { email: string; name: string; id: number }>;
  /** Closes the HTTP server (the database stays). */
  stop(): Promise<void>;
  /** Listens again on the same port with the same database. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startSite(): Promise<TestSite> {
  const store = await openTestSqlite();
  const mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-e2e-media-'));
  const ctx = createContext(store, mediaDir);
  const categoryId = await createCategory(store.db, { name: 'Đời sống', slug: 'doi-song' });
  const mk = async (email: string, name: string, roles: Role[]) => {
    const u = await createUser(store.db, { email, name, password: PASSWORD, roles, deskIds: [categoryId] });
    return { email, name, id: u.id };
  };
  const users = {
    reporter: await mk('phongvien@example.vn', 'Nguyễn Văn An', ['reporter']),
    editor: await mk('bientap@example.vn', 'Trần Thị Bình', ['editor']),
    chief: await mk('tongbientap@example.vn', 'Lê Minh Châu', ['editor_in_chief']),
  };
  let app = await buildServer(ctx, { cache: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const site: TestSite = {
    ctx,
    store,
    app,
    port,
    base: `http://127.0.0.1:${port}`,
    categoryId,
    users,
    async stop() {
      await app.close();
    },
    async restart() {
      app = await buildServer(ctx, { cache: false });
      await app.listen({ port, host: '127.0.0.1' });
      site.app = app;
    },
    async dispose() {
      await app.close().catch(() => undefined);
      await store.dispose();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
  return site;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core in the page (evaluated over the DevTools protocol, so the app's CSP stays as served). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}\n;0`);
  return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as AxeViolation[];
}

export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A JPEG like a phone makes: EXIF with the photographer, a copyright line and GPS coordinates. */
export async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 1600, height: 1000, channels: 3, background: { r: 40, g: 120, b: 90 } } })
    .composite([{ input: Buffer.from('<svg width="1600" height="1000"><circle cx="800" cy="500" r="300" fill="#f4c430"/></svg>') }])
    .withExif({ IFD0: { Artist: 'Phạm Thu Hà', Copyright: 'Báo Thử Nghiệm' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '21/1 1/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '105/1 51/1 0/1' } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export async function login(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/admin/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Tin bài' }).waitFor();
}

/** Starts a story from the queue ("Viết bài mới") as the logged-in member; returns its id once its editor is open. */
export async function startStory(page: Page, title: string): Promise<number> {
  await page.getByRole('link', { name: 'Viết bài mới' }).click();
  await page.getByLabel('Tiêu đề').fill(title);
  await page.getByRole('button', { name: 'Tạo bản nháp' }).click();
  await page.getByTestId('story-status').waitFor();
  return Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
}

/**
 * The real site and Chromium for one describe block: started before its tests, stopped after them. Hooks the block
 * adds later run their teardown first (vitest runs after-hooks in reverse), so they can close their pages.
 */
export function useSiteAndBrowser(): { readonly site: TestSite; readonly browser: Browser } {
  let site: TestSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureAdminBuilt();
    site = await startSite();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.dispose();
  });
  return {
    get site() {
      return site!;
    },
    get browser() {
      return browser!;
    },
  };
}

/**
 * Pages for one describe block: each in its own browser context (its own cookies), Vietnamese locale, page errors
 * logged; every context is closed after the block.
 */
export function usePages(e2e: { readonly browser: Browser }, defaultViewport = { width: 1360, height: 900 }): (viewport?: { width: number; height: number }) => Promise<Page> {
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
  });
  return async (viewport = defaultViewport) => {
    const c = await e2e.browser.newContext({ locale: 'vi-VN', viewport });
    contexts.push(c);
    const page = await c.newPage();
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    return page;
  };
}
