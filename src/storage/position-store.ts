import { decimalFromSql, formatDecimal, type GuardOrder, type HoldingFill, type Order, type PositionSpec } from '../domain/index.js';
import type { SqlClient } from './database.js';
import type { AccountHalt } from './ledger-store.js';
import { fillFromRow, orderFromRow, type Row, toIso } from './order-rows.js';
import type { Fill } from '../domain/index.js';

export function positionFromRow(r: Row): PositionSpec {
  return {
    accountId: r.account_id as string,
    id: r.id as string,
    signalId: r.signal_id as string,
    symbol: r.symbol as string,
    assetClass: r.asset_class as PositionSpec['assetClass'],
    side: r.side as PositionSpec['side'],
    targetQuantity: decimalFromSql(r.target_quantity as string),
    multiplier: decimalFromSql(r.multiplier as string),
    createdAt: toIso(r.created_at),
  };
}

/** Inserts a position; false when its signal id is already taken in the account. */
export async function insertPosition(sql: SqlClient, p: PositionSpec): Promise<boolean> {
  const rows = await sql.query(
    `insert into positions (account_id, id, signal_id, symbol, asset_class, side, target_quantity, multiplier, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (account_id, signal_id) do nothing returning id`,
    [p.accountId, p.id, p.signalId, p.symbol, p.assetClass, p.side, formatDecimal(p.targetQuantity), formatDecimal(p.multiplier), p.createdAt],
  );
  return rows.length === 1;
}

/**
 * Takes a position's row lock for a write the exposure guard checks, and bumps its guard version so
 * that a concurrent compare-and-set placement (`insertGuardedOrder`) that read before sees it moved.
 */
export async function lockPositionForGuard(sql: SqlClient, accountId: string, positionId: string): Promise<PositionSpec | undefined> {
  const rows = await sql.query('update positions set guard_version = guard_version + 1 where account_id = $1 and id = $2 returning *', [accountId, positionId]);
  return rows[0] === undefined ? undefined : positionFromRow(rows[0]);
}

export async function selectPosition(
  sql: SqlClient,
  accountId: string,
  key: { by: 'id' | 'signal_id'; value: string },
  lock: 'for update' | '' = '',
): Promise<PositionSpec | undefined> {
  const column = key.by === 'id' ? 'id' : 'signal_id';
  const rows = await sql.query(`select * from positions where account_id = $1 and ${column} = $2 ${lock}`, [accountId, key.value]);
  return rows[0] === undefined ? undefined : positionFromRow(rows[0]);
}

export async function selectPositionAccount(sql: SqlClient, positionId: string): Promise<string | undefined> {
  const rows = await sql.query<{ account_id: string }>('select account_id from positions where id = $1', [positionId]);
  return rows[0]?.account_id;
}

export async function selectPositions(sql: SqlClient, accountIds: readonly string[]): Promise<PositionSpec[]> {
  if (accountIds.length === 0) return [];
  const rows = await sql.query('select * from positions where account_id = any($1::uuid[]) order by created_at, id', [accountIds]);
  return rows.map(positionFromRow);
}

/** A page of positions across accounts, newest first, by keyset on (created_at, id). */
export async function selectPositionPage(
  sql: SqlClient,
  accountIds: readonly string[],
  after: { createdAt: string; id: string } | null,
  limit: number,
): Promise<PositionSpec[]> {
  if (accountIds.length === 0) return [];
  const rows = await sql.query(
    `select * from positions where account_id = any($1::uuid[])
       and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
     order by created_at desc, id desc limit $4`,
    [accountIds, after?.createdAt ?? null, after?.id ?? null, limit],
  );
  return rows.map(positionFromRow);
}

/** What the exposure guard needs of a position, read in one statement (one snapshot). */
export interface GuardSnapshot {
  position: PositionSpec;
  /** The position's guard version when read, for the compare-and-set write (a bigint, as text). */
  guardVersion: string;
  /** What the guard needs of each of the position's orders (role, status, quantities), with its id. */
  orders: (GuardOrder & { id: string })[];
  /** Whether an order already holds the request's client order id (wherever it belongs): an idempotent replay. */
  replay: boolean;
  /** The account's fail-closed halt, when it has one and fail_closed is on (read in the same statement). */
  halt: AccountHalt | null;
}

/**
 * The guard's read, in one statement: the position, its guard version, what the guard needs of its
 * orders, and whether the client order id is already taken. Quantities travel as text (never a float).
 */
