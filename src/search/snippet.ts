import { escapeHtml } from '../web/jsx.ts';
import { cleanText, syllablesOfClean, type Syllable } from './vietnamese-text.ts';
import { positiveTerms, type ParsedQuery } from './query.ts';

/** Decides whether a syllable of the text is one the reader searched for (folded comparison). */
export function matcher(q: ParsedQuery): (s: Syllable) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const t of positiveTerms(q)) {
    t.folded.forEach((k, i) => {
      if (t.prefix && i === t.folded.length - 1) prefixes.push(k);
      else exact.add(k);
    });
  }
  return (s) => exact.has(s.folded) || prefixes.some((p) => s.folded.startsWith(p));
}

/** Escapes the text and wraps matched syllables (and the spaces between adjacent ones) in <mark>. */
function markup(clean: string, syl: Syllable[], hit: boolean[], from: number, to: number): string {
  let out = '';
  let cursor = from;
  let i = syl.findIndex((s) => s.start >= from);
  if (i < 0) return escapeHtml(clean.slice(from, to));
  while (i < syl.length && syl[i]!.end <= to) {
    if (!hit[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < syl.length && hit[j + 1] && syl[j + 1]!.end <= to && /^\s*$/.test(clean.slice(syl[j]!.end, syl[j + 1]!.start))) j++;
    out += escapeHtml(clean.slice(cursor, syl[i]!.start)) + '<mark>' + escapeHtml(clean.slice(syl[i]!.start, syl[j]!.end)) + '</mark>';
    cursor = syl[j]!.end;
    i = j + 1;
  }
  return out + escapeHtml(clean.slice(cursor, to));
}

/** The whole text, escaped, matches marked (for titles). */
export function highlightAll(text: string, q: ParsedQuery): string {
  const clean = cleanText(text);
  const syl = syllablesOfClean(clean);
  const isHit = matcher(q);
  return markup(clean, syl, syl.map(isHit), 0, clean.length);
}

/**
 * An escaped excerpt of about `size` syllables around the densest run of matches, matches marked,
 * "…" where it was cut. Without any match: the start of the text.
 */
export function snippet(text: string, q: ParsedQuery, size = 36): string {
  const clean = cleanText(text).replace(/\s*\n\s*/g, ' ');
  const syl = syllablesOfClean(clean);
  if (syl.length === 0) return escapeHtml(clean.slice(0, 240));
  const isHit = matcher(q);
  const hit = syl.map(isHit);
  // Sliding window: most matched syllables (distinct keys count more than repeats), earliest on ties.
  let best = 0;
  let bestScore = -1;
  for (let start = 0; start < Math.max(1, syl.length - size + 1); start++) {
    const seen = new Set<string>();
    let repeats = 0;
    for (let i = start; i < Math.min(syl.length, start + size); i++) if (hit[i]) seen.has(syl[i]!.folded) ? repeats++ : seen.add(syl[i]!.folded);
    const score = seen.size * 10 + repeats;
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
    if (syl.length - start > size * 20) start += 2; // long bodies: coarser steps, same result quality
  }
  // Start a couple of syllables before the first match so it reads in context.
  const firstHit = hit.indexOf(true, best);
  const start = firstHit >= 0 && firstHit - best > 4 ? Math.max(0, firstHit - 3) : best;
  const end = Math.min(syl.length, start + size);
  const from = start === 0 ? 0 : syl[start]!.start;
  const to = end >= syl.length ? clean.length : syl[end - 1]!.end;
  return (from > 0 ? '… ' : '') + markup(clean, syl, hit, from, to).trim() + (to < clean.length ? ' …' : '');
}
