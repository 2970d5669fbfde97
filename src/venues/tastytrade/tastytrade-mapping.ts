import { type AssetClass, averagePrice, type Decimal, type OrderSide, type OrderStatus, type OrderType, type TimeInForce, zero } from '../../domain/index.js';
import { type VenueFillReport, type VenueOrderReport, type VenuePlaceRequest, type VenuePositionReport, VenueError } from '../venue.js';
import type { TastyOrder, tastyPositionSchema } from './tastytrade-schemas.js';
import type { z } from 'zod';

/**
 * From tastytrade's words to Fillbook's, both ways. Every table is exhaustive: a value tastytrade
 * sends that is not in it is an error naming the order, never a default.
 *
 * Multi-leg orders (spreads) are out of scope while the ledger has no legs: such an order is
 * reported with its first leg's symbol, side, quantity and fills only.
 */

export const tastytradeStatuses = [
  'Received',
  'Routed',
  'In Flight',
  'Contingent',
  'Live',
  'Cancel Requested',
  'Replace Requested',
  'Filled',
  'Cancelled',
  'Expired',
  'Rejected',
  'Removed',
  'Partially Removed',
] as const;
export type TastytradeStatus = (typeof tastytradeStatuses)[number];

/** `Live` splits on quantities (open or partially_filled) and `Cancelled` on `replacing-order-id`; see `mapTastytradeStatus`. */
const statusMap: Record<TastytradeStatus, OrderStatus | 'by_fills' | 'by_replacement'> = {
  Received: 'pending_submit', // accepted by tastytrade, not yet at the exchange
  Routed: 'pending_submit',
  'In Flight': 'pending_submit',
  Contingent: 'pending_submit', // waits for its trigger (OTO/OCO child)
  Live: 'by_fills',
  'Cancel Requested': 'pending_cancel',
  'Replace Requested': 'pending_cancel', // a replace is a cancel of this order plus a new one
  Filled: 'filled',
  Cancelled: 'by_replacement',
  Expired: 'expired',
  Rejected: 'rejected',
  Removed: 'canceled', // taken off the book by tastytrade (e.g. a closing order whose position is gone)
  'Partially Removed': 'canceled', // part filled, the rest removed: the fills stand, the order is done
};

export function mapTastytradeStatus(order: Pick<TastyOrder, 'id' | 'status' | 'replacing-order-id'>, filled: Decimal): OrderStatus {
  const mapped = statusMap[order.status as TastytradeStatus];
  if (mapped === undefined) throw new Error(`tastytrade order ${order.id}: unknown order status ${JSON.stringify(order.status)}`);
  if (mapped === 'by_fills') return filled.gt(0) ? 'partially_filled' : 'open';
  if (mapped === 'by_replacement') return order['replacing-order-id'] ? 'replaced' : 'canceled';
  return mapped;
}

const instrumentClasses: Record<string, AssetClass> = {
  Equity: 'equity',
  'Equity Option': 'option',
  Future: 'future',
  'Future Option': 'option',
  Cryptocurrency: 'crypto',
};
const instrumentTypes: Record<AssetClass, string> = { equity: 'Equity', option: 'Equity Option', future: 'Future', crypto: 'Cryptocurrency' };

const timesInForce: Record<string, TimeInForce> = {
  Day: 'day',
  Ext: 'day', // a day order that also works the extended session
  GTC: 'gtc',
  'GTC Ext': 'gtc',
  GTD: 'gtc', // good till a date: works like GTC until then
  IOC: 'ioc',
};
const tastyTimesInForce: Partial<Record<TimeInForce, string>> = { day: 'Day', gtc: 'GTC', ioc: 'IOC' };

const orderTypes: Record<string, OrderType> = {
  Market: 'market',
  'Notional Market': 'market',
  Limit: 'limit',
  'Marketable Limit': 'limit',
  Stop: 'stop',
  'Stop Limit': 'stop_limit',
};
const tastyOrderTypes: Record<OrderType, string> = { market: 'Market', limit: 'Limit', stop: 'Stop', stop_limit: 'Stop Limit' };

const sides: Record<string, OrderSide> = {
  'Buy to Open': 'buy',
  'Buy to Close': 'buy',
  Buy: 'buy',
  'Sell to Open': 'sell',
  'Sell to Close': 'sell',
  Sell: 'sell',
};

function lookup<T>(table: Record<string, T>, value: string, what: string, orderId: string): T {
  const found = Object.hasOwn(table, value) ? table[value] : undefined;
  if (found === undefined) throw new Error(`tastytrade order ${orderId}: unknown ${what} ${JSON.stringify(value)}`);
  return found;
}

export function assetClassOf(instrumentType: string, where: string): AssetClass {
  return lookup(instrumentClasses, instrumentType, 'instrument type', where);
}

