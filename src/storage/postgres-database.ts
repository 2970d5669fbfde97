import { createHash } from 'node:crypto';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { type Database, type SqlClient, sqlState, sqlStateOf } from './database.js';
import { CopyTextRows } from './packed-rows.js';

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

  /**
   * COPY of a select on a connection of its own (pg-copy-streams reads the protocol's copy data off
   * the socket in chunks). A connection left within a COPY (the consumer threw, the stream broke) is
   * dropped, not given back to the pool.
   */
  async function copyRows(select: string, onRows: (rows: readonly string[]) => void): Promise<void> {
    const connection = await pool.connect();
    let broken: Error | undefined;
    try {
      await connection.query('begin');
      await connection.query('set local jit = off');
      const rows = new CopyTextRows();
      for await (const chunk of connection.query(copyTo(`copy (${select}) to stdout`)) as AsyncIterable<Buffer>) onRows(rows.push(chunk));
      rows.end();
      await connection.query('commit');
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      connection.release(broken);
    }
  }

  const locks = new AdvisoryLockSession(url);

  return {
    engine: 'postgres',
    ...pooled,
    transaction,
    copyRows,
    withAdvisoryLock: (name, work) => locks.withLock(name, work),
    close: async () => {
      await locks.close();
      await pool.end();
    },
  };
}

/**
 * Every advisory lock of this process is held on one connection of its own, outside the query pool.
 * A holder's work needs pool connections; when the lock itself took one, as many holders as the pool
 * had connections left none for their own work and waited for ever (issue 13, item 0: twelve
 * reconciliations at once hung the server). One session holds any number of locks, so the bound is
 * one connection whatever the number of holders, and nobody waits for it longer than a try-lock.
 *
 * PostgreSQL grants a session a lock it already holds, so holders within this process are told apart
 * here (`held`): that set stands for this process's side of the session, and the database still
 * decides between processes. When the session's connection is lost, its locks go with it (as with any
 * session lock); the next lock reconnects.
 */
class AdvisoryLockSession {
  private session: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  /** A connection runs one statement at a time: lock and unlock statements queue here. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly url: string) {}

  private statement(text: string, name: string): Promise<boolean> {
    const next = this.tail.then(async () => {
      const session = await this.connect();
      const { rows } = await session.query<{ done: boolean }>(text, [name]);
      return rows[0]?.done === true;
    });
    this.tail = next.catch(() => {});
    return next;
  }

  async withLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.held.has(name)) return undefined;
    this.held.add(name);
    try {
      if (!(await this.statement('select pg_try_advisory_lock(hashtext($1)) as done', name))) return undefined;
      try {
        return await work();
      } finally {
        // A failed unlock means the session is gone, and its locks with it.
        await this.statement('select pg_advisory_unlock(hashtext($1)) as done', name).catch(() => {});
      }
    } finally {
      this.held.delete(name);
    }
  }

  private connect(): Promise<pg.Client> {
    this.session ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => {
        this.session = undefined;
      });
      client.on('end', () => {
        this.session = undefined;
      });
      try {
        await client.connect();
      } catch (error) {
        this.session = undefined;
        throw error;
      }
      return client;
    })();
    return this.session;
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) await (await session.catch(() => undefined))?.end().catch(() => {});
  }
}

/** An error the server answered with, on a connection that stays usable (not a FATAL or PANIC one). */
function refusedByServer(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}
