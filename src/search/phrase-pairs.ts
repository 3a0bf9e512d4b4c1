import { performance } from 'node:perf_hooks';
import { startBackgroundWork } from '../storage/background.ts';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { fts5Row } from './index-rows.ts';
import { engineOf, loadTexts } from './indexer.ts';
import type { ParsedQuery } from './query.ts';

/**
 * SQLite: phrase pairs, an accelerator for quoted phrases of frequent syllables (migration 015, decision 28).
 *
 * A phrase such as "festival sông hồng" whose syllables are each in half the archive makes FTS5 merge three doclists
 * of the whole archive before it can check a position (46 ms at 500,000 stories). search_pairs holds, for every run
 * of adjacent *frequent* syllables in a field, one token per adjacent pair (`song_hong`), so such a phrase is the FTS5
 * phrase of its pair tokens (`"festival_song" + "song_hong"`): short doclists, the same answer.
 *
 * - Frequent = in at least PAIR_SHARE of the newest PAIR_SAMPLE stories when the pairs were started (a generation,
 *   fixed until the index is rebuilt). Only archives of PAIR_MIN_STORIES or more get pairs: below that plain phrases
 *   are fast already.
 * - Exactness: pairs of consecutive frequent keys only, per column, from the very key strings search_fts is given. A
 *   phrase all of whose keys are frequent lies inside one run, so its pairs stand side by side there; a separator
 *   token `_` goes between two runs where the first ends on the key the next begins with, so that no chain of pairs
 *   crosses from one run into another (tested against the plain phrase on random texts).
 * - Kept out of the indexing path: publishing and imports only note the story in search_pairs_pending (one row,
 *   in the same transaction); fillPhrasePairs writes the pairs afterwards (the search event listener right after a
 *   publish, a background loop in `serve`). While anything is pending, queries take the plain path, so pairs never
 *   change an answer, only how fast a phrase is found.
 */

type Db = Kysely<Database>;

/** A syllable is frequent when it is in at least this share of the sampled stories. */
export const PAIR_SHARE = 0.1;
/** Stories sampled (the newest) to decide which syllables are frequent. */
export const PAIR_SAMPLE = 10_000;
/** Archives smaller than this keep no pairs: a plain phrase takes a few milliseconds there. */
export const PAIR_MIN_STORIES = 20_000;
/** Token between two runs of frequent keys that would otherwise chain (see pairColumn). */
export const RUN_BREAK = '_';

/** The search_pairs token for two adjacent folded keys. */
export function pairToken(a: string, b: string): string {
  return `${a}_${b}`;
}

/**
 * Keys that may be frequent: folded syllables of letters only, which FTS5 reads as exactly one token each. Not numbers:
 * FTS5's hash of pending terms collides on long tokens of digits (inserting 60,000 distinct `7000000_7000001`-like
 * tokens took 2.2 s, syllable pairs 36 ms), and a phrase with a number in it is quick on the plain path anyway.
 */
const PAIRABLE = /^[a-z]+$/;

/**
 * The search_pairs text of one story from its search_fts key columns (space-separated folded keys): the pair tokens
 * of every run of frequent keys, column after column, with RUN_BREAK where a run begins on the key the previously
 * written pair ends on (`a_b` then `b_c` from two runs would read as the phrase "a b c").
 */
export function pairColumn(columns: readonly string[], frequent: ReadonlySet<string>): string {
  let out = '';
  let lastEnd: string | null = null;
  for (const column of columns) {
    let prev: string | null = null;
    let runStart = true;
    for (const key of column.split(' ')) {
      if (key === '') continue;
      if (!frequent.has(key)) {
        prev = null;
        runStart = true;
        continue;
      }
      if (prev !== null) {
        if (runStart && lastEnd === prev) out += out ? ` ${RUN_BREAK}` : RUN_BREAK;
        out += out ? ` ${pairToken(prev, key)}` : pairToken(prev, key);
        lastEnd = key;
        runStart = false;
      }
      prev = key;
    }
  }
  return out;
}

/** The frequent keys of a sample of stories' key columns: those in at least `share` of the stories. */
export function frequentKeys(stories: Iterable<readonly string[]>, share = PAIR_SHARE): Set<string> {
  const df = new Map<string, number>();
  let n = 0;
  for (const columns of stories) {
    n++;
    const seen = new Set<string>();
    for (const column of columns) for (const key of column.split(' ')) if (key && PAIRABLE.test(key)) seen.add(key);
    for (const key of seen) df.set(key, (df.get(key) ?? 0) + 1);
  }
  const min = Math.max(1, Math.ceil(share * n));
  return new Set([...df].filter(([, count]) => count >= min).map(([key]) => key));
}

