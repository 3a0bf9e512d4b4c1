import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { openStore, refreshPlannerStatistics } from '../storage/database.ts';
import { importFiles } from '../importer/import.ts';
import { ensureDefaultCategories } from '../demo/seed.ts';
import type { Store } from '../storage/database.ts';
import { siteCacheOptionsFromEnv } from '../cache/site-cache.ts';
import { keysForEvent, loadMembership } from '../cache/invalidation.ts';
import { redisFanout } from '../cache/fanout.ts';

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
  const store = await openStore(config.databaseUrl, { create: false });
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
    if (imported > 0) {
      await refreshPlannerStatistics(store);
      await announce(store.db, results.flatMap((r) => (r.status === 'imported' ? [r.articleId] : [])));
    }
    console.log(`Tổng: ${imported} bài mới, ${results.length - imported - failed} bài trùng, ${failed} tệp lỗi.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/**
 * Running servers keep pages in their caches: the imported stories' listings (home, categories, tags, feeds) must
 * drop them, as a publish does. With REDIS_URL every process of every machine hears it, and the CDN purge hook is
 * called; without it this process cannot reach the servers' workers, so it says when the pages catch up.
 */
async function announce(db: Store['db'], ids: number[]): Promise<void> {
  const opts = siteCacheOptionsFromEnv();
  if (opts === false) return;
  const keys = new Set<string>();
  for (const id of ids) for (const k of keysForEvent({ type: 'article.published', articleId: id }, undefined, await loadMembership(db, id))) keys.add(k);
  const list = [...keys];
  const minutes = Math.round((opts.maxAgeMs ?? 600_000) / 60_000);
  if (opts.purge) await opts.purge(list).catch((err: unknown) => console.error(`Không xóa được bộ đệm CDN: ${(err as Error).message}`));
  if (!opts.redisUrl) {
    console.log(`Lưu ý: máy chủ đang chạy sẽ hiển thị các bài mới trên trang chủ và trang chuyên mục trong vòng ${minutes} phút (đặt REDIS_URL để hiển thị ngay).`);
    return;
  }
  try {
    const fanout = await redisFanout(opts.redisUrl, opts.redisChannel ?? 'toasoan:cache', () => {});
    try {
      await fanout.publish({ keys: list });
    } finally {
      await fanout.close();
    }
  } catch (err) {
    console.error(`Không báo được cho các máy chủ đang chạy qua Redis (${(err as Error).message}); các trang cập nhật sau tối đa ${minutes} phút.`);
  }
}