/** The fills Fillbook counts for an order: the first leg's (see the note on multi-leg orders above). */
export function countedFills(order: TastyOrder) {
  return order.legs[0]!.fills ?? [];
}

export function tastyOrderReport(order: TastyOrder, now: string): VenueOrderReport {
  const leg = order.legs[0]!;
  const fills = countedFills(order);
  const filled = fills.reduce((sum, f) => sum.plus(f.quantity), zero);
  const notional = fills.reduce((sum, f) => sum.plus(f.quantity.times(f['fill-price'])), zero);
  const type = lookup(orderTypes, order['order-type'], 'order type', order.id);
  const updatedAt = order['updated-at'] ?? order['received-at'] ?? now;
  return {
    venueOrderId: order.id,
    clientOrderId: order['external-identifier'] ?? null,
    symbol: leg.symbol,
    assetClass: assetClassOf(leg['instrument-type'], `order ${order.id}`),
    side: lookup(sides, leg.action, 'leg action', order.id),
    type,
    timeInForce: lookup(timesInForce, order['time-in-force'], 'time in force', order.id),
    quantity: leg.quantity,
    limitPrice: type === 'limit' || type === 'stop_limit' ? (order.price ?? null) : null,
    stopPrice: order['stop-trigger'] ?? null,
    status: mapTastytradeStatus(order, filled),
    filledQuantity: filled,
    avgFillPrice: filled.isZero() ? null : averagePrice(notional, filled),
    reason: order['reject-reason'] ?? null,
    createdAt: order['received-at'] ?? updatedAt,
    updatedAt,
  };
}

/**
 * The order's fills as Fillbook fills. tastytrade puts no fee on a fill (fees arrive later as
 * transactions), so the fee is zero with no currency: the ledger's fees for tastytrade are not
 * complete until transactions are imported, which this adapter does not do yet.
 */
export function tastyFillReports(order: TastyOrder): VenueFillReport[] {
  const leg = order.legs[0]!;
  const side = lookup(sides, leg.action, 'leg action', order.id);
  return countedFills(order).map((f) => ({
    execId: f['fill-id'],
    venueOrderId: order.id,
    clientOrderId: order['external-identifier'] ?? null,
    symbol: leg.symbol,
    side,
    quantity: f.quantity,
    price: f['fill-price'],
    fee: zero,
    feeCurrency: null,
    liquidity: null,
    executedAt: f['filled-at'],
  }));
}

export function tastyPositionReport(p: z.infer<typeof tastyPositionSchema>): VenuePositionReport {
  const sign = p['quantity-direction'] === 'Short' ? -1 : p['quantity-direction'] === 'Zero' ? 0 : 1;
  return { symbol: p.symbol, assetClass: assetClassOf(p['instrument-type'], `position ${p.symbol}`), netQuantity: p.quantity.abs().times(sign) };
}

/**
 * The order JSON tastytrade expects. Equity and option legs name their position effect: a buy
 * against a short position is `Buy to Close`, otherwise `Buy to Open` (and the mirror for sells);
 * futures legs are plain `Buy`/`Sell`. An order that would cross through zero is sent as a close
 * and tastytrade decides (it turns a close with no position left into an open by default).
 */
export function tastyOrderBody(r: VenuePlaceRequest, heldNet: Decimal): Record<string, unknown> {
  const tif = tastyTimesInForce[r.timeInForce];
  if (tif === undefined) throw new VenueError('rejected', `tastytrade has no time in force ${r.timeInForce}; use day, gtc or ioc`);
  const action =
    r.assetClass === 'future'
      ? r.side === 'buy'
        ? 'Buy'
        : 'Sell'
      : r.side === 'buy'
        ? heldNet.lt(0)
          ? 'Buy to Close'
          : 'Buy to Open'
        : heldNet.gt(0)
          ? 'Sell to Close'
          : 'Sell to Open';
  const body: Record<string, unknown> = {
    'time-in-force': tif,
    'order-type': tastyOrderTypes[r.type],
    source: 'fillbook',
    'external-identifier': r.clientOrderId,
    legs: [{ 'instrument-type': instrumentTypes[r.assetClass], symbol: r.symbol, quantity: r.quantity.toFixed(), action }],
  };
  if (r.type === 'limit' || r.type === 'stop_limit') {
    if (r.limitPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a limit price`);
    body.price = r.limitPrice.toFixed();
    body['price-effect'] = r.side === 'buy' ? 'Debit' : 'Credit';
  }
  if (r.type === 'stop' || r.type === 'stop_limit') {
    if (r.stopPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a stop price`);
    body['stop-trigger'] = r.stopPrice.toFixed();
  }
  return body;
}
