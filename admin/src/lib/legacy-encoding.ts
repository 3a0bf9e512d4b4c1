/**
 * Legacy Vietnamese encodings from the pre-Unicode era that still turn up in pasted Word files:
 * TCVN3 (ABC, fonts named ".VnTime", ".VnArial"…) and VNI-Windows (fonts named "VNI-Times"…).
 * Such text reaches the clipboard as Windows-1252 characters ("ViÖt Nam", "Vieät Nam"); these pure
 * functions detect it and turn it into Unicode (NFC). Nothing here touches the DOM.
 */

export type LegacyEncoding = 'tcvn3' | 'vni';

type Tone = '' | 'grave' | 'hook' | 'tilde' | 'acute' | 'dot';
const TONES: Tone[] = ['', 'grave', 'hook', 'tilde', 'acute', 'dot'];
/** Unicode combining marks for the five tones. */
const TONE_MARK: Record<Tone, string> = { '': '', grave: '\u0300', hook: '\u0309', tilde: '\u0303', acute: '\u0301', dot: '\u0323' };

/** The twelve Vietnamese vowels and what each is made of (base letter + modifier mark). */
const VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'] as const;
type Vowel = (typeof VOWELS)[number];

const withTone = (vowel: string, tone: Tone): string => (vowel + TONE_MARK[tone]).normalize('NFC');

/** Every Vietnamese letter that is not plain ASCII, lower case: 12 vowels × 6 tones minus the 5 plain ones, plus đ. */
export const VIETNAMESE_LOWER: string[] = [...VOWELS.flatMap((v) => TONES.map((t) => withTone(v, t))).filter((c) => c.charCodeAt(0) > 127), 'đ'];
export const VIETNAMESE_UPPER: string[] = VIETNAMESE_LOWER.map((c) => c.toUpperCase());
const VIETNAMESE_SET = new Set([...VIETNAMESE_LOWER, ...VIETNAMESE_UPPER]);

// ---------- TCVN3 (TCVN 5712:1993, "ABC") ----------

/** Byte of each lower-case toned vowel: [grave, hook, tilde, acute, dot] (plain vowels are ASCII or in TCVN3_PLAIN). */
const TCVN3_TONED: Record<Vowel, [number, number, number, number, number]> = {
  a: [0xb5, 0xb6, 0xb7, 0xb8, 0xb9],
  ă: [0xbb, 0xbc, 0xbd, 0xbe, 0xc6],
  â: [0xc7, 0xc8, 0xc9, 0xca, 0xcb],
  e: [0xcc, 0xce, 0xcf, 0xd0, 0xd1],
  ê: [0xd2, 0xd3, 0xd4, 0xd5, 0xd6],
  i: [0xd7, 0xd8, 0xdc, 0xdd, 0xde],
  o: [0xdf, 0xe1, 0xe2, 0xe3, 0xe4],
  ô: [0xe5, 0xe6, 0xe7, 0xe8, 0xe9],
  ơ: [0xea, 0xeb, 0xec, 0xed, 0xee],
  u: [0xef, 0xf1, 0xf2, 0xf3, 0xf4],
  ư: [0xf5, 0xf6, 0xf7, 0xf8, 0xf9],
  y: [0xfa, 0xfb, 0xfc, 0xfd, 0xfe],
};
/** Untoned letters with their own byte; TCVN3 has upper-case forms only for these seven. */
const TCVN3_PLAIN: Record<string, number> = { ă: 0xa8, â: 0xa9, ê: 0xaa, ô: 0xab, ơ: 0xac, ư: 0xad, đ: 0xae, Ă: 0xa1, Â: 0xa2, Ê: 0xa3, Ô: 0xa4, Ơ: 0xa5, Ư: 0xa6, Đ: 0xa7 };

