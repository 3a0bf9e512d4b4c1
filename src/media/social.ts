import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharp } from './sharp.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../web/context.ts';
import { getArticle, getMediaByIds, getSettings } from '../storage/content.ts';
import { ARTICLE_TYPE_LABELS, type ArticleType } from '../domain/article.ts';
import { MAX_IMAGE_PIXELS } from './store.ts';
import { brandLogoPath, renderBrandLogo } from './brand.ts';

/**
 * The 1200×630 picture Facebook, Zalo and X show when a story is shared: the cover cropped to the
 * card's ratio with the paper's name, or, for a story without a cover, a card drawn from the title.
 * Made on first request and kept on disk; its URL carries a version hash of everything drawn on it,
 * so a changed title or cover gets a new URL and the old one can be cached forever.
 */
export const SOCIAL_WIDTH = 1200;
export const SOCIAL_HEIGHT = 630;
const FONT = "'Noto Sans','DejaVu Sans',sans-serif";
const RENDERER_VERSION = '1';

export interface SocialSource {
  id: number;
  title: string;
  type: string;
  /** Storage key of the cover image, when it has one on disk. */
  coverKey: string | null;
  siteName: string;
}

export function socialVersion(s: SocialSource): string {
  return createHash('sha256').update(JSON.stringify([RENDERER_VERSION, s.title, s.type, s.coverKey, s.siteName])).digest('hex').slice(0, 12);
}

export function socialImagePath(s: SocialSource): string {
  return `/media/social/${s.id}-${socialVersion(s)}.jpg`;
}

const xml = (t: string) => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * Breaks a title into at most `maxLines` lines of about `perLine` characters, on spaces;
 * the last line ends with an ellipsis when the title does not fit.
 */
export function wrapTitle(title: string, perLine: number, maxLines: number): { lines: string[]; truncated: boolean } {
  const words = title.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let i = 0;
  for (; i < words.length; i++) {
    let word = words[i]!;
    if (word.length > perLine) word = `${word.slice(0, perLine - 1)}…`;
    const next = current ? `${current} ${word}` : word;
    if (next.length <= perLine) {
      current = next;
      continue;
    }
    lines.push(current);
    current = word;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && current) {
    lines.push(current);
    current = '';
  }
  const truncated = i < words.length || current !== '';
  if (truncated && lines.length) {
    const last = lines[lines.length - 1]!;
    lines[lines.length - 1] = `${last.length + 2 > perLine ? last.slice(0, perLine - 2).replace(/\s+\S*$/, '') : last} …`;
  }
  return { lines, truncated };
}

/** Picks the largest title size that fits in five lines; very long titles are cut at the smallest size. */
function layoutTitle(title: string): { size: number; lines: string[] } {
  for (const size of [68, 60, 52, 46]) {
    // Average advance of a bold sans glyph is about 0.56 em; the text box is 1080 px wide.
    const perLine = Math.floor(1080 / (size * 0.56));
    const maxLines = Math.floor(430 / (size * 1.22));
    const { lines, truncated } = wrapTitle(title, perLine, maxLines);
    if (!truncated || size === 46) return { size, lines };
  }
  throw new Error('unreachable');
}

function titleCardSvg(s: SocialSource): string {
  const label = ARTICLE_TYPE_LABELS[s.type as ArticleType]?.titleLabel;
  const { size, lines } = layoutTitle(s.title);
  const lineHeight = Math.round(size * 1.22);
  const top = 150 + Math.max(0, (430 - lines.length * lineHeight) / 2);
  const text = lines.map((l, i) => `<text x="60" y="${Math.round(top + i * lineHeight + size)}" font-size="${size}" font-weight="700" fill="#ffffff">${xml(l)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SOCIAL_WIDTH}" height="${SOCIAL_HEIGHT}" font-family="${FONT}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7f0b0b"/><stop offset="1" stop-color="#b3261e"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<rect x="60" y="60" width="8" height="56" fill="#ffd54a"/>
<text x="84" y="102" font-size="40" font-weight="800" fill="#ffffff">${xml(s.siteName)}</text>
${label ? `<text x="${SOCIAL_WIDTH - 60}" y="102" font-size="32" font-weight="700" fill="#ffd54a" text-anchor="end">${xml(label.toUpperCase())}</text>` : ''}
${text}
</svg>`;
}

function brandBandSvg(siteName: string): string {
  const width = Math.min(SOCIAL_WIDTH - 80, 60 + siteName.length * 22);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SOCIAL_WIDTH}" height="${SOCIAL_HEIGHT}" font-family="${FONT}"><rect x="0" y="${SOCIAL_HEIGHT - 72}" width="${width}" height="72" fill="#a50e0e"/><text x="30" y="${SOCIAL_HEIGHT - 24}" font-size="36" font-weight="800" fill="#ffffff">${xml(siteName)}</text></svg>`;
}

