import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { type Database, type EngineName, openDatabase } from '../../src/storage/index.js';

/**
 * The storage suites run the same cases on every engine. `FILLBOOK_TEST_BACKENDS` picks them
 * (default `pglite,postgres`). The PostgreSQL server is skipped with a printed line when it is not
 * reachable, unless `FILLBOOK_REQUIRE_POSTGRES=1` (as `.ci/run` sets), which makes that a failure.
 */
export const serverUrl = process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requested = (process.env.FILLBOOK_TEST_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim()) as EngineName[];
const postgresRequired = process.env.FILLBOOK_REQUIRE_POSTGRES === '1';

async function serverReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let serverChecked: Promise<boolean> | undefined;
export async function postgresAvailable(): Promise<boolean> {
  serverChecked ??= serverReachable();
  const reachable = await serverChecked;
  if (!reachable && postgresRequired) throw new Error(`FILLBOOK_REQUIRE_POSTGRES=1 but the PostgreSQL server at ${serverUrl} is not reachable`);
  return reachable;
}

export const engines: EngineName[] = [];
if (requested.includes('pglite')) engines.push('pglite');
if (requested.includes('postgres')) {
  if (await postgresAvailable()) engines.push('postgres');
  else console.log(`[fillbook tests] PostgreSQL server at ${serverUrl} is not reachable: its storage run is SKIPPED (set FILLBOOK_REQUIRE_POSTGRES=1 to fail instead)`);
}

/** A fresh, empty database on the given engine; on the server, a new database dropped afterwards. */
export async function freshDatabase(engine: EngineName, poolSize = 10): Promise<{ url?: string; db: Database; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  }
  const name = `fillbook_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface LedgerHarness {
  ledger: Ledger;
  db: Database;
  url: string | undefined;
}

/**
 * Declares `suite` once per engine, each with its own fresh database and ledger. Tests isolate from
 * one another by creating their own accounts, which is also how the ledger isolates its users.
 */
export function describeEachEngine(name: string, suite: (h: () => LedgerHarness, engine: EngineName) => void): void {
  for (const engine of engines) {
    describe(`${name} [${engine}]`, () => {
      let harness: LedgerHarness | undefined;
      let drop: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        const fresh = await freshDatabase(engine);
        drop = fresh.drop;
        harness = { ledger: await Ledger.open({ database: fresh.db }), db: fresh.db, url: fresh.url };
      });
      afterAll(async () => {
        await drop?.();
      });
      suite(() => {
        if (harness === undefined) throw new Error('the ledger is opened in beforeAll');
        return harness;
      }, engine);
    });
  }
}
