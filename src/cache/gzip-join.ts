import { constants as zc, crc32, deflateRawSync } from 'node:zlib';
import { exact } from './bytes.ts';

/**
 * One piece of a page compressed on its own, ready to be joined with others into a gzip body without compressing
 * again. A raw deflate stream ended by a sync flush stops on a byte boundary and never sets the final-block bit, so
 * such streams can follow one another; the gzip trailer needs the CRC-32 of the whole, which crc32Combine derives
 * from the pieces' own CRCs and lengths (zlib's method, not exposed by Node).
 */
export interface DeflatedPart {
  /** Raw deflate data ending with a sync flush (no final block). */
  readonly deflated: Buffer;
  /** CRC-32 of the uncompressed bytes. */
  readonly crc: number;
  /** Uncompressed length in bytes. */
  readonly length: number;
}

export function deflatePart(raw: Buffer, level = 6): DeflatedPart {
  // Parts are kept (slots in memory, a cached page's chunks): zlib's result alone would keep its 64 KiB block.
  return { deflated: exact(deflateRawSync(raw, { level, finishFlush: zc.Z_SYNC_FLUSH })), crc: crc32(raw), length: raw.length };
}

const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC-32 polynomial, both in zlib's reflected bit order. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31 (the cycle repeats after 32). */
const X2N: number[] = [0x40000000];
for (let k = 1; k < 32; k++) X2N.push(multModP(X2N[k - 1]!, X2N[k - 1]!));

/** x^(n * 2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000;
  while (n) {
    if (n & 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC-32 of A followed by B, from CRC(A), CRC(B) and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}

// ID1 ID2, deflate, no flags, no time, no extra flags, Unix (as zlib's gzip writes it).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
// An empty final block with fixed codes: ends the deflate stream the parts leave open.
const FINAL_BLOCK = Buffer.from([3, 0]);

/**
 * A gzip body whose content is the parts' bytes in order, as the chunks to write one after another: the header, each
 * part's deflate data (the same buffers, not copies) and a 10-byte tail (final block, CRC-32, length).
 */
export function gzipChunks(parts: readonly DeflatedPart[]): Buffer[] {
  let crc = 0;
  let length = 0;
  const chunks: Buffer[] = [GZIP_HEADER];
  for (const p of parts) {
    crc = length === 0 ? p.crc : crc32Combine(crc, p.crc, p.length);
    length += p.length;
    chunks.push(p.deflated);
  }
  // Its own memory: a view into Buffer's shared pool would keep a whole pool block alive for as long as the page.
  const tail = Buffer.allocUnsafeSlow(FINAL_BLOCK.length + 8);
  FINAL_BLOCK.copy(tail, 0);
  tail.writeUInt32LE(crc >>> 0, FINAL_BLOCK.length);
  // ISIZE is the length modulo 2^32.
  tail.writeUInt32LE(length % 0x100000000, FINAL_BLOCK.length + 4);
  chunks.push(tail);
  return chunks;
}

/** The bytes the chunks hold in all (a body's Content-Length). */
export function chunksLength(chunks: readonly Buffer[]): number {
  let size = 0;
  for (const c of chunks) size += c.length;
  return size;
}

/** Chunks copied into one buffer of their exact size. */
export function concatChunks(chunks: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafeSlow(chunksLength(chunks));
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}

/** A gzip body whose content is the parts' bytes in order, in one buffer. */
export function joinGzip(parts: readonly DeflatedPart[]): Buffer {
  return concatChunks(gzipChunks(parts));
}
