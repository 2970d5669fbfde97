/**
 * The storage engines speak one SQL dialect, PostgreSQL: the embedded engine (PGlite) and a
 * PostgreSQL server. Both sit behind this small interface; nothing above storage knows which it has.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type EngineName = 'pglite' | 'postgres';

export interface Database extends SqlClient {
  readonly engine: EngineName;
  /**
   * Runs `work` only if no other process holds the named lock, and holds it meanwhile; undefined
   * when another holds it. Instances sharing a server use it to divide background work.
   */
  withAdvisoryLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * The rows of a select in COPY's text format (`copy (select) to stdout`: fields joined by tabs,
   * `\N` for null, a backslash before a tab, newline, carriage return or backslash in a text), passed
   * to `onRows` as they arrive, whole rows at a time, in the select's order; one snapshot. PostgreSQL's
   * fastest way to hand out many rows: the server writes and escapes them in C, and the driver builds
   * no row objects (packed-rows.ts). COPY takes no parameters: the select must hold only literals
   * from Fillbook itself (`uuidLiteral`). Without JIT (see `readCopyPages`).
   */
  copyRows(select: string, onRows: (rows: readonly string[]) => void): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for a PostgreSQL server; when absent, the embedded engine is used. */
  databaseUrl?: string;
  /** Data directory of the embedded engine; in memory when absent. */
  dataDir?: string;
  /** Connections in the server pool. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    const { openPostgresDatabase } = await import('./postgres-database.js');
    return openPostgresDatabase(options.databaseUrl, options.poolSize);
  }
  const { openPgliteDatabase } = await import('./pglite-database.js');
  return openPgliteDatabase(options.dataDir);
}

/** PostgreSQL error codes the ledger reacts to. */
export const sqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** Raised by `fillbook_stale_write` (migration 013): an order moved since it was read; nothing was written. */
  staleWrite: 'FB002',
} as const;

export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** SQLSTATE classes and codes that mean the server cannot be reached or is going away. */
const unavailableStates = /^(08|57P0[1-3]|53300|55000|3D000)/;
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const unavailableMessages = /connection terminated|not queryable|timeout exceeded when trying to connect|cannot use a pool after calling end|pglite is closed/i;

/**
 * Whether an error means the database could not be reached (a lost or refused connection, a server
 * shutting down), not that it refused the statement. Such a request changed nothing it did not
 * commit, so the caller may retry it with the same ids.
 */
export function databaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = sqlStateOf(error);
  if (state !== undefined && (unavailableStates.test(state) || unavailableErrnos.has(state))) return true;
  const severity = (error as { severity?: unknown }).severity;
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return unavailableMessages.test(error.message) || (error.cause !== undefined && error.cause !== error && databaseUnavailable(error.cause));
}

/** A data exception (SQLSTATE class 22): a value the database cannot take, so bad input. */
export function dataException(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith('22') === true;
}
