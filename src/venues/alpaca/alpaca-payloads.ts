import { z } from 'zod';
import { type AssetClass, type Decimal, type OrderLeg, type OrderSide, type OrderStatus, type OrderType, type PositionEffect, type TimeInForce, zero } from '../../domain/index.js';
import type { UnparsedVenueItem, VenueFillReport, VenueOrderReport, VenuePositionReport } from '../venue.js';
import { parseEach, rawId } from '../unparsed.js';
import { describeIssues, instantKey, isoMillis, wireDecimal, wireTimestamp } from '../wire.js';

/**
 * Alpaca's raw payloads (trading API v2), parsed at the edge into Fillbook's reports. Every value
 * set is a table; a value the table does not hold is an error that names it, never a default.
 */

/** Alpaca's order statuses, all of them, and their Fillbook meaning. */
export const alpacaOrderStatuses = [
  'new', 'partially_filled', 'filled', 'done_for_day', 'canceled', 'expired', 'replaced', 'pending_cancel', 'pending_replace',
  'accepted', 'pending_new', 'accepted_for_bidding', 'stopped', 'rejected', 'suspended', 'calculated', 'held',
] as const;
export type AlpacaOrderStatus = (typeof alpacaOrderStatuses)[number];

const statusMap: Record<AlpacaOrderStatus, OrderStatus> = {
  // Alpaca has the order but no execution venue has acknowledged it yet: sent, not acknowledged.
  accepted: 'submitted',
  pending_new: 'submitted',
  new: 'open',
  accepted_for_bidding: 'open',
  held: 'open', // waits for a trigger (a bracket leg, a stop)
  stopped: 'open', // a trade is guaranteed but has not happened yet
  done_for_day: 'open', // works again next session
  calculated: 'open', // done for the day, settlement pending; the quantities decide below
  partially_filled: 'partially_filled',
  filled: 'filled',
  pending_cancel: 'pending_cancel',
  pending_replace: 'pending_cancel', // being withdrawn in favour of its replacement
  canceled: 'canceled',
  expired: 'expired',
  replaced: 'replaced',
  rejected: 'rejected',
  suspended: 'rejected', // "not eligible for trading"; rare, and it never trades again as this order
};

/**
 * An Alpaca status as a Fillbook status. A working order with fills is `partially_filled` (or
 * `filled` when nothing is left): Alpaca reports `calculated` and `done_for_day` whatever the fills.
 */
export function mapAlpacaStatus(status: string, quantity: Decimal | null, filled: Decimal): OrderStatus {
  const mapped = (statusMap as Record<string, OrderStatus | undefined>)[status];
  if (mapped === undefined) throw new Error(`alpaca: unknown order status ${JSON.stringify(status)}; add it to the status table in alpaca-payloads.ts`);
  // A null quantity (a notional order) is never complete by its quantities: Alpaca's status says when it is.
  if (mapped === 'open' && filled.gt(0)) return quantity !== null && filled.gte(quantity) ? 'filled' : 'partially_filled';
  return mapped;
}

function fromTable<T>(table: Record<string, T>, value: string, what: string): T {
  const mapped = table[value];
  if (mapped === undefined) throw new Error(`alpaca: unsupported ${what} ${JSON.stringify(value)}`);
  return mapped;
}

const assetClassOf: Record<string, AssetClass> = { us_equity: 'equity', us_option: 'option', crypto: 'crypto' };
const sideOf: Record<string, OrderSide> = { buy: 'buy', sell: 'sell', sell_short: 'sell' };
const typeOf: Record<string, OrderType> = { market: 'market', limit: 'limit', stop: 'stop', stop_limit: 'stop_limit', trailing_stop: 'trailing_stop' };
/** Alpaca's order classes: `mleg` is read as a multi-leg order; the others' legs are orders of their own. */
const orderClasses = new Set(['simple', 'bracket', 'oco', 'oto', 'mleg', '']);
/** A multi-leg order's leg says what it does to the holding in its `position_intent`. */
const positionEffectOf: Record<string, PositionEffect> = { buy_to_open: 'open', buy_to_close: 'close', sell_to_open: 'open', sell_to_close: 'close' };
const timeInForceOf: Record<string, TimeInForce> = { day: 'day', gtc: 'gtc', opg: 'opg', cls: 'cls', ioc: 'ioc', fok: 'fok' };
export const alpacaAssetClass: Record<AssetClass, string | undefined> = { equity: 'us_equity', option: 'us_option', crypto: 'crypto', future: undefined };

