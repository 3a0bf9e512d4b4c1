/**
 * Small, valid audio files built in code for tests (no binary fixtures): an MP3 (ID3v2 tag and MPEG-1 Layer III
 * frames of silence), an Ogg Opus or Vorbis stream, and an M4A (ISO BMFF) with a sound track.
 */

/** One MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, mono, no CRC: 417 bytes of silence (side info all zero). */
function mp3Frame(): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return frame;
}

/** An ID3v2.3 tag holding a title (TIT2, ISO-8859-1). */
function id3Tag(title: string): Buffer {
  const text = Buffer.concat([Buffer.from([0]), Buffer.from(title, 'latin1')]);
  const frame = Buffer.concat([Buffer.from('TIT2', 'latin1'), u32be(text.length), Buffer.from([0, 0]), text]);
  const size = frame.length;
  const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0]), syncsafe, frame]);
}

export const MP3_FRAME_SECONDS = 1152 / 44100;

/** An MP3 of `frames` frames (26 ms each), with an ID3v2 tag unless told otherwise. */
export function makeMp3(frames = 40, opts: { id3?: boolean } = {}): Buffer {
  const body = Buffer.concat(Array.from({ length: frames }, mp3Frame));
  return opts.id3 === false ? body : Buffer.concat([id3Tag('Ban tin sang'), body]);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

// ---------- Ogg ----------

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(data: Buffer): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) & 0xff) ^ byte]!) >>> 0;
  return crc;
}

/** One Ogg page holding one packet (under 255 × 255 bytes), its checksum filled in. */
function oggPage(packet: Buffer, o: { flags: number; granule: bigint; serial: number; seq: number }): Buffer {
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  const head = Buffer.alloc(27);
  head.write('OggS', 0, 'latin1');
  head[4] = 0;
  head[5] = o.flags;
  head.writeBigInt64LE(o.granule, 6);
  head.writeUInt32LE(o.serial, 14);
  head.writeUInt32LE(o.seq, 18);
  head[26] = lacing.length;
  const page = Buffer.concat([head, Buffer.from(lacing), packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** An Ogg Opus stream of `seconds` (pre-skip 312 samples), made of 20 ms packets of silence. */
export function makeOggOpus(seconds = 2): Buffer {
  const serial = 0x746f6173;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = 1;
  head.writeUInt16LE(312, 10);
  head.writeUInt32LE(48000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), u32le(7), Buffer.from('toasoan', 'latin1'), u32le(0)]);
  const pages = [oggPage(head, { flags: 0x02, granule: 0n, serial, seq: 0 }), oggPage(tags, { flags: 0, granule: 0n, serial, seq: 1 })];
  // A CELT-only 20 ms frame of silence per packet; one packet a page keeps the builder simple.
  const packets = Math.round(seconds * 50);
  for (let i = 1; i <= packets; i++) pages.push(oggPage(Buffer.from([0xf8, 0xff, 0xfe]), { flags: i === packets ? 0x04 : 0, granule: BigInt(312 + i * 960), serial, seq: 1 + i }));
  return Buffer.concat(pages);
}

/** The pages of an Ogg Vorbis stream that tell its format and length (not playable: no setup header). */
export function makeOggVorbis(seconds = 3, rate = 44100): Buffer {
  const serial = 7;
  const id = Buffer.alloc(30);
  id[0] = 1;
  id.write('vorbis', 1, 'latin1');
  id[11] = 1;
  id.writeUInt32LE(rate, 12);
  id[28] = 0xb8;
  id[29] = 1;
  return Buffer.concat([oggPage(id, { flags: 0x02, granule: 0n, serial, seq: 0 }), oggPage(Buffer.alloc(40), { flags: 0x04, granule: BigInt(seconds * rate), serial, seq: 1 })]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// ---------- M4A ----------

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** An M4A (ftyp M4A, moov with an mvhd of `seconds` and one track with the given handler) and a little media data. */
export function makeM4a(seconds = 2.5, o: { handler?: 'soun' | 'vide'; brands?: string[] } = {}): Buffer {
  const brands = o.brands ?? ['M4A ', 'M4A ', 'mp42', 'isom'];
  const ftyp = box('ftyp', Buffer.from(brands[0]!, 'latin1'), u32be(0), ...brands.slice(1).map((b) => Buffer.from(b, 'latin1')));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12);
  mvhd.writeUInt32BE(Math.round(seconds * 1000), 16);
  mvhd.writeUInt32BE(0x00010000, 20);
  mvhd.writeUInt16BE(0x0100, 24);
  mvhd.writeUInt32BE(2, 96);
  const hdlr = Buffer.concat([Buffer.alloc(8), Buffer.from(o.handler ?? 'soun', 'latin1'), Buffer.alloc(12), Buffer.from('SoundHandler\0', 'latin1')]);
  const moov = box('moov', box('mvhd', mvhd), box('trak', box('mdia', box('hdlr', hdlr))));
  return Buffer.concat([ftyp, box('mdat', Buffer.alloc(64)), moov]);
}
