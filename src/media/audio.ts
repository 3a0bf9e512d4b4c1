/**
 * Audio files recognised by their content (never their name or declared type): MP3 (an optional ID3v2 tag, then a
 * chain of MPEG Layer III frames), M4A/AAC (ISO BMFF with an audio brand and a sound track) and Ogg (Opus or Vorbis).
 * Only headers are read, so this stays cheap on a 100 MB file; the duration comes from the same headers when they
 * give it (frame count, `mvhd`, the last page's granule position) and is null otherwise.
 */

export type AudioFormat = 'mp3' | 'm4a' | 'ogg';

export interface AudioInfo {
  format: AudioFormat;
  mime: 'audio/mpeg' | 'audio/mp4' | 'audio/ogg';
  ext: 'mp3' | 'm4a' | 'ogg';
  /** Milliseconds, when the headers tell it. */
  durationMs: number | null;
}

export const AUDIO_TYPES: Record<AudioFormat, Pick<AudioInfo, 'mime' | 'ext'>> = {
  mp3: { mime: 'audio/mpeg', ext: 'mp3' },
  m4a: { mime: 'audio/mp4', ext: 'm4a' },
  ogg: { mime: 'audio/ogg', ext: 'ogg' },
};

const info = (format: AudioFormat, seconds: number | null): AudioInfo => ({
  format,
  ...AUDIO_TYPES[format],
  durationMs: seconds !== null && Number.isFinite(seconds) && seconds > 0 && seconds < 1e7 ? Math.round(seconds * 1000) : null,
});

/** The audio format of these bytes with what their headers say, or null when they are not audio we take. */
export function sniffAudio(data: Buffer): AudioInfo | null {
  if (data.length < 12) return null;
  return sniffOgg(data) ?? sniffMp4(data) ?? sniffMp3(data);
}

// ---------- MP3 ----------

const V1_L3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const V2_L3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by the header's version bits: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5 (1 is reserved). */
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface MpegFrame {
  length: number;
  samples: number;
  rate: number;
}

/** The MPEG Layer III frame whose header is at `i`, or null. */
export function mpegFrameAt(d: Buffer, i: number): MpegFrame | null {
  if (i + 4 > d.length || d[i] !== 0xff || (d[i + 1]! & 0xe0) !== 0xe0) return null;
  const version = (d[i + 1]! >> 3) & 3;
  const layer = (d[i + 1]! >> 1) & 3;
  const bitrateIndex = d[i + 2]! >> 4;
  const rateIndex = (d[i + 2]! >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const bitrate = (version === 3 ? V1_L3_KBPS : V2_L3_KBPS)[bitrateIndex]! * 1000;
  const rate = RATES[version]![rateIndex]!;
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrate) / rate) + ((d[i + 2]! >> 1) & 1);
  return { length, samples, rate };
}

/** Bytes taken by ID3v2 tags at the start (0 when there is none). */
function id3Length(d: Buffer): number {
  let at = 0;
  // A file may carry more than one tag in a row; a few at most.
  for (let n = 0; n < 4; n++) {
    if (at + 10 > d.length || d.toString('latin1', at, at + 3) !== 'ID3') return at;
    const major = d[at + 3]!;
    const size = [d[at + 6]!, d[at + 7]!, d[at + 8]!, d[at + 9]!];
    if (major < 2 || major > 4 || d[at + 4] === 0xff || size.some((b) => b >= 0x80)) return at;
    const footer = major === 4 && d[at + 5]! & 0x10 ? 10 : 0;
    at += 10 + ((size[0]! << 21) | (size[1]! << 14) | (size[2]! << 7) | size[3]!) + footer;
  }
  return at;
}

function sniffMp3(d: Buffer): AudioInfo | null {
  const tag = id3Length(d);
  if (tag >= d.length) return null;
  // Without a tag the first frame starts the file. After one, encoders sometimes leave padding the tag size does not
  // count: look a little further, for a frame that starts a chain.
  const searchEnd = tag ? Math.min(d.length, tag + 4096) : 1;
  for (let start = tag; start < searchEnd; start++) {
    if (d[start] !== 0xff) continue;
    const chain = walkFrames(d, start);
    if (chain) return info('mp3', chain.seconds);
    if (!tag) return null;
  }
  return null;
}

/** Follows frames from `start`; a real file is a run of them (3 or more, or fewer that end the file or meet its ID3v1 tag). */
function walkFrames(d: Buffer, start: number): { seconds: number } | null {
  let pos = start;
  let frames = 0;
  let seconds = 0;
  for (;;) {
    const f = mpegFrameAt(d, pos);
    if (!f || pos + f.length > d.length) break;
    // The first frame of a VBR file may be a Xing/Info (or VBRI) header: silent, not audio.
    if (frames === 0 && isVbrHeader(d, pos)) seconds -= f.samples / f.rate;
    frames++;
    seconds += f.samples / f.rate;
    pos += f.length;
  }
  const rest = d.length - pos;
  const endsCleanly = rest === 0 || (rest === 128 && d.toString('latin1', pos, pos + 3) === 'TAG') || d.toString('latin1', pos, pos + 8) === 'APETAGEX';
  if (frames >= 3 || (frames >= 1 && endsCleanly)) return { seconds };
  return null;
}