/**
 * An order, as `GET /v2/orders/{id}` and the stream's `order` carry it. Made-up example:
 *   {"id":"61e69015-8549-4bfd-b9c3-01e75843f47d","client_order_id":"fb-7f0c","created_at":"2026-11-20T14:30:00.123456789Z",
 *    "updated_at":"2026-11-20T14:30:01.5Z","submitted_at":"2026-11-20T14:30:00.2Z","symbol":"AAPL","asset_class":"us_equity",
 *    "qty":"10","filled_qty":"4","filled_avg_price":"187.25","order_class":"simple","type":"limit","side":"buy",
 *    "time_in_force":"day","limit_price":"187.25","stop_price":null,"status":"partially_filled","notional":null}
 */
const orderPayload = z.object({
  id: z.string().min(1).max(128),
  client_order_id: z.string().max(128).nullish(),
  created_at: wireTimestamp,
  updated_at: wireTimestamp.nullish(),
  submitted_at: wireTimestamp.nullish(),
  // An mleg parent may carry no symbol of its own (its legs do); `orderFrom` insists on one otherwise.
  symbol: z.string().max(64),
  asset_class: z.string(),
  qty: wireDecimal.nullish(),
  filled_qty: wireDecimal,
  filled_avg_price: wireDecimal.nullish(),
  order_class: z.string().nullish(),
  type: z.string().nullish(),
  order_type: z.string().nullish(),
  side: z.string(),
  time_in_force: z.string(),
  limit_price: wireDecimal.nullish(),
  stop_price: wireDecimal.nullish(),
  status: z.string(),
  notional: wireDecimal.nullish(),
  // Read only for a trailing stop: other orders carry placeholders here (the SDK's tests have `"hwm":"string"`).
  trail_percent: z.unknown().optional(),
  trail_price: z.unknown().optional(),
  hwm: z.unknown().optional(),
  // An `mleg` order's legs, each an order of its own (read by `mlegLegs`); other classes' legs are separate orders.
  legs: z.array(z.unknown()).max(10).nullish(),
});
type OrderPayload = z.infer<typeof orderPayload>;

/** One leg of an `mleg` order: an order of its own with a ratio and no type. */
const mlegLegPayload = z.object({
  id: z.string().min(1).max(128),
  symbol: z.string().min(1).max(64),
  asset_class: z.string(),
  side: z.string(),
  ratio_qty: wireDecimal,
  position_intent: z.string().nullish(),
});
const trailPayload = z.object({ trail_percent: wireDecimal.nullish(), trail_price: wireDecimal.nullish(), hwm: wireDecimal.nullish() });

/** The underlying of an OCC option symbol ("AAPL250620C00200000" is AAPL). */
const occRoot = /^([A-Z.]{1,6})\d{6}[CP]\d{8}$/;

/** What the adapter needs besides the report: the instant of the snapshot, for ordering. */
export interface AlpacaOrder {
  report: VenueOrderReport;
  /** Sorts as the snapshots' `updated_at` do, to the nanosecond. */
  updatedKey: string;
  /** `submitted_at` (else `created_at`), the key `GET /v2/orders` pages by. */
  submittedAt: string;
}

