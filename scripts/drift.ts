/**
 * Runs the seeded drift simulator (test/support/drift.ts) over many seeds and prints the pass rate:
 * `npm run drift -- 1000` on embedded PGlite, or with `FILLBOOK_DATABASE_URL=postgres://…` on a
 * PostgreSQL server (a throwaway database is made and dropped). Failing seeds are printed with their
 * scripts; a seed replays exactly. Exits 1 when any seed fails.
 */
import pg from 'pg';
import { Ledger } from '../src/ledger/index.js';
import { runDriftScript } from '../test/support/drift.js';

const count = Number(process.argv[2] ?? 1000);
const first = Number(process.argv[3] ?? 1);
const serverUrl = process.env.FILLBOOK_DATABASE_URL;

let drop = async () => {};
let ledger: Ledger;
if (serverUrl === undefined) {
  ledger = await Ledger.open({});
} else {
  const name = `fillbook_drift_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  ledger = await Ledger.open({ databaseUrl: url.toString() });
  drop = async () => {
    const dropper = new pg.Client({ connectionString: serverUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  };
}

let passed = 0;
const started = Date.now();
for (let seed = first; seed < first + count; seed++) {
  const result = await runDriftScript(ledger, seed);
  if (result.failures.length === 0) passed++;
  else console.log(JSON.stringify(result, null, 2));
  if ((seed - first + 1) % 100 === 0) process.stderr.write(`${seed - first + 1}/${count} seeds, ${passed} passed\n`);
}
await ledger.close();
await drop();
console.log(`drift simulator: ${passed} of ${count} scripts passed (${((100 * passed) / count).toFixed(1)}%) on ${serverUrl === undefined ? 'pglite' : 'postgres'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(passed === count ? 0 : 1);
