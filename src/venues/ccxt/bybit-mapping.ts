import { createHash } from 'node:crypto';
import { type AssetClass, type OrderSide, type OrderStatus, type OrderType, type TimeInForce, zero } from '../../domain/index.js';
import { type VenueFillReport, type VenueOrderReport, type VenuePlaceRequest, type VenuePositionReport, VenueError } from '../venue.js';
import { type BybitExecution, type BybitOrder, bybitExecutionSchema, bybitOrderSchema, type bybitPositionSchema, parseBybit } from './bybit-schemas.js';
import { notWanted } from './ccxt-items.js';
import type { CcxtConfig } from './ccxt-config.js';
import type { z } from 'zod';

/**
 * From Bybit v5's words to Fillbook's, both ways. Every table is exhaustive: a value Bybit sends
 * that is not in it is an error naming the order, never a default.
 */

export const bybitOrderStatuses = ['Created', 'New', 'PartiallyFilled', 'Filled', 'Cancelled', 'PartiallyFilledCanceled', 'Rejected', 'Untriggered', 'Triggered', 'Deactivated', 'Active'] as const;
export type BybitOrderStatus = (typeof bybitOrderStatuses)[number];

/** `by_fills`: working, and partially_filled as soon as `cumExecQty` > 0 (Bybit keeps `New` on some partial fills of conditional orders). */
const statusMap: Record<BybitOrderStatus, OrderStatus | 'by_fills'> = {
  Created: 'pending_submit', // accepted by the system, not yet in the book
  New: 'by_fills',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'canceled', // with cumExecQty > 0 the fills stand; the order is done
  PartiallyFilledCanceled: 'canceled', // spot: part filled, rest canceled
  Rejected: 'rejected',
  Untriggered: 'open', // a conditional order waiting for its trigger
  Triggered: 'by_fills', // triggered, on its way into the book
  Deactivated: 'canceled', // a conditional order canceled before it triggered
  Active: 'by_fills', // a TP/SL order working
};

export function mapBybitStatus(order: Pick<BybitOrder, 'orderId' | 'orderStatus' | 'cumExecQty'>): OrderStatus {
  const mapped = Object.hasOwn(statusMap, order.orderStatus) ? statusMap[order.orderStatus as BybitOrderStatus] : undefined;
  if (mapped === undefined) throw new Error(`bybit order ${order.orderId}: unknown order status ${JSON.stringify(order.orderStatus)}`);
  if (mapped === 'by_fills') return order.cumExecQty.gt(0) ? 'partially_filled' : 'open';
  return mapped;
}

/**
 * Which executions are fills of an order, decided per execType from Bybit's enum
 * (https://bybit-exchange.github.io/docs/v5/enum#exectype). A fill is a trade: quantity changed
 * hands at a price against an order.
 * - Trade, BlockTrade: trades of the account's own order. AdlTrade (auto-deleveraging) and
 *   BustTrade (liquidation takeover): trades the venue made of the account's position, under an
 *   order id of their own, so they reach the ledger as orders it does not know (reconciliation).
 *   MovePosition: a position moved between accounts at a price, an execution of its own order.
 *   FutureSpread: one leg's execution of a spread order, a trade of that leg's order.
 * - Funding (a payment between longs and shorts), Settle (inverse futures settlement), Delivery
 *   (USDC futures delivery), Dividend (a tokenised stock's dividend), ForwardSplitSettle,
 *   ReverseSplitSettle and the earlier CorporateAction (a split restating a position): cash or
 *   quantity the venue moved without any trade. Not fills; a holding they change is for
 *   reconciliation to see.
 * - "" is what a classic account's spot executions carry (ccxt's "private trades classic spot"
 *   sample): that list holds spot trades only, so on a spot account it is a fill. Anywhere else it
 *   says nothing and is not guessed.
 * - UNKNOWN: Bybit says only that a classic account may return it; it does not say whether a trade
 *   happened, so it is kept raw (unparsed), as is any type Bybit adds later.
 */
const fillExecTypes = new Set(['Trade', 'AdlTrade', 'BustTrade', 'BlockTrade', 'MovePosition', 'FutureSpread']);
const otherExecTypes = new Set(['Funding', 'Settle', 'Delivery', 'Dividend', 'ForwardSplitSettle', 'ReverseSplitSettle', 'CorporateAction']);

export function isOrderFill(execution: Pick<BybitExecution, 'execId' | 'execType'>, category: CcxtConfig['category']): boolean {
  if (fillExecTypes.has(execution.execType)) return true;
  if (otherExecTypes.has(execution.execType)) return false;
  if (execution.execType === '' && category === 'spot') return true;
  if (execution.execType === 'UNKNOWN') throw new Error(`bybit execution ${execution.execId}: execType "UNKNOWN" does not say whether a trade happened (Bybit: a classic account may return it); kept raw rather than guessed`);
  throw new Error(`bybit execution ${execution.execId}: unknown execType ${JSON.stringify(execution.execType)}`);
}

