import { z } from 'zod';
import { type AssetClass, Decimal, type OrderSide, type OrderStatus, type OrderType, type TimeInForce } from '../../domain/index.js';
import { type VenueFillReport, type VenueOrderReport, type VenuePlaceRequest, type VenuePositionReport, VenueError } from '../venue.js';
import { clientOrderIdOf } from './bybit-mapping.js';
import type { CcxtConfig } from './ccxt-config.js';
import { parsePayload } from './ccxt-items.js';

/**
 * Binance spot (api/v3) and USDⓈ-M futures (fapi/v1) payloads, read at the edge. Binance sends
 * quantities and prices as decimal strings ("0.00050000") and ids and times as JSON numbers; the
 * strings go straight into Decimal (ccxt's unified orders would have made them floats).
 *
 * Binance's order and trade ids are unique per symbol only, and every order endpoint needs the
 * symbol, so Fillbook's venue order id is `<symbol>:<orderId>` (`BTCUSDT:5403233939`) and a fill's
 * exec id `<symbol>:<trade id>`: reversible, and the same however the order is reached.
 */

export type BinanceMarket = 'spot' | 'usdm';

const decimalText = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const decimal = z.string().max(64).regex(decimalText, 'a decimal string such as "0.001"').transform((s) => new Decimal(s));
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const millis = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,16}$/)]).transform((v) => new Date(Number(v)).toISOString());

/*
 * An order, GET /api/v3/order, /api/v3/openOrders, /api/v3/allOrders (spot) and the fapi/v1
 * equivalents. Made-up example (spot):
 *   {"symbol":"BTCUSDT","orderId":5403233939,"orderListId":-1,"clientOrderId":"fb_3b1f0c2e9a8d4c7fb2d5e6a1c0f9b8e7",
 *    "price":"20000.00000000","origQty":"0.00050000","executedQty":"0.00010000","cummulativeQuoteQty":"2.00000000",
 *    "status":"PARTIALLY_FILLED","timeInForce":"GTC","type":"LIMIT","side":"BUY","stopPrice":"0.00000000",
 *    "time":1795185000250,"updateTime":1795185001250,"isWorking":true}
 * USDⓈ-M adds "avgPrice", "cumQuote" (for "cummulativeQuoteQty"), "positionSide", "origType".
 */
export const binanceOrderSchema = z.object({
  symbol: z.string().min(1).max(40),
  orderId: id,
  clientOrderId: z.string().max(64),
  price: decimal,
  origQty: decimal,
  executedQty: decimal,
  cummulativeQuoteQty: decimal.optional(),
  cumQuote: decimal.optional(),
  avgPrice: decimal.optional(),
  status: z.string().min(1).max(40),
  timeInForce: z.string().max(20),
  type: z.string().max(40),
  side: z.string().max(10),
  stopPrice: decimal.optional(),
  time: millis.optional(),
  transactTime: millis.optional(),
  updateTime: millis.optional(),
});
export type BinanceOrder = z.infer<typeof binanceOrderSchema>;

/*
 * A trade of the account, GET /api/v3/myTrades (spot) and /fapi/v1/userTrades. Made-up example (spot):
 *   {"symbol":"BTCUSDT","id":28457,"orderId":5403233939,"orderListId":-1,"price":"20000.00000000","qty":"0.00010000",
 *    "quoteQty":"2.00000000","commission":"0.00000010","commissionAsset":"BTC","time":1795185001250,
 *    "isBuyer":true,"isMaker":true,"isBestMatch":true}
 * USDⓈ-M: "side":"BUY", "buyer", "maker" instead of "isBuyer", "isMaker".
 */
export const binanceTradeSchema = z.object({
  symbol: z.string().min(1).max(40),
  id,
  orderId: id,
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string().max(20),
  time: millis,
  isBuyer: z.boolean().optional(),
  isMaker: z.boolean().optional(),
  side: z.string().max(10).optional(),
  maker: z.boolean().optional(),
});

/* GET /fapi/v2/positionRisk item. Made-up example: {"symbol":"BTCUSDT","positionAmt":"-0.004","positionSide":"BOTH","entryPrice":"20000.0",...} */
export const binancePositionSchema = z.object({ symbol: z.string().min(1).max(40), positionAmt: decimal, positionSide: z.string().max(10).optional() });

/* POST order with newOrderRespType ACK: {"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":"…","transactTime":1795185000250} */
export const binanceAckSchema = z.object({ symbol: z.string().min(1).max(40), orderId: id });

export const parseBinance = <T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> => parsePayload('binance', schema, json, what);

// ---- ids ----------------------------------------------------------------------------------------

export const binanceVenueOrderId = (symbol: string, orderId: string) => `${symbol}:${orderId}`;

