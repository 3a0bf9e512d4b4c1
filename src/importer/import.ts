import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { createArticle, insertMedia, nowIso } from '../storage/content.ts';
import { storeImage, type StoredImage } from '../media/store.ts';
import { articlePath } from '../domain/article.ts';
import { ImportError, decodeDocument, parseArticleText, toBody, type ParsedArticle } from './parse.ts';

export interface ImportOptions {
  categorySlug?: string;
  publishedAt?: string;
  mediaDir?: string;
  /** Where the library keeps image files (AppContext.mediaDir). */
  libraryDir: string;
  onProgress?: (done: number, total: number) => void;
}

export type FileResult =
  | { file: string; status: 'imported'; articleId: number; path: string; figures: number; placeholders: string[]; warnings: string[] }
  | { file: string; status: 'duplicate'; articleId: number; path: string }
  | { file: string; status: 'failed'; error: string };

const TEXT_FILE = /\.(txt|text)$/i;

/** Expands directories (one level deep is not enough for real archives: walks the tree) into text files, sorted. */
export async function collectFiles(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) {
      out.push(input); // reported as a failure when read
    } else if (info.isDirectory()) {
      const entries = await readdir(input, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && TEXT_FILE.test(e.name)).map((e) => join(e.parentPath, e.name));
      out.push(...files.sort());
    } else out.push(input);
  }
  return out;
}

async function findCategory(db: Kysely<Database>, slug: string | undefined): Promise<number> {
  if (slug) {
    const row = await db.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst();
    if (!row) throw new Error(`Không có chuyên mục "${slug}"`);
    return row.id;
  }
  const row = await db.selectFrom('categories').select('id').where('parent_id', 'is', null).orderBy('position').orderBy('id').executeTakeFirst();
  if (!row) throw new Error('Chưa có chuyên mục nào; hãy chọn --category sau khi tạo chuyên mục');
  return row.id;
}

async function loadImages(file: string, parsed: ParsedArticle, opts: ImportOptions): Promise<Map<string, StoredImage | null>> {
  const found = new Map<string, StoredImage | null>();
  let dirEntries: Map<string, string> | undefined;
  if (opts.mediaDir) {
    const names = await readdir(opts.mediaDir).catch(() => [] as string[]);
    dirEntries = new Map(names.map((n) => [n.toLowerCase(), n]));
  }
  for (const b of parsed.blocks) {
    if (b.kind !== 'figure' || found.has(b.fileName)) continue;
    const actual = dirEntries?.get(b.fileName.toLowerCase());
    if (!actual || !opts.mediaDir) {
      found.set(b.fileName, null);
      continue;
    }
    const data = await readFile(join(opts.mediaDir, actual));
    try {
      found.set(b.fileName, await storeImage(opts.libraryDir, data));
    } catch (err) {
      throw new ImportError(file, b.line, `ảnh ${actual}: ${(err as Error).message}`);
    }
  }
  return found;
}

/** Imports one document in one transaction: either the whole article (with media and provenance) or nothing. */
export async function importOne(db: Kysely<Database>, file: string, bytes: Uint8Array, categoryId: number, opts: ImportOptions): Promise<FileResult> {
  const name = basename(file);
  const parsed = parseArticleText(name, decodeDocument(name, bytes));
  const sha256 = createHash('sha256').update(parsed.text).digest('hex');
  const existing = await db.selectFrom('import_sources').select('article_id').where('sha256', '=', sha256).executeTakeFirst();
  if (existing) {
    const a = await db.selectFrom('articles').select(['id', 'slug']).where('id', '=', existing.article_id).executeTakeFirstOrThrow();
    return { file, status: 'duplicate', articleId: a.id, path: articlePath(a) };
  }
  // Files are content-addressed on disk, so storing them before the transaction cannot leave a wrong row behind.
  const images = await loadImages(name, parsed, opts);
  return db.transaction().execute(async (trx) => {
    const media = new Map<string, { id: number; width: number; height: number } | null>();
    let coverId: number | null = null;
    for (const b of parsed.blocks) {
      if (b.kind !== 'figure' || media.has(b.fileName)) continue;
      const img = images.get(b.fileName);
      if (!img) {
        media.set(b.fileName, null);
        continue;
      }
      const id = await insertMedia(trx, { fileName: b.fileName, storageKey: img.storageKey, mime: img.mime, width: img.width, height: img.height, byteSize: img.byteSize, sha256: img.sha256, caption: b.caption, alt: b.caption });
      media.set(b.fileName, { id, width: img.width, height: img.height });
      coverId ??= id;
    }
    const articleId = await createArticle(trx, {
      title: parsed.title,
      sapo: parsed.sapo,
      type: parsed.type,
      body: { type: 'doc', content: toBody(parsed, media) },
      categoryId,
      coverMediaId: coverId,
      status: 'published',
      publishedAt: opts.publishedAt ?? nowIso(),
    });
    await trx.insertInto('import_sources').values({ sha256, file_name: name, text: parsed.text, imported_at: nowIso(), article_id: articleId }).execute();
    const slug = (await trx.selectFrom('articles').select('slug').where('id', '=', articleId).executeTakeFirstOrThrow()).slug;
    const figures = parsed.blocks.filter((b) => b.kind === 'figure');
    return {
      file,
      status: 'imported' as const,
      articleId,
      path: articlePath({ id: articleId, slug }),
      figures: figures.length,
      placeholders: [...media].filter(([, m]) => m === null).map(([n]) => n),
      warnings: parsed.warnings,
    };
  });
}

/** Imports every file; a bad file is reported and skipped, the others still go in. */
export async function importFiles(db: Kysely<Database>, inputs: string[], opts: ImportOptions): Promise<FileResult[]> {
  const categoryId = await findCategory(db, opts.categorySlug);
  const files = await collectFiles(inputs);
  const results: FileResult[] = [];
  for (const [n, file] of files.entries()) {
    try {
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        throw new ImportError(basename(file), 0, err.code === 'ENOENT' ? 'không tìm thấy tệp' : `không đọc được tệp (${err.code ?? err.message})`);
      });
      results.push(await importOne(db, file, bytes, categoryId, opts));
    } catch (err) {
      results.push({ file, status: 'failed', error: err instanceof ImportError ? err.message : `${basename(file)}: ${(err as Error).message}` });
    }
    opts.onProgress?.(n + 1, files.length);
  }
  return results;
}
