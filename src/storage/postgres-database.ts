import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Database, type SqlClient, sqlState, sqlStateOf } from './database.js';

export const poolSizeDefault = 10;
/** Deadlocks and serialization failures are retried this many times before the error surfaces. */
export const transactionAttemptsMax = 5;

const statementNames = new Map<string, string>();
/** Statements past this many are not given names (a guard against statements built per call). */
const namedStatementsMax = 1_000;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < namedStatementsMax) {
    name = `fb_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

export async function openPostgresDatabase(url: string, poolSize = poolSizeDefault): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = (q: pg.Pool | pg.PoolClient): SqlClient => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      // Statements with parameters run as named prepared statements: each connection parses and
      // plans one once, not on every call (the statements are fixed strings, so their names are too).
      const result = params.length === 0 ? await q.query(text) : await q.query({ name: statementName(text), text, values: params as unknown[] });
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