export function splitBinanceOrderId(venueOrderId: string): { symbol: string; orderId: string } | undefined {
  const match = /^([A-Z0-9._-]{1,40}):(\d{1,20})$/.exec(venueOrderId);
  return match === null ? undefined : { symbol: match[1]!, orderId: match[2]! };
}

// ---- statuses, types, sides ---------------------------------------------------------------------

/**
 * Binance order statuses (spot "ENUM Definitions" and USDⓈ-M "Common Definitions"; ccxt's binance
 * parseOrderStatus lists the same words). `by_fills`: working, partially_filled once executedQty > 0.
 */
const statusMap: Record<string, OrderStatus | 'by_fills'> = {
  PENDING_NEW: 'pending_submit', // an order of an order list not yet working
  NEW: 'by_fills',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  PENDING_CANCEL: 'pending_cancel', // documented, currently unused by Binance
  CANCELED: 'canceled',
  REJECTED: 'rejected',
  EXPIRED: 'expired', // IOC/FOK remainder, or canceled by the venue (liquidation, maintenance); its fills stand
  EXPIRED_IN_MATCH: 'expired', // self-trade prevention expired it
};

const spotTypes: Record<string, OrderType> = { LIMIT: 'limit', LIMIT_MAKER: 'limit', MARKET: 'market', STOP_LOSS: 'stop', STOP_LOSS_LIMIT: 'stop_limit' };
const usdmTypes: Record<string, OrderType> = { LIMIT: 'limit', MARKET: 'market', STOP: 'stop_limit', STOP_MARKET: 'stop' };
/** GTX is Binance futures' post-only (a GTC that only rests). GTD has no Fillbook word and stays unread. */
const timesInForce: Record<string, TimeInForce> = { GTC: 'gtc', IOC: 'ioc', FOK: 'fok', GTX: 'gtc' };
const sides: Record<string, OrderSide> = { BUY: 'buy', SELL: 'sell' };
const marketClasses: Record<BinanceMarket, AssetClass> = { spot: 'crypto', usdm: 'future' };

function lookup<T>(table: Record<string, T>, value: string, what: string, where: string): T {
  const found = Object.hasOwn(table, value) ? table[value] : undefined;
  if (found === undefined) throw new Error(`binance ${where}: unknown ${what} ${JSON.stringify(value)}`);
  return found;
}

// ---- reports ------------------------------------------------------------------------------------

/** Binance's average fill price is its quote amount over its quantity; rounded half to even at 12 places, as Fillbook's averages are. */
const averageDecimals = 12;

export function binanceOrderReport(o: BinanceOrder, market: BinanceMarket, known: ReadonlyMap<string, string>): VenueOrderReport {
  const where = `order ${o.symbol}:${o.orderId}`;
  const type = lookup(market === 'spot' ? spotTypes : usdmTypes, o.type, 'order type', where);
  const mapped = lookup(statusMap, o.status, 'order status', where);
  const filled = o.executedQty;
  const quote = o.cummulativeQuoteQty ?? o.cumQuote;
  const average = o.avgPrice !== undefined && o.avgPrice.gt(0) ? o.avgPrice : quote !== undefined && filled.gt(0) ? quote.div(filled).toDecimalPlaces(averageDecimals, Decimal.ROUND_HALF_EVEN) : null;
  const createdAt = o.time ?? o.transactTime ?? o.updateTime;
  if (createdAt === undefined) throw new Error(`binance ${where}: no time, transactTime or updateTime`);
  const limit = type === 'limit' || type === 'stop_limit';
  const stop = type === 'stop' || type === 'stop_limit';
  return {
    venueOrderId: binanceVenueOrderId(o.symbol, o.orderId),
    clientOrderId: clientOrderIdOf(o.clientOrderId, known),
    symbol: o.symbol,
    assetClass: marketClasses[market],
    side: lookup(sides, o.side, 'side', where),
    type,
    // A market order has no time in force at Binance; Fillbook sends it as IOC, which is what it does.
    timeInForce: type === 'market' || type === 'stop' ? 'ioc' : lookup(timesInForce, o.timeInForce, 'time in force', where),
    quantity: o.origQty,
    limitPrice: limit ? o.price : null,
    stopPrice: stop && o.stopPrice !== undefined && o.stopPrice.gt(0) ? o.stopPrice : null,
    legs: null,
    status: mapped === 'by_fills' ? (filled.gt(0) ? 'partially_filled' : 'open') : mapped,
    filledQuantity: filled,
    avgFillPrice: filled.gt(0) ? average : null,
    reason: null,
    createdAt,
    updatedAt: o.updateTime ?? o.transactTime ?? createdAt,
  };
}

export function readBinanceOrder(raw: unknown, market: BinanceMarket, known: ReadonlyMap<string, string>): VenueOrderReport {
  return binanceOrderReport(parseBinance(binanceOrderSchema, raw, 'an order'), market, known);
}