const TCVN3_DECODE = new Map<string, string>();
const TCVN3_ENCODE = new Map<string, string>();
for (const v of VOWELS) {
  TCVN3_TONED[v].forEach((byte, i) => {
    const letter = withTone(v, TONES[i + 1]!);
    TCVN3_DECODE.set(String.fromCharCode(byte), letter);
    TCVN3_ENCODE.set(letter, String.fromCharCode(byte));
  });
}
for (const [letter, byte] of Object.entries(TCVN3_PLAIN)) {
  TCVN3_DECODE.set(String.fromCharCode(byte), letter);
  TCVN3_ENCODE.set(letter, String.fromCharCode(byte));
}

// ---------- VNI-Windows ----------

/** Tone keys typed after a base letter: lower- and upper-case forms, [grave, hook, tilde, acute, dot]. */
const VNI_TONE = { lower: ['ø', 'û', 'õ', 'ù', 'ï'], upper: ['Ø', 'Û', 'Õ', 'Ù', 'Ï'] };
/** After a, e, o: circumflex alone (â) or circumflex + tone. */
const VNI_CIRC = { plain: { lower: 'â', upper: 'Â' }, toned: { lower: ['à', 'å', 'ã', 'á', 'ä'], upper: ['À', 'Å', 'Ã', 'Á', 'Ä'] } };
/** After a: breve alone (ê) or breve + tone. */
const VNI_BREVE = { plain: { lower: 'ê', upper: 'Ê' }, toned: { lower: ['è', 'ú', 'ü', 'é', 'ë'], upper: ['È', 'Ú', 'Ü', 'É', 'Ë'] } };
/** Letters that are a single character in VNI. */
const VNI_SINGLE: Record<string, string> = { ơ: 'ô', Ơ: 'Ô', ư: 'ö', Ư: 'Ö', đ: 'ñ', Đ: 'Ñ', ì: 'ì', Ì: 'Ì', ỉ: 'æ', Ỉ: 'Æ', ĩ: 'ó', Ĩ: 'Ó', í: 'í', Í: 'Í', ị: 'ò', Ị: 'Ò', ỵ: 'î', Ỵ: 'Î' };

const VNI_ENCODE = new Map<string, string>();
function vniEncodeLetter(vowel: Vowel, tone: Tone, upper: boolean): string {
  const letter = upper ? withTone(vowel, tone).toUpperCase() : withTone(vowel, tone);
  const single = VNI_SINGLE[letter];
  if (single !== undefined) return single;
  const c = upper ? 'upper' : 'lower';
  const ti = TONES.indexOf(tone) - 1;
  const toneKey = ti >= 0 ? VNI_TONE[c][ti]! : '';
  switch (vowel) {
    case 'ă':
      return (upper ? 'A' : 'a') + (ti >= 0 ? VNI_BREVE.toned[c][ti]! : VNI_BREVE.plain[c]);
    case 'â':
    case 'ê':
    case 'ô': {
      const base = ({ â: 'a', ê: 'e', ô: 'o' } as const)[vowel];
      return (upper ? base.toUpperCase() : base) + (ti >= 0 ? VNI_CIRC.toned[c][ti]! : VNI_CIRC.plain[c]);
    }
    case 'ơ':
      return (upper ? 'Ô' : 'ô') + toneKey;
    case 'ư':
      return (upper ? 'Ö' : 'ö') + toneKey;
    default:
      return (upper ? vowel.toUpperCase() : vowel) + toneKey;
  }
}
for (const v of VOWELS) {
  for (const t of TONES) {
    for (const upper of [false, true]) {
      const letter = upper ? withTone(v, t).toUpperCase() : withTone(v, t);
      if (letter.charCodeAt(0) > 127) VNI_ENCODE.set(letter, vniEncodeLetter(v, t, upper));
    }
  }
}
VNI_ENCODE.set('đ', 'ñ');
VNI_ENCODE.set('Đ', 'Ñ');

