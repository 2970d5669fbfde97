import type { Order, PositionSpec } from '../domain/index.js';
import type { SqlClient } from './database.js';
import { orderFromRow } from './order-rows.js';
import { positionFromRow } from './position-store.js';

/**
 * The reads behind the CSV exports of orders and closed trades: one account at a time, oldest
 * first, in keyset pages on (created_at, id).
 */
export interface ExportPageFilter {
  accountId: string;
  since: string | null;
  until: string | null;
  /** The (created_at, id) of the last row of the previous page. */
  after: { at: string; id: string } | null;
  limit: number;
}

export interface ExportedOrder extends Order {
  signalId: string | null;
  /** `created_at` to the microsecond, for the keyset cursor. */
  keysetAt: string;
}

/** A time to the microsecond, as the keyset cursors carry it (an ISO string to the millisecond could skip rows). */
const keysetAt = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as keyset_at`;

/** Orders created in [since, until), oldest first, with their position's signal. */
export async function selectOrderExportPage(sql: SqlClient, f: ExportPageFilter): Promise<ExportedOrder[]> {
  const rows = await sql.query(
    `select o.*, p.signal_id as position_signal_id, ${keysetAt('o.created_at')} from orders o
     left join positions p on p.account_id = o.account_id and p.id = o.position_id
     where o.account_id = $1
       and ($2::timestamptz is null or o.created_at >= $2) and ($3::timestamptz is null or o.created_at < $3)
       and ($4::timestamptz is null or (o.created_at, o.id) > ($4::timestamptz, $5::uuid))
     order by o.created_at, o.id limit $6`,
    [f.accountId, f.since, f.until, f.after?.at ?? null, f.after?.id ?? null, f.limit],
  );
  return rows.map((r) => ({ ...orderFromRow(r), signalId: (r.position_signal_id as string | null) ?? null, keysetAt: r.keyset_at as string }));
}

export async function countOrderExport(sql: SqlClient, f: Omit<ExportPageFilter, 'after' | 'limit'>): Promise<number> {
  const rows = await sql.query<{ n: string }>(
    `select count(*)::text as n from orders where account_id = $1
       and ($2::timestamptz is null or created_at >= $2) and ($3::timestamptz is null or created_at < $3)`,
    [f.accountId, f.since, f.until],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Positions that may have closed in [since, until), oldest first: a position closes at its last
 * exit fill, so only positions with a fill in the window can have closed in it. Whether one did is
 * decided by deriving it (the status and closing time are derived, never stored).
 */
export async function selectTradeCandidatePage(sql: SqlClient, f: ExportPageFilter): Promise<(PositionSpec & { keysetAt: string })[]> {
  const rows = await sql.query(
    `select p.*, ${keysetAt('p.created_at')} from positions p
     where p.account_id = $1
       and ($4::timestamptz is null or (p.created_at, p.id) > ($4::timestamptz, $5::uuid))
       and exists (select 1 from orders o join fills x on x.account_id = o.account_id and x.order_id = o.id
                   where o.account_id = p.account_id and o.position_id = p.id and o.role <> 'entry'
                     and ($2::timestamptz is null or x.executed_at >= $2) and ($3::timestamptz is null or x.executed_at < $3))
     order by p.created_at, p.id limit $6`,
    [f.accountId, f.since, f.until, f.after?.at ?? null, f.after?.id ?? null, f.limit],
  );
  return rows.map((r) => ({ ...positionFromRow(r), keysetAt: r.keyset_at as string }));
}

export async function countTradeCandidates(sql: SqlClient, f: Omit<ExportPageFilter, 'after' | 'limit'>): Promise<number> {
  const rows = await sql.query<{ n: string }>(
    `select count(*)::text as n from positions p
     where p.account_id = $1
       and exists (select 1 from orders o join fills x on x.account_id = o.account_id and x.order_id = o.id
                   where o.account_id = p.account_id and o.position_id = p.id and o.role <> 'entry'
                     and ($2::timestamptz is null or x.executed_at >= $2) and ($3::timestamptz is null or x.executed_at < $3))`,
    [f.accountId, f.since, f.until],
  );
  return Number(rows[0]?.n ?? 0);
}
