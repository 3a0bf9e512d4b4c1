import { describe, expect, it } from 'vitest';
import { sniffAudio } from './audio.ts';
import { makeM4a, makeMp3, makeOggOpus, makeOggVorbis, MP3_FRAME_SECONDS } from './testing.ts';

describe('audio recognised by content', () => {
  it('reads MP3 with and without an ID3v2 tag, and its length from the frames', () => {
    for (const data of [makeMp3(40), makeMp3(40, { id3: false })]) {
      const a = sniffAudio(data);
      expect(a).toMatchObject({ format: 'mp3', mime: 'audio/mpeg', ext: 'mp3' });
      expect(a!.durationMs).toBe(Math.round(40 * MP3_FRAME_SECONDS * 1000));
    }
    // An ID3v1 tag at the end is not audio and does not stop a short file from being one.
    const withV1 = Buffer.concat([makeMp3(2), Buffer.from('TAG'), Buffer.alloc(125)]);
    expect(sniffAudio(withV1)?.format).toBe('mp3');
  });

  it('reads Ogg Opus and Vorbis, and their length from the last page', () => {
    expect(sniffAudio(makeOggOpus(2))).toEqual({ format: 'ogg', mime: 'audio/ogg', ext: 'ogg', durationMs: 2000 });
    expect(sniffAudio(makeOggVorbis(3))).toEqual({ format: 'ogg', mime: 'audio/ogg', ext: 'ogg', durationMs: 3000 });
  });

  it('reads M4A by its brand and sound track, and its length from mvhd', () => {
    expect(sniffAudio(makeM4a(2.5))).toEqual({ format: 'm4a', mime: 'audio/mp4', ext: 'm4a', durationMs: 2500 });
    expect(sniffAudio(makeM4a(1, { brands: ['isom', 'iso2', 'mp41'] }))?.format).toBe('m4a');
  });

  it('refuses what only looks like audio', () => {
    const refused: Array<[string, Buffer]> = [
      ['text named .mp3', Buffer.from('Đây là một tệp văn bản đổi tên thành .mp3, không phải âm thanh.')],
      ['ID3 tag then text', Buffer.concat([makeMp3(0), Buffer.from('<html><script>alert(1)</script></html>')])],
      ['one stray frame sync', Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0xc4]), Buffer.from('x'.repeat(500))])],
      ['MP3 frames after junk', Buffer.concat([Buffer.from('junk'), makeMp3(10, { id3: false })])],
      ['MP4 video', makeM4a(2, { handler: 'vide' })],
      ['ftyp of another kind', makeM4a(2, { brands: ['avif', 'mif1', 'miaf'] })],
      ['ftyp without moov', makeM4a(2).subarray(0, 100)],
      ['Ogg Theora', Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(20), Buffer.from([7]), Buffer.from('\x80theora', 'latin1')])],
      ['Ogg without a first page', makeOggOpus(1).subarray(47)],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [name, data] of refused) expect(sniffAudio(data), name).toBeNull();
  });

  it('survives a lying box size or a cut-off file without throwing', () => {
    const m4a = makeM4a(2);
    m4a.writeUInt32BE(0xfffffff0, 0);
    expect(sniffAudio(m4a)).toBeNull();
    const cut = makeM4a(2).subarray(0, 150);
    expect(() => sniffAudio(cut)).not.toThrow();
    expect(() => sniffAudio(makeOggOpus(1).subarray(0, 60))).not.toThrow();
    expect(sniffAudio(makeMp3(40).subarray(0, 3000))?.format).toBe('mp3');
  });
});
