import type { UnparsedItemKind, UnparsedVenueItem } from '../venue.js';

/**
 * What a list read of an exchange gives: the items that could be read, and those that could not,
 * kept raw. One unreadable item never fails the page it came in (the adapter emits it as an
 * `unparsed` event and goes on).
 */
export interface ReadItems<T> {
  items: T[];
  unparsed: UnparsedVenueItem[];
}

/** An item that is read but is not one of the things asked for (a funding execution among fills). */
export const notWanted = Symbol('not wanted');

/**
 * Reads each raw item with `read`; what `read` throws on becomes an unparsed item naming the
 * reason and, when one can be found, the item's own id (`idKeys`, first present wins).
 */
export function readEach<T>(list: readonly unknown[], kind: UnparsedItemKind, idKeys: readonly string[], read: (raw: unknown) => T | typeof notWanted): ReadItems<T> {
  const out: ReadItems<T> = { items: [], unparsed: [] };
  for (const raw of list) {
    try {
      const item = read(raw);
      if (item !== notWanted) out.items.push(item);
    } catch (error) {
      out.unparsed.push(unparsedItem(kind, raw, idKeys, error));
    }
  }
  return out;
}

export function unparsedItem(kind: UnparsedItemKind, raw: unknown, idKeys: readonly string[], error: unknown): UnparsedVenueItem {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = idKeys.map((k) => record[k]).find((v) => (typeof v === 'string' && v !== '') || typeof v === 'number');
  return { kind, venueItemId: id === undefined ? null : String(id), payload: raw, reason: error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500) };
}