/** Draws the social card as a JPEG. */
export async function renderSocialImage(s: SocialSource, coverFile: Buffer | null): Promise<Buffer> {
  const sharp = await loadSharp();
  if (coverFile) {
    const base = await sharp(coverFile, { limitInputPixels: MAX_IMAGE_PIXELS }).rotate().resize(SOCIAL_WIDTH, SOCIAL_HEIGHT, { fit: 'cover', position: 'attention' }).toBuffer();
    return sharp(base)
      .composite([{ input: Buffer.from(brandBandSvg(s.siteName)) }])
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer();
  }
  return sharp(Buffer.from(titleCardSvg(s))).flatten({ background: '#a50e0e' }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
}

/** Everything the card of a published story is drawn from, or undefined if it is not published. */
export async function socialSourceFor(ctx: AppContext, articleId: number): Promise<SocialSource | undefined> {
  const db = ctx.store.db;
  const a = await getArticle(db, articleId);
  if (!a || a.status !== 'published') return undefined;
  const [settings, media] = await Promise.all([getSettings(db), a.cover_media_id ? getMediaByIds(db, [a.cover_media_id]) : Promise.resolve(new Map())]);
  const cover = a.cover_media_id ? media.get(a.cover_media_id) : undefined;
  return { id: a.id, title: a.title, type: a.type, coverKey: cover?.storage_key ?? null, siteName: settings.name };
}

const inFlight = new Map<string, Promise<Buffer>>();

async function cachedSocialImage(mediaDir: string, s: SocialSource): Promise<Buffer> {
  const path = join(mediaDir, 'social', `${s.id}-${socialVersion(s)}.jpg`);
  const onDisk = await readFile(path).catch(() => null);
  if (onDisk) return onDisk;
  const pending = inFlight.get(path);
  if (pending) return pending;
  const job = (async () => {
    const cover = s.coverKey ? await readFile(join(mediaDir, s.coverKey)).catch(() => null) : null;
    const data = await renderSocialImage(s, cover);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
    return data;
  })().finally(() => inFlight.delete(path));
  inFlight.set(path, job);
  return job;
}

const logos = new Map<string, Promise<Buffer>>();

export function registerSocialImageRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { file: string } }>('/media/brand/:file', async (req, reply) => {
    const { name } = await getSettings(ctx.store.db);
    const current = brandLogoPath(name);
    if (!/^logo-[0-9a-f]{12}\.png$/.test(req.params.file)) return reply.callNotFound();
    if (!current.endsWith(`/${req.params.file}`)) return reply.code(301).header('cache-control', 'public, max-age=300').header('location', current).send();
    let logo = logos.get(name);
    if (!logo) {
      logo = renderBrandLogo(name);
      logos.set(name, logo);
      logo.catch(() => logos.delete(name));
    }
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type('image/png').send(await logo);
  });

  app.get<{ Params: { file: string } }>('/media/social/:file', async (req, reply) => {
    const m = /^(\d{1,12})-([0-9a-f]{12})\.jpg$/.exec(req.params.file);
    if (!m) return reply.callNotFound();
    const source = await socialSourceFor(ctx, Number(m[1]));
    if (!source) return reply.callNotFound();
    const current = socialImagePath(source);
    // An old version (title or cover changed since) points to the current card.
    if (!current.endsWith(`/${req.params.file}`)) return reply.code(301).header('cache-control', 'public, max-age=300').header('location', current).send();
    const data = await cachedSocialImage(ctx.mediaDir, source);
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type('image/jpeg').send(data);
  });
}

