import type { UnparsedItemKind, UnparsedVenueItem, VenueEvent } from './venue.js';

/**
 * Item-by-item parsing for venue lists and streams. An item an adapter cannot read (an unknown
 * status, type, side, time in force or order class) stays an error, never a silent default, but
 * its blast radius is that one item: it is skipped, handed on as an `unparsed` event, and the rest
 * of the page goes on.
 */

/** The longest reason kept, in characters (a zod report on a large payload can run long). */
export const unparsedReasonCharsMax = 1_000;

export function unparsedItem(kind: UnparsedItemKind, payload: unknown, venueItemId: string | null, error: unknown): UnparsedVenueItem {
  const reason = error instanceof Error ? error.message : String(error);
  return { kind, venueItemId, payload, reason: reason.slice(0, unparsedReasonCharsMax) };
}

/** The venue's id of a raw item, read without trusting its shape (`id`, `order_id`, ...). */
export function rawId(payload: unknown, ...keys: string[]): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  for (const key of keys) {
    const value = (payload as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  }
  return null;
}

/**
 * Parses every item of a list; an item that throws becomes an unparsed item given to `skip`, and
 * the others are returned in order.
 */
export function parseEach<T>(items: readonly unknown[], kind: UnparsedItemKind, idKeys: readonly string[], parse: (raw: unknown) => T, skip: (item: UnparsedVenueItem) => void): T[] {
  const parsed: T[] = [];
  for (const raw of items) {
    try {
      parsed.push(parse(raw));
    } catch (error) {
      skip(unparsedItem(kind, raw, rawId(raw, ...idKeys), error));
    }
  }
  return parsed;
}

/** The event that carries an unparsed item to an adapter's listeners. */
export const unparsedEvent = (item: UnparsedVenueItem): VenueEvent => ({ kind: 'unparsed', item });
