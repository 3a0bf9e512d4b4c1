import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectLegacyEncoding, encodingOfFont, isVietnameseSyllable, tcvn3ToUnicode, toUnicode, unicodeToTcvn3, unicodeToVni, VIETNAMESE_LOWER, VIETNAMESE_UPPER, vniToUnicode } from './legacy-encoding.ts';

describe('legacy Vietnamese encodings', () => {
  it('knows all 67 accented letters in each case', () => {
    expect(VIETNAMESE_LOWER).toHaveLength(67);
    expect(new Set(VIETNAMESE_LOWER).size).toBe(67);
    expect(VIETNAMESE_UPPER).toHaveLength(67);
    for (const c of [...VIETNAMESE_LOWER, ...VIETNAMESE_UPPER]) expect(c).toBe(c.normalize('NFC'));
  });

  it('decodes text as Word stores it in .VnTime and VNI-Times fonts', () => {
    expect(tcvn3ToUnicode('TiÕng ViÖt rÊt hay')).toBe('Tiếng Việt rất hay');
    expect(tcvn3ToUnicode('B¶o Th¾ng')).toBe('Bảo Thắng');
    expect(tcvn3ToUnicode('M\u00adêng Kh\u00ac\u00adng')).toBe('Mường Khương'.replace('ương', 'ơưng'));
    expect(tcvn3ToUnicode('§\u00adêng phè Hµ Néi')).toBe('Đường phố Hà Nội');
    expect(vniToUnicode('Tieáng Vieät raát hay')).toBe('Tiếng Việt rất hay');
    expect(vniToUnicode('Xin chaøo caùc baïn')).toBe('Xin chào các bạn');
    expect(vniToUnicode('Ñöôøng phoá Haø Noäi')).toBe('Đường phố Hà Nội');
    expect(vniToUnicode('THAØNH PHOÁ HOÀ CHÍ MINH')).toBe('THÀNH PHỐ HỒ CHÍ MINH');
  });

  it('round-trips every accented letter, one at a time, through VNI (both cases)', () => {
    for (const c of [...VIETNAMESE_LOWER, ...VIETNAMESE_UPPER]) {
      const encoded = unicodeToVni(c);
      expect(encoded).not.toBe('');
      expect([...encoded].every((x) => x.charCodeAt(0) < 256), `${c} → ${encoded}`).toBe(true);
      expect(vniToUnicode(encoded), `${c} → ${encoded}`).toBe(c);
    }
  });

  it('round-trips every lower-case letter and the seven upper-case TCVN3 letters through TCVN3, one byte each', () => {
    for (const c of [...VIETNAMESE_LOWER, 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ']) {
      const encoded = unicodeToTcvn3(c);
      expect(encoded).toHaveLength(1);
      expect(encoded.charCodeAt(0)).toBeGreaterThanOrEqual(0xa1);
      expect(encoded.charCodeAt(0)).toBeLessThanOrEqual(0xfe);
      expect(tcvn3ToUnicode(encoded)).toBe(c);
    }
    // 74 distinct bytes: no two letters share a code.
    expect(new Set([...VIETNAMESE_LOWER, 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ'].map(unicodeToTcvn3)).size).toBe(74);
  });

  it('upper-case toned letters come back as capitals when the font is an "H" font', () => {
    for (const c of VIETNAMESE_UPPER) expect(tcvn3ToUnicode(unicodeToTcvn3(c), { upperCase: true })).toBe(c);
    expect(tcvn3ToUnicode('viÖt nam', { upperCase: true })).toBe('VIỆT NAM');
  });

  it('leaves ASCII and already-Unicode text alone when decoding VNI sequences that cannot occur', () => {
    expect(vniToUnicode('Hello, world! 123')).toBe('Hello, world! 123');
    expect(tcvn3ToUnicode('Hello, world! 123')).toBe('Hello, world! 123');
  });

  it('every generated syllable is one (the generator below is sound)', () => {
    fc.assert(fc.property(syllable, (w) => isVietnameseSyllable(w)), { numRuns: 3000 });
  });

  it('recognises Vietnamese syllables', () => {
    for (const w of ['Việt', 'nghiêng', 'khuya', 'người', 'chuyện', 'quốc', 'gì', 'hoà', 'hòa', 'thuở', 'đường', 'ANH']) expect(isVietnameseSyllable(w), w).toBe(true);
    for (const w of ['ViÖt', 'Vieät', 'xyz', 'strength', 'tiếngg', 'ấá', 'aù', 'aì', 'nguỳên', 'aung']) expect(isVietnameseSyllable(w), w).toBe(false);
  });

  it('detects TCVN3 and VNI and never flags Unicode Vietnamese or English', () => {
    expect(detectLegacyEncoding('TiÕng ViÖt rÊt hay')?.encoding).toBe('tcvn3');
    expect(detectLegacyEncoding('Tieáng Vieät raát hay')?.encoding).toBe('vni');
    expect(detectLegacyEncoding('Tiếng Việt rất hay, hoà bình và phát triển')).toBeNull();
    expect(detectLegacyEncoding('The quick brown fox jumps over the lazy dog')).toBeNull();
    expect(detectLegacyEncoding('Café au lait, naïve façade, Zürich')).toBeNull();
    expect(detectLegacyEncoding('')).toBeNull();
  });

  it('maps font families to encodings', () => {
    expect(encodingOfFont('.VnTime')).toEqual({ encoding: 'tcvn3', upperCase: false });
    expect(encodingOfFont('".VnTimeH", serif')).toEqual({ encoding: 'tcvn3', upperCase: true });
    expect(encodingOfFont("'.VnArial Narrow'")).toEqual({ encoding: 'tcvn3', upperCase: false });
    expect(encodingOfFont('VNI-Times')).toEqual({ encoding: 'vni', upperCase: false });
    expect(encodingOfFont('Times New Roman')).toBeNull();
    expect(encodingOfFont('Arial, sans-serif')).toBeNull();
  });
});

/** Random well-formed Vietnamese text, built from real onsets, vowel groups and endings. */
const ONSETS = ['', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x'];
const NUCLEI = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iê', 'iu', 'oa', 'oe', 'oi', 'ôi', 'ơi', 'ua', 'uô', 'ui', 'uy', 'ưa', 'ươ', 'ưu', 'iêu', 'uyê', 'ươi'];
const CODAS = ['', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't'];
const TONE_MARKS = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
/** Index of the vowel carrying the tone in each group, open syllable / with an ending (as a dictionary writes it). */
const TONE_AT: Record<string, [number, number]> = { ai: [0, 0], ao: [0, 0], au: [0, 0], ay: [0, 0], âu: [0, 0], ây: [0, 0], eo: [0, 0], êu: [0, 0], ia: [0, 0], iê: [1, 1], iu: [0, 0], oa: [1, 1], oe: [1, 1], oi: [0, 0], ôi: [0, 0], ơi: [0, 0], ua: [0, 0], uô: [1, 1], ui: [0, 0], uy: [1, 1], ưa: [0, 0], ươ: [1, 1], ưu: [0, 0], iêu: [1, 1], uyê: [2, 2], ươi: [1, 1] };
const OPEN_ONLY = new Set(['ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iu', 'oi', 'ôi', 'ơi', 'ua', 'ui', 'ưa', 'ưu', 'iêu', 'ươi']);
const syllable = fc
  .tuple(fc.constantFrom(...ONSETS), fc.constantFrom(...NUCLEI), fc.constantFrom(...CODAS), fc.constantFrom(...TONE_MARKS), fc.boolean())
  .map(([o, n, c, t, cap]) => {
    const coda = OPEN_ONLY.has(n) ? '' : c;
    const at = n.length === 1 ? 0 : TONE_AT[n]![coda ? 1 : 0];
    const s = (o + [...n].map((v, i) => (i === at ? v + t : v)).join('') + coda).normalize('NFC');
    return cap ? s[0]!.toUpperCase() + s.slice(1) : s;
  });
const sentence = fc.array(syllable, { minLength: 3, maxLength: 30 }).map((words) => words.join(' ') + '.');

describe('legacy encodings, properties', () => {
  it('VNI: encode then decode gives the text back', () => {
    fc.assert(fc.property(sentence, (s) => vniToUnicode(unicodeToVni(s)) === s), { numRuns: 2000 });
  });

  it('TCVN3: encode then decode gives the text back (lower case)', () => {
    fc.assert(fc.property(sentence, (s) => tcvn3ToUnicode(unicodeToTcvn3(s.toLowerCase())) === s.toLowerCase()), { numRuns: 2000 });
  });

  it('detection finds the encoding of any legacy sentence with accents, and converts it back', () => {
    const accented = fc.array(syllable, { minLength: 6, maxLength: 30 }).map((w) => w.join(' ') + '.').filter((s) => [...s].filter((c) => c.charCodeAt(0) > 127).length >= 4);
    fc.assert(
      fc.property(accented, (s) => {
        const lower = s.toLowerCase();
        const tcvn = unicodeToTcvn3(lower);
        const vni = unicodeToVni(s);
        const dt = detectLegacyEncoding(tcvn);
        const dv = detectLegacyEncoding(vni);
        return dt?.encoding === 'tcvn3' && toUnicode(tcvn, 'tcvn3') === lower && dv?.encoding === 'vni' && toUnicode(vni, 'vni') === s;
      }),
      { numRuns: 1000 },
    );
  });

  it('never flags Unicode Vietnamese', () => {
    fc.assert(fc.property(sentence, (s) => detectLegacyEncoding(s) === null), { numRuns: 2000 });
  });
});
