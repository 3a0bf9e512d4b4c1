/**
 * The site with demo content on a fresh SQLite database, for `npm run audit:site`.
 * Prints one JSON line {"url": "..."} once it listens; stops on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/storage/database.ts';
import { createContext } from '../src/web/context.ts';
import { buildServer } from '../src/web/server.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { getSettings, saveSettings } from '../src/storage/content.ts';

const dir = mkdtempSync(join(tmpdir(), 'toasoan-audit-'));
const store = await openStore(`sqlite:${join(dir, 'site.db')}`);
const ctx = createContext(store, join(dir, 'media'));
await seedDemo(ctx);
const app = await buildServer(ctx);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
// Canonical and social URLs must name the origin Lighthouse loads, as they would in production.
await saveSettings(store.db, { ...(await getSettings(store.db)), baseUrl: address });
await ctx.events.emit({ type: 'settings.changed' });
console.log(JSON.stringify({ url: address }));
const stop = async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
