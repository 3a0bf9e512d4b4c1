/**
 * Bulk indexing worker (SQLite): reads the next batch of articles through its own read-only connection and prepares
 * its index rows (parse, fold, distinct keys) while the main thread writes the previous batch. Runs with Node's
 * type stripping or tsx; imports nothing that needs more than erasable TypeScript.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { articleText, indexBatch } from './index-rows.ts';

export interface BatchRequest {
  /** Articles with an id above this, in id order, at most `limit`. */
  after: number;
  limit: number;
}

const db = new DatabaseSync((workerData as { path: string }).path, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const articles = db.prepare('SELECT id, title, short_title, sapo, body FROM articles WHERE id > ? ORDER BY id LIMIT ?');
const tags = db.prepare('SELECT at.article_id AS article_id, t.name AS name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id BETWEEN ? AND ? ORDER BY at.article_id, at.position');

parentPort!.on('message', (req: BatchRequest | null) => {
  if (req === null) {
    db.close();
    parentPort!.close();
    return;
  }
  const rows = articles.all(req.after, req.limit) as Array<{ id: number; title: string; short_title: string; sapo: string; body: string }>;
  if (rows.length === 0) return parentPort!.postMessage({ last: req.after, rows: [], terms: [] });
  const tagsOf = new Map<number, string[]>();
  for (const t of tags.all(rows[0]!.id, rows[rows.length - 1]!.id) as Array<{ article_id: number; name: string }>) {
    let list = tagsOf.get(t.article_id);
    if (!list) tagsOf.set(t.article_id, (list = []));
    list.push(t.name);
  }
  const batch = indexBatch(rows.map((r) => articleText(r, tagsOf.get(r.id) ?? [])));
  parentPort!.postMessage({ last: rows[rows.length - 1]!.id, ...batch });
});
