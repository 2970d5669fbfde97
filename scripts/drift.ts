/**
 * Runs the seeded drift simulator (test/support/drift.ts) over many seeds and prints the pass rate:
 * `npm run drift -- 1000` on embedded PGlite, or with `FILLBOOK_DATABASE_URL=postgres://…` on a
 * PostgreSQL server (a throwaway database is made and dropped). Failing seeds are printed with their
 * scripts; a seed replays exactly. Exits 1 when any seed fails.
 */
import { freshBenchDatabase } from '../bench/support.js';
import { Ledger } from '../src/ledger/index.js';
import { runDriftScript } from '../test/support/drift.js';

const count = Number(process.argv[2] ?? 1000);
const first = Number(process.argv[3] ?? 1);
const serverUrl = process.env.FILLBOOK_DATABASE_URL;

const { db, drop } = await freshBenchDatabase(serverUrl === undefined ? 'pglite' : 'postgres', serverUrl ?? '');
const ledger = await Ledger.open({ database: db });

let passed = 0;
const started = Date.now();
for (let seed = first; seed < first + count; seed++) {
  const result = await runDriftScript(ledger, seed);
  if (result.failures.length === 0) passed++;
  else console.log(JSON.stringify(result, null, 2));
  if ((seed - first + 1) % 100 === 0) process.stderr.write(`${seed - first + 1}/${count} seeds, ${passed} passed\n`);
}
await drop();
console.log(`drift simulator: ${passed} of ${count} scripts passed (${((100 * passed) / count).toFixed(1)}%) on ${serverUrl === undefined ? 'pglite' : 'postgres'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(passed === count ? 0 : 1);
