import type { Finding } from './reconciliation.js';

/**
 * Venue items an adapter could not read, as reconciliation findings of their own category. Such an
 * item is an order, fill or position the ledger cannot account for until the adapter learns to
 * read it; it is reported, never repaired (no repair could be chosen for what cannot be read).
 */

/** What reconciliation needs of one kept item (the storage record has more). */
export interface UnparsedItemView {
  venue: string;
  kind: string;
  venueItemId: string | null;
  reason: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
}

/**
 * One finding per item seen within `windowMs` before `now` (older ones are history, still listed by
 * `GET /v1/venue-items`), most recent first. An order item names its venue order id as the broker order id.
 */
export function unparsedFindings(items: readonly UnparsedItemView[], now: string, windowMs: number): Finding[] {
  const from = Date.parse(now) - windowMs;
  return items
    .filter((i) => Date.parse(i.lastSeenAt) >= from)
    .sort((a, b) => (a.lastSeenAt === b.lastSeenAt ? 0 : a.lastSeenAt < b.lastSeenAt ? 1 : -1))
    .map((i) => ({
      category: 'unparsed_venue_item' as const,
      orderId: null,
      brokerOrderId: i.kind === 'order' || i.kind === 'fill' ? i.venueItemId : null,
      symbol: null,
      details: {
        venue: i.venue,
        kind: i.kind,
        venue_item_id: i.venueItemId,
        reason: i.reason,
        first_seen_at: i.firstSeenAt,
        last_seen_at: i.lastSeenAt,
        times_seen: i.timesSeen,
      },
      repairs: [],
    }));
}
