import { createHash } from 'node:crypto';
import type { SqlClient } from './database.js';
import { toIso } from './order-rows.js';

/** A venue item kept raw because its adapter could not read it (see migrations/010). */
export interface UnparsedItemRecord {
  accountId: string;
  venue: string;
  kind: string;
  itemKey: string;
  venueItemId: string | null;
  payload: unknown;
  reason: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
}

/** The largest payload kept whole, in bytes of its JSON; a larger one keeps its head only. */
export const unparsedPayloadBytesMax = 256 * 1024;
/** Items returned per page at most. */
export const unparsedPageSizeMax = 500;

type Row = Record<string, unknown>;
const recordFromRow = (r: Row): UnparsedItemRecord => ({
  accountId: r.account_id as string,
  venue: r.venue as string,
  kind: r.kind as string,
  itemKey: r.item_key as string,
  venueItemId: (r.venue_item_id as string | null) ?? null,
  payload: r.payload,
  reason: r.reason as string,
  firstSeenAt: toIso(r.first_seen_at),
  lastSeenAt: toIso(r.last_seen_at),
  timesSeen: Number(r.times_seen),
});

/** The payload as stored: its JSON, or (too large) a marker with the JSON's head and size. */
function storedPayload(payload: unknown): string {
  const json = JSON.stringify(payload ?? null) ?? 'null';
  if (Buffer.byteLength(json) <= unparsedPayloadBytesMax) return json;
  return JSON.stringify({ fillbook_truncated: true, bytes: Buffer.byteLength(json), head: json.slice(0, unparsedPayloadBytesMax / 2) });
}

/** What names one item: the venue's id for it, else a digest of its payload (the same payload is the same item). */
export function unparsedItemKey(venueItemId: string | null, payload: unknown): string {
  if (venueItemId !== null) return `id:${venueItemId}`;
  return `sha256:${createHash('sha256').update(JSON.stringify(payload ?? null) ?? 'null').digest('hex')}`;
}

export interface UnparsedItemInput {
  accountId: string;
  venue: string;
  kind: string;
  venueItemId: string | null;
  payload: unknown;
  reason: string;
  seenAt: string;
}

/**
 * Keeps one sighting: a new item is inserted, a known one gets the newest payload and reason and one
 * more count. Returns the item's key and whether this was its first sighting.
 */
export async function upsertUnparsedItem(sql: SqlClient, item: UnparsedItemInput): Promise<{ itemKey: string; first: boolean }> {
  const itemKey = unparsedItemKey(item.venueItemId, item.payload);
  const rows = await sql.query<{ first: boolean }>(
    `insert into unparsed_venue_items (account_id, venue, kind, item_key, venue_item_id, payload, reason, first_seen_at, last_seen_at, times_seen)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $8, 1)
     on conflict (account_id, venue, kind, item_key) do update set
       payload = excluded.payload, reason = excluded.reason, times_seen = unparsed_venue_items.times_seen + 1,
       last_seen_at = greatest(unparsed_venue_items.last_seen_at, excluded.last_seen_at),
       first_seen_at = least(unparsed_venue_items.first_seen_at, excluded.first_seen_at)
     returning times_seen = 1 as first`,
    [item.accountId, item.venue, item.kind, itemKey, item.venueItemId, storedPayload(item.payload), item.reason, item.seenAt],
  );
  return { itemKey, first: rows[0]?.first === true };
}

/** Where a page ends: the last item's (last_seen_at, item_key, venue, kind), newest first. */
export interface UnparsedCursor {
  lastSeenAt: string;
  itemKey: string;
  venue: string;
  kind: string;
}

/** An account's items, most recently seen first, seen at or after `seenSince` when given. */
export async function selectUnparsedItems(
  sql: SqlClient,
  accountId: string,
  options: { limit: number; after?: UnparsedCursor | null; seenSince?: string | null },
): Promise<UnparsedItemRecord[]> {
  const limit = Math.max(1, Math.min(unparsedPageSizeMax, options.limit));
  const after = options.after ?? null;
  const rows = await sql.query(
    `select * from unparsed_venue_items
     where account_id = $1
       and ($2::timestamptz is null or last_seen_at >= $2)
       and ($3::timestamptz is null or (last_seen_at, item_key, venue, kind) < ($3::timestamptz, $4::text, $5::text, $6::text))
     order by last_seen_at desc, item_key desc, venue desc, kind desc
     limit $7`,
    [accountId, options.seenSince ?? null, after?.lastSeenAt ?? null, after?.itemKey ?? null, after?.venue ?? null, after?.kind ?? null, limit],
  );
  return rows.map(recordFromRow);
}

/** Distinct items by venue and kind, for the metrics gauge. */
export async function countUnparsedItems(sql: SqlClient): Promise<{ venue: string; kind: string; n: number }[]> {
  const rows = await sql.query<{ venue: string; kind: string; n: number }>('select venue, kind, count(*)::int as n from unparsed_venue_items group by venue, kind');
  return rows.map((r) => ({ venue: r.venue, kind: r.kind, n: Number(r.n) }));
}