// ---------- state ----------

interface Generation {
  token: number;
  frequent: Set<string>;
}

/** Frequent-key sets by generation token (a random number per generation, so databases never share one). */
const generations = new Map<number, Set<string>>();

async function readGeneration(db: Db): Promise<Generation | null> {
  const row = (await sql<{ token: number }>`SELECT token FROM search_pair_state WHERE id = 1`.execute(db)).rows[0];
  if (!row) return null;
  const token = Number(row.token);
  let frequent = generations.get(token);
  if (!frequent) {
    const keys = (await sql<{ syllables: string }>`SELECT syllables FROM search_pair_state WHERE id = 1`.execute(db)).rows[0]?.syllables ?? '';
    frequent = new Set(keys.split(' ').filter(Boolean));
    generations.set(token, frequent);
  }
  return { token, frequent };
}

/** Whether this database has the phrase-pair tables (SQLite from migration 015 on). */
async function hasPairTables(db: Db): Promise<boolean> {
  if (engineOf(db) !== 'sqlite') return false;
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'search_pair_state'`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Notes that these stories' index entries changed (SQLite, inside the indexing transaction); no-op without pairs. */
export async function markPairsPending(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  if (Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_pair_state`.execute(db)).rows[0]?.n ?? 0) === 0) return;
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    await db.executeQuery(CompiledQuery.raw(`INSERT OR IGNORE INTO search_pairs_pending(article_id) VALUES ${part.map(() => '(?)').join(', ')}`, [...part]));
  }
}

/** Forgets the pairs and their generation (a rebuild of the index): the next fill decides the frequent keys again. */
export async function resetPhrasePairs(db: Db): Promise<void> {
  if (!(await hasPairTables(db))) return;
  await sql`DELETE FROM search_pair_state`.execute(db);
  await sql`DELETE FROM search_pairs_pending`.execute(db);
  await sql`INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')`.execute(db);
}

export interface FillOptions {
  /** Stories per transaction (default 500). In a serving process keep it small: node:sqlite blocks the event loop. */
  batchSize?: number;
  /** Stop after this many batches (default: until nothing is pending). */
  maxBatches?: number;
  /** Start pairs only for an archive of at least this many indexed stories (default PAIR_MIN_STORIES). */
  minStories?: number;
  /** Frequent-key share for a new generation (default PAIR_SHARE). */
  share?: number;
  /** Awaited between batches with the last batch's duration in ms (a serving process lets requests through). */
  pause?: (ms: number) => Promise<void>;
  /** Start a generation if there is none and the archive is large enough (default true). */
  start?: boolean;
}

/** Starts a generation: decides the frequent keys from the newest stories and marks every indexed story pending. */
async function startGeneration(db: Db, opts: FillOptions): Promise<boolean> {
  const stories = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_heads`.execute(db)).rows[0]?.n ?? 0);
  if (stories === 0 || stories < (opts.minStories ?? PAIR_MIN_STORIES)) return false;
  const ids = (await sql<{ id: number }>`SELECT article_id AS id FROM search_heads ORDER BY article_id DESC LIMIT ${PAIR_SAMPLE}`.execute(db)).rows.map((r) => Number(r.id));
  const sample: string[][] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const started = performance.now();
    for (const t of await loadTexts(db, ids.slice(i, i + 500))) sample.push(fts5Row(t).slice(0, 4));
    await opts.pause?.(performance.now() - started);
  }
  const frequent = frequentKeys(sample, opts.share ?? PAIR_SHARE);
  if (frequent.size === 0) return false;
  const token = Math.floor(Math.random() * 2 ** 48) + 1;
  return db.transaction().execute(async (trx) => {
    // Another process may have started one meanwhile: keep theirs.
    const made = await sql`INSERT OR IGNORE INTO search_pair_state(id, token, syllables, stories, created_at) VALUES (1, ${token}, ${[...frequent].sort().join(' ')}, ${stories}, ${new Date().toISOString()})`.execute(trx);
    if (Number(made.numAffectedRows ?? 0) === 0) return true;
    await sql`INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')`.execute(trx);
    await sql`INSERT OR IGNORE INTO search_pairs_pending(article_id) SELECT article_id FROM search_heads`.execute(trx);
    return true;
  });
}

