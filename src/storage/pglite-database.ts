import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { FillbookError } from '../domain/index.js';
import type { Database, SqlClient } from './database.js';
import { CopyTextRows } from './packed-rows.js';

/**
 * The embedded engine. PGlite is one connection: its transactions are serialized by PGlite itself,
 * so concurrent callers in this process queue rather than interleave. It survives a crash of the
 * process but does not fsync; see the README on what that means for durability.
 *
 * Only one process may open a data directory: a second one would corrupt it. A lock file holding the
 * owner's pid keeps others out; a lock left by a process that died is taken over.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  const releaseLock = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  let pg: PGlite;
  try {
    pg = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  } catch (error) {
    releaseLock();
    throw error;
  }
  const client = (q: Pick<PGlite, 'query' | 'exec'>): SqlClient => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await q.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  });
  // The embedded engine belongs to one process, so the holders to exclude are this process's own.
  const held = new Set<string>();
  return {
    engine: 'pglite',
    ...client(pg),
    transaction: (work) => pg.transaction((tx) => work(client(tx))),
    // PGlite writes a COPY's output to a blob (`/dev/blob`), whole: the embedded engine is in this
    // process's memory anyway. Handed on as one batch of rows; PGlite has no JIT.
    copyRows: async (select, onRows) => {
      const result = await pg.query(`copy (${select}) to '/dev/blob'`);
      const rows = new CopyTextRows();
      onRows(rows.push(result.blob === undefined ? '' : await result.blob.text()));
      rows.end();
    },
    withAdvisoryLock: async (name, work) => {
      if (held.has(name)) return undefined;
      held.add(name);
      try {
        return await work();
      } finally {
        held.delete(name);
      }
    },
    close: async () => {
      await pg.close();
      releaseLock();
    },
  };
}

function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'fillbook.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new FillbookError(
          'FILLBOOK_ERR_DATABASE_IN_USE',
          `the embedded database in ${dataDir} is in use by process ${owner}; stop it first, or use its HTTP API (only one process may open an embedded database)`,
          { data_dir: dataDir, pid: owner },
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
