import { expect, it } from 'vitest';
import { sqlStateOf } from '../../src/storage/index.js';
import { describeEachEngine, freshDatabase } from '../support/backends.js';

describeEachEngine('the PostgreSQL server pool', (_h, engine) => {
  it.runIf(engine === 'postgres')('keeps a connection the server refused a statement on, and replaces one that died', async () => {
    const { db, drop } = await freshDatabase('postgres', 1);
    try {
      const backend = async () => (await db.query<{ pid: number }>('select pg_backend_pid() as pid where $1::int = 1', [1]))[0]!.pid;
      const first = await backend();
      // A refused statement (as a redelivered exec id is refused by the fills' unique key) leaves
      // the connection as it was: no new backend process, prepared statements kept.
      const refused = await db.query('select 1 / $1::int', [0]).then(() => undefined, (e: unknown) => e);
      expect(sqlStateOf(refused)).toBe('22012');
      expect(await backend()).toBe(first);
      const inTransaction = await db.transaction(async (tx) => tx.query('select 1 / $1::int', [0])).then(() => undefined, (e: unknown) => e);
      expect(sqlStateOf(inTransaction)).toBe('22012');
      expect(await backend()).toBe(first);

      // A connection the server ends is dropped, and the next statement gets a new one.
      const { db: admin, drop: dropAdmin } = await freshDatabase('postgres', 1);
      await admin.query('select pg_terminate_backend($1)', [first]);
      await dropAdmin();
      const afterKill = await backend().catch(() => backend());
      expect(afterKill).not.toBe(first);
      expect(await backend()).toBe(afterKill);
    } finally {
      await drop();
    }
  });
});