export async function selectGuardSnapshot(
  sql: SqlClient,
  accountId: string,
  positionId: string,
  clientOrderId: string | null,
): Promise<GuardSnapshot | undefined> {
  const rows = await sql.query(
    `select p.*, p.guard_version::text as guard_version_text,
       coalesce((select json_agg(json_build_array(o.id, o.role, o.status, o.quantity::text, o.qty_filled::text))
                 from orders o where o.account_id = p.account_id and o.position_id = p.id), '[]'::json) as guard_orders,
       ($3::text is not null and exists (select 1 from orders o where o.account_id = p.account_id and o.client_order_id = $3)) as replay,
       (select json_build_array(h.run_id, h.findings, h.halted_at) from account_halts h join accounts a on a.account_id = h.account_id
         where h.account_id = p.account_id and a.fail_closed) as entry_halt
     from positions p where p.account_id = $1 and p.id = $2`,
    [accountId, positionId, clientOrderId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const orders = (typeof row.guard_orders === 'string' ? JSON.parse(row.guard_orders) : row.guard_orders) as [string, string, string, string, string][];
  return {
    position: positionFromRow(row),
    guardVersion: row.guard_version_text as string,
    orders: orders.map(([id, role, status, quantity, qtyFilled]) => ({
      id,
      role: role as GuardOrder['role'],
      status: status as GuardOrder['status'],
      quantity: decimalFromSql(quantity),
      qtyFilled: decimalFromSql(qtyFilled),
    })),
    replay: row.replay === true,
    halt: haltFromJson(row.entry_halt),
  };
}

function haltFromJson(value: unknown): AccountHalt | null {
  if (value === null || value === undefined) return null;
  const [runId, findings, haltedAt] = (typeof value === 'string' ? JSON.parse(value) : value) as [string, Record<string, number>, string];
  return { runId, findings, haltedAt: toIso(haltedAt) };
}

export async function selectPositionOrders(sql: SqlClient, accountId: string, positionIds: readonly string[]): Promise<Order[]> {
  const rows = await sql.query('select * from orders where account_id = $1 and position_id = any($2::uuid[]) order by created_at, id', [accountId, positionIds]);
  return rows.map(orderFromRow);
}

export async function selectPositionFills(sql: SqlClient, accountId: string, positionIds: readonly string[]): Promise<Fill[]> {
  const rows = await sql.query(
    `select f.* from fills f join orders o on o.account_id = f.account_id and o.id = f.order_id
     where o.account_id = $1 and o.position_id = any($2::uuid[]) order by f.executed_at, f.exec_id`,
    [accountId, positionIds],
  );
  return rows.map(fillFromRow);
}

/** A multi-leg order's fill counts toward its leg's instrument, with the leg's side. */
export async function selectHoldingFills(sql: SqlClient, accountId: string): Promise<HoldingFill[]> {
  const rows = await sql.query(
    `select coalesce(o.legs -> (f.leg - 1) ->> 'symbol', o.symbol) as symbol,
       coalesce(o.legs -> (f.leg - 1) ->> 'asset_class', o.asset_class) as asset_class,
       coalesce(o.legs -> (f.leg - 1) ->> 'side', o.side) as side,
       f.quantity, f.price, f.fee, f.fee_currency, f.executed_at, f.exec_id
     from fills f join orders o on o.account_id = f.account_id and o.id = f.order_id
     where f.account_id = $1
     union all
     -- An imported opening balance counts as a fill at the start of its window, at an unknown price.
     select b.symbol, b.asset_class, case when b.quantity > 0 then 'buy' else 'sell' end, abs(b.quantity), null, 0, null, b.as_of, 'opening:' || b.import_id
     from opening_balances b where b.account_id = $1
     order by executed_at, exec_id`,
    [accountId],
  );
  return rows.map((r) => ({
    symbol: r.symbol as string,
    assetClass: r.asset_class as HoldingFill['assetClass'],
    side: r.side as HoldingFill['side'],
    quantity: decimalFromSql(r.quantity as string),
    price: r.price === null ? null : decimalFromSql(r.price as string),
    fee: decimalFromSql(r.fee as string),
    feeCurrency: (r.fee_currency as string | null) ?? null,
    executedAt: toIso(r.executed_at),
    execId: r.exec_id as string,
  }));
}

/**
 * The asset class of each instrument the account's fills traded (a leg's for a multi-leg order's
 * fill), that of its earliest fill when the fills disagree: one row per instrument and asset class,
 * summed by the server, where `selectHoldingFills` returns every fill.
 */
export async function selectFillAssetClasses(sql: SqlClient, accountId: string): Promise<Map<string, HoldingFill['assetClass']>> {
  const rows = await sql.query<{ symbol: string; asset_class: HoldingFill['assetClass'] }>(
    `select symbol, asset_class from (
       select coalesce(o.legs -> (f.leg - 1) ->> 'symbol', o.symbol) as symbol,
              coalesce(o.legs -> (f.leg - 1) ->> 'asset_class', o.asset_class) as asset_class,
              min(f.executed_at) as first_at
       from fills f join orders o on o.account_id = f.account_id and o.id = f.order_id
       where f.account_id = $1 group by 1, 2
     ) classes order by first_at desc, asset_class desc`,
    [accountId],
  );
  // Earliest last, so that it is the one kept.
  return new Map(rows.map((r) => [r.symbol, r.asset_class]));
}
