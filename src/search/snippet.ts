import { escapeHtml } from '../web/jsx.ts';
import { cleanText, foldedSyllables, type FoldedSyllable as Syllable } from './vietnamese-text.ts';
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
  const syl = foldedSyllables(clean);
  const isHit = matcher(q);
  return markup(clean, syl, syl.map(isHit), 0, clean.length);
}

/**
 * An escaped excerpt of about `size` syllables around the densest run of matches, matches marked,
 * "…" where it was cut. Without any match: the start of the text.
 */
/** Long bodies: the excerpt comes from the first this-many syllables. */
const MAX_SCAN = 3000;

export function snippet(text: string, q: ParsedQuery, size = 36): string {
  const clean = cleanText(text).replace(/\s*\n\s*/g, ' ');
  const syl = foldedSyllables(clean);
  if (syl.length === 0) return escapeHtml(clean.slice(0, 240));
  const isHit = matcher(q);
  const hit = syl.map(isHit);
  // Sliding window, linear: most distinct matched keys (repeats count a little), earliest on ties.
  const counts = new Map<string, number>();
  let distinct = 0;
  let total = 0;
  let best = 0;
  let bestScore = -1;
  const limit = Math.min(syl.length, MAX_SCAN);
  for (let i = 0; i < limit; i++) {
    if (hit[i]) {
      const k = syl[i]!.folded;
      const n = counts.get(k) ?? 0;
      if (n === 0) distinct++;
      counts.set(k, n + 1);
      total++;
    }
    const out = i - size;
    if (out >= 0 && hit[out]) {
      const k = syl[out]!.folded;
      const n = counts.get(k)! - 1;
      if (n === 0) distinct--;
      counts.set(k, n);
      total--;
    }
    const start = Math.max(0, i - size + 1);
    const score = distinct * 10 + (total - distinct);
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  // Start a couple of syllables before the first match so it reads in context.
  const firstHit = hit.indexOf(true, best);
  const start = firstHit >= 0 && firstHit - best > 4 ? Math.max(0, firstHit - 3) : best;
  const end = Math.min(syl.length, start + size);
  const from = start === 0 ? 0 : syl[start]!.start;
  const to = end >= syl.length ? clean.length : syl[end - 1]!.end;
  return (from > 0 ? '… ' : '') + markup(clean, syl, hit, from, to).trim() + (to < clean.length ? ' …' : '');
}