/** VNI sequences back to letters. Case of the result follows the base letter; marks of either case are accepted. */
const VNI_DECODE = new Map<string, string>();
for (const [letter, seq] of VNI_ENCODE) {
  VNI_DECODE.set(seq, letter);
  if (seq.length === 2) {
    const isUpper = letter === letter.toUpperCase();
    // A mark typed in the other case (sloppy input, mixed fonts) still means the same letter.
    const otherMark = isUpper ? seq[1]!.toLowerCase() : seq[1]!.toUpperCase();
    const key = seq[0]! + otherMark;
    if (!VNI_DECODE.has(key) && otherMark !== seq[1]) VNI_DECODE.set(key, letter);
  }
}
// The mixed-case keys must never shadow a real sequence: "Ô" alone is Ơ, "OÂ" is Ô.
for (const [letter, seq] of VNI_ENCODE) VNI_DECODE.set(seq, letter);

// ---------- conversion ----------

export function tcvn3ToUnicode(text: string, opts: { upperCase?: boolean } = {}): string {
  let out = '';
  for (const ch of text) out += TCVN3_DECODE.get(ch) ?? ch;
  // Fonts whose names end in "H" (.VnTimeH) draw the lower-case codes as capitals.
  return (opts.upperCase ? out.toUpperCase() : out).normalize('NFC');
}

export function vniToUnicode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const pair = text.slice(i, i + 2);
    const two = pair.length === 2 ? VNI_DECODE.get(pair) : undefined;
    if (two !== undefined) {
      out += two;
      i++;
      continue;
    }
    out += VNI_DECODE.get(text[i]!) ?? text[i]!;
  }
  return out.normalize('NFC');
}

export function toUnicode(text: string, encoding: LegacyEncoding, opts: { upperCase?: boolean } = {}): string {
  return encoding === 'tcvn3' ? tcvn3ToUnicode(text, opts) : vniToUnicode(text);
}

/** Unicode to TCVN3 (upper-case toned letters become their lower-case codes, as an ".VnTimeH" font expects). */
export function unicodeToTcvn3(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) out += TCVN3_ENCODE.get(ch) ?? TCVN3_ENCODE.get(ch.toLowerCase()) ?? ch;
  return out;
}

export function unicodeToVni(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) out += VNI_ENCODE.get(ch) ?? ch;
  return out;
}

// ---------- detection ----------

const ONSET = '(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?';
/** Vowel groups of Vietnamese syllables, written without tone. */
const NUCLEUS = '(?:uyê|uya|uyu|uây|uôi|ươi|ươu|oai|oay|oao|oeo|iêu|yêu|uơ|ươ|ưa|ưi|ưu|uô|uâ|uê|uy|ua|ui|oa|oă|oe|oi|oo|ôi|ơi|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y)';
const CODA = '(?:ch|ng|nh|[cmnpt])?';
const SYLLABLE = new RegExp(`^(${ONSET})(${NUCLEUS})(${CODA})$`);
const RHYME = new RegExp(`^(${NUCLEUS})(${CODA})$`);
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const MODIFIED = /[ăâêôơư]/;
/** Vowel groups ending in a glide (i/y/o/u) or open-only groups take no final consonant. */
const GLIDE_ENDING = new Set(['ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iu', 'oi', 'ôi', 'ơi', 'ua', 'ui', 'ưa', 'ưi', 'ưu', 'iêu', 'yêu', 'uôi', 'ươi', 'ươu', 'oai', 'oay', 'oao', 'oeo', 'uây', 'uya', 'uyu']);

/** Where the tone may sit in a vowel group: the modified vowel, else the last before an ending, else the first (both styles for oa, oe, uy). */
function toneSlots(nucleus: string, hasCoda: boolean): number[] {
  if (nucleus.length === 1) return [0];
  let modified = -1;
  for (let i = 0; i < nucleus.length; i++) if (MODIFIED.test(nucleus[i]!)) modified = i;
  if (modified >= 0) return [modified];
  if (hasCoda) return [nucleus.length - 1];
  if (nucleus.length === 3) return [1];
  return ['oa', 'oe', 'uy'].includes(nucleus) ? [0, 1] : [0];
}

