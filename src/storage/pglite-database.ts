import { PGlite } from '@electric-sql/pglite';
import type { Database, SqlClient } from './database.js';

/**
 * The embedded engine. PGlite is one connection: its transactions are serialized by PGlite itself,
 * so concurrent callers in this process queue rather than interleave. It survives a crash of the
 * process but does not fsync; see the README on what that means for durability.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  const pg = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  const client = (q: Pick<PGlite, 'query' | 'exec'>): SqlClient => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await q.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  });
  return {
    engine: 'pglite',
    ...client(pg),
    transaction: (work) => pg.transaction((tx) => work(client(tx))),
    // The embedded engine belongs to one process: there is no other instance to exclude.
    withAdvisoryLock: (_name, work) => work(),
    close: () => pg.close(),
  };
}
