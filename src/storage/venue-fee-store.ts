import type { SqlClient } from './database.js';
import { toIso } from './order-rows.js';

/** Each account's fee poll position and its fees waiting for their order (migration 016). */

export interface FeeCursorRecord {
  venue: string;
  cursor: string;
  pagesRead: number;
}

export async function selectFeeCursor(sql: SqlClient, accountId: string): Promise<FeeCursorRecord | undefined> {
  const rows = await sql.query<{ venue: string; cursor: string; pages_read: string | number }>(
    'select venue, cursor, pages_read from venue_fee_cursors where account_id = $1',
    [accountId],
  );
  const r = rows[0];
  return r === undefined ? undefined : { venue: r.venue, cursor: r.cursor, pagesRead: Number(r.pages_read) };
}

export async function upsertFeeCursor(sql: SqlClient, accountId: string, venue: string, cursor: string, at: string): Promise<void> {
  await sql.query(
    `insert into venue_fee_cursors (account_id, venue, cursor, pages_read, updated_at) values ($1, $2, $3, 1, $4)
     on conflict (account_id) do update set venue = excluded.venue, cursor = excluded.cursor,
       pages_read = venue_fee_cursors.pages_read + 1, updated_at = excluded.updated_at`,
    [accountId, venue, cursor, at],
  );
}

export interface PendingFeeRecord {
  feeId: string;
  venueOrderId: string;
  /** The fee report as stored (decimals as strings). */
  report: unknown;
  reason: string;
  attempts: number;
  firstSeenAt: string;
  lastTriedAt: string;
}

/** Keeps a fee that waits for its order; a fee kept before is tried once more (its count goes up). */
export async function upsertPendingFee(sql: SqlClient, accountId: string, fee: { feeId: string; venueOrderId: string; report: unknown; reason: string }, at: string): Promise<void> {
  await sql.query(
    `insert into venue_fees_pending (account_id, fee_id, venue_order_id, report, reason, attempts, first_seen_at, last_tried_at)
     values ($1, $2, $3, $4, $5, 1, $6, $6)
     on conflict (account_id, fee_id) do update set reason = excluded.reason, attempts = venue_fees_pending.attempts + 1, last_tried_at = excluded.last_tried_at`,
    [accountId, fee.feeId, fee.venueOrderId, JSON.stringify(fee.report), fee.reason, at],
  );
}

export async function deletePendingFee(sql: SqlClient, accountId: string, feeId: string): Promise<void> {
  await sql.query('delete from venue_fees_pending where account_id = $1 and fee_id = $2', [accountId, feeId]);
}

/** The account's waiting fees, those tried longest ago first. */
export async function selectPendingFees(sql: SqlClient, accountId: string, limit: number): Promise<PendingFeeRecord[]> {
  const rows = await sql.query(
    `select fee_id, venue_order_id, report, reason, attempts, first_seen_at, last_tried_at from venue_fees_pending
     where account_id = $1 order by last_tried_at, fee_id limit $2`,
    [accountId, limit],
  );
  return rows.map((r) => ({
    feeId: r.fee_id as string,
    venueOrderId: r.venue_order_id as string,
    report: typeof r.report === 'string' ? (JSON.parse(r.report) as unknown) : r.report,
    reason: r.reason as string,
    attempts: Number(r.attempts),
    firstSeenAt: toIso(r.first_seen_at),
    lastTriedAt: toIso(r.last_tried_at),
  }));
}
