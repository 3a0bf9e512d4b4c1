import { loadSharp } from '../media/sharp.ts';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createUser } from '../storage/newsroom.ts';
import { generatePassword } from '../newsroom/passwords.ts';
import { ROLE_LABELS, type Role } from '../domain/roles.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AppContext } from '../web/context.ts';
import { countArticles, createArticle, createCategory, ensurePerson, insertMedia, saveSettings } from '../storage/content.ts';
import { storeImage } from '../media/store.ts';
import { paragraph, type Block } from '../domain/document.ts';
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts';
import { DEMO_CATEGORIES, DEMO_SETTINGS, DEMO_STORIES, type DemoStory } from './stories.ts';

/**
 * Draws an original illustration: a landscape of layered hills under a sky, coloured by `hue`.
 * Deterministic for a given seed so the demo looks the same on every machine.
 */
export async function drawDemoImage(seed: number, hue: number, width = 1200, height = 800): Promise<Buffer> {
  const sharp = await loadSharp();
  let x = seed * 9301 + 49297;
  const rnd = () => ((x = (x * 9301 + 49297) % 233280) / 233280);
  const layers: string[] = [];
  for (let i = 0; i < 4; i++) {
    const base = height * (0.45 + i * 0.13);
    let d = `M0 ${height} L0 ${base.toFixed(0)}`;
    for (let px = 0; px <= width; px += width / 8) d += ` Q${(px + width / 16).toFixed(0)} ${(base - 40 - rnd() * 120).toFixed(0)} ${(px + width / 8).toFixed(0)} ${(base - rnd() * 40).toFixed(0)}`;
    d += ` L${width} ${height} Z`;
    layers.push(`<path d="${d}" fill="hsl(${(hue + i * 12) % 360},${45 + i * 8}%,${52 - i * 9}%)"/>`);
  }
  const sunX = (0.2 + rnd() * 0.6) * width;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${(hue + 180) % 360},60%,80%)"/><stop offset="1" stop-color="hsl(${(hue + 200) % 360},70%,92%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#s)"/><circle cx="${sunX.toFixed(0)}" cy="${(height * 0.25).toFixed(0)}" r="${(height * 0.08).toFixed(0)}" fill="hsl(45,95%,70%)"/>${layers.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
}

async function createStory(db: Kysely<Database>, ctx: AppContext, story: DemoStory, index: number, categoryIds: Map<string, number>, now: number): Promise<number> {
  const categoryId = categoryIds.get(story.category);
  if (!categoryId) throw new Error(`Demo story "${story.title}" names an unknown category ${story.category}`);
  const image = await storeImage(ctx.mediaDir, await drawDemoImage(index + 1, story.hue));
  const coverId = await insertMedia(db, { fileName: `minh-hoa-${index + 1}.jpg`, storageKey: image.storageKey, mime: image.mime, width: image.width, height: image.height, byteSize: image.byteSize, sha256: image.sha256, caption: story.caption, credit: 'Ảnh minh họa', alt: story.caption });
  // An e-magazine opens on its cover across the page: its body shows another picture, not the cover again.
  let figure = { id: coverId, width: image.width, height: image.height };
  if (story.type === 'emagazine') {
    const second = await storeImage(ctx.mediaDir, await drawDemoImage(index + 101, (story.hue + 40) % 360));
    const id = await insertMedia(db, { fileName: `minh-hoa-${index + 1}-2.jpg`, storageKey: second.storageKey, mime: second.mime, width: second.width, height: second.height, byteSize: second.byteSize, sha256: second.sha256, caption: story.caption, credit: 'Ảnh minh họa', alt: story.caption });
    figure = { id, width: second.width, height: second.height };
  }
  const body: Block[] = [];
  story.paragraphs.forEach((p, i) => {
    body.push(paragraph(p));
    if (i === 0) body.push({ type: 'figure', attrs: { mediaId: figure.id, fileName: '', width: figure.width, height: figure.height, alt: story.caption, caption: story.caption, credit: 'Ảnh minh họa' } });
  });
  const person = await ensurePerson(db, { name: story.byline, title: 'Phóng viên' });
  return createArticle(db, {
    title: story.title,
    shortTitle: story.shortTitle,
    sapo: story.sapo,
    body: { type: 'doc', content: body },
    type: story.type ?? 'standard',
    categoryId,
    coverMediaId: coverId,
    status: 'published',
    publishedAt: new Date(now - story.hoursAgo * 3_600_000).toISOString(),
    tags: story.tags,
    bylines: [{ personId: person.id }],
  });
}

