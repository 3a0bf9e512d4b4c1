import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharp } from './sharp.ts';
import { MAX_IMAGE_PIXELS } from './store.ts';

/**
 * Responsive variants of stored images.
 *
 * A variant's name is derived from its original's content-hashed key plus a short suffix
 * (`ab/<sha>-w640.webp`, `ab/<sha>-r16x9.jpg`), so its URL is as immutable as the original's
 * and no database row is needed. Variants are made lazily, on the first request, then kept on disk
 * next to the original: storing an image stays fast (AVIF encoding costs far more than the upload
 * itself, see docs/PERFORMANCE.md) and nobody pays for sizes no page ever asks for.
 * `warmVariants` makes every size ahead of time, for a command or a deploy step.
 */

/** The only widths ever produced: a fixed set keeps the disk bounded whatever URLs are requested. */
export const VARIANT_WIDTHS = [160, 320, 480, 720, 960, 1280] as const;
export type VariantFormat = 'avif' | 'webp' | 'jpg';
export const VARIANT_FORMATS: VariantFormat[] = ['avif', 'webp', 'jpg'];
/** Crops Google asks for in NewsArticle.image ("16x9, 4x3 and 1x1"), and the 1200×630 social card. */
export const RATIOS = { '16x9': [16, 9], '4x3': [4, 3], '1x1': [1, 1] } as const;
export type Ratio = keyof typeof RATIOS;
const RATIO_MAX_WIDTH = 1200;

const MIME: Record<VariantFormat, string> = { avif: 'image/avif', webp: 'image/webp', jpg: 'image/jpeg' };
const ORIGINAL_EXTS = ['jpg', 'png', 'webp', 'gif', 'avif', 'jpeg'];

export function variantMime(format: VariantFormat): string {
  return MIME[format];
}

function splitKey(storageKey: string): { base: string; ext: string } {
  const dot = storageKey.lastIndexOf('.');
  return { base: storageKey.slice(0, dot), ext: storageKey.slice(dot + 1) };
}

export function widthVariantKey(storageKey: string, width: number, format: VariantFormat): string {
  return `${splitKey(storageKey).base}-w${width}.${format}`;
}

export function ratioVariantKey(storageKey: string, ratio: Ratio): string {
  return `${splitKey(storageKey).base}-r${ratio}.jpg`;
}

/** Widths worth offering for an image `originalWidth` wide: never upscaled. */
export function widthsFor(originalWidth: number, wanted: readonly number[] = VARIANT_WIDTHS): number[] {
  return wanted.filter((w) => w <= originalWidth);
}

/** Size of a ratio crop of an image: the largest centred crop, scaled down to at most 1200 wide. */
export function ratioSize(width: number, height: number, ratio: Ratio): { width: number; height: number } {
  const [rw, rh] = RATIOS[ratio];
  let w = width;
  let h = Math.round((width * rh) / rw);
  if (h > height) {
    h = height;
    w = Math.round((height * rw) / rh);
  }
  if (w > RATIO_MAX_WIDTH) {
    h = Math.round((h * RATIO_MAX_WIDTH) / w);
    w = RATIO_MAX_WIDTH;
  }
  return { width: w, height: h };
}

export type VariantSpec = { kind: 'width'; width: number; format: VariantFormat } | { kind: 'ratio'; ratio: Ratio };

const VARIANT_KEY = /^([0-9a-f]{2}\/[0-9a-f]{16,64})-(?:w(\d{2,4})\.(avif|webp|jpg)|r(16x9|4x3|1x1)\.jpg)$/;

/** Reads a variant key back; null for anything that is not one of ours. */
export function parseVariantKey(key: string): { base: string; spec: VariantSpec } | null {
  const m = VARIANT_KEY.exec(key);
  if (!m) return null;
  if (m[2]) {
    const width = Number(m[2]);
    if (!(VARIANT_WIDTHS as readonly number[]).includes(width)) return null;
    return { base: m[1]!, spec: { kind: 'width', width, format: m[3] as VariantFormat } };
  }
  return { base: m[1]!, spec: { kind: 'ratio', ratio: m[4] as Ratio } };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function findOriginal(mediaDir: string, base: string): Promise<string | null> {
  for (const ext of ORIGINAL_EXTS) {
    const p = join(mediaDir, `${base}.${ext}`);
    if (await exists(p)) return p;
  }
  return null;
}

export async function encodeVariant(input: Buffer | string, spec: VariantSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  const img = sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, animated: false }).rotate();
  if (spec.kind === 'ratio') {
    const meta = await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    const rotated = (meta.orientation ?? 1) >= 5;
    const w = (rotated ? meta.height : meta.width) ?? 1;
    const h = (rotated ? meta.width : meta.height) ?? 1;
    const size = ratioSize(w, h, spec.ratio);
    return img.resize(size.width, size.height, { fit: 'cover', position: 'attention' }).flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }).toBuffer();
  }
  const resized = img.resize({ width: spec.width, withoutEnlargement: true });
  switch (spec.format) {
    case 'avif':
      // effort 2: most of AVIF's size gain at a fraction of the default effort's encoding time.
      return resized.avif({ quality: 55, effort: 2 }).toBuffer();
    case 'webp':
      return resized.webp({ quality: 75, effort: 4 }).toBuffer();
    case 'jpg':
      return resized.flatten({ background: '#ffffff' }).jpeg({ quality: 78, mozjpeg: true, progressive: true }).toBuffer();
  }
}

const inFlight = new Map<string, Promise<string | null>>();

/**
 * Makes sure the variant file for `key` exists and returns its path, or null when `key` is not a
 * variant of a stored original. Concurrent requests for the same variant share one encoding.
 */
export async function ensureVariant(mediaDir: string, key: string): Promise<string | null> {
  const parsed = parseVariantKey(key);
  if (!parsed) return null;
  const path = join(mediaDir, key);
  if (await exists(path)) return path;
  const pending = inFlight.get(path);
  if (pending) return pending;
  const job = (async () => {
    const original = await findOriginal(mediaDir, parsed.base);
    if (!original) return null;
    const data = await encodeVariant(original, parsed.spec);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
    } catch (err) {
      // A full or read-only disk must not also fill up with leftovers.
      await rm(tmp, { force: true });
      throw err;
    }
    return path;
  })().finally(() => inFlight.delete(path));
  inFlight.set(path, job);
  return job;
}

/** Makes every variant of one stored image now (for a warm-up command); returns how many were written. */
export async function warmVariants(mediaDir: string, storageKey: string, originalWidth: number): Promise<number> {
  let made = 0;
  const keys = [...widthsFor(originalWidth).flatMap((w) => VARIANT_FORMATS.map((f) => widthVariantKey(storageKey, w, f))), ...(Object.keys(RATIOS) as Ratio[]).map((r) => ratioVariantKey(storageKey, r))];
  for (const key of keys) {
    const before = await stat(join(mediaDir, key)).catch(() => null);
    if (before) continue;
    if (await ensureVariant(mediaDir, key)) made++;
  }
  return made;
}
