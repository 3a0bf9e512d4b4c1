/**
 * Search benchmark: `npm run bench:search` (all sizes: 10k, 100k, 500k stories, SQLite and PostgreSQL).
 *
 *   SEARCH_BENCH_SIZES=10000,100000      corpus sizes (or --sizes=…); the corpus grows from one size to the next
 *   SEARCH_BENCH_ENGINES=sqlite          engines (or --engines=…): sqlite, postgres
 *   SEARCH_BENCH_ROUNDS=20               timed rounds of the query set per size
 *   TEST_DATABASE_URL=postgres://…       PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)
 *
 * Reports two indexing rates (stories/s): the publish path (indexArticles, as the newsroom indexes a story in the
 * transaction that publishes it; here 500 stories per transaction) and the bulk path (reindexAll over the whole
 * corpus: what an import or a rebuild achieves, batches prepared in a worker thread on SQLite); then p50/p95/p99
 * of searchArticles end to end (rank, count, load, snippets), suggestTitles, relatedArticles (the stored list an
 * article page reads) and refreshRelated (computing and storing a list, as on publish).
 * On SQLite from 20,000 stories it also writes the phrase pairs (fillPhrasePairs, what `serve` does in the background
 * after an import) before the queries, and reports that rate on its own: stories are searchable once indexed; the
 * pairs only make phrases of frequent syllables fast (src/search/phrase-pairs.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/storage/database.ts';
import { indexArticles, reindexAll } from '../src/search/indexer.ts';
import { fillPhrasePairs, phrasePairsStatus } from '../src/search/phrase-pairs.ts';
import { searchArticles, suggestTitles } from '../src/search/search.ts';
import { refreshRelated, relatedArticles } from '../src/search/related.ts';
import { slugify } from '../src/domain/vietnamese.ts';
import { Corpus, benchQueries, insertCorpusStories } from './search-corpus.ts';

function option(name: string, env: string, fallback: string): string {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag ? flag.slice(name.length + 3) : (process.env[env] ?? fallback);
}

const SIZES = option('sizes', 'SEARCH_BENCH_SIZES', '10000,100000,500000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const ENGINES = option('engines', 'SEARCH_BENCH_ENGINES', 'sqlite,postgres').split(',').filter(Boolean) as Array<'sqlite' | 'postgres'>;
const ROUNDS = Number(option('rounds', 'SEARCH_BENCH_ROUNDS', '20'));
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORK = resolve('bench/.work');
const CATEGORIES = 12;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

async function openBenchStore(engine: 'sqlite' | 'postgres'): Promise<{ store: Store; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    mkdirSync(WORK, { recursive: true });
    const file = join(WORK, `search-${process.pid}.db`);
    rmSync(file, { force: true });
    const store = await openStore(`sqlite:${file}`);
    // SEARCH_BENCH_KEEP=1 keeps the database file for inspection (EXPLAIN QUERY PLAN, profiling).
    const keep = process.env.SEARCH_BENCH_KEEP === '1';
    return { store, drop: async () => { await store.close(); if (keep) console.error(`[kept] ${file}`); else for (const x of ['', '-wal', '-shm']) rmSync(file + x, { force: true }); } };
  }
  const schema = `bench_search_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  await admin.end();
  const store = await openStore(PG_URL, { pgSchema: schema, poolSize: 4 });
  return {
    store,
    drop: async () => {
      await store.close();
      if (process.env.SEARCH_BENCH_KEEP === '1') return console.error(`[kept] schema ${schema}`);
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** Writes stories straight into the tables (no indexing), in batches, returning their ids. */
async function insertStories(store: Store, corpus: Corpus, from: number, to: number, total: number, categoryIds: number[], tagIds: Map<string, number>): Promise<number[]> {
  const ids: number[] = [];
  const BATCH = 200;
  for (let start = from; start < to; start += BATCH) {
    const stories = Array.from({ length: Math.min(BATCH, to - start) }, (_, i) => corpus.story(start + i, total, CATEGORIES));
    ids.push(...(await store.db.transaction().execute((trx) => insertCorpusStories(trx, stories, categoryIds, tagIds))));
  }
  return ids;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

interface SizeReport {
  engine: string;
  size: number;
  indexRate: number;
  /** reindexAll over the whole corpus of this size (the bulk path). */
  bulkRate: number;
  /** SQLite: phrase pairs written per second after indexing (null: none, the archive is below PAIR_MIN_STORIES). */
  pairsRate: number | null;
  pairsFrequent: number | null;
  /** SQLite: search latency after the bulk path, before the phrase pairs are written again (null: no pairs). */
  backlog: ReturnType<typeof stats> | null;
  search: ReturnType<typeof stats>;
  byKind: Record<string, ReturnType<typeof stats>>;
  suggest: ReturnType<typeof stats>;
  related: ReturnType<typeof stats>;
  relatedCompute: ReturnType<typeof stats>;
  dbBytes: number;
}

async function dbBytes(store: Store): Promise<number> {
  if (store.engine === 'sqlite') {
    const r = await sql<{ n: number }>`SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()`.execute(store.db);
    return Number(r.rows[0]?.n ?? 0);
  }
  const r = await sql<{ n: string }>`SELECT pg_total_relation_size('search_documents') AS n`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** ROUNDS passes of the query set after one warm-up pass: every sample, and the samples of each kind. */
async function timeQueries(store: Store, queries: Array<{ kind: string; q: string }>, print: boolean): Promise<{ samples: number[]; byKind: Record<string, number[]> }> {
  const samples: number[] = [];
  const byKind: Record<string, number[]> = {};
  for (const q of queries) await searchArticles(store.db, q.q); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      const [t, r] = await time(() => searchArticles(store.db, q.q));
      if (print && round === 0) console.error(`  ${q.kind.padEnd(10)} ${JSON.stringify(q.q).padEnd(40)} ${String(r.total).padStart(5)}${r.totalCapped ? '+' : ' '} hits  ${t.toFixed(2)} ms`);
      samples.push(t);
      (byKind[q.kind] ??= []).push(t);
    }
  }
  return { samples, byKind };
}

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<SizeReport[]> {
  const { store, drop } = await openBenchStore(engine);
  const reports: SizeReport[] = [];
  try {
    const corpus = new Corpus();
    const categoryIds: number[] = [];
    for (let i = 0; i < CATEGORIES; i++) categoryIds.push((await store.db.insertInto('categories').values({ slug: `chuyen-muc-${i}`, name: `Chuyên mục ${i}`, parent_id: null, position: i, description: '' }).returning('id').executeTakeFirstOrThrow()).id);
    const tagIds = new Map<string, number>();
    for (const t of new Set(corpus.tagPool)) tagIds.set(t, (await store.db.insertInto('tags').values({ slug: slugify(t), name: t }).onConflict((oc) => oc.column('slug').doUpdateSet({ name: t })).returning('id').executeTakeFirstOrThrow()).id);
    const largest = SIZES[SIZES.length - 1]!;
    let have = 0;
    for (const size of SIZES) {
      const [insertMs, ids] = await time(() => insertStories(store, corpus, have, size, largest, categoryIds, tagIds));
      // Index the new stories the way publishing does, 500 per transaction.
      const [indexMs] = await time(async () => {
        for (let i = 0; i < ids.length; i += 500) {
          const batch = ids.slice(i, i + 500);
          await store.db.transaction().execute((trx) => indexArticles(trx, batch));
        }
      });
      have = size;
      if (engine === 'sqlite') await sql`INSERT INTO search_fts(search_fts) VALUES ('optimize')`.execute(store.db);
      else {
        await sql`VACUUM ANALYZE search_documents`.execute(store.db);
        // Planner statistics of the freshly bulk-loaded articles (autovacuum would get there later): with the stale
        // ones PostgreSQL hashed every article for the join (1.7 s for "người" at 100k, 6.5 ms after ANALYZE).
        await sql`ANALYZE articles`.execute(store.db);
      }
      const indexRate = ids.length / (indexMs / 1000);
      console.error(`[${engine} ${size}] inserted ${ids.length} in ${(insertMs / 1000).toFixed(1)} s, indexed at ${indexRate.toFixed(0)} stories/s`);
      let pairsRate: number | null = null;
      if (engine === 'sqlite') {
        const [pairsMs, written] = await time(() => fillPhrasePairs(store.db, { batchSize: 1000 }));
        if (written > 0) {
          await sql`INSERT INTO search_pairs(search_pairs) VALUES ('optimize')`.execute(store.db);
          pairsRate = written / (pairsMs / 1000);
        }
        console.error(`[${engine} ${size}] phrase pairs: ${written} stories at ${pairsRate?.toFixed(0) ?? '-'} stories/s (${JSON.stringify(await phrasePairsStatus(store.db))})`);
      }
      const pairsFrequent = engine === 'sqlite' ? (await phrasePairsStatus(store.db)).frequent : null;

      const queries = benchQueries(corpus);
      const { samples, byKind } = await timeQueries(store, queries, true);
      const suggestInputs = ['lao ca', 'phat tr', 'hoà b', 'biên gi', 'thuy d'];
      const suggest: number[] = [];
      for (const q of suggestInputs) await suggestTitles(store.db, q); // warm-up, as for the search queries
      for (let round = 0; round < ROUNDS; round++) for (const q of suggestInputs) suggest.push((await time(() => suggestTitles(store.db, q)))[0]);
      // Related stories: computing a list (on publish, or the first time a page needs it) and reading the stored list
      // (what an article page does on a cache miss).
      const relatedCompute: number[] = [];
      const related: number[] = [];
      const step = Math.max(1, Math.floor(size / 50));
      for (let id = 1; id <= size; id += step) {
        relatedCompute.push((await time(() => refreshRelated(store.db, id)))[0]);
        related.push((await time(() => relatedArticles(store.db, id, 6)))[0]);
      }
      // The bulk path last (it rebuilds the index the queries above ran on, and forgets the related lists).
      const [bulkMs, bulkCount] = await time(() => reindexAll(store.db));
      const bulkRate = bulkCount / (bulkMs / 1000);
      if (engine === 'sqlite') await sql`INSERT INTO search_fts(search_fts) VALUES ('optimize')`.execute(store.db);
      console.error(`[${engine} ${size}] bulk path (reindexAll of ${bulkCount}): ${bulkRate.toFixed(0)} stories/s`);
      // A rebuild leaves every story's phrase pairs to be written again (decision 28): what readers get meanwhile.
      const backlog = pairsRate !== null ? stats((await timeQueries(store, queries, false)).samples) : null;
      if (backlog) console.error(`[${engine} ${size}] after the rebuild, before the phrase pairs are written again (${JSON.stringify(await phrasePairsStatus(store.db))}): search p50 ${ms(backlog.p50)} p95 ${ms(backlog.p95)} p99 ${ms(backlog.p99)} ms`);
      const report: SizeReport = { engine, size, indexRate, bulkRate, pairsRate, pairsFrequent, backlog, search: stats(samples), byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, stats(v)])), suggest: stats(suggest), related: stats(related), relatedCompute: stats(relatedCompute), dbBytes: await dbBytes(store) };
      reports.push(report);
      console.error(`[${engine} ${size}] search p50 ${ms(report.search.p50)} p95 ${ms(report.search.p95)} p99 ${ms(report.search.p99)} ms; suggest p95 ${ms(report.suggest.p95)} ms; related read p95 ${ms(report.related.p95)} ms, compute p95 ${ms(report.relatedCompute.p95)} ms`);
    }
  } finally {
    await drop();
  }
  return reports;
}