/** Whether a word is a well-formed Vietnamese syllable: known onset, vowel group and ending, at most one tone, on the right vowel. */
export function isVietnameseSyllable(word: string): boolean {
  const letters = [...word.toLowerCase().normalize('NFC')];
  let toneAt = -1;
  let bare = '';
  for (let i = 0; i < letters.length; i++) {
    const d = letters[i]!.normalize('NFD');
    const tones = d.match(TONE_MARKS)?.length ?? 0;
    if (tones > 1 || (tones === 1 && toneAt >= 0)) return false;
    if (tones === 1) toneAt = i;
    bare += d.replace(TONE_MARKS, '').normalize('NFC');
  }
  if ([...bare].length !== letters.length) return false;
  const m = SYLLABLE.exec(bare);
  if (!m) return false;
  const parses: Array<[number, string, string]> = [[m[1]!.length, m[2]!, m[3]!]];
  // "gi" may be an onset (giữa) or g + the vowel i (gìn): try both.
  if (m[1] === 'gi') {
    const alt = RHYME.exec(bare.slice(1));
    if (alt) parses.push([1, alt[1]!, alt[2]!]);
  }
  return parses.some(([onset, nucleus, coda]) => {
    if (coda && GLIDE_ENDING.has(nucleus)) return false;
    return toneAt < 0 || toneSlots(nucleus, coda.length > 0).includes(toneAt - onset);
  });
}

const WORD = /[^\s.,;:!?()[\]{}"'“”‘’\-–—/\\|0-9…]+/g;

interface Reading {
  /** Words containing a non-ASCII letter. */
  accented: number;
  /** Of those, well-formed Vietnamese syllables. */
  valid: number;
}

function read(text: string): Reading {
  let accented = 0;
  let valid = 0;
  for (const w of text.match(WORD) ?? []) {
    if (![...w].some((c) => c.charCodeAt(0) > 127)) continue;
    accented++;
    // A capital after a small letter ("giÓ") is a decoding artefact, not a word.
    if (/\p{Ll}\p{Lu}/u.test(w)) continue;
    if ([...w].every((c) => c.charCodeAt(0) < 128 || VIETNAMESE_SET.has(c)) && isVietnameseSyllable(w)) valid++;
  }
  return { accented, valid };
}

export interface Detection {
  encoding: LegacyEncoding;
  /** Accented words that are well-formed Vietnamese after conversion. */
  validWords: number;
  accentedWords: number;
}

/**
 * Decides whether text is TCVN3 or VNI rather than Unicode: it converts the text each way and keeps the
 * reading under which clearly more words become real Vietnamese syllables. Unicode Vietnamese text is
 * left alone because converting it only ever breaks syllables.
 */
export function detectLegacyEncoding(text: string): Detection | null {
  const asIs = read(text.normalize('NFC'));
  let best: Detection | null = null;
  for (const encoding of ['tcvn3', 'vni'] as const) {
    const converted = toUnicode(text, encoding);
    if (converted === text.normalize('NFC')) continue;
    const r = read(converted);
    if (r.valid <= asIs.valid) continue;
    if (r.valid < Math.max(1, 0.6 * r.accented)) continue;
    if (!best || r.valid > best.validWords) best = { encoding, validWords: r.valid, accentedWords: r.accented };
  }
  return best;
}

/** Font families of the legacy encodings, as they appear in pasted HTML (`font-family: ".VnTime"`, `VNI-Times`). */
export function encodingOfFont(fontFamily: string): { encoding: LegacyEncoding; upperCase: boolean } | null {
  const first = fontFamily.split(',')[0]!.trim().replace(/^["']|["']$/g, '');
  if (/^\.vn/i.test(first)) return { encoding: 'tcvn3', upperCase: /H$/.test(first) };
  if (/^vni[-\s]/i.test(first)) return { encoding: 'vni', upperCase: false };
  return null;
}
