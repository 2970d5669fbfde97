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
  const client = (q: pg.PoolClient): SqlClient => ({
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
  /**
   * A statement outside a transaction, on a pooled connection. Unlike `pool.query`, a statement the
   * server refused (a unique violation: a redelivered exec id) gives its connection back to the pool
   * instead of closing it: the connection is fine, and a new one costs a backend process and every
   * prepared statement again. Only a connection that failed itself is dropped.
   */
  async function onPooledConnection<T>(run: (connection: SqlClient) => Promise<T>): Promise<T> {
    const connection = await pool.connect();
    let broken: Error | undefined;
    try {
      return await run(client(connection));
    } catch (error) {
      if (!refusedByServer(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      connection.release(broken);
    }
  }
  const pooled: SqlClient = {
    query: <Row>(text: string, params?: readonly unknown[]) => onPooledConnection((c) => c.query<Row>(text, params)),
    exec: (script: string) => onPooledConnection((c) => c.exec(script)),
  };

  await pool.query('select 1');

  async function transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const connection = await pool.connect();
      // A connection whose rollback fails is dropped; one that rolled back is as good as new.
      let broken: Error | undefined;
      try {
        await connection.query('begin');
        const result = await work(client(connection));
        await connection.query('commit');
        return result;
      } catch (error) {
        await connection.query('rollback').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        const state = sqlStateOf(error);
        const retryable = state === sqlState.serializationFailure || state === sqlState.deadlockDetected;
        if (!retryable || attempt >= transactionAttemptsMax) throw error;
      } finally {
        connection.release(broken);
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

  return { engine: 'postgres', ...pooled, transaction, withAdvisoryLock, close: () => pool.end() };
}

/** An error the server answered with, on a connection that stays usable (not a FATAL or PANIC one). */
function refusedByServer(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}
