/**
 * Run as a process of its own by views.test.ts: one serving process's flushes, without the server. Counts the reads
 * it is given and flushes them, round after round, into the database named on its command line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/database.ts';
import { createContext } from '../web/context.ts';
import { attachViews } from './views.ts';

interface Job {
  url: string;
  pgSchema?: string;
  /** [articleId, reads per round] */
  reads: Array<[number, number]>;
  rounds: number;
  at: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const store = await openStore(job.url, { migrate: false, ...(job.pgSchema ? { pgSchema: job.pgSchema } : {}) });
const views = attachViews(createContext(store, mkdtempSync(join(tmpdir(), 'toasoan-media-'))), { refreshMs: 0 });
// Ready; the test says go to every process at once, so their flushes overlap.
console.log('san-sang');
await new Promise((go) => process.stdin.once('data', go));
process.stdin.pause();
for (let round = 0; round < job.rounds; round++) {
  for (const [id, reads] of job.reads) for (let i = 0; i < reads; i++) views.counter!.count(id);
  await views.flush(job.at);
}
await store.close();
console.log('xong');
