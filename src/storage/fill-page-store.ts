import type { AssetClass, Fill, OrderRole, OrderSide } from '../domain/index.js';
import type { SqlClient } from './database.js';
import { fillFromRow } from './order-rows.js';

/**
 * Fills read for listing and export: each with what it traded (the order's instrument, or for a
 * multi-leg order the leg's), its order's identifiers and role, and the position and signal the
 * order belongs to. Pages are keyset pages on (executed_at, id): a fill is never updated, so a
 * page boundary never moves.
 */
export interface ListedFill extends Fill {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  venue: string;
  clientOrderId: string;
  brokerOrderId: string | null;
  role: OrderRole;
  positionId: string | null;
  signalId: string | null;
  /** `executed_at` to the microsecond, for the keyset cursor (`executedAt` is to the millisecond). */
  keysetAt: string;
}

export interface FillPageFilter {
  accountIds: readonly string[];
  /** Executed at or after. */
  since: string | null;
  /** Executed before. */
  until: string | null;
  /** The order's symbol (a multi-leg order's label). */
  symbol: string | null;
  orderId: string | null;
  /** Keyset cursor: the (executed_at, id) of the last fill of the previous page. */
  after: { at: string; id: string } | null;
  /** `desc`: newest first (the API); `asc`: oldest first (exports). */
  direction: 'asc' | 'desc';
  limit: number;
}

/**
 * A page of fills: each account's newest (or oldest) `limit` read down its index on
 * (account_id, executed_at, id) from the cursor, then merged. One scan of `account_id = any(…)`
 * would read and sort every fill of the accounts for each page.
 */
const fillPageSql = (direction: 'asc' | 'desc') => `
  select f.*,
    coalesce(o.legs -> (f.leg - 1) ->> 'symbol', o.symbol) as instrument_symbol,
    coalesce(o.legs -> (f.leg - 1) ->> 'asset_class', o.asset_class) as instrument_asset_class,
    coalesce(o.legs -> (f.leg - 1) ->> 'side', o.side) as instrument_side,
    to_char(f.executed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as keyset_at,
    a.venue, o.client_order_id, o.broker_order_id, o.role, o.position_id, p.signal_id
  from (select distinct unnest($1::uuid[]) as account_id) account
  cross join lateral (
    select f.* from fills f
    join orders o on o.account_id = f.account_id and o.id = f.order_id
    where f.account_id = account.account_id
      and ($2::timestamptz is null or f.executed_at >= $2)
      and ($3::timestamptz is null or f.executed_at < $3)
      and ($4::text is null or o.symbol = $4)
      and ($5::uuid is null or f.order_id = $5)
      and ($6::timestamptz is null or (f.executed_at, f.id) ${direction === 'desc' ? '<' : '>'} ($6::timestamptz, $7::uuid))
    order by f.executed_at ${direction}, f.id ${direction} limit $8
  ) f
  join orders o on o.account_id = f.account_id and o.id = f.order_id
  join accounts a on a.account_id = f.account_id
  left join positions p on p.account_id = o.account_id and p.id = o.position_id
  order by f.executed_at ${direction}, f.id ${direction} limit $8`;
const fillPageSqlBy = { asc: fillPageSql('asc'), desc: fillPageSql('desc') } as const;

export async function selectFillPage(sql: SqlClient, f: FillPageFilter): Promise<ListedFill[]> {
  if (f.accountIds.length === 0) return [];
  const rows = await sql.query(fillPageSqlBy[f.direction], [
    f.accountIds, f.since, f.until, f.symbol, f.orderId, f.after?.at ?? null, f.after?.id ?? null, f.limit,
  ]);
  return rows.map((r) => ({
    ...fillFromRow(r),
    symbol: r.instrument_symbol as string,
    assetClass: r.instrument_asset_class as AssetClass,
    side: r.instrument_side as OrderSide,
    venue: r.venue as string,
    clientOrderId: r.client_order_id as string,
    brokerOrderId: (r.broker_order_id as string | null) ?? null,
    role: r.role as OrderRole,
    positionId: (r.position_id as string | null) ?? null,
    signalId: (r.signal_id as string | null) ?? null,
    keysetAt: r.keyset_at as string,
  }));
}

/** How many fills a filter matches (for an export's progress bar). */
export async function countFills(sql: SqlClient, f: Omit<FillPageFilter, 'after' | 'direction' | 'limit'>): Promise<number> {
  if (f.accountIds.length === 0) return 0;
  const rows = await sql.query<{ n: string }>(
    `select count(*)::text as n from fills f join orders o on o.account_id = f.account_id and o.id = f.order_id
     where f.account_id = any($1::uuid[])
       and ($2::timestamptz is null or f.executed_at >= $2) and ($3::timestamptz is null or f.executed_at < $3)
       and ($4::text is null or o.symbol = $4) and ($5::uuid is null or f.order_id = $5)`,
    [f.accountIds, f.since, f.until, f.symbol, f.orderId],
  );
  return Number(rows[0]?.n ?? 0);
}
