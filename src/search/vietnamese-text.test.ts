import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FoldedKeySet, accentKey, cleanText, foldedSyllables, foldText, foldTextReference, foldWord, hasAccents, indexKeys, indexKeysReference, placeTones, sameVietnamese, syllables } from './vietnamese-text.ts';

describe('cleanText', () => {
  it('turns no-break spaces, non-breaking hyphens, dashes and curly quotes into plain ones', () => {
    expect(cleanText('Lào\u00A0Cai')).toBe('Lào Cai');
    expect(cleanText('2024\u20112028')).toBe('2024-2028');
    expect(cleanText('a \u2013 b \u2014 c \u2212 d')).toBe('a - b - c - d');
    expect(cleanText('\u201CDu lịch\u201D \u2018x\u2019')).toBe('"Du lịch" \'x\'');
  });
  it('removes zero-width characters hidden inside words', () => {
    expect(cleanText('Đo\u200Bàn\u200D c\uFEFFông\u00AD tác')).toBe('Đoàn công tác');
  });
  it('composes decomposed input (NFD → NFC)', () => {
    expect(cleanText('Ho\u0300a')).toBe('Hòa');
    expect(cleanText('Lào Cai'.normalize('NFD'))).toBe('Lào Cai');
  });
});

describe('foldWord and accentKey', () => {
  it('folds every mark including đ/Đ and letters with two marks', () => {
    expect(foldWord('Đoàn')).toBe('doan');
    expect(foldWord('đồng')).toBe('dong');
    expect(foldWord('Hội')).toBe('hoi');
    expect(foldWord('người')).toBe('nguoi');
    expect(foldWord('ỘỮẶẼ')).toBe('ouae');
    expect(foldWord('LÀO')).toBe('lao');
  });
  it('keeps vowel quality in the accent key and writes the tone as a digit', () => {
    expect(accentKey('hòa')).toBe('hoa1');
    expect(accentKey('bán')).toBe('ban2');
    expect(accentKey('bạn')).toBe('ban5');
    expect(accentKey('ban')).toBe('ban0');
    expect(accentKey('Đoàn')).toBe('đoan1');
    expect(accentKey('người')).toBe('ngươi1');
    expect(accentKey('bẩn')).toBe('bân3');
    expect(accentKey('2024')).toBe('2024');
  });
  it('makes old and new tone placement equal, both ways, for every tone', () => {
    const pairs: Array<[string, string]> = [
      ['hòa', 'hoà'], ['hóa', 'hoá'], ['hỏa', 'hoả'], ['hõa', 'hoã'], ['họa', 'hoạ'],
      ['hòe', 'hoè'], ['khóe', 'khoé'], ['lòe', 'loè'], ['tòe', 'toè'], ['họe', 'hoẹ'],
      ['thùy', 'thuỳ'], ['thủy', 'thuỷ'], ['túy', 'tuý'], ['lũy', 'luỹ'], ['tụy', 'tuỵ'],
      ['Hòa', 'HOÀ'], ['Thủy', 'THUỶ'],
    ];
    for (const [a, b] of pairs) {
      expect(accentKey(a), `${a} vs ${b}`).toBe(accentKey(b));
      expect(foldWord(a)).toBe(foldWord(b));
    }
    expect(accentKey('hòa')).not.toBe(accentKey('hóa'));
  });
  it('knows when a word carries accents', () => {
    expect(hasAccents('lao')).toBe(false);
    expect(hasAccents('Lào')).toBe(true);
    expect(hasAccents('đi')).toBe(true);
    expect(hasAccents('Ðoàn'.normalize('NFD'))).toBe(true);
  });
});

describe('placeTones', () => {
  it('moves tones between old and new placement only where the two differ', () => {
    expect(placeTones('hòa bình, thủy lợi, khỏe', 'new')).toBe('hoà bình, thuỷ lợi, khoẻ');
    expect(placeTones('hoà bình, thuỷ lợi, khoẻ', 'old')).toBe('hòa bình, thủy lợi, khỏe');
    // Closed syllables and qu- onsets are the same in both styles.
    expect(placeTones('hoàn thuyền quý quả', 'old')).toBe('hoàn thuyền quý quả');
    expect(placeTones('hoàn thuyền quý quả', 'new')).toBe('hoàn thuyền quý quả');
  });
});