const sides: Record<string, OrderSide> = { Buy: 'buy', Sell: 'sell' };
const timesInForce: Record<string, TimeInForce> = { GTC: 'gtc', IOC: 'ioc', FOK: 'fok', PostOnly: 'gtc' /* a GTC that only rests */, RPI: 'gtc' /* retail price improvement: a post-only limit order matched against retail flow only */ };
const bybitTimesInForce: Partial<Record<TimeInForce, string>> = { gtc: 'GTC', ioc: 'IOC', fok: 'FOK' };
const categoryClasses: Record<CcxtConfig['category'], AssetClass> = { spot: 'crypto', linear: 'future', inverse: 'future' };

function lookup<T>(table: Record<string, T>, value: string, what: string, where: string): T {
  const found = Object.hasOwn(table, value) ? table[value] : undefined;
  if (found === undefined) throw new Error(`bybit ${where}: unknown ${what} ${JSON.stringify(value)}`);
  return found;
}

// ---- client order ids ----------------------------------------------------------------------------

/**
 * Bybit's `orderLinkId` holds at most 36 characters of [A-Za-z0-9_-] and must be unique. A client
 * order id that fits is sent as it is. Fillbook's own ids (`fb-` and a UUID, 39 characters) are
 * packed reversibly as `fb_` and the 32 hex digits (35). Anything else (longer, other characters)
 * becomes `fbh_` and 32 characters of its SHA-256: deterministic, so a retry or a lookup derives
 * the same id, but one-way, so a venue report of such an order names the client order id only
 * when this process placed or looked it up (otherwise the report carries the `fbh_` id and the
 * ledger matches the order by its venue order id). Ids starting `fb_`/`fbh_` are always derived,
 * so a chosen id can never collide with a derived one.
 */
export const orderLinkIdCharsMax = 36;
const fillbookUuidId = /^fb-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const packedUuid = /^fb_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

export function orderLinkIdFor(clientOrderId: string): string {
  const uuid = fillbookUuidId.exec(clientOrderId);
  if (uuid !== null) return `fb_${uuid.slice(1).join('')}`;
  if (/^[A-Za-z0-9_-]{1,36}$/.test(clientOrderId) && !/^fbh?_/.test(clientOrderId)) return clientOrderId;
  return `fbh_${createHash('sha256').update(clientOrderId).digest('base64url').slice(0, orderLinkIdCharsMax - 4)}`;
}

export function clientOrderIdOf(orderLinkId: string, known: ReadonlyMap<string, string>): string | null {
  if (orderLinkId === '') return null;
  const packed = packedUuid.exec(orderLinkId);
  if (packed !== null) return `fb-${packed.slice(1).join('-')}`;
  return known.get(orderLinkId) ?? orderLinkId;
}

// ---- reports -------------------------------------------------------------------------------------

export function bybitOrderReport(o: BybitOrder, config: CcxtConfig, known: ReadonlyMap<string, string>): VenueOrderReport {
  const where = `order ${o.orderId}`;
  const triggered = o.triggerPrice !== null && o.triggerPrice.gt(0);
  const base = lookup<OrderType>({ Limit: 'limit', Market: 'market' }, o.orderType, 'order type', where);
  const type: OrderType = triggered ? (base === 'limit' ? 'stop_limit' : 'stop') : base;
  const filled = o.cumExecQty;
  return {
    venueOrderId: o.orderId,
    clientOrderId: clientOrderIdOf(o.orderLinkId, known),
    symbol: o.symbol,
    assetClass: categoryClasses[config.category],
    side: lookup(sides, o.side, 'side', where),
    type,
    timeInForce: lookup(timesInForce, o.timeInForce, 'time in force', where),
    quantity: o.qty,
    limitPrice: base === 'limit' ? o.price : null,
    stopPrice: triggered ? o.triggerPrice : null,
    legs: null,
    status: mapBybitStatus(o),
    filledQuantity: filled,
    avgFillPrice: filled.gt(0) && o.avgPrice !== null && o.avgPrice.gt(0) ? o.avgPrice : null,
    reason: o.rejectReason && o.rejectReason !== 'EC_NoError' ? o.rejectReason : null,
    createdAt: o.createdTime,
    updatedAt: o.updatedTime,
  };
}

