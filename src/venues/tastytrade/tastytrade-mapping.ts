import {
  type AssetClass,
  averagePrice,
  completeUnits,
  Decimal,
  type LegProgress,
  type OrderLeg,
  type OrderSide,
  type OrderStatus,
  type OrderType,
  type PositionEffect,
  type TimeInForce,
  netUnitPrice,
  zero,
} from '../../domain/index.js';
import { type VenueFillReport, type VenueOrderReport, type VenuePlaceRequest, type VenuePositionReport, VenueError } from '../venue.js';
import type { TastyLeg, TastyOrder, tastyPositionSchema } from './tastytrade-schemas.js';
import type { z } from 'zod';

/**
 * From tastytrade's words to Fillbook's, both ways. Every table is exhaustive: a value tastytrade
 * sends that is not in it is an error naming the order, never a default.
 *
 * A multi-leg order (a spread) is reported with all its legs: its `size` is the number of units,
 * each leg's ratio is the leg's quantity over the size, its side is the net direction
 * (`price-effect` Debit: buy, Credit: sell) and its symbol the underlying. Each leg's fills are
 * reported as fills of that leg.
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
const tastyOrderTypes: Partial<Record<OrderType, string>> = { market: 'Market', limit: 'Limit', stop: 'Stop', stop_limit: 'Stop Limit' };

/** What an action does to the holding: plain `Buy`/`Sell` (futures) say nothing. */
const positionEffectsOf: Record<string, PositionEffect | null> = {
  'Buy to Open': 'open',
  'Buy to Close': 'close',
  Buy: null,
  'Sell to Open': 'open',
  'Sell to Close': 'close',
  Sell: null,
};

const priceEffects: Record<string, OrderSide> = { Debit: 'buy', Credit: 'sell' };

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

/** A multi-leg order's legs in Fillbook's terms; null for a single-leg order. */
export function tastyLegs(order: TastyOrder): OrderLeg[] | null {
  if (order.legs.length === 1) return null;
  const size = order.size;
  if (size === null || size === undefined || !size.gt(0)) throw new Error(`tastytrade order ${order.id}: a multi-leg order without a positive size`);
  return order.legs.map((leg) => ({
    symbol: leg.symbol,
    assetClass: assetClassOf(leg['instrument-type'], `order ${order.id}`),
    side: lookup(sides, leg.action, 'leg action', order.id),
    ratio: leg.quantity.div(size),
    positionEffect: lookup(positionEffectsOf, leg.action, 'leg action', order.id),
  }));
}

function legProgress(leg: TastyLeg): LegProgress {
  const fills = leg.fills ?? [];
  return {
    qtyFilled: fills.reduce((sum, f) => sum.plus(f.quantity), zero),
    filledNotional: fills.reduce((sum, f) => sum.plus(f.quantity.times(f['fill-price'])), zero),
  };
}

/**
 * When an order last changed and when it was received, from what the payload has, never the local
 * clock. `orders/live` items may carry neither `received-at` nor `updated-at` (the documentation's
 * own example has no instant at all): the order's other instants are used (`terminal-at`,
 * `cancelled-at`, `live-at`, `in-flight-at`, its latest fill's `filled-at`), and failing all of them
 * the time tastytrade stamped on the message that carried it (the REST answer's `Date` header, the
 * streamer notification's `timestamp`), given as `carriedAt`. With none of these it is an error.
 */
export function tastyOrderTimes(order: TastyOrder, carriedAt: string | null): { createdAt: string; updatedAt: string } {
  const fills = order.legs.flatMap((l) => l.fills ?? []).map((f) => f['filled-at']).sort();
  const changed = [order['updated-at'], order['terminal-at'], order['cancelled-at'], order['live-at'], order['in-flight-at'], order['received-at'], fills.at(-1)].filter((t): t is string => typeof t === 'string');
  const updatedAt = changed[0] ?? carriedAt;
  if (updatedAt === null) throw new Error(`tastytrade order ${order.id}: no instant in the order and none on the message that carried it`);
  const created = [order['received-at'], order['in-flight-at'], order['live-at'], fills[0]].filter((t): t is string => typeof t === 'string');
  return { updatedAt, createdAt: created[0] ?? updatedAt };
}

export function tastyOrderReport(order: TastyOrder, carriedAt: string | null): VenueOrderReport {
  const first = order.legs[0]!;
  const legs = tastyLegs(order);
  const progress = order.legs.map(legProgress);
  const type = lookup(orderTypes, order['order-type'], 'order type', order.id);
  const { createdAt, updatedAt } = tastyOrderTimes(order, carriedAt);
  // A spread with one leg filled and no complete unit is still partly filled (as in the ledger).
  const anyFilled = progress.reduce((sum, p) => sum.plus(p.qtyFilled), zero);
  const filled = legs === null ? progress[0]!.qtyFilled : completeUnits(legs, progress);
  const single = progress[0]!;
  return {
    venueOrderId: order.id,
    clientOrderId: order['external-identifier'] ?? null,
    symbol: legs === null ? first.symbol : (order['underlying-symbol'] ?? first.symbol),
    assetClass: legs === null || legs.every((l) => l.assetClass === legs[0]!.assetClass) ? assetClassOf(first['instrument-type'], `order ${order.id}`) : 'option',
    side: legs === null ? lookup(sides, first.action, 'leg action', order.id) : spreadSide(order, legs),
    type,
    timeInForce: lookup(timesInForce, order['time-in-force'], 'time in force', order.id),
    quantity: legs === null ? first.quantity : order.size!,
    limitPrice: type === 'limit' || type === 'stop_limit' ? (order.price ?? null) : null,
    stopPrice: order['stop-trigger'] ?? null,
    legs,
    status: mapTastytradeStatus(order, anyFilled),
    filledQuantity: filled,
    avgFillPrice: legs === null ? (single.qtyFilled.isZero() ? null : averagePrice(single.filledNotional, single.qtyFilled)) : netUnitPrice(legs, progress),
    reason: order['reject-reason'] ?? null,
    createdAt,
    updatedAt,
  };
}

