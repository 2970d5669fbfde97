import { type AssetClass, type Decimal, decimalFromSql, formatDecimal } from '../domain/index.js';
import type { SqlClient } from './database.js';
import { type Row, toIso } from './order-rows.js';

/** An import's status: `running` (or a crashed process's, found stale and resumed), `interrupted` (Ctrl-C), `failed`, `completed`. */
export const importStatuses = ['running', 'interrupted', 'failed', 'completed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** The phases in the order they run; the cursor belongs to the phase it is stored with. */
export const importPhases = ['orders', 'fills', 'positions', 'done'] as const;
export type ImportPhase = (typeof importPhases)[number];

export interface ImportCounts {
  /** Venue pages read (orders and fills). */
  pages: number;
  ordersSeen: number;
  fillsSeen: number;
  /** Venue orders the ledger lacked, adopted with origin `import`. */
  adopted: number;
  /** Fills recorded by this import (a fill the ledger had is not counted). */
  imported: number;
  /** Fills the ledger refused to apply (kept in quarantine). */
  quarantined: number;
  /** Opening balances written (symbols). */
  openingBalances: number;
}

export const emptyImportCounts: ImportCounts = { pages: 0, ordersSeen: 0, fillsSeen: 0, adopted: 0, imported: 0, quarantined: 0, openingBalances: 0 };

export interface ImportRecord {
  id: string;
  accountId: string;
  since: string;
  status: ImportStatus;
  phase: ImportPhase;
  cursor: string | null;
  counts: ImportCounts;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  error: string | null;
}

function importFromRow(r: Row): ImportRecord {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    since: toIso(r.since),
    status: r.status as ImportStatus,
    phase: r.phase as ImportPhase,
    cursor: (r.cursor as string | null) ?? null,
    counts: { ...emptyImportCounts, ...(r.counts as Partial<ImportCounts>) },
    startedBy: r.started_by as string,
    startedAt: toIso(r.started_at),
    updatedAt: toIso(r.updated_at),
    finishedAt: r.finished_at === null ? null : toIso(r.finished_at),
    error: (r.error as string | null) ?? null,
  };
}

export async function insertImport(sql: SqlClient, job: ImportRecord): Promise<void> {
  await sql.query(
    `insert into imports (account_id, id, since, status, phase, cursor, counts, started_by, started_at, updated_at, finished_at, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [job.accountId, job.id, job.since, job.status, job.phase, job.cursor, JSON.stringify(job.counts), job.startedBy, job.startedAt, job.updatedAt, job.finishedAt, job.error],
  );
}

/** Writes the job's progress: called once per committed page, so a restart continues from there. */
export async function updateImport(sql: SqlClient, job: ImportRecord): Promise<void> {
  await sql.query(
    `update imports set status = $3, phase = $4, cursor = $5, counts = $6, updated_at = $7, finished_at = $8, error = $9
     where account_id = $1 and id = $2`,
    [job.accountId, job.id, job.status, job.phase, job.cursor, JSON.stringify(job.counts), job.updatedAt, job.finishedAt, job.error],
  );
}

export async function selectImport(sql: SqlClient, accountId: string, id: string): Promise<ImportRecord | undefined> {
  const rows = await sql.query('select * from imports where account_id = $1 and id = $2', [accountId, id]);
  return rows[0] === undefined ? undefined : importFromRow(rows[0]);
}

export async function selectImportAccount(sql: SqlClient, id: string): Promise<string | undefined> {
  return (await sql.query<{ account_id: string }>('select account_id from imports where id = $1', [id]))[0]?.account_id;
}

/** The latest unfinished import of an account for the same `since`: a restart resumes it. */
export async function selectUnfinishedImport(sql: SqlClient, accountId: string, since: string): Promise<ImportRecord | undefined> {
  const rows = await sql.query(
    `select * from imports where account_id = $1 and since = $2 and status <> 'completed' order by started_at desc, id limit 1`,
    [accountId, since],
  );
  return rows[0] === undefined ? undefined : importFromRow(rows[0]);
}

export async function selectImports(sql: SqlClient, accountId: string, limit: number): Promise<ImportRecord[]> {
  return (await sql.query('select * from imports where account_id = $1 order by started_at desc, id limit $2', [accountId, limit])).map(importFromRow);
}

export interface OpeningBalance {
  symbol: string;
  assetClass: AssetClass;
  /** Signed: negative is short. */
  quantity: Decimal;
  asOf: string;
  importId: string;
}

export async function selectOpeningBalances(sql: SqlClient, accountId: string): Promise<OpeningBalance[]> {
  const rows = await sql.query('select * from opening_balances where account_id = $1 order by symbol', [accountId]);
  return rows.map((r) => ({
    symbol: r.symbol as string,
    assetClass: r.asset_class as AssetClass,
    quantity: decimalFromSql(r.quantity as string),
    asOf: toIso(r.as_of),
    importId: r.import_id as string,
  }));
}

/** Replaces the account's opening balances (each import computes them all again). */
export async function replaceOpeningBalances(sql: SqlClient, accountId: string, balances: readonly OpeningBalance[]): Promise<void> {
  await sql.query('delete from opening_balances where account_id = $1', [accountId]);
  for (const b of balances) {
    await sql.query('insert into opening_balances (account_id, symbol, asset_class, quantity, as_of, import_id) values ($1, $2, $3, $4, $5, $6)', [
      accountId, b.symbol, b.assetClass, formatDecimal(b.quantity), b.asOf, b.importId,
    ]);
  }
}

/**
 * Refreshes the planner's statistics of the tables an import fills (`analyze`). An account whose
 * orders grew from nothing to many within minutes is one the statistics still see empty (autovacuum
 * analyzes a minute or more later), and the planner then reads all of the account's orders for each
 * order a batch statement names. A role that does not own the tables is warned and skipped by the
 * server, not refused.
 */
export async function analyzeImportedTables(sql: SqlClient): Promise<void> {
  await sql.query('analyze orders, order_events, fills');
}
