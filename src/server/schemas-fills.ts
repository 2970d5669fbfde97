import { z } from 'zod';
import { assetClasses, orderRoles, orderSides } from '../domain/index.js';
import { fill, pageLimitDefault, pageLimitMax, stringCharsMax } from './schemas.js';

/**
 * The shapes of the fill listing and the CSV exports. Kept apart from schemas.ts so that they can
 * change without touching it; `timestamp` repeats its definition there (a one-line rule).
 */
const timestamp = z.iso.datetime({ offset: true });

export const fillQuery = z.strictObject({
  account_id: z.uuid().optional(),
  since: timestamp.optional().describe('executed at or after'),
  until: timestamp.optional().describe('executed before'),
  symbol: z.string().min(1).max(64).optional().describe("the order's symbol (a multi-leg order's label)"),
  order_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
});

/** A fill with what it traded (a leg fill: the leg's instrument and side) and whose order it is. */
export const listedFill = fill.extend({
  account_id: z.uuid(),
  symbol: z.string(),
  asset_class: z.enum(assetClasses),
  side: z.enum(orderSides),
  client_order_id: z.string(),
  broker_order_id: z.string().nullable(),
  role: z.enum(orderRoles),
  position_id: z.uuid().nullable(),
  signal_id: z.string().nullable(),
});

export const exportQuery = z.strictObject({
  account_id: z.uuid(),
  since: timestamp.optional().describe('fills: executed, orders: created, trades: closed at or after'),
  until: timestamp.optional().describe('the same, before'),
});