function orderFrom(o: OrderPayload): AlpacaOrder {
  // Alpaca writes an absent type on an mleg leg, and on some parents, as "" or leaves it out.
  const type = o.type || o.order_type;
  if (type === null || type === undefined || type === '') throw new Error(`alpaca: order ${o.id} has no type`);
  const orderType = fromTable(typeOf, type, 'order type');
  if (o.order_class !== null && o.order_class !== undefined && !orderClasses.has(o.order_class)) throw new Error(`alpaca: order ${o.id} is of an unknown order class ${JSON.stringify(o.order_class)}`);
  const legs = o.order_class === 'mleg' ? mlegLegs(o) : null;
  if (legs === null && o.symbol === '') throw new Error(`alpaca: order ${o.id} has no symbol`);
  const notional = o.qty === null || o.qty === undefined ? (o.notional ?? null) : null;
  if ((o.qty === null || o.qty === undefined) && notional === null) throw new Error(`alpaca: order ${o.id} has neither qty nor notional`);
  // A notional order's quantity is what it has bought or sold so far; Alpaca knows it only as it trades.
  const quantity = o.qty ?? o.filled_qty;
  const updatedAt = o.updated_at ?? o.created_at;
  const report: VenueOrderReport = {
    venueOrderId: o.id,
    clientOrderId: o.client_order_id ?? null,
    symbol: legs === null ? o.symbol : (o.symbol || underlyingOf(legs, o.id)),
    assetClass: legs === null ? fromTable(assetClassOf, o.asset_class, 'asset class') : legs.every((l) => l.assetClass === legs[0]!.assetClass) ? legs[0]!.assetClass : 'option',
    side: legs === null || o.side !== '' ? fromTable(sideOf, o.side, 'side') : mlegSide(o, legs),
    type: orderType,
    timeInForce: fromTable(timeInForceOf, o.time_in_force, 'time in force'),
    quantity,
    // An mleg limit is a net price per unit, negative for a credit: the side says which way it goes.
    limitPrice: legs === null ? (o.limit_price ?? null) : (o.limit_price?.abs() ?? null),
    stopPrice: o.stop_price ?? null,
    legs,
    status: mapAlpacaStatus(o.status, notional === null ? quantity : null, o.filled_qty),
    filledQuantity: o.filled_qty,
    avgFillPrice: o.filled_qty.gt(0) ? (o.filled_avg_price ?? null) : null,
    reason: null,
    createdAt: isoMillis(o.created_at),
    updatedAt: isoMillis(updatedAt),
  };
  if (notional !== null) report.notional = notional;
  if (orderType === 'trailing_stop') {
    const t = parseWith(trailPayload, o, `the trail of trailing stop ${o.id}`);
    if ((t.trail_percent ?? null) === null && (t.trail_price ?? null) === null) throw new Error(`alpaca: trailing stop ${o.id} has neither trail_percent nor trail_price`);
    report.trail = { percent: t.trail_percent ?? null, price: t.trail_price ?? null, highWaterMark: t.hwm ?? null };
  }
  return { report, updatedKey: instantKey(updatedAt), submittedAt: o.submitted_at ?? o.created_at };
}

/** An `mleg` order's legs in Fillbook's terms: each leg's ratio is its `ratio_qty` per unit of the order's `qty`. */
function mlegLegs(o: OrderPayload): OrderLeg[] {
  const raw = o.legs ?? [];
  if (raw.length < 2) throw new Error(`alpaca: mleg order ${o.id} has ${raw.length} legs; a multi-leg order has at least two`);
  return raw.map((item, i) => {
    const leg = parseWith(mlegLegPayload, item, `leg ${i + 1} of mleg order ${o.id}`);
    return {
      symbol: leg.symbol,
      assetClass: fromTable(assetClassOf, leg.asset_class, 'asset class'),
      side: fromTable(sideOf, leg.side, 'side'),
      ratio: leg.ratio_qty,
      positionEffect: leg.position_intent === null || leg.position_intent === undefined ? null : fromTable(positionEffectOf, leg.position_intent, 'position intent'),
    };
  });
}

/** A spread without a side of its own: a negative net limit is a credit (sell); else its first leg's way. */
function mlegSide(o: OrderPayload, legs: readonly OrderLeg[]): OrderSide {
  if (o.limit_price !== null && o.limit_price !== undefined && !o.limit_price.isZero()) return o.limit_price.isNegative() ? 'sell' : 'buy';
  return legs[0]!.side;
}

