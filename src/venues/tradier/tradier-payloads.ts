import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type AssetClass, Decimal, type OrderLeg, type OrderSide, type OrderStatus, type OrderType, type PositionEffect, type TimeInForce } from '../../domain/index.js';
import type { UnparsedVenueItem, VenueOrderReport, VenuePositionReport } from '../venue.js';
import { parseEach } from '../unparsed.js';
import { describeIssues, instantKey, isoMillis, wireDecimal, wireTimestamp } from '../wire.js';

/**
 * Tradier's raw payloads (brokerage API v1, JSON), parsed at the edge. They arrive through
 * `parseJsonLossless`, so every JSON number is a string of its digits here. Every value set is a
 * table; a value the table does not hold is an error that names it, never a default.
 */

/** Tradier's order statuses, all those it documents, and their Fillbook meaning. */
export const tradierOrderStatuses = ['pending', 'open', 'partially_filled', 'filled', 'expired', 'canceled', 'rejected', 'calculated', 'accepted_for_bidding', 'error', 'held'] as const;
export type TradierOrderStatus = (typeof tradierOrderStatuses)[number];

const statusMap: Record<TradierOrderStatus, OrderStatus> = {
  pending: 'submitted', // received, not yet working at the market
  open: 'open',
  calculated: 'open',
  accepted_for_bidding: 'open',
  held: 'open',
  partially_filled: 'partially_filled',
  filled: 'filled',
  expired: 'expired',
  canceled: 'canceled',
  rejected: 'rejected',
  error: 'rejected', // refused by the back office: it never trades
};

function knownStatus(status: string): TradierOrderStatus {
  if (!(status in statusMap)) throw new Error(`tradier: unknown order status ${JSON.stringify(status)}; add it to the status table in tradier-payloads.ts`);
  return status as TradierOrderStatus;
}

/** A Tradier status as a Fillbook status; a working order with fills is read from its quantities. */
export function mapTradierStatus(status: string, quantity: Decimal, executed: Decimal): OrderStatus {
  const mapped = statusMap[knownStatus(status)];
  if (mapped === 'open' && executed.gt(0)) return executed.gte(quantity) ? 'filled' : 'partially_filled';
  return mapped;
}

function fromTable<T>(table: Record<string, T>, value: string, what: string): T {
  const mapped = table[value];
  if (mapped === undefined) throw new Error(`tradier: unsupported ${what} ${JSON.stringify(value)}`);
  return mapped;
}

const sideOf: Record<string, OrderSide> = {
  buy: 'buy', buy_to_cover: 'buy', buy_to_open: 'buy', buy_to_close: 'buy',
  sell: 'sell', sell_short: 'sell', sell_to_open: 'sell', sell_to_close: 'sell',
};
const typeOf: Record<string, OrderType> = { market: 'market', limit: 'limit', stop: 'stop', stop_limit: 'stop_limit' };
// `pre` and `post` are day orders for the extended sessions: they end with their session.
const durationOf: Record<string, TimeInForce> = { day: 'day', gtc: 'gtc', pre: 'day', post: 'day' };
export const tradierDuration: Partial<Record<TimeInForce, string>> = { day: 'day', gtc: 'gtc' };
const classOf: Record<string, AssetClass> = { equity: 'equity', option: 'option' };
/** Orders of several instruments: `multileg` (option legs) and `combo` (an equity leg and option legs). */
const multiLegClasses = new Set(['multileg', 'combo']);
/** What a leg's side does to the holding; plain equity `buy`/`sell` say nothing. */
const positionEffectOf: Record<string, PositionEffect | null> = {
  buy: null, sell: null, buy_to_open: 'open', sell_to_open: 'open', sell_short: 'open', buy_to_close: 'close', sell_to_close: 'close', buy_to_cover: 'close',
};
/** A multi-leg order's `type` is its net price: a debit is paid (buy), a credit received (sell). */
const netTypeOf: Record<string, { type: OrderType; side: OrderSide | null }> = {
  market: { type: 'market', side: null }, debit: { type: 'limit', side: 'buy' }, credit: { type: 'limit', side: 'sell' }, even: { type: 'limit', side: null },
};

/** Tradier writes 0 for a price an order does not have (`"stop_price":0.0`). */
const priceOrNull = (d: Decimal | null | undefined) => (d === null || d === undefined || d.isZero() ? null : d);

