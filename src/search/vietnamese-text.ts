/**
 * Vietnamese text for search: cleaning, folding, tone-placement equivalence and syllable tokens.
 *
 * Every syllable gets two keys:
 * - the folded key: lowercase ASCII, every mark removed and đ→d ("Đoàn" → "doan"), for accent-less typing;
 * - the accent key: lowercase, vowel-quality marks kept (â ê ô ơ ư ă đ), the tone mark taken off the vowel
 *   and written as a digit at the end ("hòa" and "hoà" → "hoa1", "hoa" → "hoa0"). Where the tone sits (old
 *   "hòa"/"thủy" or new "hoà"/"thuỷ" placement) never matters, and "bán" ("ban2") stays apart from "bạn" ("ban5").
 * Both engines only ever see these keys, separated by spaces, so they behave the same.
 */

/** Zero-width and invisible formatting characters that may hide inside pasted words. */
const INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]|\u034F|\u17B4|\u17B5/g;
/** Every kind of space (no-break, thin, ideographic…) becomes a plain space. */
const SPACES = /[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\t\r\n\f\v]/g;
/** Hyphens and dashes (incl. the non-breaking hyphen U+2011 and the minus sign) become "-". */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u00B4\u0060]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB\u300C\u300D\uFF02]/g;

/**
 * NFC, invisible characters removed, spaces/dashes/quotes made plain, runs of spaces collapsed.
 * Content stays readable: this is safe for display, unlike the keys below.
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .replace(DASHES, '-')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(/ {2,}/g, ' ')
    .normalize('NFC');
}

/** The five Vietnamese tone marks as combining characters, in the order of their digit (1–5). */
const TONES = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'] as const; // huyền, sắc, hỏi, ngã, nặng
const TONE_DIGIT: Record<string, string> = { '\u0300': '1', '\u0301': '2', '\u0309': '3', '\u0303': '4', '\u0323': '5', '\u0340': '1', '\u0341': '2' };
const ALL_MARKS = /\p{M}/gu;

/** Lowercase with every mark removed and đ→d: what a reader types without accents. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(ALL_MARKS, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC');
}

/** Lowercase, vowel-quality marks kept, tone moved to a trailing digit: equal for both tone placements. */
export function accentKey(word: string): string {
  const decomposed = word.toLowerCase().normalize('NFD');
  let base = '';
  let tones = '';
  for (const ch of decomposed) {
    const digit = TONE_DIGIT[ch];
    if (digit) tones += digit;
    else base += ch;
  }
  // Numbers have no accent: their key is the number. Every other key ends in its tone digit (0 = none),
  // so accent keys never coincide with folded keys ("cai0" vs "cai") when both sit in one PostgreSQL tsvector.
  if (!/\p{L}/u.test(base)) return base.normalize('NFC');
  // A stray second tone (typing slip) is kept, sorted, so the key stays deterministic.
  const digits = tones.length > 1 ? [...tones].sort().join('') : tones || '0';
  return base.normalize('NFC') + digits;
}

/** True when a word carries any mark or đ: the reader typed accents, so the exact form counts. */
export function hasAccents(word: string): boolean {
  return /[đĐ]/.test(word) || /\p{M}/u.test(word.normalize('NFD'));
}

export interface Syllable {
  /** As written (after cleanText), for highlighting. */
  text: string;
  folded: string;
  accent: string;
  /** UTF-16 offsets into the cleaned text. */
  start: number;
  end: number;
}

/** A syllable (or number, or foreign word) is a run of letters, digits and marks. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
export const MAX_TOKEN_LENGTH = 40;

const keyCache = new Map<string, [string, string]>();
const KEY_CACHE_LIMIT = 200_000;

/** Both keys of one word, memoized: Vietnamese has only a few thousand distinct syllables. */
export function wordKeys(word: string): [folded: string, accent: string] {
  let keys = keyCache.get(word);
  if (!keys) {
    keys = [foldWord(word), accentKey(word)];
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(word, keys);
  }
  return keys;
}

/** Syllables of a text in order, with offsets into `cleanText(text)` (which the caller passes in). */
export function syllablesOfClean(clean: string): Syllable[] {
  const out: Syllable[] = [];
  for (const m of clean.matchAll(WORD)) {
    const text = m[0];
    if (text.length > MAX_TOKEN_LENGTH) continue;
    const [folded, accent] = wordKeys(text);
    if (!folded) continue;
    out.push({ text, folded, accent, start: m.index, end: m.index + text.length });
  }
  return out;
}

export type FoldedSyllable = Pick<Syllable, 'folded' | 'start' | 'end'>;

