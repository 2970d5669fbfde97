import type { SqlClient } from './database.js';
import { toIso } from './order-rows.js';

export const inboxStatuses = ['pending', 'waiting', 'processed', 'failed'] as const;
export type InboxStatus = (typeof inboxStatuses)[number];

export interface InboxItem {
  accountId: string;
  id: string;
  venue: string;
  deliveryId: string;
  payload: unknown;
  receivedAt: string;
  status: InboxStatus;
  attempts: number;
  lastError: string | null;
}

type Row = Record<string, unknown>;
const itemFromRow = (r: Row): InboxItem => ({
  accountId: r.account_id as string,
  id: r.id as string,
  venue: r.venue as string,
  deliveryId: r.delivery_id as string,
  payload: r.payload,
  receivedAt: toIso(r.received_at),
  status: r.status as InboxStatus,
  attempts: Number(r.attempts),
  lastError: (r.last_error as string | null) ?? null,
});

/** Stores a delivery; undefined when the same delivery id was stored before (a replay). */
export async function insertInboxItem(sql: SqlClient, item: Omit<InboxItem, 'status' | 'attempts' | 'lastError'>): Promise<string | undefined> {
  const rows = await sql.query<{ id: string }>(
    `insert into webhook_inbox (account_id, id, venue, delivery_id, payload, received_at, status, next_attempt_at)
     values ($1, $2, $3, $4, $5, $6, 'pending', $6) on conflict (account_id, delivery_id) do nothing returning id`,
    [item.accountId, item.id, item.venue, item.deliveryId, JSON.stringify(item.payload), item.receivedAt],
  );
  return rows[0]?.id;
}

/**
 * Claims due items for processing: their next attempt moves `leaseMs` ahead, so another instance
 * does not take them meanwhile, and a crash mid-processing only delays them by the lease.
 */
export async function claimDueInboxItems(sql: SqlClient, now: string, leaseMs: number, limit: number): Promise<InboxItem[]> {
  const rows = await sql.query(
    `update webhook_inbox w set next_attempt_at = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
     from (select account_id, id from webhook_inbox
           where status in ('pending', 'waiting') and next_attempt_at <= $1
           order by received_at, id limit $3 for update skip locked) due
     where w.account_id = due.account_id and w.id = due.id
     returning w.*`,
    [now, leaseMs, limit],
  );
  return rows.map(itemFromRow).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
}

export async function settleInboxItem(
  sql: SqlClient,
  item: Pick<InboxItem, 'accountId' | 'id'>,
  outcome: { status: InboxStatus; error: string | null; nextAttemptAt: string; at: string },
): Promise<void> {
  await sql.query(
    `update webhook_inbox set status = $3, attempts = attempts + 1, last_error = $4, next_attempt_at = $5,
       processed_at = case when $3 = 'processed' then $6::timestamptz else processed_at end
     where account_id = $1 and id = $2`,
    [item.accountId, item.id, outcome.status, outcome.error, outcome.nextAttemptAt, outcome.at],
  );
}

export async function selectInboxItem(sql: SqlClient, accountId: string, id: string): Promise<InboxItem | undefined> {
  const rows = await sql.query('select * from webhook_inbox where account_id = $1 and id = $2', [accountId, id]);
  return rows[0] === undefined ? undefined : itemFromRow(rows[0]);
}

/** Items not yet processed, per status, for the inbox-depth metric. */
export async function countInbox(sql: SqlClient): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from webhook_inbox where status in ('pending', 'waiting') group by status`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
