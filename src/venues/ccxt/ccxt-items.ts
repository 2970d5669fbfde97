import type { z } from 'zod';
import { type UnparsedItemKind, type UnparsedVenueItem, VenueError } from '../venue.js';

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

/** One exchange payload through its schema; what does not fit is an error naming the exchange, the payload and the first fields at fault. */
export function parsePayload<T extends z.ZodType>(exchange: string, schema: T, json: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${exchange} sent an unexpected payload for ${what}: ${issues}`);
  }
  return parsed.data;
}

/** A dialect's paging state, opaque to the caller: base64url JSON. */
export function encodeCursor(cursor: object | null): string | null {
  return cursor === null ? null : Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The state `encodeCursor` wrote, checked by `valid`; anything else is refused as not this dialect's cursor. */
export function decodeCursor<T>(exchange: string, text: string, what: string, valid: (c: Record<string, unknown>) => boolean): T {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown;
    if (typeof c === 'object' && c !== null && valid(c as Record<string, unknown>)) return c as T;
  } catch {
    // falls through to the error below
  }
  throw new VenueError('rejected', `not a ${exchange} ${what} cursor; pass back the cursor that was returned`);
}
