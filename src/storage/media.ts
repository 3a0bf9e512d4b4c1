import { sql, type Kysely } from 'kysely';
import type { Database, MediaRow } from './schema.ts';
import { nfc } from '../domain/vietnamese.ts';
import { cleanText, foldText, foldedWordPattern } from '../search/vietnamese-text.ts';

type Db = Kysely<Database>;

/**
 * The library's search text (media.search_f): caption, alt text and file name folded as the newsroom story list folds
 * titles ("Lào Cai" → "lao cai", "Đoàn" → "doan", NFD and NFC alike), joined by " | " so a phrase never runs from one
 * field into the next (folded text holds only letters, digits and single spaces).
 */
export function mediaSearchText(m: { caption: string; alt: string; file_name: string }): string {
  return [m.caption, m.alt, m.file_name].map((s) => foldText(cleanText(s)).trim()).join(' | ');
}

/** The library, newest first; `q` matches caption, alt text or file name without regard to accents or case. */
export async function listMedia(db: Db, f: { q?: string; limit: number; offset: number }): Promise<{ rows: MediaRow[]; total: number }> {
  let q = db.selectFrom('media');
  if (f.q?.trim()) {
    const pattern = foldedWordPattern(f.q);
    q = pattern ? q.where(sql<boolean>`(' ' || media.search_f || ' ') like ${pattern} escape '\\'`) : q.where(sql<boolean>`1 = 0`);
  }
  const [rows, count] = await Promise.all([q.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(), q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()]);
  return { rows, total: Number(count.n) };
}

/** Changes a library item's caption, credit or alt text (NFC, trimmed), keeping its search text in step. */
export async function updateMediaText(db: Db, id: number, set: Partial<Pick<MediaRow, 'caption' | 'credit' | 'alt'>>): Promise<void> {
  const current = await db.selectFrom('media').select(['caption', 'alt', 'file_name']).where('id', '=', id).executeTakeFirst();
  if (!current) return;
  const clean: Partial<Pick<MediaRow, 'caption' | 'credit' | 'alt'>> = {};
  for (const k of ['caption', 'credit', 'alt'] as const) if (set[k] !== undefined) clean[k] = nfc(set[k].trim());
  await db
    .updateTable('media')
    .set({ ...clean, search_f: mediaSearchText({ ...current, ...clean }) })
    .where('id', '=', id)
    .execute();
}

/** Fills search_f for rows that have none yet (library rows made before migration 009), in batches. */
export async function refillMediaSearch(db: Db, batch = 500): Promise<number> {
  let after = 0;
  let filled = 0;
  for (;;) {
    const rows = await db.selectFrom('media').select(['id', 'caption', 'alt', 'file_name']).where('id', '>', after).where('search_f', '=', '').orderBy('id').limit(batch).execute();
    if (!rows.length) return filled;
    for (const r of rows) {
      await db.updateTable('media').set({ search_f: mediaSearchText(r) }).where('id', '=', r.id).execute();
      filled++;
    }
    after = rows.at(-1)!.id;
  }
}
