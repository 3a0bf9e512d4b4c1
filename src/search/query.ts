import { cleanText, hasAccents, syllablesOfClean } from './vietnamese-text.ts';

/**
 * The reader's query, parsed by us into plain syllable keys. Engines never see the reader's text:
 * FTS5 MATCH strings and PostgreSQL tsquery literals are built from these keys only, every key quoted.
 *
 * Understood syntax (everything else is just words):
 *   "ủy ban nhân dân"  phrase          -thể thao   exclude a word      hà nộ*   prefix
 *   "ủy ban nh*" or "ủy ban nh"*  phrase ending in a prefix
 */

export const MAX_QUERY_LENGTH = 200;
/** More terms than this add cost, not precision. */
export const MAX_TERMS = 12;
export const MIN_PREFIX = 2;

export interface QueryTerm {
  /** Folded keys of the term's syllables: one for a word, several for a phrase. */
  folded: string[];
  /** Accent keys of the same syllables. */
  accent: string[];
  /** The reader typed accents in this term: exact-accent matches rank first. */
  accented: boolean;
  /** Matches any word starting with the last syllable. */
  prefix: boolean;
  /**
   * SQLite: the indexed words the prefix stands for (from search_terms), when there are few enough; the term then
   * matches as an OR of whole words, which FTS5 walks newest-first and stops, instead of merging every posting.
   */
  expansions?: string[];
  /**
   * SQLite: the term's search_pairs tokens (`festival_song`, `song_hong`), set when the whole query is answered by
   * phrase pairs (src/search/phrase-pairs.ts).
   */
  pairs?: string[];
  negated: boolean;
}

export interface ParsedQuery {
  /** The cleaned query text (NFC, plain spaces), for display. */
  text: string;
  terms: QueryTerm[];
}

export class QueryTooLongError extends Error {
  constructor(readonly length: number) {
    super(`Từ khóa quá dài (${length} ký tự): vui lòng nhập tối đa ${MAX_QUERY_LENGTH} ký tự.`);
    this.name = 'QueryTooLongError';
  }
}

export interface ParseOptions {
  /** Search-as-you-type: the last word is a prefix unless the reader already typed a space after it. */
  prefixLast?: boolean;
}

export function parseQuery(input: string, opts: ParseOptions = {}): ParsedQuery {
  const text = cleanText(input).trim();
  if (text.length > MAX_QUERY_LENGTH) throw new QueryTooLongError(text.length);
  const terms: QueryTerm[] = [];
  // Chunks: "quoted phrases" (an unclosed quote runs to the end; a star after the closing quote makes its last word a
  // prefix) or runs of non-space characters.
  const chunk = /(-?)"([^"]*)(?:"(\*+)?)?|(\S+)/g;
  for (const m of text.matchAll(chunk)) {
    if (terms.length >= MAX_TERMS) break;
    const quoted = m[2] !== undefined;
    let body = quoted ? m[2]! : m[4]!;
    let negated = quoted && m[1] === '-';
    if (!quoted && /^-[\p{L}\p{N}]/u.test(body)) {
      negated = true;
      body = body.slice(1);
    }
    // "hà nộ*", "hà nộ"* and hà nộ* all end in a prefix.
    const prefix = (quoted && m[3] !== undefined) || /[\p{L}\p{N}\p{M}]\*+$/u.test(body);
    const syl = syllablesOfClean(body);
    if (syl.length === 0) continue;
    terms.push({ folded: syl.map((s) => s.folded), accent: syl.map((s) => s.accent), accented: syl.some((s) => hasAccents(s.text)), prefix, negated });
  }
  if (opts.prefixLast && terms.length && !/\s$/.test(input)) {
    const last = terms[terms.length - 1]!;
    if (!last.negated) last.prefix = true;
  }
  // A one-letter prefix would expand to a large part of the dictionary: it is taken as a whole word.
  for (const t of terms) if (t.prefix && (t.folded[t.folded.length - 1] ?? '').length < MIN_PREFIX) t.prefix = false;
  return { text, terms };
}

export function positiveTerms(q: ParsedQuery): QueryTerm[] {
  return q.terms.filter((t) => !t.negated);
}

/** Whether any positive term carries accents: then exact-accent matches get a ranking boost. */
export function isAccented(q: ParsedQuery): boolean {
  return positiveTerms(q).some((t) => t.accented);
}

// ---------- SQLite FTS5 ----------

/** A key as an FTS5 string literal. Keys hold only letters and digits; quoting is belt and braces. */
export function fts5String(key: string): string {
  return `"${key.replace(/"/g, '""')}"`;
}

