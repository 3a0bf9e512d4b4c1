import { loadSharp } from './sharp.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { insertMedia } from '../storage/content.ts';
import { MAX_AUDIO_BYTES, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, storeAudio, storeImage, type StoredAudio, type StoredImage } from './store.ts';
import { sniffAudio, type AudioInfo } from './audio.ts';
import { ensureVariant, widthsFor, widthVariantKey, VARIANT_FORMATS } from './variants.ts';
import { nfc } from '../domain/vietnamese.ts';

/**
 * Newsroom uploads: the file is checked by its content (real JPEG/PNG/WebP/GIF/AVIF, or MP3/M4A/Ogg audio), its size
 * and, for images, its pixel count (a small file that decodes to gigapixels is refused before decoding); location
 * data is removed (EXIF GPS, XMP) while the photographer's credit and copyright are kept.
 */

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: 413 | 415 | 422,
  ) {
    super(message);
  }
}

const ALLOWED = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

export interface ExifFacts {
  artist: string;
  copyright: string;
  description: string;
  hasGps: boolean;
}

/** Reads the few IFD0 fields we keep (Artist, Copyright, ImageDescription) and whether a GPS block exists. */
export function readExif(exif: Buffer | undefined): ExifFacts {
  const facts: ExifFacts = { artist: '', copyright: '', description: '', hasGps: false };
  if (!exif || exif.length < 14) return facts;
  const start = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const tiff = exif.subarray(start);
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return facts;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  try {
    const ifd = u32(4);
    const count = u16(ifd);
    for (let i = 0; i < count && i < 500; i++) {
      const e = ifd + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      if (tag === 0x8825) facts.hasGps = true;
      if (type !== 2 || n > 10_000) continue;
      const at = n <= 4 ? e + 8 : u32(e + 8);
      const raw = tiff.subarray(at, at + n);
      // EXIF ASCII is often UTF-8 in practice (Vietnamese names); fall back to Latin-1 when it is not.
      let text = raw.toString('utf8');
      if (text.includes('\uFFFD')) text = raw.toString('latin1');
      text = nfc(text.replace(/\0+$/, '').trim());
      if (tag === 0x013b) facts.artist = text;
      else if (tag === 0x8298) facts.copyright = text;
      else if (tag === 0x010e) facts.description = text;
    }
  } catch {
    // A truncated or malformed block: keep what was read.
  }
  return facts;
}

export interface PreparedImage {
  kind: 'image';
  data: Buffer;
  format: string;
  credit: string;
  caption: string;
  /** Whether metadata had to be stripped (the file was re-encoded). */
  cleaned: boolean;
}

/** An audio file, stored as it came (its bytes are what players seek in). */
export interface PreparedAudio {
  kind: 'audio';
  data: Buffer;
  format: AudioInfo['format'];
  audio: AudioInfo;
  credit: string;
  caption: string;
  cleaned: false;
}

const MB = (bytes: number) => Math.round(bytes / 1024 / 1024);
export const NOT_MEDIA = 'Tệp không phải ảnh (JPEG, PNG, WebP, GIF, AVIF) hay âm thanh (MP3, M4A, Ogg) hợp lệ.';

/** Checks an upload and returns the bytes to store. */
export async function prepareUpload(data: Buffer): Promise<PreparedImage | PreparedAudio> {
  if (data.length === 0) throw new UploadError('Tệp rỗng.', 422);
  if (data.length > MAX_AUDIO_BYTES) throw new UploadError(`Tệp quá lớn (tối đa ${MB(MAX_AUDIO_BYTES)} MB với âm thanh, ${MB(MAX_IMAGE_BYTES)} MB với ảnh).`, 413);
  // Audio headers are read without a decoder; only what they name as MP3, M4A or Ogg is taken as audio.
  const audio = sniffAudio(data);
  if (audio) return { kind: 'audio', data, format: audio.format, audio, credit: '', caption: '', cleaned: false };
  const sharp = await loadSharp();
  if (data.length > MAX_IMAGE_BYTES) throw new UploadError(`Ảnh quá lớn (tối đa ${MB(MAX_IMAGE_BYTES)} MB).`, 413);
  // Header only (no pixels decoded), so the pixel count below can be refused with a clear message.
  const meta = await sharp(data, { limitInputPixels: false, animated: true }).metadata().catch(() => null);
  if (!meta?.format || !ALLOWED.has(meta.format) || !meta.width || !meta.height) throw new UploadError(NOT_MEDIA, 415);
  if (meta.format === 'heif' && meta.compression !== 'av1') throw new UploadError('Chỉ nhận ảnh HEIF dạng AVIF.', 415);
  const frameHeight = meta.pageHeight ?? meta.height;
  const pixels = meta.width * frameHeight * Math.max(1, meta.pages ?? 1);
  if (meta.width * frameHeight > MAX_IMAGE_PIXELS || pixels > MAX_IMAGE_PIXELS * 4) throw new UploadError(`Ảnh quá nhiều điểm ảnh (${meta.width}×${frameHeight}; tối đa ${MAX_IMAGE_PIXELS / 1_000_000} triệu).`, 422);
  const facts = readExif(meta.exif);
  const credit = facts.artist || facts.copyright;
  // Decode the whole image once: truncated or corrupt files fail here, not on a reader's page.
  await sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, animated: true }).stats().catch(() => {
    throw new UploadError('Tệp ảnh bị hỏng hoặc không đọc được.', 422);
  });
  if (!meta.exif && !meta.xmp && !meta.iptc) return { kind: 'image', data, format: meta.format, credit, caption: facts.description, cleaned: false };
  // Re-encode without metadata (sharp drops it by default), turning the image upright and writing back
  // only the credit fields and the colour profile.
  const ifd0: Record<string, string> = {};
  if (facts.artist) ifd0.Artist = facts.artist;
  if (facts.copyright) ifd0.Copyright = facts.copyright;
  let img = sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, animated: meta.format !== 'jpeg' }).autoOrient().keepIccProfile();
  if (Object.keys(ifd0).length) img = img.withExif({ IFD0: ifd0 });
  switch (meta.format) {
    case 'jpeg':
      img = img.jpeg({ quality: 92, mozjpeg: true });
      break;
    case 'png':
      img = img.png({ compressionLevel: 9 });
      break;
    case 'webp':
      img = img.webp({ quality: 90 });
      break;
    case 'gif':
      img = img.gif();
      break;
    default:
      img = img.avif({ quality: 70 });
  }
  return { kind: 'image', data: await img.toBuffer(), format: meta.format, credit, caption: facts.description, cleaned: true };
}

