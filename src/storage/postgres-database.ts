import pg from 'pg';
import { type Database, type SqlClient, sqlState, sqlStateOf } from './database.js';

export const poolSizeDefault = 10;
/** Deadlocks and serialization failures are retried this many times before the error surfaces. */
export const transactionAttemptsMax = 5;

export async function openPostgresDatabase(url: string, poolSize = poolSizeDefault): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = (q: pg.Pool | pg.PoolClient): SqlClient => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await q.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async exec(script: string) {
      await q.query(script);
    },
  });
  await pool.query('select 1');

  async function transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const connection = await pool.connect();
      try {
        await connection.query('begin');
        const result = await work(client(connection));
        await connection.query('commit');
        return result;
      } catch (error) {
        await connection.query('rollback').catch(() => {});
        const state = sqlStateOf(error);
        const retryable = state === sqlState.serializationFailure || state === sqlState.deadlockDetected;
        if (!retryable || attempt >= transactionAttemptsMax) throw error;
      } finally {
        connection.release();
      }
    }
  }

  async function withAdvisoryLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    // A session lock on a connection of its own, so the work itself may use the pool freely.
    const connection = await pool.connect();
    try {
      const { rows } = await connection.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [name]);
      if (!rows[0]?.locked) return undefined;
      try {
        return await work();
      } finally {
        await connection.query('select pg_advisory_unlock(hashtext($1))', [name]);
      }
    } finally {
      connection.release();
    }
  }

  return { engine: 'postgres', ...client(pool), transaction, withAdvisoryLock, close: () => pool.end() };
}