function isVbrHeader(d: Buffer, i: number): boolean {
  const mpeg1 = ((d[i + 1]! >> 3) & 3) === 3;
  const mono = d[i + 3]! >> 6 === 3;
  const side = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const at = i + 4 + side;
  const tag = d.toString('latin1', at, at + 4);
  return tag === 'Xing' || tag === 'Info' || d.toString('latin1', i + 36, i + 40) === 'VBRI';
}

// ---------- M4A (ISO base media file format) ----------

const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'mp42', 'mp41', 'isom', 'iso2']);

interface Box {
  type: string;
  start: number;
  end: number;
}

/** The boxes inside [from, to): sizes are checked against their parent, so a lying size ends the walk. */
function boxes(d: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to && out.length < 1000) {
    let size = d.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      const big = d.readBigUInt64BE(at + 8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) break;
      size = Number(big);
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) {
      // A box running past the end of an upload (a cut-off mdat) still names itself; nothing after it can be read.
      out.push({ type: d.toString('latin1', at + 4, at + 8), start: at + header, end: to });
      break;
    }
    out.push({ type: d.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  return out;
}

function sniffMp4(d: Buffer): AudioInfo | null {
  if (d.toString('latin1', 4, 8) !== 'ftyp') return null;
  const top = boxes(d, 0, d.length);
  const ftyp = top[0];
  if (!ftyp || ftyp.type !== 'ftyp' || ftyp.end - ftyp.start < 8) return null;
  const brands = [d.toString('latin1', ftyp.start, ftyp.start + 4)];
  for (let at = ftyp.start + 8; at + 4 <= ftyp.end; at += 4) brands.push(d.toString('latin1', at, at + 4));
  if (!brands.some((b) => AUDIO_BRANDS.has(b))) return null;
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) return null;
  const inMoov = boxes(d, moov.start, moov.end);
  const handlers: string[] = [];
  for (const trak of inMoov.filter((b) => b.type === 'trak')) {
    const mdia = boxes(d, trak.start, trak.end).find((b) => b.type === 'mdia');
    const hdlr = mdia && boxes(d, mdia.start, mdia.end).find((b) => b.type === 'hdlr');
    if (hdlr && hdlr.end - hdlr.start >= 12) handlers.push(d.toString('latin1', hdlr.start + 8, hdlr.start + 12));
  }
  // A sound track, and no picture: an MP4 video is not an audio file.
  if (!handlers.includes('soun') || handlers.includes('vide')) return null;
  let seconds: number | null = null;
  const mvhd = inMoov.find((b) => b.type === 'mvhd');
  if (mvhd) {
    const v = d[mvhd.start];
    if (v === 0 && mvhd.end - mvhd.start >= 20) seconds = d.readUInt32BE(mvhd.start + 16) / d.readUInt32BE(mvhd.start + 12);
    else if (v === 1 && mvhd.end - mvhd.start >= 32) seconds = Number(d.readBigUInt64BE(mvhd.start + 24)) / d.readUInt32BE(mvhd.start + 20);
  }
  return info('m4a', seconds);
}

// ---------- Ogg (Opus, Vorbis) ----------

interface OggPage {
  headerType: number;
  granule: bigint;
  serial: number;
  bodyStart: number;
  bodyEnd: number;
}

function oggPageAt(d: Buffer, i: number): OggPage | null {
  if (i + 27 > d.length || d.toString('latin1', i, i + 4) !== 'OggS' || d[i + 4] !== 0) return null;
  const segments = d[i + 26]!;
  if (i + 27 + segments > d.length) return null;
  let body = 0;
  for (let s = 0; s < segments; s++) body += d[i + 27 + s]!;
  const bodyStart = i + 27 + segments;
  return { headerType: d[i + 5]!, granule: d.readBigInt64LE(i + 6), serial: d.readUInt32LE(i + 14), bodyStart, bodyEnd: Math.min(d.length, bodyStart + body) };
}

function sniffOgg(d: Buffer): AudioInfo | null {
  const first = oggPageAt(d, 0);
  // The first page begins the stream and holds only the codec's identification header.
  if (!first || !(first.headerType & 0x02)) return null;
  const head = d.subarray(first.bodyStart, first.bodyEnd);
  let rate: number;
  let preSkip = 0;
  if (head.length >= 19 && head.toString('latin1', 0, 8) === 'OpusHead') {
    rate = 48_000;
    preSkip = head.readUInt16LE(10);
  } else if (head.length >= 30 && head[0] === 1 && head.toString('latin1', 1, 7) === 'vorbis') {
    rate = head.readUInt32LE(12);
    if (!rate) return null;
  } else return null;
  // The last page's granule position counts the samples of the whole stream.
  let seconds: number | null = null;
  const floor = Math.max(0, d.length - 70_000);
  for (let at = d.lastIndexOf('OggS', d.length - 27, 'latin1'); at >= floor; at = at > 0 ? d.lastIndexOf('OggS', at - 1, 'latin1') : -1) {
    const page = oggPageAt(d, at);
    if (page && page.serial === first.serial && page.granule > 0n) {
      seconds = (Number(page.granule) - preSkip) / rate;
      break;
    }
  }
  return info('ogg', seconds);
}