/**
 * Writes the pairs of pending stories, newest first, batch by batch (each batch claims its stories in its own write
 * transaction, so several processes may fill at once). Starts a generation first when there is none and the archive
 * is large enough. Returns the number of stories written. No-op on PostgreSQL (its pairs are written with the story).
 */
export async function fillPhrasePairs(db: Db, opts: FillOptions = {}): Promise<number> {
  if (!(await hasPairTables(db))) return 0;
  if (!(await readGeneration(db)) && (opts.start === false || !(await startGeneration(db, opts)))) return 0;
  const size = opts.batchSize ?? 500;
  let total = 0;
  for (let batch = 0; batch < (opts.maxBatches ?? Infinity); batch++) {
    const started = performance.now();
    const written = await db.transaction().execute(async (trx) => {
      // A write first: the transaction takes SQLite's write lock before it reads, so no two fillers claim one story.
      const ids = (
        await sql<{ article_id: number }>`DELETE FROM search_pairs_pending WHERE article_id IN
          (SELECT article_id FROM search_pairs_pending ORDER BY article_id DESC LIMIT ${size}) RETURNING article_id`.execute(trx)
      ).rows.map((r) => Number(r.article_id));
      if (ids.length === 0) return 0;
      const generation = await readGeneration(trx);
      if (!generation) return 0;
      const texts = await loadTexts(trx, ids);
      await sql`DELETE FROM search_pairs WHERE rowid IN (${sql.join(ids)})`.execute(trx);
      const rows = texts.map((t) => [t.id, pairColumn(fts5Row(t).slice(0, 4), generation.frequent)] as [number, string]).filter(([, text]) => text !== '');
      for (let i = 0; i < rows.length; i += 1000) {
        const part = rows.slice(i, i + 1000);
        await trx.executeQuery(CompiledQuery.raw(`INSERT INTO search_pairs(rowid, p) VALUES ${part.map(() => '(?, ?)').join(', ')}`, part.flat()));
      }
      return ids.length;
    });
    if (written === 0) break;
    total += written;
    await opts.pause?.(performance.now() - started);
  }
  return total;
}

/** How far the pairs are: the generation's frequent keys (null: no pairs) and the stories still pending. */
export async function phrasePairsStatus(db: Db): Promise<{ frequent: number | null; pending: number }> {
  if (!(await hasPairTables(db))) return { frequent: null, pending: 0 };
  const generation = await readGeneration(db);
  const pending = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_pairs_pending`.execute(db)).rows[0]?.n ?? 0);
  return { frequent: generation ? generation.frequent.size : null, pending };
}

// ---------- queries ----------

/**
 * The query with each term's pair tokens set (`pairs`), when search_pairs can answer all of it: every term, wanted or
 * excluded, a phrase of two or more whole frequent keys, and nothing pending. Otherwise null (the plain path).
 */
export async function withPhrasePairs(db: Db, q: ParsedQuery): Promise<ParsedQuery | null> {
  if (q.terms.length === 0 || !q.terms.every((t) => t.folded.length >= 2 && !t.prefix && !t.expansions)) return null;
  if (!(await hasPairTables(db))) return null;
  const generation = await readGeneration(db);
  if (!generation) return null;
  const { frequent } = generation;
  if (!q.terms.every((t) => t.folded.every((k) => frequent.has(k)))) return null;
  if (Number((await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM search_pairs_pending LIMIT 1)`.execute(db)).rows[0]?.n ?? 0) > 0) return null;
  return { ...q, terms: q.terms.map((t) => ({ ...t, pairs: t.folded.slice(1).map((k, i) => pairToken(t.folded[i]!, k)) })) };
}

/**
 * The serving process's filler (SQLite): at start and then every `intervalMs` it starts a generation when the archive
 * has grown large enough and writes whatever is pending in batches of 20 stories (about 15 ms: node:sqlite holds the
 * event loop meanwhile), pausing after each as long as it took, so that a backlog takes at most half of the process.
 * (Right after a publish, the search event listener writes that story's pairs itself.)
 */
export function startPhrasePairs(db: Db, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): { stop(): Promise<void> } {
  if (engineOf(db) !== 'sqlite') return { stop: async () => {} };
  return startBackgroundWork((pause) => fillPhrasePairs(db, { batchSize: 20, pause }), { intervalMs: opts.intervalMs ?? 60_000, onError: opts.onError });
}