/** A spread's net direction from its price effect; a market spread may have none, then its first leg's side. */
function spreadSide(order: TastyOrder, legs: readonly OrderLeg[]): OrderSide {
  const effect = order['price-effect'];
  return effect === null || effect === undefined ? legs[0]!.side : lookup(priceEffects, effect, 'price effect', order.id);
}

/**
 * The order's fills as Fillbook fills: every leg's, with `leg` set for a multi-leg order.
 * tastytrade puts no fee on a fill: an order's `fills` carry fill-id, quantity, fill-price,
 * filled-at, destination-venue, ext-group-fill-id and ext-exec-id only (tastyware/tastytrade
 * `FillInfo`, the developer docs' order examples). Fees arrive as Trade transactions
 * (`commission`, `clearing-fees`, `regulatory-fees`, each with an `-effect`, and `currency`), so the
 * fee here is zero with no currency until transactions are imported, which this adapter does not do yet.
 */
export function tastyFillReports(order: TastyOrder): VenueFillReport[] {
  const multi = order.legs.length > 1;
  return order.legs.flatMap((leg, i) => {
    const side = lookup(sides, leg.action, 'leg action', order.id);
    return (leg.fills ?? []).map((f) => ({
      execId: f['fill-id'],
      venueOrderId: order.id,
      clientOrderId: order['external-identifier'] ?? null,
      leg: multi ? i + 1 : null,
      symbol: leg.symbol,
      side,
      quantity: f.quantity,
      price: f['fill-price'],
      fee: zero,
      feeCurrency: null,
      liquidity: null,
      executedAt: f['filled-at'],
    }));
  });
}

export function tastyPositionReport(p: z.infer<typeof tastyPositionSchema>): VenuePositionReport {
  const sign = p['quantity-direction'] === 'Short' ? -1 : p['quantity-direction'] === 'Zero' ? 0 : 1;
  return { symbol: p.symbol, assetClass: assetClassOf(p['instrument-type'], `position ${p.symbol}`), netQuantity: p.quantity.abs().times(sign) };
}

/**
 * The order JSON tastytrade expects. Equity and option legs name their position effect: the leg's
 * own when the order says it; otherwise a buy against a short position is `Buy to Close`, else
 * `Buy to Open` (and the mirror for sells); futures legs are plain `Buy`/`Sell`. An order that
 * would cross through zero is sent as a close and tastytrade decides (it turns a close with no
 * position left into an open by default). A multi-leg order sends each leg's contracts (ratio x
 * units) and its net price per unit, Debit for a buy and Credit for a sell.
 */
export function tastyOrderBody(r: VenuePlaceRequest, heldNet: (symbol: string) => Decimal): Record<string, unknown> {
  const tif = tastyTimesInForce[r.timeInForce];
  if (tif === undefined) throw new VenueError('rejected', `tastytrade has no time in force ${r.timeInForce}; use day, gtc or ioc`);
  const legs: OrderLeg[] = r.legs ? [...r.legs] : [{ symbol: r.symbol, assetClass: r.assetClass, side: r.side, ratio: new Decimal(1), positionEffect: null }];
  const orderType = tastyOrderTypes[r.type];
  if (orderType === undefined) throw new VenueError('rejected', `tastytrade orders of type ${r.type} are not placed through Fillbook`);
  const body: Record<string, unknown> = {
    'time-in-force': tif,
    'order-type': orderType,
    source: 'fillbook',
    'external-identifier': r.clientOrderId,
    legs: legs.map((leg) => ({
      'instrument-type': instrumentTypes[leg.assetClass],
      symbol: leg.symbol,
      quantity: leg.ratio.times(r.quantity).toFixed(),
      action: legAction(leg, heldNet),
    })),
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

function legAction(leg: OrderLeg, heldNet: (symbol: string) => Decimal): string {
  const buy = leg.side === 'buy';
  if (leg.assetClass === 'future') return buy ? 'Buy' : 'Sell';
  const effect = leg.positionEffect ?? (buy ? (heldNet(leg.symbol).lt(0) ? 'close' : 'open') : heldNet(leg.symbol).gt(0) ? 'close' : 'open');
  return `${buy ? 'Buy' : 'Sell'} to ${effect === 'open' ? 'Open' : 'Close'}`;
}