export function bybitFillReport(e: BybitExecution, config: CcxtConfig, known: ReadonlyMap<string, string>): VenueFillReport {
  return {
    execId: e.execId,
    venueOrderId: e.orderId,
    clientOrderId: clientOrderIdOf(e.orderLinkId, known),
    leg: null,
    symbol: e.symbol,
    side: lookup(sides, e.side, 'side', `execution ${e.execId}`),
    quantity: e.execQty,
    price: e.execPrice,
    // A negative fee is a maker rebate. The coin is `feeCoin` (ccxt's parseTrade reads it first), else
    // `feeCurrency`; payloads naming neither: linear contracts pay in the settle coin, and a spot or
    // inverse fee's coin is not guessed (ccxt derives it from the market, which Fillbook does not load).
    fee: e.execFee,
    feeCurrency: e.feeCoin || e.feeCurrency || (config.category === 'linear' ? config.settleCoin : null),
    liquidity: e.isMaker ? 'maker' : 'taker',
    executedAt: e.execTime,
  };
}

/** Net quantity per symbol; in hedge mode Bybit lists a long and a short entry for one symbol. */
export function bybitPositionReports(list: readonly z.infer<typeof bybitPositionSchema>[], config: CcxtConfig): VenuePositionReport[] {
  const net = new Map<string, VenuePositionReport>();
  for (const p of list) {
    const sign = p.side === 'Buy' ? 1 : p.side === 'Sell' ? -1 : p.side === '' || p.side === 'None' ? 0 : undefined;
    if (sign === undefined) throw new Error(`bybit position ${p.symbol}: unknown side ${JSON.stringify(p.side)}`);
    const held = net.get(p.symbol) ?? { symbol: p.symbol, assetClass: categoryClasses[config.category], netQuantity: zero };
    net.set(p.symbol, { ...held, netQuantity: held.netQuantity.plus(p.size.abs().times(sign)) });
  }
  return [...net.values()];
}

/** One raw order (a list item or a stream message) read into a report; throws on anything it cannot read. */
export function readBybitOrder(raw: unknown, config: CcxtConfig, known: ReadonlyMap<string, string>): VenueOrderReport {
  return bybitOrderReport(parseBybit(bybitOrderSchema, raw, 'an order'), config, known);
}

/** One raw execution read into a fill, `notWanted` when it is not a fill of an order; throws on anything it cannot read. */
export function readBybitExecution(raw: unknown, config: CcxtConfig, known: ReadonlyMap<string, string>): VenueFillReport | typeof notWanted {
  const execution = parseBybit(bybitExecutionSchema, raw, 'an execution');
  return isOrderFill(execution, config.category) ? bybitFillReport(execution, config, known) : notWanted;
}

// ---- requests ------------------------------------------------------------------------------------

/**
 * The body of POST /v5/order/create. Quantities and prices go as the exact decimal strings
 * Fillbook holds. A stop is a conditional order: `triggerPrice` plus the direction the price must
 * cross (1: rises to it, for a buy stop; 2: falls to it, for a sell stop).
 */
export function bybitCreateBody(r: VenuePlaceRequest, orderLinkId: string, config: CcxtConfig): Record<string, string | number> {
  const tif = r.timeInForce === 'day' ? (config.dayTimeInForce === 'GTC' ? 'GTC' : undefined) : bybitTimesInForce[r.timeInForce];
  if (tif === undefined) throw new VenueError('rejected', `bybit has no time in force ${r.timeInForce}${r.timeInForce === 'day' ? ' (venue_config.dayTimeInForce is reject)' : ''}; use gtc, ioc or fok`);
  const limit = r.type === 'limit' || r.type === 'stop_limit';
  const body: Record<string, string | number> = {
    category: config.category,
    symbol: r.symbol,
    side: r.side === 'buy' ? 'Buy' : 'Sell',
    orderType: limit ? 'Limit' : 'Market',
    qty: r.quantity.toFixed(),
    timeInForce: r.type === 'market' || r.type === 'stop' ? 'IOC' : tif,
    orderLinkId,
  };
  if (limit) {
    if (r.limitPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a limit price`);
    body.price = r.limitPrice.toFixed();
  }
  if (r.type === 'stop' || r.type === 'stop_limit') {
    if (r.stopPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a stop price`);
    body.triggerPrice = r.stopPrice.toFixed();
    body.triggerDirection = r.side === 'buy' ? 1 : 2;
  }
  if (config.category === 'spot') {
    // Spot market buys are sized in the quote coin unless told otherwise; Fillbook's quantity is the base coin.
    if (r.type === 'market' || r.type === 'stop') body.marketUnit = 'baseCoin';
    // Spot conditional orders are a separate kind of order there.
    if (r.type === 'stop' || r.type === 'stop_limit') body.orderFilter = 'StopOrder';
  }
  return body;
}