describe('syllables', () => {
  it('splits into syllables with offsets into the cleaned text', () => {
    const s = syllables('Lào\u00A0Cai – 18/11');
    expect(s.map((x) => x.folded)).toEqual(['lao', 'cai', '18', '11']);
    const clean = cleanText('Lào\u00A0Cai – 18/11');
    expect(s.map((x) => clean.slice(x.start, x.end))).toEqual(['Lào', 'Cai', '18', '11']);
  });
  it('folds a whole text', () => {
    expect(foldText('Đoàn công tác tỉnh LÀO CAI')).toBe('doan cong tac tinh lao cai');
    expect(sameVietnamese('Hòa bình', 'hoà  BÌNH')).toBe(true);
    expect(sameVietnamese('bán', 'bạn')).toBe(false);
  });
});

const vietnamese = fc.stringMatching(/^[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ \u00A0\u2011\u200B.,"“”-]{0,60}$/);

describe('properties', () => {
  it('cleaning and folding are idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), vietnamese), (s) => {
        expect(cleanText(cleanText(s))).toBe(cleanText(s));
        expect(foldText(foldText(s))).toBe(foldText(s));
        for (const w of indexKeys(s).folded) expect(foldWord(w)).toBe(w);
      }),
      { numRuns: 500 },
    );
  });
  it('NFD and NFC input give the same keys', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), vietnamese), (s) => {
        expect(indexKeys(s.normalize('NFD'))).toEqual(indexKeys(s.normalize('NFC')));
      }),
      { numRuns: 500 },
    );
  });
  it('folded keys are lowercase ASCII for Vietnamese text, and old/new tone placement give equal keys', () => {
    fc.assert(
      fc.property(vietnamese, (s) => {
        for (const w of indexKeys(s).folded) expect(w).toMatch(/^[a-z0-9]+$/);
        expect(indexKeys(placeTones(s, 'old')).accent).toEqual(indexKeys(placeTones(s, 'new')).accent);
        expect(indexKeys(placeTones(s, 'old')).accent).toEqual(indexKeys(s).accent);
      }),
      { numRuns: 500 },
    );
  });
});

describe('one-pass folding (the indexing hot path)', () => {
  const pieces = fc.constantFrom('Đoàn', 'hòa', 'thuỷ', 'ỘỮẶẼ', ' ', '\u00A0', '\u200B', '\u00AD', '-', '\u2011', '\u201C', 'x²', 'ǅ', 'İ', 'ß', 'ŉ', 'Æ', '\u0301', '漢', 'a'.repeat(45), '.', '\n', '1990', 'ı');
  const latin = (lo: number, hi: number) => fc.string({ unit: fc.integer({ min: lo, max: hi }).map((c) => String.fromCharCode(c)) });
  const texts = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')), latin(0, 0x24f), latin(0x1e00, 0x206f));
  it('gives exactly what whole-string normalization gives', () => {
    fc.assert(
      fc.property(texts, (s) => {
        expect(foldText(s)).toBe(foldTextReference(s));
        expect(indexKeys(s)).toEqual(indexKeysReference(s));
        const clean = cleanText(s);
        expect(foldedSyllables(clean)).toEqual(syllables(s).map(({ folded, start, end }) => ({ folded, start, end })));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('FoldedKeySet (distinct keys of an indexing batch)', () => {
  const pieces = fc.constantFrom('Đoàn', 'hòa', 'thuỷ', 'ỘỮẶẼ', ' ', '\u00A0', '\u200B', '-', 'Æ', '\u0301', '漢', 'ß', '.', '\n', '1990', 'lao', 'cai', 'a'.repeat(45));
  const texts = fc.oneof(fc.string({ unit: 'grapheme' }), fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')));
  const distinct = (texts: string[]) => new Set(texts.flatMap((t) => foldText(t).split(' ').filter(Boolean)));
  it('collects each folded key of a batch once, batch after batch', () => {
    const keys = new FoldedKeySet();
    fc.assert(
      fc.property(fc.array(texts, { maxLength: 6 }), (batch) => {
        const folded = batch.map((t) => foldText(t, keys));
        expect(folded).toEqual(batch.map((t) => foldText(t)));
        const taken = keys.take();
        expect(new Set(taken).size).toBe(taken.length);
        expect(new Set(taken)).toEqual(distinct(batch));
      }),
      { numRuns: 2000 },
    );
  });
  it('stays correct when its table fills and is cleared', () => {
    const keys = new FoldedKeySet();
    const words = Array.from({ length: 80_000 }, (_, i) => `k${i.toString(36)}`);
    foldText(words.join(' '), keys);
    expect(new Set(keys.take())).toEqual(new Set(words));
    foldText('lao cai k0 k1', keys);
    keys.add('lao');
    expect(new Set(keys.take())).toEqual(new Set(['lao', 'cai', 'k0', 'k1']));
  });
});
