/**
 * A copy in memory of its own size. zlib's results and small Buffer.from() are views into 64 KiB blocks (zlib's
 * output chunks, Buffer's pool), and a view kept in the cache keeps its whole block: 128 KiB held for a page of
 * 15 KiB compressed, measured with Node 24. The cache's byte bound only means something for exact buffers.
 */
export function exact(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return b;
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}