// ---- tags -----------------------------------------------------------------------------------

/** The tag Tradier accepts: letters, digits and dashes, at most 255 characters. */
const tagPattern = /^[A-Za-z0-9-]{1,255}$/;
const hashedTagPrefix = 'fbh-';

/**
 * The tag that carries a client order id. Tradier's tags take letters, digits and dashes only, so
 * an id with anything else (or that looks like a hashed tag) travels as `fbh-` and 40 hex digits of
 * its SHA-256: the same id always makes the same tag, so a lookup by client order id needs no state.
 */
export function tradierTag(clientOrderId: string): string {
  if (tagPattern.test(clientOrderId) && !clientOrderId.startsWith(hashedTagPrefix)) return clientOrderId;
  return `${hashedTagPrefix}${createHash('sha256').update(clientOrderId).digest('hex').slice(0, 40)}`;
}

export function isHashedTag(tag: string): boolean {
  return tag.startsWith(hashedTagPrefix);
}

// ---- orders ---------------------------------------------------------------------------------

/** What does not change over an order's life; the stream's snapshots lack it. */
export interface TradierOrderDetails {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: Decimal;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  createdAt: string;
  /** A multi-leg (`multileg`, `combo`) order's legs; null for one instrument. */
  legs: OrderLeg[] | null;
}

/** What one leg of a multi-leg snapshot has executed; each leg is an order of its own at Tradier (its own id). */
export interface TradierLegSnapshot {
  legId: string;
  executed: Decimal;
  lastFillQuantity: Decimal | null;
  lastFillPrice: Decimal | null;
  avgFillPrice: Decimal | null;
}

/** One snapshot of an order, from REST (with details) or the stream (without). */
export interface TradierSnapshot {
  orderId: string;
  tag: string | null;
  status: TradierOrderStatus;
  executed: Decimal;
  lastFillQuantity: Decimal | null;
  lastFillPrice: Decimal | null;
  avgFillPrice: Decimal | null;
  reason: string | null;
  updatedAt: string;
  /** Sorts as the snapshots' `transaction_date` do. */
  updatedKey: string;
  details: TradierOrderDetails | null;
  /** The stream's own account of the prices and type, which a modification may change. */
  streamed: { type: OrderType | null; limitPrice: Decimal | null; stopPrice: Decimal | null } | null;
  /** A multi-leg order's legs' progress, in the order of `details.legs`; null for one instrument (and on the stream). */
  legs: TradierLegSnapshot[] | null;
}

const orderId = z.string().regex(/^\d{1,20}$/, 'must be a Tradier order id');

/**
 * An order, as `GET /v1/accounts/{id}/orders/{order_id}?includeTags=true` wraps it in `{"order":…}`
 * and the list in `{"orders":{"order":[…]}}` (one order: an object, not a list; none: `"null"`).
 * Made-up example:
 *   {"id":228175,"type":"limit","symbol":"AAPL","side":"buy","quantity":10.00000000,"status":"partially_filled",
 *    "duration":"day","price":187.25,"avg_fill_price":187.25,"exec_quantity":4.00000000,"last_fill_price":187.25,
 *    "last_fill_quantity":4.00000000,"remaining_quantity":6.00000000,"create_date":"2026-11-20T14:30:00.123Z",
 *    "transaction_date":"2026-11-20T14:30:01.456Z","class":"equity","tag":"fb-7f0c"}
 */
const orderPayload = z.object({
  id: orderId,
  type: z.string(),
  symbol: z.string().min(1).max(64),
  option_symbol: z.string().max(64).nullish(),
  side: z.string(),
  quantity: wireDecimal,
  status: z.string(),
  duration: z.string(),
  price: wireDecimal.nullish(),
  stop_price: wireDecimal.nullish(),
  avg_fill_price: wireDecimal.nullish(),
  // The reference table calls it `executed_quantity`, the examples `exec_quantity`: either is read.
  exec_quantity: wireDecimal.nullish(),
  executed_quantity: wireDecimal.nullish(),
  last_fill_price: wireDecimal.nullish(),
  last_fill_quantity: wireDecimal.nullish(),
  create_date: wireTimestamp,
  transaction_date: wireTimestamp.nullish(),
  class: z.string(),
  tag: z.string().max(255).nullish(),
  reason_description: z.string().max(1000).nullish(),
  // A multi-leg order's legs: a list, or one object (as Tradier writes a list of one).
  leg: z.union([z.array(z.unknown()).max(10), z.record(z.string(), z.unknown())]).nullish(),
});
type OrderPayload = z.infer<typeof orderPayload>;