function underlyingOf(legs: readonly OrderLeg[], orderId: string): string {
  const root = occRoot.exec(legs[0]!.symbol)?.[1];
  if (root === undefined) throw new Error(`alpaca: mleg order ${orderId} has no symbol and its first leg ${JSON.stringify(legs[0]!.symbol)} is not an OCC option symbol`);
  return root;
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`alpaca: not ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function parseAlpacaOrder(raw: unknown): AlpacaOrder {
  return orderFrom(parseWith(orderPayload, raw, 'an order'));
}

/** A page of orders, item by item: one that cannot be read goes to `skip` with its payload, the others on. */
export function parseAlpacaOrders(raw: unknown, skip: (item: UnparsedVenueItem) => void): AlpacaOrder[] {
  return parseEach(parseWith(z.array(z.unknown()), raw, 'a list of orders'), 'order', ['id'], parseAlpacaOrder, skip);
}

/** The instant `GET /v2/orders` pages by, read from a raw item whether or not the item itself parses. */
export function alpacaSubmittedAt(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const at = o.submitted_at ?? o.created_at;
  return typeof at === 'string' && wireTimestamp.safeParse(at).success ? at : null;
}

/**
 * The fill's id, the same whichever way it arrives. The stream's `execution_id` and the activity's
 * `id` (`<time>::<uuid>`) are not documented to agree, but both carry the order and its cumulative
 * filled quantity after the execution (`order.filled_qty`, `cum_qty`): that pair names it.
 */
export function alpacaExecId(orderId: string, cumulativeQuantity: Decimal): string {
  return `alpaca:${orderId}:${cumulativeQuantity.toFixed()}`;
}

/**
 * One execution, as `GET /v2/account/activities/FILL` lists it. Made-up example:
 *   {"id":"20261120143001500::8efc7b9a-8b2b-4000-9955-d36e7db0df74","activity_type":"FILL","transaction_time":"2026-11-20T14:30:01.5Z",
 *    "type":"partial_fill","price":"187.25","qty":"4","side":"buy","symbol":"AAPL","leaves_qty":"6",
 *    "order_id":"61e69015-8549-4bfd-b9c3-01e75843f47d","cum_qty":"4","order_status":"partially_filled"}
 */
const fillActivityPayload = z.object({
  id: z.string().min(1).max(200),
  activity_type: z.literal('FILL'),
  transaction_time: wireTimestamp,
  price: wireDecimal,
  qty: wireDecimal,
  side: z.string(),
  symbol: z.string().min(1).max(64),
  order_id: z.string().min(1).max(128),
  cum_qty: wireDecimal,
});

export interface AlpacaFillActivity {
  /** The page token that continues after this activity. */
  id: string;
  fill: VenueFillReport;
}

/** A page of FILL activities, item by item; `rawIds` are every item's page token, read or not (for paging). */
export function parseAlpacaFillActivities(raw: unknown, skip: (item: UnparsedVenueItem) => void): { activities: AlpacaFillActivity[]; rawIds: (string | null)[] } {
  const items = parseWith(z.array(z.unknown()), raw, 'a list of FILL activities');
  return { activities: parseEach(items, 'fill', ['id'], parseAlpacaFillActivity, skip), rawIds: items.map((item) => rawId(item, 'id')) };
}

function parseAlpacaFillActivity(raw: unknown): AlpacaFillActivity {
  return [parseWith(fillActivityPayload, raw, 'a FILL activity')].map((a) => ({
    id: a.id,
    fill: {
      execId: alpacaExecId(a.order_id, a.cum_qty),
      venueOrderId: a.order_id,
      clientOrderId: null,
      leg: null,
      symbol: a.symbol,
      side: fromTable(sideOf, a.side, 'side'),
      quantity: a.qty,
      price: a.price,
      // Alpaca charges no commission on the fill; regulatory fees arrive as their own activities.
      fee: zero,
      feeCurrency: 'USD',
      liquidity: null,
      executedAt: isoMillis(a.transaction_time),
    },
  }))[0]!;
}

/**
 * The quote currencies of Alpaca's crypto pairs. Alpaca writes a crypto position's symbol without
 * the slash ("BTCUSD") although its orders, fills and trade updates write "BTC/USD" (a documented
 * inconsistency: alpacahq/alpaca-py #179, #490, #537). The ledger holds the symbol as the order had
 * it, so a position's symbol is split back into base and quote on one of these suffixes.
 */
export const alpacaCryptoQuotes = ['USD', 'USDT', 'USDC', 'BTC'] as const;
export type AlpacaCryptoQuote = (typeof alpacaCryptoQuotes)[number];

// Longest first, so that a quote which ends in another one (as a "TUSD" would end in "USD") wins.
const cryptoQuotesLongestFirst: readonly AlpacaCryptoQuote[] = [...alpacaCryptoQuotes].sort((a, b) => b.length - a.length);

/** A crypto position's symbol in the slash form the orders use: "ETHUSDT" is "ETH/USDT". */
export function cryptoPairSymbol(symbol: string): string {
  if (symbol.includes('/')) return symbol;
  const quote = cryptoQuotesLongestFirst.find((q) => symbol.length > q.length && symbol.endsWith(q));
  if (quote === undefined) {
    throw new Error(`alpaca: crypto position ${JSON.stringify(symbol)} ends in no known quote currency (${alpacaCryptoQuotes.join(', ')}); add its quote to alpacaCryptoQuotes in alpaca-payloads.ts`);
  }
  return `${symbol.slice(0, -quote.length)}/${quote}`;
}

/**
 * An open position, as `GET /v2/positions` lists it. Made-up examples, an equity and a crypto
 * pair (its symbol without the slash, as Alpaca writes positions):
 *   {"asset_id":"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415","symbol":"AAPL","asset_class":"us_equity","qty":"-5","side":"short",
 *    "avg_entry_price":"187.25","market_value":"-936.25"}
 *   {"asset_id":"3c5e1f0a-27d4-4b8e-9c61-5f2a7d8e9b10","symbol":"BTCUSD","exchange":"CRYPTO","asset_class":"crypto",
 *    "qty":"0.0125","side":"long","avg_entry_price":"64000.5","market_value":"812.5"}
 */
const positionPayload = z.object({ symbol: z.string().min(1).max(64), asset_class: z.string(), qty: wireDecimal, side: z.enum(['long', 'short']) });

export function parseAlpacaPositions(raw: unknown, skip: (item: UnparsedVenueItem) => void): VenuePositionReport[] {
  return parseEach(parseWith(z.array(z.unknown()), raw, 'a list of positions'), 'position', ['symbol'], (item) => {
    const p = parseWith(positionPayload, item, 'a position');
    const assetClass = fromTable(assetClassOf, p.asset_class, 'asset class');
    return {
      symbol: assetClass === 'crypto' ? cryptoPairSymbol(p.symbol) : p.symbol,
      assetClass,
      netQuantity: p.side === 'short' ? p.qty.abs().neg() : p.qty.abs(),
    };
  }, skip);
}

/**
 * A frame of the `/stream` websocket. Made-up examples, in the order they come:
 *   {"stream":"authorization","data":{"action":"authenticate","status":"authorized"}}
 *   {"stream":"listening","data":{"streams":["trade_updates"]}}
 *   {"stream":"trade_updates","data":{"event":"partial_fill","execution_id":"2c1f2a4e-0d6b-4c44-8d6a-1b8f0b7a0c11",
 *    "timestamp":"2026-11-20T14:30:01.5Z","price":"187.25","qty":"4","position_qty":"4","order":{...as above...}}}
 */
export const alpacaStreamFrame = z.discriminatedUnion('stream', [
  z.object({ stream: z.literal('authorization'), data: z.object({ status: z.string(), action: z.string().optional(), message: z.string().optional() }) }),
  z.object({ stream: z.literal('listening'), data: z.object({ streams: z.array(z.string()) }) }),
  z.object({ stream: z.literal('trade_updates'), data: z.unknown() }),
]);

const tradeUpdatePayload = z.object({
  event: z.string(),
  execution_id: z.string().nullish(),
  timestamp: wireTimestamp.nullish(),
  price: wireDecimal.nullish(),
  qty: wireDecimal.nullish(),
  order: orderPayload,
});

/** The events of a trade update that carry an execution. */
const fillEvents = new Set(['fill', 'partial_fill']);

export interface AlpacaTradeUpdate {
  event: string;
  order: AlpacaOrder;
  fill: VenueFillReport | null;
  /** Why an execution the update carries could not be read as a fill (it is then kept raw), else null. */
  unreadFill: string | null;
}

export function parseAlpacaTradeUpdate(raw: unknown): AlpacaTradeUpdate {
  const u = parseWith(tradeUpdatePayload, raw, 'a trade update');
  const order = orderFrom(u.order);
  if (!fillEvents.has(u.event)) return { event: u.event, order, fill: null, unreadFill: null };
  // The update's qty and price are the spread's, not a leg's: a leg fill cannot be told from it.
  if (order.report.legs !== null) return { event: u.event, order, fill: null, unreadFill: `alpaca: a ${u.event} of mleg order ${u.order.id} does not say which leg traded at what price` };
  if (u.qty === null || u.qty === undefined || u.price === null || u.price === undefined) {
    throw new Error(`alpaca: ${u.event} update for order ${u.order.id} lacks qty or price`);
  }
  return {
    event: u.event,
    order,
    fill: {
      execId: alpacaExecId(u.order.id, u.order.filled_qty),
      venueOrderId: u.order.id,
      clientOrderId: u.order.client_order_id ?? null,
      leg: null,
      symbol: u.order.symbol,
      side: order.report.side,
      quantity: u.qty,
      price: u.price,
      fee: zero,
      feeCurrency: 'USD',
      liquidity: null,
      executedAt: isoMillis(u.timestamp ?? u.order.updated_at ?? u.order.created_at),
    },
    unreadFill: null,
  };
}

/** Alpaca's error body: `{"code":40010001,"message":"client_order_id must be unique"}`. */
export function alpacaErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 500);
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 500) || '(no message)';
}
