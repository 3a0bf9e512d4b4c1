/**
 * What the SQLite index stores for a story, computed from its text alone. No database or Kysely here: the bulk
 * indexing worker (index-worker.ts) imports this module too.
 */
import { plainText, type Doc } from '../domain/document.ts';
import { FoldedKeySet, foldText, indexKeys } from './vietnamese-text.ts';

/** The searchable text of an article, field by field. */
export interface ArticleText {
  id: number;
  title: string;
  sapo: string;
  tags: string;
  body: string;
}

export function bodyText(bodyJson: string): string {
  try {
    return plainText(JSON.parse(bodyJson) as Doc);
  } catch {
    return '';
  }
}

/** An articles row and its tag names (in position order) as searchable text. */
export function articleText(r: { id: number; title: string; short_title: string; sapo: string; body: string }, tags: string[]): ArticleText {
  return {
    id: r.id,
    // The short title is how the story is often referred to; index it with the title when it differs.
    title: r.short_title && r.short_title !== r.title ? `${r.title}\n${r.short_title}` : r.title,
    sapo: r.sapo,
    tags: tags.join('\n'),
    body: bodyText(r.body),
  };
}

/**
 * Index columns of a story: folded keys of title, sapo, tags, body (search_fts, search_titles), then accent keys of
 * title, sapo, tags (search_heads only: ranking reads them there, no query matches them in FTS5). The body has no
 * accent keys: exact-accent ranking looks at the parts a reader sees in a result list. With `keys`, every folded key
 * is also added to that set.
 */
export function fts5Row(t: ArticleText, keys?: FoldedKeySet): string[] {
  const heads = [t.title, t.sapo, t.tags].map(indexKeys);
  if (keys) for (const h of heads) for (const k of h.folded) keys.add(k);
  return [...heads.map((f) => f.folded.join(' ')), foldText(t.body, keys), ...heads.map((f) => f.accent.join(' '))];
}

/** A batch ready to write: one row per story (id, then the fts5Row columns) and the distinct folded keys of the batch. */
export interface IndexBatch {
  rows: Array<[number, ...string[]]>;
  terms: string[];
}

/** Distinct folded keys of each batch (one set per thread: batches never interleave within one). */
const batchKeys = new FoldedKeySet();

export function indexBatch(texts: ArticleText[]): IndexBatch {
  batchKeys.take();
  const rows = texts.map((t) => [t.id, ...fts5Row(t, batchKeys)] as [number, ...string[]]);
  return { rows, terms: batchKeys.take() };
}