/**
 * A trade of the account into a fill. Every item of myTrades / userTrades is a trade (Binance
 * lists nothing else there). The fee is `commission` in `commissionAsset` (BNB when paid in BNB,
 * the bought asset on a spot buy otherwise); negative on USDⓈ-M is a rebate.
 */
export function readBinanceTrade(raw: unknown, market: BinanceMarket, clientOrderIds?: ReadonlyMap<string, string>): VenueFillReport {
  const t = parseBinance(binanceTradeSchema, raw, 'a trade');
  const where = `trade ${t.symbol}:${t.id}`;
  const side: OrderSide = market === 'spot' ? (t.isBuyer === undefined ? fail(where, 'isBuyer') : t.isBuyer ? 'buy' : 'sell') : lookup(sides, t.side ?? '', 'side', where);
  const maker = market === 'spot' ? t.isMaker : t.maker;
  if (maker === undefined) fail(where, market === 'spot' ? 'isMaker' : 'maker');
  const venueOrderId = binanceVenueOrderId(t.symbol, t.orderId);
  return {
    execId: `${t.symbol}:${t.id}`,
    venueOrderId,
    // Binance trades do not carry the client order id; the dialect names it when it knows the order.
    clientOrderId: clientOrderIds?.get(venueOrderId) ?? null,
    leg: null,
    symbol: t.symbol,
    side,
    quantity: t.qty,
    price: t.price,
    fee: t.commission,
    feeCurrency: t.commissionAsset || null,
    liquidity: maker ? 'maker' : 'taker',
    executedAt: t.time,
  };
}

function fail(where: string, field: string): never {
  throw new Error(`binance ${where}: no ${field}`);
}

export function binancePositionReports(list: readonly z.infer<typeof binancePositionSchema>[]): VenuePositionReport[] {
  // In hedge mode Binance lists LONG and SHORT apart, each signed; the net is their sum.
  const net = new Map<string, VenuePositionReport>();
  for (const p of list) {
    const held = net.get(p.symbol) ?? { symbol: p.symbol, assetClass: 'future' as const, netQuantity: new Decimal(0) };
    net.set(p.symbol, { ...held, netQuantity: held.netQuantity.plus(p.positionAmt) });
  }
  return [...net.values()].filter((p) => !p.netQuantity.isZero());
}

// ---- requests -----------------------------------------------------------------------------------

/**
 * The parameters of POST /api/v3/order or /fapi/v1/order, exact decimal strings throughout.
 * USDⓈ-M stop orders now go through Binance's algo order API (ccxt sends them as `clientAlgoId`
 * orders), which Fillbook does not speak yet: they are refused before anything is sent.
 */
export function binanceCreateParams(r: VenuePlaceRequest, clientId: string, market: BinanceMarket, config: Pick<CcxtConfig, 'dayTimeInForce'>): Record<string, string> {
  const tif = r.timeInForce === 'day' ? (config.dayTimeInForce === 'GTC' ? 'GTC' : undefined) : ({ gtc: 'GTC', ioc: 'IOC', fok: 'FOK' } as Partial<Record<TimeInForce, string>>)[r.timeInForce];
  if (tif === undefined) throw new VenueError('rejected', `binance has no time in force ${r.timeInForce}${r.timeInForce === 'day' ? ' (venue_config.dayTimeInForce is reject)' : ''}; use gtc, ioc or fok`);
  if (market === 'usdm' && (r.type === 'stop' || r.type === 'stop_limit')) throw new VenueError('rejected', 'binance USDⓈ-M stop orders go through its algo order API, which Fillbook does not send yet');
  // A trailing stop is an order type Fillbook reads from venues (Alpaca), never places.
  if (r.type === 'trailing_stop') throw new VenueError('rejected', 'binance trailing stops are not placed through Fillbook');
  const type = market === 'spot' ? { market: 'MARKET', limit: 'LIMIT', stop: 'STOP_LOSS', stop_limit: 'STOP_LOSS_LIMIT' }[r.type] : { market: 'MARKET', limit: 'LIMIT', stop: 'STOP_MARKET', stop_limit: 'STOP' }[r.type];
  const params: Record<string, string> = { symbol: r.symbol, side: r.side === 'buy' ? 'BUY' : 'SELL', type, quantity: r.quantity.toFixed(), newClientOrderId: clientId, newOrderRespType: 'ACK' };
  if (r.type === 'limit' || r.type === 'stop_limit') {
    if (r.limitPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a limit price`);
    params.price = r.limitPrice.toFixed();
    params.timeInForce = tif;
  }
  if (r.type === 'stop' || r.type === 'stop_limit') {
    if (r.stopPrice === null) throw new VenueError('rejected', `a ${r.type} order needs a stop price`);
    params.stopPrice = r.stopPrice.toFixed();
  }
  return params;
}
