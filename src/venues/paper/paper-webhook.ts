import { z } from 'zod';
import { Decimal, FillbookError } from '../../domain/index.js';
import type { VenueEvent } from '../venue.js';
import { mapPaperStatus, paperStatuses } from './paper-book.js';

/**
 * The paper venue's webhook payloads, one event each. Made-up examples:
 *   {"type":"order","order":{"broker_order_id":"P-1","client_order_id":"c-1","symbol":"AAPL","asset_class":"equity",
 *    "side":"buy","type":"limit","time_in_force":"day","quantity":"10","limit_price":"2.5","stop_price":null,
 *    "status":"new","filled_quantity":"0","reason":null,"created_at":"2026-11-20T14:30:00Z","updated_at":"2026-11-20T14:30:00Z"}}
 *   {"type":"fill","fill":{"exec_id":"P-1-F1","broker_order_id":"P-1","client_order_id":"c-1","symbol":"AAPL",
 *    "side":"buy","quantity":"4","price":"2.5","fee":"0","executed_at":"2026-11-20T14:30:01Z"}}
 */
const decimal = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/);
const orderPayload = z.object({
  broker_order_id: z.string().min(1).max(128),
  client_order_id: z.string().max(128).nullable(),
  symbol: z.string().min(1).max(64),
  asset_class: z.enum(['equity', 'option', 'future', 'crypto']),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit']),
  time_in_force: z.enum(['day', 'gtc', 'ioc', 'fok', 'opg', 'cls']),
  quantity: decimal,
  limit_price: decimal.nullable(),
  stop_price: decimal.nullable(),
  status: z.enum(paperStatuses),
  filled_quantity: decimal,
  avg_fill_price: decimal.nullable().optional(),
  reason: z.string().max(1000).nullable(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
const fillPayload = z.object({
  exec_id: z.string().min(1).max(200),
  broker_order_id: z.string().min(1).max(128),
  client_order_id: z.string().max(128).nullable(),
  symbol: z.string().min(1).max(64),
  side: z.enum(['buy', 'sell']),
  quantity: decimal,
  price: decimal,
  fee: decimal,
  executed_at: z.iso.datetime({ offset: true }),
});
const payload = z.discriminatedUnion('type', [z.object({ type: z.literal('order'), order: orderPayload }), z.object({ type: z.literal('fill'), fill: fillPayload })]);

const d = (v: string) => new Decimal(v);
const dn = (v: string | null) => (v === null ? null : new Decimal(v));

export function parsePaperWebhook(raw: unknown): VenueEvent[] {
  const parsed = payload.safeParse(raw);
  if (!parsed.success) {
    throw new FillbookError('FILLBOOK_ERR_VALIDATION', 'not a paper venue webhook payload', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  const p = parsed.data;
  if (p.type === 'fill') {
    const f = p.fill;
    return [{ kind: 'fill', fill: { execId: f.exec_id, venueOrderId: f.broker_order_id, clientOrderId: f.client_order_id, leg: null, symbol: f.symbol, side: f.side, quantity: d(f.quantity), price: d(f.price), fee: d(f.fee), feeCurrency: 'USD', liquidity: null, executedAt: new Date(f.executed_at).toISOString() } }];
  }
  const o = p.order;
  return [
    {
      kind: 'order',
      order: {
        venueOrderId: o.broker_order_id,
        clientOrderId: o.client_order_id,
        symbol: o.symbol,
        assetClass: o.asset_class,
        side: o.side,
        type: o.type,
        timeInForce: o.time_in_force,
        quantity: d(o.quantity),
        limitPrice: dn(o.limit_price),
        stopPrice: dn(o.stop_price),
        legs: null,
        status: mapPaperStatus(o.status),
        filledQuantity: d(o.filled_quantity),
        avgFillPrice: dn(o.avg_fill_price ?? null),
        reason: o.reason,
        createdAt: new Date(o.created_at).toISOString(),
        updatedAt: new Date(o.updated_at).toISOString(),
      },
    },
  ];
}

const paperStatusOf: Record<string, (typeof paperStatuses)[number]> = {
  open: 'new',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
};

/** The payload the paper venue sends for an event when it delivers through webhooks. */
export function paperWebhookPayload(event: VenueEvent): unknown {
  if (event.kind === 'fill') {
    const f = event.fill;
    return { type: 'fill', fill: { exec_id: f.execId, broker_order_id: f.venueOrderId, client_order_id: f.clientOrderId, symbol: f.symbol, side: f.side, quantity: f.quantity.toFixed(), price: f.price.toFixed(), fee: f.fee.toFixed(), executed_at: f.executedAt } };
  }
  if (event.kind !== 'order') return undefined;
  const o = event.order;
  const status = paperStatusOf[o.status];
  if (status === undefined) throw new Error(`the paper venue has no status for ${o.status}`);
  return {
    type: 'order',
    order: {
      broker_order_id: o.venueOrderId,
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      asset_class: o.assetClass,
      side: o.side,
      type: o.type,
      time_in_force: o.timeInForce,
      quantity: o.quantity.toFixed(),
      limit_price: o.limitPrice?.toFixed() ?? null,
      stop_price: o.stopPrice?.toFixed() ?? null,
      status,
      filled_quantity: o.filledQuantity.toFixed(),
      avg_fill_price: o.avgFillPrice?.toFixed() ?? null,
      reason: o.reason,
      created_at: o.createdAt,
      updated_at: o.updatedAt,
    },
  };
}