/** Like syllablesOfClean with the folded key only (highlighting and snippets need no more): one pass over the characters. */
export function foldedSyllables(clean: string): FoldedSyllable[] {
  return foldedSyllablesFast(clean) ?? syllablesOfClean(clean).map(({ folded, start, end }) => ({ folded, start, end }));
}

function foldedSyllablesFast(clean: string): FoldedSyllable[] | null {
  const out: FoldedSyllable[] = [];
  let start = -1;
  let folded = '';
  for (let i = 0; i <= clean.length; i++) {
    const c = i < clean.length ? clean.charCodeAt(i) : 32;
    const f = foldTable[c];
    if (f === undefined || f === '') return null;
    if (wordChar[c]) {
      if (f === SEPARATOR) return null;
      if (start < 0) start = i;
      folded += f;
    } else if (start >= 0) {
      if (i - start <= MAX_TOKEN_LENGTH && folded) out.push({ folded, start, end: i });
      start = -1;
      folded = '';
    }
  }
  return out;
}

export function syllables(text: string): Syllable[] {
  return syllablesOfClean(cleanText(text));
}

const NON_WORD = /[^\p{L}\p{N}\p{M}]+/u;
const NON_WORDS = /[^\p{L}\p{N}]+/gu;

/** The keys of a text, in order: what the index stores for one field. (Hot path of indexing: no offsets, split not match.) */
export function indexKeys(text: string): { folded: string[]; accent: string[] } {
  return indexKeysFast(text) ?? indexKeysReference(text);
}

/** indexKeys in one pass over the characters of the fold table (no marks, no other scripts), else null. */
function indexKeysFast(text: string): { folded: string[]; accent: string[] } | null {
  const folded: string[] = [];
  const accent: string[] = [];
  let start = -1;
  let hash = 0;
  // The word holds a character cleanText removes (zero-width, soft hyphen): it is not a plain slice of the text.
  let dirty = false;
  const flush = (end: number) => {
    let keys: [string, string] | undefined;
    if (!dirty) keys = end - start <= MAX_TOKEN_LENGTH ? rawWordKeys.get(text, start, end, hash) : undefined;
    else {
      let word = '';
      for (let i = start; i < end; i++) if (foldTable[text.charCodeAt(i)] !== '') word += text[i];
      keys = word && word.length <= MAX_TOKEN_LENGTH ? wordKeys(word) : undefined;
    }
    if (keys && keys[0]) {
      folded.push(keys[0]);
      accent.push(keys[1]);
    }
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const f = foldTable[c];
    if (f === undefined) return null;
    if (f === '') {
      if (start >= 0) dirty = true;
      continue;
    }
    if (wordChar[c]) {
      if (start < 0) {
        start = i;
        hash = 0;
        dirty = false;
      }
      hash = (Math.imul(hash, 31) + c) | 0;
    } else if (start >= 0) flush(i);
  }
  if (start >= 0) flush(text.length);
  return { folded, accent };
}

/**
 * wordKeys looked up by the word's characters in place (open addressing on a running hash), so the hot path makes no
 * string per word; a word not seen before is sliced once and memoized. Cleared when half full.
 */
class RawWordKeys {
  private static readonly SLOTS = 1 << 16;
  private readonly words: Array<string | undefined> = new Array<string | undefined>(RawWordKeys.SLOTS);
  private readonly values: Array<[string, string]> = new Array<[string, string]>(RawWordKeys.SLOTS);
  private readonly hashes = new Int32Array(RawWordKeys.SLOTS);
  private used = 0;

  get(text: string, from: number, to: number, hash: number): [string, string] {
    const mask = RawWordKeys.SLOTS - 1;
    const len = to - from;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const w = this.words[s];
      if (w === undefined) {
        const word = text.slice(from, to);
        const keys = wordKeys(word);
        if (this.used >= RawWordKeys.SLOTS >> 1) {
          this.words.fill(undefined);
          this.used = 0;
          return keys;
        }
        this.words[s] = word;
        this.values[s] = keys;
        this.hashes[s] = hash;
        this.used++;
        return keys;
      }
      if (this.hashes[s] === hash && w.length === len) {
        let i = 0;
        while (i < len && w.charCodeAt(i) === text.charCodeAt(from + i)) i++;
        if (i === len) return this.values[s]!;
      }
    }
  }
}
const rawWordKeys = new RawWordKeys();

export function indexKeysReference(text: string): { folded: string[]; accent: string[] } {
  const folded: string[] = [];
  const accent: string[] = [];
  for (const word of cleanText(text).split(NON_WORD)) {
    if (!word || word.length > MAX_TOKEN_LENGTH) continue;
    const [f, a] = wordKeys(word);
    if (!f) continue;
    folded.push(f);
    accent.push(a);
  }
  return { folded, accent };
}

