import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs, promisify } from 'node:util';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { openStore, redact, sqlitePath } from '../storage/database.ts';

const BACKUP_USAGE = `toasoan backup [--to THƯ_MỤC]
  Sao lưu cơ sở dữ liệu và ảnh gốc vào một thư mục mới (mặc định: backups/toasoan-NGÀY-GIỜ bên cạnh thư mục ảnh).
  SQLite: bản chụp nhất quán, chạy được khi trang đang phục vụ. PostgreSQL: dùng pg_dump (định dạng custom).
  Ảnh gốc được liên kết cứng khi cùng ổ đĩa (không tốn thêm chỗ), nếu không thì sao chép; ảnh biến thể tự tạo lại.`;

export interface BackupSummary {
  dir: string;
  articles: number;
  mediaFiles: number;
  mediaBytes: number;
  missingMedia: string[];
}

/** `toasoan backup`: a consistent copy of the newsroom (database and original media files) that can be restored. */
export async function runBackup(args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { to: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(BACKUP_USAGE);
    return 0;
  }
  const dir = resolve(values.to ?? join(dirname(resolve(config.mediaDir)), 'backups', `toasoan-${stamp(new Date())}`));
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.error(`Thư mục ${dir} đã có dữ liệu: hãy chọn một thư mục mới hoặc rỗng (--to), để không ghi đè bản sao lưu cũ.`);
    return 1;
  }
  const summary = await backupNewsroom(config, dir);
  const mb = (summary.mediaBytes / 1048576).toFixed(1);
  console.log(`Đã sao lưu ${summary.articles} tin bài và ${summary.mediaFiles} tệp ảnh gốc (${mb} MB) vào ${summary.dir}`);
  if (summary.missingMedia.length) console.error(`Cảnh báo: ${summary.missingMedia.length} ảnh trong thư viện không có tệp gốc trong ${resolve(config.mediaDir)} (ví dụ ${summary.missingMedia.slice(0, 3).join(', ')}); bản sao lưu không có các tệp này.`);
  console.log(`Cách khôi phục: xem ${join(summary.dir, 'KHOI-PHUC.txt')}`);
  return 0;
}

/** Writes the backup into `dir` (created for its owner only) and checks it; throws with a Vietnamese message when it cannot. */
export async function backupNewsroom(config: Config, dir: string): Promise<BackupSummary> {
  const postgres = !!config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const { articles, keys } = postgres ? await backupPostgres(config.databaseUrl!, dir) : await backupSqlite(sqlitePath(config.databaseUrl), dir);
  const media = copyMedia(resolve(config.mediaDir), join(dir, 'media'), keys);
  writeFileSync(join(dir, 'KHOI-PHUC.txt'), restoreNotes(postgres), { mode: 0o600 });
  return { dir, articles, ...media };
}

