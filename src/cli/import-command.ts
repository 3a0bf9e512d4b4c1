import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { openStore, refreshPlannerStatistics } from '../storage/database.ts';
import { importFiles } from '../importer/import.ts';
import { ensureDefaultCategories } from '../demo/seed.ts';

const PublishedAt = z.iso.datetime({ offset: true });

/** `toasoan import <files or dirs…> [--category SLUG] [--published-at ISO] [--media-dir DIR]` */
export async function runImport(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { category: { type: 'string' }, 'published-at': { type: 'string' }, 'media-dir': { type: 'string' } } });
  if (positionals.length === 0) {
    console.error('Cần ít nhất một tệp hoặc thư mục để nhập.');
    return 2;
  }
  let publishedAt: string | undefined;
  if (values['published-at'] !== undefined) {
    const parsed = PublishedAt.safeParse(values['published-at']);
    if (!parsed.success) {
      console.error(`--published-at phải là thời điểm ISO-8601, ví dụ 2024-11-18T09:30:00+07:00 (nhận được "${values['published-at']}")`);
      return 2;
    }
    publishedAt = new Date(parsed.data).toISOString();
  }
  const store = await openStore(config.databaseUrl);
  try {
    await ensureDefaultCategories(store.db);
    const started = Date.now();
    const results = await importFiles(store.db, positionals, {
      categorySlug: values.category,
      publishedAt,
      mediaDir: values['media-dir'],
      libraryDir: config.mediaDir,
      onProgress: (done, total) => {
        if (total >= 20 && (done % 50 === 0 || done === total)) process.stderr.write(`Đã xử lý ${done}/${total} tệp (${((Date.now() - started) / 1000).toFixed(1)} giây)\n`);
      },
    });
    let failed = 0;
    for (const r of results) {
      if (r.status === 'imported') {
        const ph = r.placeholders.length ? `; ${r.placeholders.length} ảnh không có tệp (${r.placeholders.join(', ')}), hiển thị ảnh giữ chỗ` : '';
        console.log(`Đã nhập ${r.file} → ${r.path} (${r.figures} ảnh${ph})`);
        for (const w of r.warnings) console.log(`  cảnh báo: ${w}`);
      } else if (r.status === 'duplicate') {
        console.log(`Bỏ qua ${r.file}: đã nhập trước đó (${r.path})`);
      } else {
        failed++;
        console.error(`Lỗi ${r.error}`);
      }
    }
    const imported = results.filter((r) => r.status === 'imported').length;
    if (imported > 0) await refreshPlannerStatistics(store);
    console.log(`Tổng: ${imported} bài mới, ${results.length - imported - failed} bài trùng, ${failed} tệp lỗi.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
