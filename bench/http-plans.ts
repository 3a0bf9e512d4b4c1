/**
 * Query plans of a page render on a large database: renders reader pages with every SQL statement captured,
 * then asks the engine how it runs each one (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) and flags
 * full scans of the big tables. Used by bench/http.ts; runnable alone:
 *
 *   npx tsx bench/http-plans.ts sqlite:bench/.work/http-site-100000-v1.db
 *   npx tsx bench/http-plans.ts postgres://postgres@127.0.0.1:5432/test?schema=bench_http
 */
import { Kysely, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../src/storage/schema.ts';
import { nodeSqliteDatabase } from '../src/storage/sqlite-adapter.ts';
import { createContext } from '../src/web/context.ts';
import { renderPath } from '../src/web/site/routes.ts';
import { articlePath } from '../src/domain/article.ts';
import type { Store } from '../src/storage/database.ts';

const BIG = ['articles', 'article_tags', 'article_bylines', 'search_documents', 'media', 'revisions', 'newsroom_articles', 'audit_log'];

export interface PlanReport {
  page: string;
  statements: number;
  fullScans: Array<{ sql: string; plan: string }>;
  /** Statements that sort every matching row before LIMIT (a temp B-tree on SQLite, a Sort over a big scan on PostgreSQL). */
  sorts: Array<{ sql: string; plan: string }>;
  all: Array<{ sql: string; plan: string }>;
}

function capturingStore(url: string): { store: Store; captured: CompiledQuery[] } {
  const captured: CompiledQuery[] = [];
  const log = (e: { level: string; query: CompiledQuery }) => {
    if (e.level === 'query') captured.push(e.query);
  };
  if (url.startsWith('postgres')) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema');
    u.searchParams.delete('schema');
    const pool = new pg.Pool({ connectionString: u.toString(), max: 2, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return { store: { db, engine: 'postgres', description: url, close: () => db.destroy() }, captured };
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: nodeSqliteDatabase(url.replace(/^sqlite:/, '')) }), log });
  return { store: { db, engine: 'sqlite', description: url, close: () => db.destroy() }, captured };
}

async function explain(store: Store, q: CompiledQuery): Promise<string> {
  const prefix = store.engine === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const rows = await store.db.getExecutor().executeQuery({ ...q, sql: prefix + q.sql, query: q.query, queryId: q.queryId });
  return (rows.rows as Array<Record<string, unknown>>).map((r) => String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r))).join('\n');
}

function fullScan(engine: string, plan: string): boolean {
  return plan.split('\n').some((line) => {
    if (engine === 'sqlite') {
      const m = /\bSCAN (\w+)/.exec(line);
      return !!m && BIG.includes(m[1]!) && !/USING (COVERING )?INDEX|VIRTUAL TABLE/.test(line);
    }
    const m = /Seq Scan on (\w+)/.exec(line);
    return !!m && BIG.includes(m[1]!);
  });
}

/** Renders home, a category, a sub-category, an article (with related and same-category blocks), a tag and an author page. */
export async function checkPlans(url: string): Promise<PlanReport[]> {
  // Bring the schema up to date first (indexes added by later migrations are part of what is checked).
  const { openStore } = await import('../src/storage/database.ts');
  const u = new URL(url.startsWith('postgres') ? url : 'sqlite:x');
  await (await openStore(url.startsWith('postgres') ? url.replace(/[?&]schema=[^&]*/, '') : url, url.startsWith('postgres') ? { pgSchema: u.searchParams.get('schema') ?? undefined } : {})).close();
  const { store, captured } = capturingStore(url);
  try {
    await sql`ANALYZE`.execute(store.db);
    const mid = await store.db.selectFrom('articles').select(['id', 'slug']).where('status', '=', 'published').orderBy('id').offset(Math.floor(Number((await store.db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) / 2)).limit(1).executeTakeFirstOrThrow();
    const tag = await store.db.selectFrom('tags').select('slug').orderBy('id').limit(1).executeTakeFirstOrThrow();
    const person = await store.db.selectFrom('people').select('slug').orderBy('id').limit(1).executeTakeFirstOrThrow();
    const top = await store.db.selectFrom('categories').select('slug').where('parent_id', 'is', null).orderBy('position').limit(1).executeTakeFirstOrThrow();
    const pages = ['/', `/${top.slug}`, `/${top.slug}?trang=10`, articlePath(mid), `/tag/${tag.slug}`, `/tac-gia/${person.slug}`];
    const ctx = createContext(store, '/nonexistent');
    const reports: PlanReport[] = [];
    for (const page of pages) {
      captured.length = 0;
      const [path, query] = page.split('?');
      const req = { query: Object.fromEntries(new URLSearchParams(query ?? '')) } as unknown as FastifyRequest;
      const rendered = await renderPath(ctx, path!, req);
      if (rendered.status !== 200) throw new Error(`${page} rendered ${rendered.status}`);
      const statements = [...captured];
      const fullScans: PlanReport['fullScans'] = [];
      const sorts: PlanReport['sorts'] = [];
      const all: PlanReport['all'] = [];
      for (const q of statements) {
        const plan = await explain(store, q);
        all.push({ sql: q.sql, plan });
        if (fullScan(store.engine, plan)) fullScans.push({ sql: q.sql, plan });
        if (store.engine === 'sqlite' ? /USE TEMP B-TREE FOR (ORDER BY|GROUP BY)/.test(plan) : /^\s*(->\s*)?Sort\b/m.test(plan)) sorts.push({ sql: q.sql, plan });
      }
      reports.push({ page, statements: statements.length, fullScans, sorts, all });
    }
    return reports;
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2];
  if (!url) throw new Error('usage: npx tsx bench/http-plans.ts <database url>');
  for (const r of await checkPlans(url)) {
    console.log(`${r.page}: ${r.statements} statements, ${r.fullScans.length} full scan(s), ${r.sorts.length} sort(s)`);
    for (const f of process.env.PLANS_VERBOSE ? r.all : [...r.fullScans, ...r.sorts]) console.log(`  ${f.sql}\n    ${f.plan.replace(/\n/g, '\n    ')}`);
  }
}