/**
 * Folded, space-separated keys of a whole text ("Lào Cai" → "lao cai"): the same keys as `indexKeys(text).folded`,
 * computed on the whole string at once (the hot path for story bodies).
 */
export function foldText(text: string, keys?: FoldedKeySet): string {
  const fast = foldTextFast(text, keys);
  if (fast !== null) return fast;
  const folded = foldTextReference(text);
  if (keys) for (const k of folded.split(' ')) keys.add(k);
  return folded;
}

/** The definition of foldText: whole-string normalization (slow on long bodies: several ICU passes). */
export function foldTextReference(text: string): string {
  return cleanText(text).normalize('NFC').normalize('NFD').replace(ALL_MARKS, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC').replace(NON_WORDS, ' ').trim();
}

/**
 * Per-character fold table for the characters a Vietnamese story is made of (ASCII, Latin-1, Latin Extended-A/B,
 * Latin Extended Additional with all precomposed Vietnamese letters, general punctuation and spaces). Each of these
 * folds on its own, independently of its neighbours, so a single pass over the text gives the same result as
 * foldTextReference. Entry: the folded letters; '' for a character cleanText removes; SEPARATOR for anything that
 * ends a word. Texts with any other character (combining marks, other scripts) take the reference path.
 */
const SEPARATOR = ' ';
const FOLD_RANGES: Array<[number, number]> = [
  [0x0000, 0x024f],
  [0x1e00, 0x1eff],
  [0x2000, 0x206f],
];
const foldTable: Array<string | undefined> = [];
/** The character is part of a word for indexKeys (a letter or digit after cleanText). */
const wordChar: boolean[] = [];
for (const [lo, hi] of FOLD_RANGES) {
  for (let c = lo; c <= hi; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (cleanText(ch) === '' && ch !== '') {
      foldTable[c] = '';
      continue;
    }
    // A character that is itself a combining mark, or whose NFC form differs, is context-dependent: not in the table.
    if (/\p{M}/u.test(ch) || ch.normalize('NFC') !== ch) continue;
    const folded = ch.normalize('NFD').replace(ALL_MARKS, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC');
    foldTable[c] = folded === '' ? '' : /^[\p{L}\p{N}]+$/u.test(folded) ? folded : SEPARATOR;
    if (foldTable[c] === '') throw new Error(`fold table: U+${c.toString(16)} folds to nothing`);
    wordChar[c] = /^[\p{L}\p{N}]$/u.test(cleanText(ch));
  }
}

/** foldTable as single UTF-16 codes for the common case: >0 the folded character, 0 separator, -1 removed, -2 other. */
const foldCode = new Int32Array(0x2070).fill(-2);
for (let c = 0; c < foldCode.length; c++) {
  const f = foldTable[c];
  if (f === undefined) continue;
  foldCode[c] = f === '' ? -1 : f === SEPARATOR ? 0 : f.length === 1 ? f.charCodeAt(0) : -2;
}
const utf16 = new TextDecoder('utf-16le');
let foldBuffer = new Uint16Array(4096);

function foldTextFast(text: string, keys?: FoldedKeySet): string | null {
  // Folded text is never longer than the input when every character folds to one (checked below).
  if (foldBuffer.length < text.length) foldBuffer = new Uint16Array(text.length * 2);
  const buf = foldBuffer;
  let n = 0;
  let inWord = false;
  // Start and running hash of the current word, for collecting distinct keys without making a string per word.
  let from = 0;
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const f = c < 0x2070 ? foldCode[c]! : -2;
    if (f > 0) {
      if (!inWord) {
        if (n > 0) buf[n++] = 32;
        from = n;
        hash = 0;
        inWord = true;
      }
      buf[n++] = f;
      hash = (Math.imul(hash, 31) + f) | 0;
    } else if (f === 0) {
      if (inWord && keys) keys.addChars(buf, from, n, hash);
      inWord = false;
    } else if (f === -2) return foldTextStrings(text, keys);
  }
  if (inWord && keys) keys.addChars(buf, from, n, hash);
  return utf16.decode(buf.subarray(0, n));
}

/** The hash FoldedKeySet uses, over a string's UTF-16 codes. */
function keyHash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h;
}

/**
 * Distinct folded keys of a batch of texts (for search_terms), gathered while folding: an open-addressing table of
 * every key seen so far, each stamped with the batch that last took it, so a known key costs a probe and a short
 * comparison instead of a substring and a Set insertion. The table is cleared when it fills (keys of the batch
 * then may come out twice: harmless for INSERT OR IGNORE).
 */
