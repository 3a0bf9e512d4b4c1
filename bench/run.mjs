// `npm run bench`: runs every benchmark script in sequence (each with its own defaults and environment
// variables; see the header of each file). Add new ones to BENCHES.
import { spawnSync } from 'node:child_process';

const BENCHES = [
  { name: 'search', script: 'bench/search.ts' },
  { name: 'http', script: 'bench/http.ts' },
];

let failed = 0;
for (const b of BENCHES) {
  console.log(`\n=== bench: ${b.name} (${b.script}) ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', b.script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${b.name} failed with status ${r.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
