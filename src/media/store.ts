import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharp } from './sharp.ts';
import { sniffAudio } from './audio.ts';

export interface StoredImage {
  storageKey: string;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  sha256: string;
}

const FORMATS: Record<string, { ext: string; mime: string }> = {
  jpeg: { ext: 'jpg', mime: 'image/jpeg' },
  png: { ext: 'png', mime: 'image/png' },
  webp: { ext: 'webp', mime: 'image/webp' },
  gif: { ext: 'gif', mime: 'image/gif' },
  heif: { ext: 'avif', mime: 'image/avif' },
};

export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
/** Audio runs longer than photos weigh: an hour of podcast at 128 kbit/s is about 58 MB. */
export const MAX_AUDIO_BYTES = 100 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 60_000_000;

/**
 * Checks an image by its content (not its name) and stores it under a content hash,
 * so the same file stored twice is one file and its URL can be cached forever.
 */
export async function storeImage(mediaDir: string, data: Buffer): Promise<StoredImage> {
  const sharp = await loadSharp();
  if (data.length === 0) throw new Error('Tệp ảnh rỗng');
  if (data.length > MAX_IMAGE_BYTES) throw new Error(`Tệp ảnh quá lớn (${data.length} byte, tối đa ${MAX_IMAGE_BYTES})`);
  const meta = await sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata().catch(() => null);
  const format = meta?.format ? FORMATS[meta.format] : undefined;
  if (!meta || !format || !meta.width || !meta.height) throw new Error('Tệp không phải ảnh JPEG, PNG, WebP, GIF hoặc AVIF hợp lệ');
  const { storageKey, sha256 } = await writeContentAddressed(mediaDir, data, format.ext);
  const rotated = (meta.orientation ?? 1) >= 5;
  return { storageKey, mime: format.mime, width: rotated ? meta.height : meta.width, height: rotated ? meta.width : meta.height, byteSize: data.length, sha256 };
}

/** Writes bytes under their SHA-256 (`ab/<sha>.<ext>`) unless already there. */
async function writeContentAddressed(mediaDir: string, data: Buffer, ext: string): Promise<{ storageKey: string; sha256: string }> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  const storageKey = `${sha256.slice(0, 2)}/${sha256}.${ext}`;
  const path = join(mediaDir, storageKey);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed into place: a full disk must not leave a cut-off file under the hash, which the next
    // upload of the same file would take as stored (and serve, with immutable caching).
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
  return { storageKey, sha256 };
}

export interface StoredAudio extends StoredImage {
  durationMs: number | null;
}

/** Stores an audio file checked by its content (see audio.ts); it has no pixels, so width and height are 0. */
export async function storeAudio(mediaDir: string, data: Buffer): Promise<StoredAudio> {
  if (data.length > MAX_AUDIO_BYTES) throw new Error(`Tệp âm thanh quá lớn (${data.length} byte, tối đa ${MAX_AUDIO_BYTES})`);
  const audio = sniffAudio(data);
  if (!audio) throw new Error('Tệp không phải âm thanh MP3, M4A hoặc Ogg hợp lệ');
  const { storageKey, sha256 } = await writeContentAddressed(mediaDir, data, audio.ext);
  return { storageKey, mime: audio.mime, width: 0, height: 0, byteSize: data.length, sha256, durationMs: audio.durationMs };
}
