import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32, gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { concatChunks, crc32Combine, deflatePart, gzipChunks, joinGzip } from './gzip-join.ts';

describe('gzip joined from separately deflated parts', () => {
  it('CRC-32 of A+B from the parts equals the CRC-32 of the joined bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), (a, b) => {
        const joined = Buffer.concat([a, b]);
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(joined));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes to the parts in order, empty parts included, at every level', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 2000 }), fc.uint8Array({ maxLength: 5000 }).map((u) => Buffer.from(u).toString('latin1'))), { maxLength: 8 }), fc.integer({ min: 1, max: 9 }), (texts, level) => {
        const raws = texts.map((t) => Buffer.from(t, 'utf8'));
        const parts = raws.map((r) => deflatePart(r, level));
        const body = joinGzip(parts);
        expect(gunzipSync(body).equals(Buffer.concat(raws))).toBe(true);
        // The chunks are the same bytes, written from the parts' own buffers.
        const chunks = gzipChunks(parts);
        expect(concatChunks(chunks).equals(body)).toBe(true);
        parts.forEach((p, i) => expect(chunks[i + 1]).toBe(p.deflated));
        // Kept in the cache, each part holds only its own bytes, not a block of zlib's output (the header is one constant).
        for (const c of chunks.slice(1)) expect(c.buffer.byteLength).toBe(c.length);
      }),
      { numRuns: 200 },
    );
  });

  it('is a single gzip member that the gzip program accepts', () => {
    const parts = ['<!doctype html><html><head>', '<style>body{margin:0}</style>', '</head><body>Lào Cai – Đoàn công tác</body></html>'].map((t) => deflatePart(Buffer.from(t)));
    const body = joinGzip(parts);
    const r = spawnSync('gzip', ['-dc'], { input: body });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('<!doctype html><html><head><style>body{margin:0}</style></head><body>Lào Cai – Đoàn công tác</body></html>');
    // gzip -t checks the trailer's CRC and length.
    expect(spawnSync('gzip', ['-t'], { input: body }).status).toBe(0);
  });
});