function fts5Phrase(keys: string[], prefix: boolean, expansions?: string[]): string {
  if (prefix && expansions?.length) return `(${expansions.map((e) => fts5Phrase([...keys.slice(0, -1), e], false)).join(' OR ')})`;
  return keys.map(fts5String).join(' + ') + (prefix ? ' *' : '');
}

/**
 * The set of stories a query selects, as an FTS5 expression on folded keys (no ranking part), for search_fts and
 * search_titles. Both hold folded columns only (migration 004 dropped search_fts's accent columns, which no query
 * matched), so there is no column filter: a filter makes FTS5 read position lists, about ten times slower on common
 * words.
 */
export function fts5Plain(q: ParsedQuery): string | null {
  const pos = positiveTerms(q);
  if (pos.length === 0) return null;
  let folded = pos.map((t) => fts5Phrase(t.folded, t.prefix, t.expansions)).join(' AND ');
  for (const t of q.terms.filter((x) => x.negated)) folded = `(${folded}) NOT ${fts5Phrase(t.folded, t.prefix, t.expansions)}`;
  return folded;
}

/** One term alone, for counting how common it is (against search_pairs when the term has pairs). */
export function fts5Term(t: QueryTerm): string {
  return t.pairs ? t.pairs.map(fts5String).join(' + ') : fts5Phrase(t.folded, t.prefix, t.expansions);
}

/** The FTS5 expression over search_pairs of a query whose every term has its pairs (withPhrasePairs). */
export function fts5Pairs(q: ParsedQuery): string | null {
  const pos = positiveTerms(q);
  if (pos.length === 0 || !q.terms.every((t) => t.pairs)) return null;
  let expr = pos.map(fts5Term).join(' AND ');
  for (const t of q.terms.filter((x) => x.negated)) expr = `(${expr}) NOT ${fts5Term(t)}`;
  return expr;
}

// ---------- PostgreSQL tsquery ----------

/** A key as a tsquery/tsvector lexeme literal: quoted, with ' and \ escaped. */
export function pgLexeme(key: string): string {
  return `'${key.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function pgPhrase(keys: string[], prefix: boolean, weights = ''): string {
  const parts = keys.map((k, i) => pgLexeme(k) + (i === keys.length - 1 && prefix ? `:*${weights}` : weights ? `:${weights}` : ''));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

/**
 * A positive term for the tsv condition, next to the pairs condition (pgPairs). A two-word phrase is then just both
 * words: its pair lexeme says they stand side by side, exactly, whereas tsvector positions stop at 16,383 and keep at
 * most 256 per word, so in a long story `a <-> b` missed a phrase that came after the first word's 256th use.
 */
function pgPositive(t: QueryTerm, weights: string): string {
  if (!weights && !t.prefix && t.folded.length === 2) return `(${t.folded.map(pgLexeme).join(' & ')})`;
  return pgPhrase(t.folded, t.prefix, weights);
}

/** One term alone as a tsquery literal (for counting how common it is), to be used with pgPairs([t]). */
export function pgTerm(t: QueryTerm): string {
  return pgPositive(t, '');
}

/** The lexeme for two adjacent folded keys in search_documents.pairs (PostgreSQL). */
export function pgPairKey(a: string, b: string): string {
  return `${a}_${b}`;
}

/** Adjacent pairs of whole keys in one term (a prefix's last key is not whole). */
function termPairs(t: QueryTerm): string[] {
  const whole = t.prefix ? t.folded.slice(0, -1) : t.folded;
  const out: string[] = [];
  for (let i = 0; i + 1 < whole.length; i++) out.push(pgLexeme(pgPairKey(whole[i]!, whole[i + 1]!)));
  return out;
}

/**
 * tsquery over search_documents.pairs that every story matching the positive phrases of `q` satisfies, or null when
 * `q` has no phrase. It narrows a phrase of common syllables to a few candidates through the pairs' GIN index; the
 * tsv condition still decides (PostgreSQL otherwise rechecked the tsvector of every story holding all the syllables).
 */
export function pgPairs(q: ParsedQuery | QueryTerm[]): string | null {
  const terms = Array.isArray(q) ? q : positiveTerms(q);
  const pairs = [...new Set(terms.flatMap(termPairs))];
  return pairs.length ? pairs.join(' & ') : null;
}

/** tsquery literal that selects the matching stories (folded keys) together with pgPairs(q), or null when nothing positive is left. */
export function pgMatch(q: ParsedQuery, weights = ''): string | null {
  const pos = positiveTerms(q);
  if (pos.length === 0) return null;
  // Weighted matches (suggestions: title and tags) keep positions: the pairs do not say in which field a pair stands.
  const parts = pos.map((t) => pgPositive(t, weights));
  for (const t of q.terms.filter((x) => x.negated)) parts.push(`!${pgPhrase(t.folded, t.prefix)}`);
  return parts.join(' & ');
}