export class FoldedKeySet {
  private static readonly SLOTS = 1 << 17;
  private readonly slotKeys: Array<string | undefined> = new Array<string | undefined>(FoldedKeySet.SLOTS);
  private readonly slotHashes = new Int32Array(FoldedKeySet.SLOTS);
  private readonly slotStamps = new Int32Array(FoldedKeySet.SLOTS);
  private used = 0;
  private stamp = 1;
  private batch: string[] = [];

  /** Keys added since the last take(), each once; starts the next batch. */
  take(): string[] {
    const out = this.batch;
    this.batch = [];
    this.stamp++;
    return out;
  }

  add(key: string): void {
    if (!key) return;
    const mask = FoldedKeySet.SLOTS - 1;
    const hash = keyHash(key);
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const k = this.slotKeys[s];
      if (k === undefined) return this.insert(s, key, hash);
      if (this.slotHashes[s] === hash && k === key) return this.mark(s, k);
    }
  }

  addChars(buf: Uint16Array, from: number, to: number, hash: number): void {
    const mask = FoldedKeySet.SLOTS - 1;
    const len = to - from;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const k = this.slotKeys[s];
      if (k === undefined) return this.insert(s, utf16.decode(buf.subarray(from, to)), hash);
      if (this.slotHashes[s] === hash && k.length === len) {
        let i = 0;
        while (i < len && k.charCodeAt(i) === buf[from + i]) i++;
        if (i === len) return this.mark(s, k);
      }
    }
  }

  private mark(slot: number, key: string): void {
    if (this.slotStamps[slot] === this.stamp) return;
    this.slotStamps[slot] = this.stamp;
    this.batch.push(key);
  }

  private insert(slot: number, key: string, hash: number): void {
    if (this.used >= FoldedKeySet.SLOTS >> 1) {
      this.slotKeys.fill(undefined);
      this.slotStamps.fill(0);
      this.used = 0;
      return this.add(key);
    }
    this.slotKeys[slot] = key;
    this.slotHashes[slot] = hash;
    this.slotStamps[slot] = this.stamp;
    this.used++;
    this.batch.push(key);
  }
}

function foldTextStrings(text: string, keys?: FoldedKeySet): string | null {
  let out = '';
  let pending = false;
  let word = '';
  const words: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const f = foldTable[text.charCodeAt(i)];
    if (f === undefined) return null;
    if (f === SEPARATOR) {
      if (word) {
        out += pending ? ' ' + word : word;
        pending = true;
        words.push(word);
        word = '';
      }
    } else word += f;
  }
  if (word) {
    out += pending ? ' ' + word : word;
    words.push(word);
  }
  if (keys) for (const w of words) keys.add(w);
  return out;
}

/** Two texts mean the same to a reader: same accent keys syllable by syllable. */
export function sameVietnamese(a: string, b: string): boolean {
  return indexKeys(a).accent.join(' ') === indexKeys(b).accent.join(' ');
}

// ---------- tone placement, for display ----------

const VOWEL_PAIR = /(o[aăe]|u[yêơ]|q?u[a])/;

/**
 * Moves tone marks to the "old" (hòa, hòe, thùy) or "new" (hoà, hoè, thuỳ) placement. Only open
 * syllables ending in oa/oe/uy differ between the two; everything else is left exactly as it was.
 */
export function placeTones(text: string, style: 'old' | 'new'): string {
  return cleanText(text).replace(WORD, (word) => {
    const nfd = word.normalize('NFD');
    const tones = [...nfd].filter((c) => (TONES as readonly string[]).includes(c));
    // No tone, or a typing slip with several: nothing sensible to move.
    if (tones.length !== 1) return word;
    const tone = tones[0]!;
    const bare = [...nfd].filter((c) => c !== tone).join('').normalize('NFC');
    const lower = bare.toLowerCase();
    // Syllable must end in the two-vowel pair (no final consonant) and not start with "qu"/"gi" onsets that change the nucleus.
    const m = /^(.*?)(oa|oe|uy)$/i.exec(bare);
    if (!m || /^(qu|gi)/.test(lower.slice(0, m[1]!.length + 1)) || VOWEL_PAIR.test(m[1]!.toLowerCase())) return word;
    const head = m[1]!;
    const pair = m[2]!;
    const target = style === 'old' ? 0 : 1;
    const withTone = pair.slice(0, target + 1) + tone + pair.slice(target + 1);
    return (head + withTone).normalize('NFC');
  });
}

/**
 * A LIKE pattern (escape '\\') that finds `text`'s folded words at the start of a word of folded text written as
 * `' ' || column || ' '`: "lao cai" finds "Lào Cai", "doan" finds "Đoàn"; "%", "_" and "\\" typed are literal.
 * Null when nothing searchable is left.
 */
export function foldedWordPattern(text: string): string | null {
  const folded = foldText(cleanText(text)).trim();
  return folded ? `% ${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}
