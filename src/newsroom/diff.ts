import { blockTexts } from '../domain/document.ts';
import type { StorySnapshot } from '../storage/newsroom-articles.ts';

/** Differences between two revisions: changed fields, and the body as paragraphs added and removed. */
export type Change =
  | { field: string; before: unknown; after: unknown }
  | { field: 'body'; lines: Array<{ op: 'same' | 'add' | 'remove'; text: string }> };

const FIELDS = ['title', 'shortTitle', 'sapo', 'type', 'categoryId', 'coverMediaId', 'seoTitle', 'seoDescription', 'slug', 'tags', 'bylines', 'relatedIds'] as const;

export function diffSnapshots(before: StorySnapshot | undefined, after: StorySnapshot): Change[] {
  const out: Change[] = [];
  for (const f of FIELDS) {
    const a = before?.[f];
    const b = after[f];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: f, before: a ?? null, after: b });
  }
  const linesA = before ? blockTexts(before.body) : [];
  const linesB = blockTexts(after.body);
  if (JSON.stringify(before?.body) !== JSON.stringify(after.body)) out.push({ field: 'body', lines: diffLines(linesA, linesB) });
  return out;
}

/** Longest-common-subsequence line diff; paragraphs are few enough for the quadratic table. */
export function diffLines(a: string[], b: string[]): Array<{ op: 'same' | 'add' | 'remove'; text: string }> {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return [...a.map((text) => ({ op: 'remove' as const, text })), ...b.map((text) => ({ op: 'add' as const, text }))];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Array<{ op: 'same' | 'add' | 'remove'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: 'remove', text: a[i++]! });
    else out.push({ op: 'add', text: b[j++]! });
  }
  while (i < n) out.push({ op: 'remove', text: a[i++]! });
  while (j < m) out.push({ op: 'add', text: b[j++]! });
  return out;
}
