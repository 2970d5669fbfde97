import { type Finding, FillbookError, unparsedFindings, venueItemUnparsedAlert } from '../domain/index.js';
import { type Database, queueAlert, type SqlClient, selectUnparsedItems, type UnparsedCursor, type UnparsedItemRecord, upsertUnparsedItem } from '../storage/index.js';
import type { UnparsedVenueItem } from '../venues/index.js';

/**
 * Venue items an adapter could not read, kept raw per account: stored as the adapters emit them
 * (through VenueSync), listed for the user, counted in /metrics and reported by reconciliation.
 * Shared through the database, so every instance sees what any of them kept.
 */

/** How long after it was last seen an item is still a reconciliation finding (it stays listed). */
export const unparsedFindingWindowMsDefault = 7 * 24 * 3_600_000;
/** Items reconciliation reads at most per run. */
export const unparsedFindingsMax = 500;

/** Keeps an item; its first sighting queues an alert in the same transaction (later ones only count). */
export async function keepUnparsedItem(db: Database, accountId: string, venue: string, item: UnparsedVenueItem, seenAt: string): Promise<void> {
  await db.transaction(async (tx) => {
    const kept = await upsertUnparsedItem(tx, { accountId, venue, kind: item.kind, venueItemId: item.venueItemId, payload: item.payload, reason: item.reason, seenAt });
    if (kept.first) await queueAlert(tx, accountId, venueItemUnparsedAlert({ venue, kind: item.kind, itemKey: kept.itemKey, venueItemId: item.venueItemId, reason: item.reason }), seenAt);
  });
}

export interface UnparsedPage {
  items: UnparsedItemRecord[];
  cursor: string | null;
}

/** A page of an account's items, most recently seen first; the cursor continues after the last. */
export async function listUnparsedItems(sql: SqlClient, accountId: string, limit: number, cursor: string | null = null): Promise<UnparsedPage> {
  const items = await selectUnparsedItems(sql, accountId, { limit, after: cursor === null ? null : decodeCursor(cursor) });
  const last = items.at(-1);
  return { items, cursor: items.length === limit && last !== undefined ? encodeCursor({ lastSeenAt: last.lastSeenAt, itemKey: last.itemKey, venue: last.venue, kind: last.kind }) : null };
}

/** The reconciliation findings of an account's recently seen items. */
export async function unparsedItemFindings(sql: SqlClient, accountId: string, now: Date, windowMs = unparsedFindingWindowMsDefault): Promise<Finding[]> {
  const seenSince = new Date(now.getTime() - windowMs).toISOString();
  const items = await selectUnparsedItems(sql, accountId, { limit: unparsedFindingsMax, seenSince });
  return unparsedFindings(items, now.toISOString(), windowMs);
}

function encodeCursor(c: UnparsedCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string): UnparsedCursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<UnparsedCursor>;
    if ([c.lastSeenAt, c.itemKey, c.venue, c.kind].every((v) => typeof v === 'string') && !Number.isNaN(Date.parse(c.lastSeenAt!))) return c as UnparsedCursor;
  } catch {
    // falls through
  }
  throw new FillbookError('FILLBOOK_ERR_VALIDATION', 'cursor is not one this service issued; pass next_cursor back unchanged', { field: 'cursor' });
}