/** Creates the usual sections of a provincial paper when there are no categories yet; returns slug → id. */
export async function ensureDefaultCategories(db: Kysely<Database>): Promise<Map<string, number>> {
  const existing = await db.selectFrom('categories').select(['id', 'slug']).execute();
  if (existing.length > 0) return new Map(existing.map((c) => [c.slug, c.id]));
  const ids = new Map<string, number>();
  let position = 0;
  for (const c of DEMO_CATEGORIES) {
    const id = await createCategory(db, { name: c.name, slug: c.slug, position: position++, description: c.description });
    ids.set(c.slug, id);
    for (const child of c.children ?? []) ids.set(child.slug, await createCategory(db, { name: child.name, slug: child.slug, parentId: id, position: position++, description: child.description }));
  }
  return ids;
}

/**
 * Fills an empty database with a demo newsroom. Does nothing when the database is in use: stories, newsroom accounts
 * or saved settings (a real paper set up without stories yet must not get demo stories and demo settings).
 */
/**
 * `baseUrl`: the address the demo is served at, so canonical links, feeds and share links work where it runs (the
 * settings' default names port 3000).
 */
export async function seedDemo(ctx: AppContext, opts: { now?: number; baseUrl?: string } = {}): Promise<{ seeded: boolean; articles: number }> {
  const db = ctx.store.db;
  if ((await countArticles(db)) > 0) return { seeded: false, articles: 0 };
  const [user, settings] = await Promise.all([db.selectFrom('users').select('id').limit(1).executeTakeFirst(), db.selectFrom('settings').select('key').limit(1).executeTakeFirst()]);
  if (user || settings) return { seeded: false, articles: 0 };
  const now = opts.now ?? Date.now();
  await db.transaction().execute(async (trx) => {
    const settings: SiteSettings = { ...DEFAULT_SETTINGS, ...DEMO_SETTINGS, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) };
    await saveSettings(trx, settings);
    const ids = await ensureDefaultCategories(trx);
    for (const [i, story] of DEMO_STORIES.entries()) await createStory(trx, ctx, story, i, ids, now);
  });
  return { seeded: true, articles: DEMO_STORIES.length };
}

// ---------- demo accounts ----------

const DEMO_ACCOUNTS: Record<Role, string> = {
  editor_in_chief: 'tongbientap',
  deputy_editor_in_chief: 'photongbientap',
  managing_editor: 'thukytoasoan',
  desk_head: 'truongban',
  editor: 'bientapvien',
  reporter: 'phongvien',
  contributor: 'congtacvien',
  admin: 'quantri',
};

/**
 * One demo account per role, made once (when there are no accounts yet), with generated
 * passwords written to a 0600 file beside the data; returns the editor-in-chief's login to print.
 */
export async function seedDemoAccounts(db: Kysely<Database>, loginFile: string): Promise<{ created: boolean; email?: string; password?: string; loginFile?: string }> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false };
  const desks = (await db.selectFrom('categories').select('id').execute()).map((c) => c.id);
  const lines = ['# Tài khoản thử của tòa soạn demo (vai trò, email, mật khẩu). Xóa tệp này khi không cần.'];
  let chief: { email: string; password: string } | undefined;
  await db.transaction().execute(async (trx) => {
    for (const role of Object.keys(DEMO_ACCOUNTS) as Role[]) {
      const email = `${DEMO_ACCOUNTS[role]}@example.vn`;
      const password = generatePassword();
      await createUser(trx, { email, name: `${ROLE_LABELS[role]} (tài khoản thử)`, password, roles: [role], deskIds: desks });
      lines.push(`${ROLE_LABELS[role]}\t${email}\t${password}`);
      if (role === 'editor_in_chief') chief = { email, password };
    }
  });
  mkdirSync(dirname(loginFile), { recursive: true });
  writeFileSync(loginFile, lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(loginFile, 0o600);
  return { created: true, ...chief, loginFile };
}