export interface UploadedMedia {
  id: number;
  fileName: string;
  url: string;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  caption: string;
  credit: string;
  alt: string;
  createdAt: string;
  kind: MediaKind;
  /** Seconds, for audio whose headers tell it; null otherwise. */
  duration: number | null;
  /** Responsive variants made at upload (AVIF, WebP and a JPEG fallback); other sizes are made on first request. None for audio. */
  variants: string[];
}

export type MediaKind = 'image' | 'audio';
/** What a library row holds, by its stored type. */
export const mediaKind = (mime: string): MediaKind => (mime.startsWith('audio/') ? 'audio' : 'image');
/** A row's duration in seconds (stored in milliseconds). */
export const durationSeconds = (ms: number | null | undefined): number | null => (typeof ms === 'number' && ms > 0 ? Math.round(ms) / 1000 : null);

/** Width made at upload time: what an article figure asks for first. */
export const UPLOAD_VARIANT_WIDTH = 960;

/** An image (checked and cleaned) or an audio file (checked) written to the content-addressed store, not yet in the library. */
export interface StagedUpload {
  fileName: string;
  stored: StoredImage | StoredAudio;
  caption: string;
  credit: string;
}

/** Checks, cleans and stores one file (a file already stored is shared by its hash). Throws UploadError for a bad file. */
export async function stageUpload(mediaDir: string, input: { fileName: string; data: Buffer }): Promise<StagedUpload> {
  const prepared = await prepareUpload(input.data);
  let stored: StoredImage;
  try {
    stored = prepared.kind === 'audio' ? await storeAudio(mediaDir, prepared.data) : await storeImage(mediaDir, prepared.data);
  } catch (err) {
    // A disk or permission failure is ours, not the file's: a plain 500, logged, with no server path in the answer.
    if (typeof (err as NodeJS.ErrnoException).syscall === 'string') throw err;
    throw new UploadError((err as Error).message, 422);
  }
  const fileName = nfc(input.fileName.replace(/[\\/]/g, '_').slice(0, 300)) || (prepared.kind === 'audio' ? 'am-thanh' : 'anh');
  return { fileName, stored, caption: prepared.caption, credit: prepared.credit };
}

/** Puts a staged file in the library (call in the transaction that records it). */
export async function recordUpload(db: Kysely<Database>, staged: StagedUpload): Promise<number> {
  const { stored } = staged;
  const id = await insertMedia(db, { fileName: staged.fileName, storageKey: stored.storageKey, mime: stored.mime, width: stored.width, height: stored.height, byteSize: stored.byteSize, caption: staged.caption, credit: staged.credit, sha256: stored.sha256 });
  if ('durationMs' in stored && stored.durationMs) await db.updateTable('media').set({ duration_ms: stored.durationMs }).where('id', '=', id).execute();
  return id;
}

/** After the commit: the variants a figure asks for first, and the library item as the API shows it. */
export async function finishUpload(db: Kysely<Database>, mediaDir: string, id: number, staged: StagedUpload): Promise<UploadedMedia> {
  const { stored } = staged;
  const kind = mediaKind(stored.mime);
  // Audio has no pixels: no variant is ever made for it.
  const widths = kind === 'audio' ? [] : widthsFor(stored.width, [UPLOAD_VARIANT_WIDTH]);
  const width = kind === 'audio' ? undefined : (widths[0] ?? (widthsFor(stored.width).at(-1) as number | undefined));
  const variants: string[] = [];
  if (width) {
    for (const format of VARIANT_FORMATS) {
      const key = widthVariantKey(stored.storageKey, width, format);
      if (await ensureVariant(mediaDir, key)) variants.push(`/media/${key}`);
    }
  }
  const row = await db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { id, fileName: row.file_name, url: `/media/${stored.storageKey}`, mime: row.mime, width: row.width, height: row.height, byteSize: row.byte_size, caption: row.caption, credit: row.credit, alt: row.alt, createdAt: row.created_at, kind, duration: durationSeconds(row.duration_ms), variants };
}

export async function saveUpload(db: Kysely<Database>, mediaDir: string, input: { fileName: string; data: Buffer }): Promise<UploadedMedia> {
  const staged = await stageUpload(mediaDir, input);
  return finishUpload(db, mediaDir, await recordUpload(db, staged), staged);
}
