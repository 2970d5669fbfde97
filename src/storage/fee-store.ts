import { decimalFromSql, type FeeCharge, formatDecimal, type RecordedFee } from '../domain/index.js';
import type { SqlClient } from './database.js';
import { type Row, toIso } from './order-rows.js';

/** Fees reported apart from their fills (`fill_fees`, migration 011): append-only, one per fee id. */

function feeFromRow(r: Row): RecordedFee {
  return {
    accountId: r.account_id as string,
    feeId: r.fee_id as string,
    orderId: (r.order_id as string | null) ?? null,
    execId: (r.exec_id as string | null) ?? null,
    symbol: (r.symbol as string | null) ?? null,
    assetClass: (r.asset_class as RecordedFee['assetClass'] | null) ?? null,
    amount: decimalFromSql(r.amount as string),
    currency: r.currency as string,
    kind: (r.kind as string | null) ?? null,
    source: r.source as RecordedFee['source'],
    chargedAt: toIso(r.charged_at),
    recordedAt: toIso(r.recorded_at),
  };
}

/** Inserts a fee; false when its fee id is already taken in the account (a redelivery or a conflict). */
export async function insertRecordedFee(sql: SqlClient, fee: RecordedFee, payload: unknown): Promise<boolean> {
  const rows = await sql.query(
    `insert into fill_fees (account_id, fee_id, order_id, exec_id, symbol, asset_class, amount, currency, kind, source, charged_at, recorded_at, payload)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict (account_id, fee_id) do nothing returning fee_id`,
    [
      fee.accountId, fee.feeId, fee.orderId, fee.execId, fee.symbol, fee.assetClass, formatDecimal(fee.amount), fee.currency, fee.kind,
      fee.source, fee.chargedAt, fee.recordedAt, payload === undefined ? null : JSON.stringify(payload),
    ],
  );
  return rows.length === 1;
}

export async function selectRecordedFee(sql: SqlClient, accountId: string, feeId: string): Promise<RecordedFee | undefined> {
  const rows = await sql.query('select * from fill_fees where account_id = $1 and fee_id = $2', [accountId, feeId]);
  return rows[0] === undefined ? undefined : feeFromRow(rows[0]);
}

/** Every recorded fee of the account (holdings), or those of the given orders (orders, positions). */
export async function selectRecordedFees(sql: SqlClient, accountId: string, orderIds?: readonly string[]): Promise<RecordedFee[]> {
  const rows = await sql.query(
    `select * from fill_fees where account_id = $1 and ($2::uuid[] is null or order_id = any($2::uuid[])) order by charged_at, fee_id`,
    [accountId, orderIds ?? null],
  );
  return rows.map(feeFromRow);
}

/**
 * Every fee of each order, as charges (amount and currency, per fill and per recorded fee), for
 * orders read without their fills (a page of orders). One statement for the page.
 */
export async function selectOrderFeeCharges(sql: SqlClient, accountIds: readonly string[], orderIds: readonly string[]): Promise<Map<string, FeeCharge[]>> {
  const out = new Map<string, FeeCharge[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0 || accountIds.length === 0) return out;
  const rows = await sql.query<{ order_id: string; amount: string; currency: string | null }>(
    `select order_id, fee::text as amount, fee_currency as currency from fills
       where account_id = any($1::uuid[]) and order_id = any($2::uuid[]) and fee <> 0
     union all
     select order_id, amount::text, currency from fill_fees where account_id = any($1::uuid[]) and order_id = any($2::uuid[])`,
    [accountIds, orderIds],
  );
  for (const r of rows) out.get(r.order_id)?.push({ amount: decimalFromSql(r.amount), currency: r.currency });
  return out;
}