const all: SizeReport[] = [];
for (const engine of ENGINES) {
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.end();
    } catch (err) {
      console.error(`[skip] PostgreSQL unreachable at ${PG_URL}: ${(err as Error).message}`);
      continue;
    }
  }
  all.push(...(await benchEngine(engine)));
}

const kinds = [...new Set(all.flatMap((r) => Object.keys(r.byKind)))];
console.log(`\nMachine: ${cpus()[0]?.model ?? '?'} × ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; ${ROUNDS} rounds of ${kinds.length ? benchQueries(new Corpus()).length : 0} queries per size.\n`);
console.log('| Engine | Stories | Indexing, publish path (stories/s) | Indexing, bulk path (stories/s) | Phrase pairs, after indexing (stories/s; frequent syllables) | Search p50 | p95 | p99 | p95 before the pairs are written | Suggest p95 | Related read p95 | Related compute p95 | Index size |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of all) console.log(`| ${r.engine} | ${r.size.toLocaleString('en')} | ${r.indexRate.toFixed(0)} | ${r.bulkRate.toFixed(0)} | ${r.pairsRate === null ? '–' : `${r.pairsRate.toFixed(0)}; ${r.pairsFrequent}`} | ${ms(r.search.p50)} ms | ${ms(r.search.p95)} ms | ${ms(r.search.p99)} ms | ${r.backlog ? `${ms(r.backlog.p95)} ms` : '–'} | ${ms(r.suggest.p95)} ms | ${ms(r.related.p95)} ms | ${ms(r.relatedCompute.p95)} ms | ${(r.dbBytes / 2 ** 20).toFixed(0)} MiB${r.engine === 'sqlite' ? ' (whole file)' : ''} |`);
console.log(`\np95 by query kind (ms):\n\n| Engine | Stories | ${kinds.join(' | ')} |\n|---|---:|${kinds.map(() => '---:').join('|')}|`);
for (const r of all) console.log(`| ${r.engine} | ${r.size.toLocaleString('en')} | ${kinds.map((k) => ms(r.byKind[k]?.p95 ?? NaN)).join(' | ')} |`);
