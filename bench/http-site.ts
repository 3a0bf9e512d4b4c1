/**
 * Builds the benchmark newspaper: categories with sub-categories, reporters, tags and N generated stories
 * (Vietnamese-like text from bench/search-corpus.ts), inserted in batches inside one transaction, then indexed
 * for "related stories" with the same indexer the newsroom uses. Deterministic for a given size.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, type Store } from '../src/storage/database.ts';
import { createCategory, ensurePerson, ensureTag, saveSettings } from '../src/storage/content.ts';
import { DEFAULT_SETTINGS } from '../src/domain/settings.ts';
import { slugify } from '../src/domain/vietnamese.ts';
import { reindexAll } from '../src/search/indexer.ts';
import { refreshRelated } from '../src/search/related.ts';
import { Corpus, insertCorpusStories, rng } from './search-corpus.ts';

const SECTIONS: Array<[string, string[]]> = [
  ['Thời sự', ['Chính trị', 'Dân sinh']],
  ['Kinh tế', ['Nông nghiệp', 'Doanh nghiệp']],
  ['Xã hội', ['Giáo dục', 'Y tế']],
  ['Văn hóa', ['Du lịch', 'Lễ hội']],
  ['Thể thao', ['Bóng đá', 'Các môn khác']],
  ['Pháp luật', ['An ninh', 'Bạn đọc']],
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Quốc Dũng', 'Thu Hà', 'Đức Hải', 'Ngọc Lan', 'Thanh Long', 'Hồng Nhung', 'Xuân Phúc'];

/** Stories (newest first) whose related lists are stored when the database is built (HTTP_BENCH_RELATED). */
const RELATED_STORED = Number(process.env.HTTP_BENCH_RELATED ?? 12_000);

export interface BenchSite {
  file: string;
  stories: number;
  categoryPaths: string[];
}

async function generate(store: Store, count: number): Promise<string[]> {
  const db = store.db;
  await saveSettings(db, { ...DEFAULT_SETTINGS, name: 'Báo Thử Nghiệm' });
  const leafIds: number[] = [];
  const paths: string[] = [];
  for (const [i, [name, children]] of SECTIONS.entries()) {
    const top = await createCategory(db, { name, position: i });
    paths.push(`/${slugify(name)}`);
    for (const [j, child] of children.entries()) {
      leafIds.push(await createCategory(db, { name: child, parentId: top, position: j }));
      paths.push(`/${slugify(name)}/${slugify(child)}`);
    }
    leafIds.push(top);
  }
  const people: number[] = [];
  for (let i = 0; i < 40; i++) people.push((await ensurePerson(db, { name: `${FAMILY[i % 10]} ${GIVEN[Math.floor(i / 4) % 10]} ${i >= 10 ? String.fromCharCode(65 + (i % 26)) : ''}`.trim(), title: 'Phóng viên' })).id);
  const corpus = new Corpus(20260301);
  const tagIds = new Map<string, number>();
  for (const t of new Set(corpus.tagPool)) tagIds.set(t, (await ensureTag(db, t)).id);
  const pick = rng(7);
  const BATCH = 400;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const stories = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => corpus.story(start + i, count, leafIds.length));
      const ids = await insertCorpusStories(trx, stories, leafIds, tagIds);
      const bylines = ids.map((article_id) => ({ article_id, position: 0, person_id: people[Math.floor(pick() * people.length)]!, name: '' }));
      await trx.insertInto('article_bylines').values(bylines).execute();
    }
  });
  return paths;
}

/**
 * The SQLite file of an N-story site, built on first use and kept under bench/.work (delete it to rebuild).
 * `log` receives progress lines.
 */
export async function benchSite(count: number, log: (m: string) => void = console.log): Promise<BenchSite> {
  const dir = join(import.meta.dirname, '.work');
  mkdirSync(dir, { recursive: true });
  // Named by a digest of the migrations: a schema change (e.g. a new index) rebuilds the database.
  const migrations = join(import.meta.dirname, '../src/storage/migrations');
  const digest = createHash('sha256');
  for (const f of readdirSync(migrations).sort()) digest.update(f).update(readFileSync(join(migrations, f)));
  digest.update(`related:${RELATED_STORED}`);
  const file = join(dir, `http-site-${count}-${digest.digest('hex').slice(0, 10)}.db`);
  const categoryPaths = [...SECTIONS.flatMap(([name, children]) => [`/${slugify(name)}`, ...children.map((c) => `/${slugify(name)}/${slugify(c)}`)])];
  if (existsSync(file)) return { file, stories: count, categoryPaths };
  const building = `${file}.building`;
  for (const x of ['', '-wal', '-shm']) rmSync(building + x, { force: true });
  const store = await openStore(`sqlite:${building}`);
  const t0 = performance.now();
  await generate(store, count);
  const t1 = performance.now();
  log(`  generated ${count} stories in ${((t1 - t0) / 1000).toFixed(1)} s`);
  await reindexAll(store.db);
  const t2 = performance.now();
  log(`  indexed them for search in ${((t2 - t1) / 1000).toFixed(1)} s`);
  // Published through the newsroom, a story gets its related list at publication; generated stories get theirs here
  // (the newest ones, which the benchmark asks for), so a page render measures a render, not a first-use computation.
  const newest = await store.db.selectFrom('articles').select('id').orderBy('id', 'desc').limit(RELATED_STORED).execute();
  for (let i = 0; i < newest.length; i += 500) {
    await store.db.transaction().execute(async (trx) => {
      for (const { id } of newest.slice(i, i + 500)) await refreshRelated(trx, id);
    });
  }
  log(`  stored related lists of the newest ${newest.length} in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  await store.close();
  // Fold the WAL into the file so it can be renamed and opened read-mostly by several processes.
  const { DatabaseSync } = await import('node:sqlite');
  const raw = new DatabaseSync(building);
  raw.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;');
  raw.close();
  renameSync(building, file);
  return { file, stories: count, categoryPaths };
}

/** Generates into an already open store (PostgreSQL query-plan checks use this). */
export async function generateInto(store: Store, count: number): Promise<void> {
  await generate(store, count);
  await reindexAll(store.db);
}