async function backupSqlite(path: string, dir: string): Promise<{ articles: number; keys: string[] }> {
  if (!existsSync(path)) throw new Error(`Chưa có cơ sở dữ liệu ${path}: không có gì để sao lưu (chạy lệnh trong thư mục của tòa soạn, hoặc đặt DATABASE_URL).`);
  const target = join(dir, 'toasoan.db');
  const source = new DatabaseSync(path);
  try {
    // One read transaction copies a consistent snapshot while the site keeps writing (WAL: readers do not block
    // writers). SQLite's page-by-page backup API restarts whenever another connection writes, and never finished under
    // a steady stream of saves in the test. The directory is the owner's only (0700) until the file is 0600.
    source.exec('PRAGMA busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(target);
  } finally {
    source.close();
  }
  chmodSync(target, 0o600);
  // The copy is checked and read on its own: what would be restored is what is counted.
  const copy = new DatabaseSync(target, { readOnly: true });
  try {
    const check = copy.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    if (check.length !== 1 || check[0]!.integrity_check !== 'ok') throw new Error(`Bản sao lưu ${target} không toàn vẹn: ${check.map((c) => c.integrity_check).join('; ')}`);
    const articles = Number((copy.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n);
    const keys = (copy.prepare('SELECT storage_key FROM media WHERE storage_key IS NOT NULL').all() as Array<{ storage_key: string }>).map((r) => r.storage_key);
    return { articles, keys };
  } finally {
    copy.close();
  }
}

async function backupPostgres(url: string, dir: string): Promise<{ articles: number; keys: string[] }> {
  const store = await openStore(url, { migrate: false, poolSize: 1 });
  let schema: string;
  let before: number;
  try {
    schema = (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s;
    before = Number((await store.db.selectFrom('articles').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  } finally {
    await store.close();
  }
  const target = join(dir, 'toasoan.pgdump');
  try {
    // One schema, the newsroom's: a shared database's other schemas are not ours to copy. The dump is one snapshot.
    await promisify(execFile)('pg_dump', ['--format=custom', '--no-owner', `--schema=${schema}`, `--file=${target}`, `--dbname=${url}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('Không tìm thấy pg_dump: hãy cài gói postgresql-client cùng phiên bản với máy chủ PostgreSQL.', { cause: err });
    throw new Error(`pg_dump không sao lưu được ${redact(url)}: ${(e.stderr ?? e.message).trim().replaceAll(url, redact(url))}`, { cause: err });
  }
  chmodSync(target, 0o600);
  // The media list is read after the dump: an image uploaded meanwhile is copied too, which restores harmlessly.
  const again = await openStore(url, { migrate: false, poolSize: 1 });
  try {
    const keys = (await again.db.selectFrom('media').select('storage_key').where('storage_key', 'is not', null).execute()).map((r) => r.storage_key!);
    return { articles: before, keys };
  } finally {
    await again.close();
  }
}

/** Original files only: responsive variants, social cards and logos are made again on first request. */
function copyMedia(from: string, to: string, keys: string[]): { mediaFiles: number; mediaBytes: number; missingMedia: string[] } {
  let mediaFiles = 0;
  let mediaBytes = 0;
  const missingMedia: string[] = [];
  for (const key of new Set(keys)) {
    const source = join(from, key);
    const target = join(to, key);
    // Keys come from our own table, but a backup must never write outside its directory.
    if (!target.startsWith(to + sep)) continue;
    if (!existsSync(source)) {
      missingMedia.push(key);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    // Originals are content-addressed and never rewritten: a hard link is a safe copy that costs no space.
    try {
      linkSync(source, target);
    } catch {
      copyFileSync(source, target);
    }
    mediaFiles++;
    mediaBytes += statSync(target).size;
  }
  return { mediaFiles, mediaBytes, missingMedia };
}

function restoreNotes(postgres: boolean): string {
  const db = postgres
    ? `2. Cơ sở dữ liệu PostgreSQL: tạo một cơ sở dữ liệu trống rồi
     pg_restore --no-owner --dbname "postgres://…/ten_csdl" toasoan.pgdump
   (schema của tòa soạn được tạo lại cùng tên; đặt DATABASE_URL trỏ tới đó, kèm search_path nếu không phải public).`
    : `2. Cơ sở dữ liệu SQLite: chép toasoan.db vào vị trí của DATABASE_URL (mặc định data/toasoan.db),
   xóa các tệp toasoan.db-wal và toasoan.db-shm cũ ở đó nếu còn.`;
  return `Khôi phục bản sao lưu toasoan
================================
1. Dừng toasoan (mọi tiến trình).
${db}
3. Ảnh: chép thư mục media/ vào MEDIA_DIR (mặc định data/media), giữ nguyên cấu trúc thư mục con.
   Ảnh biến thể (các cỡ, AVIF/WebP) và ảnh chia sẻ mạng xã hội sẽ tự tạo lại khi có người xem.
4. Chạy lại toasoan serve: các bản cập nhật cấu trúc (migration) mới hơn bản sao lưu sẽ tự chạy.
`;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
