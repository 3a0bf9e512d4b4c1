import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { createArticle, createCategory, ensurePerson, ensureTag } from '../storage/content.ts';
import { paragraph } from '../domain/document.ts';

/** Test support for the cache suites: a small newsroom with known listings, and a raw HTTP client. */
export interface Newsroom {
  cat: { thoiSu: number; kinhTe: number; nongNghiep: number; theThao: number };
  tag: { lua: number; bongDa: number };
  person: { lan: { id: number; slug: string }; hung: { id: number; slug: string } };
  /** Stories by name; `sport[i]` are 25 football stories (so /the-thao has a second page). */
  stories: { rice: number; market: number; policy: number; sport: number[] };
}

const doc = (text: string) => ({ type: 'doc' as const, content: [paragraph(text)] });

export async function buildNewsroom(db: Kysely<Database>): Promise<Newsroom> {
  const thoiSu = await createCategory(db, { name: 'Thời sự', position: 1 });
  const kinhTe = await createCategory(db, { name: 'Kinh tế', position: 2 });
  const nongNghiep = await createCategory(db, { name: 'Nông nghiệp', parentId: kinhTe, position: 1 });
  const theThao = await createCategory(db, { name: 'Thể thao', position: 3 });
  const lan = await ensurePerson(db, { name: 'Trần Thị Lan', title: 'Phóng viên' });
  const hung = await ensurePerson(db, { name: 'Lê Văn Hùng', title: 'Phóng viên' });
  const lua = await ensureTag(db, 'Lúa gạo');
  const bongDa = await ensureTag(db, 'Bóng đá');
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const sport: number[] = [];
  for (let i = 0; i < 25; i++) {
    sport.push(await createArticle(db, { title: `Vòng đấu thứ ${i + 1} của giải hạng nhất`, sapo: 'Kết quả các trận đấu cuối tuần.', body: doc('Đội nhà thắng sát nút.'), categoryId: theThao, status: 'published', publishedAt: at(i), tags: ['Bóng đá'], bylines: [{ personId: hung.id }] }));
  }
  const rice = await createArticle(db, { title: 'Giá lúa đầu vụ tăng nhẹ ở đồng bằng', sapo: 'Nông dân phấn khởi vì giá lúa tăng.', body: doc('Giá lúa tăng từ tuần trước.'), categoryId: nongNghiep, status: 'published', publishedAt: at(100), tags: ['Lúa gạo'], bylines: [{ personId: lan.id }] });
  const market = await createArticle(db, { title: 'Chợ đầu mối mở cửa lại sau sửa chữa', sapo: 'Tiểu thương trở lại buôn bán.', body: doc('Chợ đã được sửa mái.'), categoryId: kinhTe, status: 'published', publishedAt: at(101), bylines: [{ personId: lan.id }] });
  const policy = await createArticle(db, { title: 'Hội đồng nhân dân tỉnh họp phiên thường kỳ', sapo: 'Kỳ họp bàn về ngân sách.', body: doc('Các đại biểu thảo luận ngân sách.'), categoryId: thoiSu, status: 'published', publishedAt: at(102), bylines: [{ name: 'Cộng tác viên' }] });
  return { cat: { thoiSu, kinhTe, nongNghiep, theThao }, tag: { lua: lua.id, bongDa: bongDa.id }, person: { lan: { id: lan.id, slug: lan.slug }, hung: { id: hung.id, slug: hung.slug } }, stories: { rice, market, policy, sport } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes as sent (possibly compressed). */
  raw: Buffer;
  /** Decoded text. */
  text: string;
}

/** GET (or HEAD) over a real socket, without the automatic decompression fetch does. */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const plain = raw.length === 0 ? raw : enc === 'gzip' ? gunzipSync(raw) : enc === 'br' ? brotliDecompressSync(raw) : raw;
        resolve({ status: res.statusCode!, headers: res.headers, raw, text: plain.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
