import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { prepareUpload, readExif, saveUpload, UploadError } from './upload.ts';
import { testEngines, type TestStore } from '../storage/testing.ts';

const photo = (gps = true) =>
  sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7' } })
    .withExif({ IFD0: { Artist: 'Pham Thu Ha', Copyright: 'Bao Thu Nghiem' }, ...(gps ? { IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '21/1 1/1 0/1' } } : {}) })
    .jpeg()
    .toBuffer();

/** A PNG whose header claims 50 000 × 50 000 pixels: a few bytes that would decode to gigabytes. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50_000, 0);
  ihdr.writeUInt32BE(50_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(10)), chunk('IEND', Buffer.alloc(0))]);
}

describe('upload checks', () => {
  it('removes GPS but keeps the photographer and copyright', async () => {
    const input = await photo();
    expect(readExif((await sharp(input).metadata()).exif).hasGps).toBe(true);
    const out = await prepareUpload(input);
    expect(out.cleaned).toBe(true);
    const facts = readExif((await sharp(out.data).metadata()).exif);
    expect(facts.hasGps).toBe(false);
    expect(facts.artist).toBe('Pham Thu Ha');
    expect(facts.copyright).toBe('Bao Thu Nghiem');
    expect(out.credit).toBe('Pham Thu Ha');
  });

  it('refuses what is not a real image, decompression bombs, empty files', async () => {
    await expect(prepareUpload(Buffer.from('<?php echo 1; ?>'))).rejects.toMatchObject({ status: 415 });
    await expect(prepareUpload(Buffer.from('%PDF-1.4 giả làm ảnh'))).rejects.toBeInstanceOf(UploadError);
    await expect(prepareUpload(pngBomb())).rejects.toMatchObject({ status: 422, message: expect.stringContaining('điểm ảnh') });
    await expect(prepareUpload(Buffer.alloc(0))).rejects.toMatchObject({ status: 422 });
    const truncated = (await photo(false)).subarray(0, 2000);
    await expect(prepareUpload(truncated)).rejects.toBeInstanceOf(UploadError);
  });

  it('accepts PNG, WebP, GIF and AVIF by content', async () => {
    const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } });
    for (const buf of [await base.clone().png().toBuffer(), await base.clone().webp().toBuffer(), await base.clone().gif().toBuffer(), await base.clone().avif().toBuffer()]) {
      const out = await prepareUpload(buf);
      expect(['png', 'webp', 'gif', 'heif']).toContain(out.format);
    }
  });
});

const engines = await testEngines();
describe.each(engines)('saveUpload on $engine', ({ open }) => {
  let store: TestStore;
  let mediaDir: string;
  beforeAll(async () => {
    store = await open();
    mediaDir = mkdtempSync(join(tmpdir(), 'toasoan-upload-'));
  });
  afterAll(async () => {
    await store.dispose();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('stores the cleaned file, records credit, and makes AVIF, WebP and JPEG variants', async () => {
    const item = await saveUpload(store.db, mediaDir, { fileName: 'chợ phiên.jpg', data: await photo() });
    expect(item).toMatchObject({ fileName: 'chợ phiên.jpg', width: 1200, height: 800, credit: 'Pham Thu Ha', mime: 'image/jpeg' });
    expect(item.variants.map((v) => v.split('.').pop())).toEqual(['avif', 'webp', 'jpg']);
    for (const v of [item.url, ...item.variants]) expect(existsSync(join(mediaDir, v.replace('/media/', '')))).toBe(true);
    const row = await store.db.selectFrom('media').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row.credit).toBe('Pham Thu Ha');
    const stored = await sharp(join(mediaDir, row.storage_key!)).metadata();
    expect(readExif(stored.exif).hasGps).toBe(false);
  });
});