/** One leg of a `multileg` or `combo` order, as its `leg` list carries it. */
const legPayload = z.object({
  id: orderId,
  symbol: z.string().min(1).max(64),
  option_symbol: z.string().max(64).nullish(),
  side: z.string(),
  quantity: wireDecimal,
  class: z.string().nullish(),
  avg_fill_price: wireDecimal.nullish(),
  exec_quantity: wireDecimal.nullish(),
  executed_quantity: wireDecimal.nullish(),
  last_fill_price: wireDecimal.nullish(),
  last_fill_quantity: wireDecimal.nullish(),
});

function snapshotFrom(o: OrderPayload): TradierSnapshot {
  const multi = multiLegClasses.has(o.class);
  const assetClass = multi ? null : classOf[o.class];
  if (assetClass === undefined) throw new Error(`tradier: order ${o.id} is of class ${JSON.stringify(o.class)}; this adapter reads equity, option, multileg and combo orders`);
  const updatedAt = o.transaction_date ?? o.create_date;
  const common = {
    orderId: o.id,
    tag: o.tag ?? null,
    status: knownStatus(o.status),
    executed: o.exec_quantity ?? o.executed_quantity ?? new Decimal(0),
    lastFillQuantity: o.last_fill_quantity ?? null,
    lastFillPrice: priceOrNull(o.last_fill_price),
    avgFillPrice: priceOrNull(o.avg_fill_price),
    reason: o.reason_description ?? null,
    updatedAt: isoMillis(updatedAt),
    updatedKey: instantKey(updatedAt),
    streamed: null,
  };
  if (assetClass !== null) {
    return {
      ...common,
      details: {
        symbol: assetClass === 'option' ? (o.option_symbol ?? o.symbol) : o.symbol,
        assetClass,
        side: fromTable(sideOf, o.side, 'side'),
        type: fromTable(typeOf, o.type, 'order type'),
        timeInForce: fromTable(durationOf, o.duration, 'duration'),
        quantity: o.quantity,
        limitPrice: priceOrNull(o.price),
        stopPrice: priceOrNull(o.stop_price),
        createdAt: isoMillis(o.create_date),
        legs: null,
      },
      legs: null,
    };
  }
  // A multi-leg order: `quantity` counts units, each leg trades its own quantity (ratio x units).
  const rawLegs = o.leg === null || o.leg === undefined ? [] : Array.isArray(o.leg) ? o.leg : [o.leg];
  if (rawLegs.length < 2) throw new Error(`tradier: ${o.class} order ${o.id} has ${rawLegs.length} legs; a multi-leg order has at least two`);
  if (!o.quantity.gt(0)) throw new Error(`tradier: ${o.class} order ${o.id} has no positive quantity`);
  const legs = rawLegs.map((raw, i) => parseWith(legPayload, raw, `leg ${i + 1} of ${o.class} order ${o.id}`));
  const net = fromTable(netTypeOf, o.type, 'multi-leg order type');
  const orderLegs: OrderLeg[] = legs.map((l) => {
    const legClass = l.class === null || l.class === undefined ? (l.option_symbol ? 'option' : 'equity') : l.class;
    const cls = fromTable(classOf, legClass, 'leg class');
    return {
      symbol: cls === 'option' ? (l.option_symbol ?? l.symbol) : l.symbol,
      assetClass: cls,
      side: fromTable(sideOf, l.side, 'leg side'),
      ratio: l.quantity.div(o.quantity),
      positionEffect: fromTable(positionEffectOf, l.side, 'leg side'),
    };
  });
  return {
    ...common,
    details: {
      symbol: o.symbol,
      assetClass: orderLegs.every((l) => l.assetClass === orderLegs[0]!.assetClass) ? orderLegs[0]!.assetClass : 'option',
      side: net.side ?? orderLegs[0]!.side,
      type: net.type,
      timeInForce: fromTable(durationOf, o.duration, 'duration'),
      quantity: o.quantity,
      limitPrice: net.type === 'limit' ? (o.price ?? null) : null,
      stopPrice: null,
      createdAt: isoMillis(o.create_date),
      legs: orderLegs,
    },
    legs: legs.map((l) => ({
      legId: l.id,
      executed: l.exec_quantity ?? l.executed_quantity ?? new Decimal(0),
      lastFillQuantity: l.last_fill_quantity ?? null,
      lastFillPrice: priceOrNull(l.last_fill_price),
      avgFillPrice: priceOrNull(l.avg_fill_price),
    })),
  };
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`tradier: not ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Tradier writes an empty collection as the string `"null"` (or null). */
const nothing = z.union([z.literal('null'), z.null()]);

/** `{"order":{…}}`; undefined for `{"order":"null"}`. */
export function parseTradierOrder(raw: unknown): TradierSnapshot | undefined {
  const envelope = parseWith(z.object({ order: z.union([nothing, z.unknown()]) }), raw, 'an order envelope');
  if (envelope.order === null || envelope.order === 'null') return undefined;
  return snapshotFrom(parseWith(orderPayload, envelope.order, 'an order'));
}

/**
 * `{"orders":{"order":[…] | {…}}}` or `{"orders":"null"}`, item by item: an order that cannot be
 * read goes to `skip` raw and the others on. `count` is every item, read or not (for paging).
 */
export function parseTradierOrders(raw: unknown, skip: (item: UnparsedVenueItem) => void): { snapshots: TradierSnapshot[]; count: number } {
  const envelope = parseWith(z.object({ orders: z.union([nothing, z.object({ order: z.union([z.array(z.unknown()), z.unknown()]) })]) }), raw, 'an order list');
  if (envelope.orders === null || envelope.orders === 'null') return { snapshots: [], count: 0 };
  const list = Array.isArray(envelope.orders.order) ? envelope.orders.order : [envelope.orders.order];
  return { snapshots: parseEach(list, 'order', ['id'], (o) => snapshotFrom(parseWith(orderPayload, o, 'an order')), skip), count: list.length };
}

/**
 * The answer to a placement or a cancel: the order id, and `"status":"ok"` (an acknowledgement, not
 * an order status). Made-up example: {"order":{"id":228175,"status":"ok","partner_id":"3a8bbee1-5184-4ffe-8a0c-294fbad1aee9"}}
 */
export function parseTradierAck(raw: unknown): string {
  return parseWith(z.object({ order: z.object({ id: orderId, status: z.literal('ok') }) }), raw, 'an order acknowledgement').order.id;
}

/** An order's report, from its details (REST, or remembered) and a snapshot's state. */
export function tradierReport(details: TradierOrderDetails, s: TradierSnapshot, clientOrderId: string | null): VenueOrderReport {
  const executed = s.executed;
  return {
    venueOrderId: s.orderId,
    clientOrderId,
    symbol: details.symbol,
    assetClass: details.assetClass,
    side: details.side,
    type: s.streamed?.type ?? details.type,
    timeInForce: details.timeInForce,
    quantity: details.quantity,
    limitPrice: s.streamed === null ? details.limitPrice : (s.streamed.limitPrice ?? details.limitPrice),
    stopPrice: s.streamed === null ? details.stopPrice : (s.streamed.stopPrice ?? details.stopPrice),
    legs: details.legs,
    status: mapTradierStatus(s.status, details.quantity, executed),
    filledQuantity: executed,
    avgFillPrice: executed.gt(0) ? s.avgFillPrice : null,
    reason: s.reason,
    createdAt: details.createdAt,
    updatedAt: s.updatedAt,
  };
}

// ---- positions ------------------------------------------------------------------------------

/** An OCC option symbol: root, expiry (yymmdd), C or P, strike x 1000. */
const occSymbol = /^[A-Z0-9.]{1,6}\d{6}[CP]\d{8}$/;

/**
 * `GET /v1/accounts/{id}/positions`. Made-up example (one position: an object; none: `"null"`):
 *   {"positions":{"position":[{"cost_basis":936.25,"date_acquired":"2026-11-20T14:30:01.456Z","id":130089,"quantity":-5.00000000,"symbol":"AAPL"}]}}
 */
export function parseTradierPositions(raw: unknown): VenuePositionReport[] {
  const position = z.object({ symbol: z.string().min(1).max(64), quantity: wireDecimal });
  const envelope = parseWith(z.object({ positions: z.union([nothing, z.object({ position: z.union([z.array(position), position]) })]) }), raw, 'a position list');
  if (envelope.positions === null || envelope.positions === 'null') return [];
  const list = Array.isArray(envelope.positions.position) ? envelope.positions.position : [envelope.positions.position];
  return list.map((p) => ({ symbol: p.symbol, assetClass: occSymbol.test(p.symbol) ? 'option' : 'equity', netQuantity: p.quantity }));
}

// ---- stream ---------------------------------------------------------------------------------

/** `POST /v1/accounts/events/session`. Made-up example: {"stream":{"url":"wss://ws.tradier.com/v1/accounts/events","sessionid":"c8638963-a6d4-4fb9-9bc6-e25fbd8c60c3"}} */
export function parseTradierSession(raw: unknown): { url: string | null; sessionId: string } {
  const s = parseWith(z.object({ stream: z.object({ url: z.string().max(500).nullish(), sessionid: z.string().min(1).max(200) }) }), raw, 'a stream session').stream;
  return { url: s.url ?? null, sessionId: s.sessionid };
}

/**
 * A message of the account-events websocket: a heartbeat, or a snapshot of one order on every
 * change (no symbol, side, quantity or last fill price: the adapter fills those in). Made-up examples:
 *   {"event":"heartbeat","status":"active","timestamp":"2026-11-20T14:31:00.000000000Z"}
 *   {"id":228175,"event":"order","status":"partially_filled","type":"limit","price":187.25,"stop_price":0.0,
 *    "avg_fill_price":187.25,"exec_quantity":4.0,"last_fill_quantity":4.0,"remaining_quantity":6.0,
 *    "transaction_date":"2026-11-20T14:30:01.456Z","create_date":"2026-11-20T14:30:00.123Z","account":"VA000000","tag":"fb-7f0c"}
 */
const streamOrderPayload = z.object({
  id: orderId,
  event: z.literal('order'),
  account: z.string().min(1).max(32),
  status: z.string(),
  type: z.string().nullish(),
  price: wireDecimal.nullish(),
  stop_price: wireDecimal.nullish(),
  avg_fill_price: wireDecimal.nullish(),
  exec_quantity: wireDecimal.nullish(),
  executed_quantity: wireDecimal.nullish(),
  last_fill_quantity: wireDecimal.nullish(),
  transaction_date: wireTimestamp,
  tag: z.string().max(255).nullish(),
});

export type TradierStreamMessage = { kind: 'order'; account: string; snapshot: TradierSnapshot } | { kind: 'heartbeat' } | { kind: 'other'; event: string };

export function parseTradierStreamMessage(raw: unknown): TradierStreamMessage {
  const head = parseWith(z.object({ event: z.string() }), raw, 'an account event');
  if (head.event === 'heartbeat') return { kind: 'heartbeat' };
  if (head.event !== 'order') return { kind: 'other', event: head.event };
  const o = parseWith(streamOrderPayload, raw, 'an order event');
  return {
    kind: 'order',
    account: o.account,
    snapshot: {
      orderId: o.id,
      tag: o.tag ?? null,
      status: knownStatus(o.status),
      executed: o.exec_quantity ?? o.executed_quantity ?? new Decimal(0),
      lastFillQuantity: o.last_fill_quantity ?? null,
      lastFillPrice: null,
      avgFillPrice: priceOrNull(o.avg_fill_price),
      reason: null,
      updatedAt: isoMillis(o.transaction_date),
      updatedKey: instantKey(o.transaction_date),
      details: null,
      // A multi-leg order's type is its net price (debit, credit): the REST read says what it is.
      streamed: { type: o.type === null || o.type === undefined || o.type in netTypeOf ? null : fromTable(typeOf, o.type, 'order type'), limitPrice: priceOrNull(o.price), stopPrice: priceOrNull(o.stop_price) },
      legs: null,
    },
  };
}

// ---- errors ---------------------------------------------------------------------------------

/**
 * The message of an error answer: `{"errors":{"error":["…","…"]}}` (or one string), or the
 * gateway's `{"fault":{"faultstring":"Invalid Access Token"}}`, or plain text.
 */
export function tradierErrorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { error?: unknown }; fault?: { faultstring?: unknown } };
    const errors = body.errors?.error;
    if (Array.isArray(errors)) return errors.map(String).join('; ').slice(0, 500);
    if (typeof errors === 'string') return errors.slice(0, 500);
    if (typeof body.fault?.faultstring === 'string') return body.fault.faultstring.slice(0, 500);
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 500) || '(no message)';
}
