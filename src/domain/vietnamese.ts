/**
 * Vietnamese text rules shared by storage, importer, site and search.
 * Content is kept verbatim apart from Unicode NFC; folding is only for matching and slugs.
 */

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const FORBIDDEN = /[\u0000-\u0008\u000e-\u001f\u007f\ufffe\uffff]/g;
// eslint-disable-next-line no-control-regex -- Word's line and page breaks
const BREAKS = /[\u000b\u000c]/g;

/**
 * Text as stored: Unicode NFC, with the control characters no HTML or XML page may carry removed (Word's vertical tab
 * and form feed, used as soft line and page breaks, become spaces). Tabs and line breaks stay.
 */
export function nfc(text: string): string {
  return text.replace(BREAKS, ' ').replace(FORBIDDEN, '').normalize('NFC');
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Removes every diacritic, including the stroke of đ/Đ (which Unicode does not decompose). */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/**
 * URL slug: lowercase ASCII words joined by hyphens, cut at a word boundary. Compatibility forms are unfolded first
 * (full-width "Ｈà" from CJK keyboards, ligatures such as "ﬁ"). Empty when the text has no Latin letter or digit:
 * callers put a word of their own there (SLUG_FALLBACK).
 */
export function slugify(text: string, maxLength = 120): string {
  const words = foldAccents(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, maxLength) ?? '');
}

/** Slugs for names with no Latin letter (a title in Chinese or Lao, say). */
export const SLUG_FALLBACK = { article: 'tin-bai', tag: 'the', person: 'tac-gia', category: 'chuyen-muc' } as const;

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Wall-clock parts in a fixed offset zone (Vietnam has no daylight saving: UTC+7). */
function zoned(iso: string, offsetMinutes: number): Date {
  return new Date(new Date(iso).getTime() + offsetMinutes * 60_000);
}

export const VIETNAM_OFFSET_MINUTES = 7 * 60;

/** "Thứ Hai, 18/11/2024 - 09:30", the form Vietnamese papers print under a headline. */
export function formatDateTimeVi(iso: string, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  const d = zoned(iso, offsetMinutes);
  return `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} - ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "18/11/2024" */
export function formatDateVi(iso: string, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  const d = zoned(iso, offsetMinutes);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** ISO-8601 with the local offset, for <time datetime> and structured data. */
export function isoWithOffset(iso: string, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  const d = zoned(iso, offsetMinutes);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const off = Math.abs(offsetMinutes);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}
