import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type AssetClass, Decimal, type OrderSide, type OrderStatus, type OrderType, type TimeInForce } from '../../domain/index.js';
import { type VenueFillReport, type VenueOrderReport, type VenuePlaceRequest, type VenuePositionReport, VenueError } from '../venue.js';
import type { CcxtConfig } from './ccxt-config.js';
import { parsePayload } from './ccxt-items.js';

/**
 * OKX v5 payloads, read at the edge. OKX sends every number as a string ("0.001",
 * "1621910749815") and an absent one as "". Order ids are unique, but every order endpoint needs
 * the instrument too, so Fillbook's venue order id is `<instId>:<ordId>`
 * (`BTC-USDT-SWAP:2657625147249614848`); a fill's exec id is `<instId>:<tradeId>` (tradeId is
 * unique per instrument, and the same in the orders channel as in fills-history).
 */

export type OkxInstType = 'SPOT' | 'SWAP';

const decimalText = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const decimal = z.string().max(64).regex(decimalText, 'a decimal string such as "0.001"').transform((s) => new Decimal(s));
const optionalDecimal = z.union([z.literal(''), z.string().max(64).regex(decimalText)]).nullish().transform((s) => (s === '' || s === null || s === undefined ? null : new Decimal(s)));
const millis = z.string().regex(/^\d{1,16}$/).transform((v) => new Date(Number(v)).toISOString());

/*
 * An order, GET /api/v5/trade/order, orders-pending, orders-history. Made-up example:
 *   {"instType":"SWAP","instId":"BTC-USDT-SWAP","ordId":"2657625147249614848","clOrdId":"fb2QH1d8x…","px":"20000",
 *    "sz":"0.1","ordType":"limit","side":"buy","posSide":"net","tdMode":"cross","accFillSz":"0.05","avgPx":"20000",
 *    "state":"partially_filled","fee":"-0.0004","feeCcy":"USDT","cTime":"1795185000250","uTime":"1795185001250"}
 */
export const okxOrderSchema = z.object({
  instId: z.string().min(1).max(60),
  ordId: z.string().regex(/^\d{1,30}$/),
  clOrdId: z.string().max(64),
  px: optionalDecimal,
  sz: decimal,
  ordType: z.string().max(40),
  side: z.string().max(10),
  accFillSz: decimal,
  avgPx: optionalDecimal,
  state: z.string().min(1).max(40),
  slTriggerPx: optionalDecimal,
  cTime: millis,
  uTime: millis,
});

/*
 * A fill, GET /api/v5/trade/fills-history. Made-up example:
 *   {"instType":"SWAP","instId":"BTC-USDT-SWAP","tradeId":"107601752","ordId":"2657625147249614848","clOrdId":"",
 *    "billId":"317321390265368576","side":"buy","fillSz":"0.05","fillPx":"20000","fee":"-0.0004","feeCcy":"USDT",
 *    "execType":"M","posSide":"net","ts":"1795185001250"}
 */
export const okxFillSchema = z.object({
  instId: z.string().min(1).max(60),
  tradeId: z.string().regex(/^\d{1,30}$/),
  ordId: z.string().regex(/^\d{1,30}$/),
  clOrdId: z.string().max(64).nullish(),
  billId: z.string().max(40),
  side: z.string().max(10),
  fillSz: decimal,
  fillPx: decimal,
  fee: decimal,
  feeCcy: z.string().max(20),
  execType: z.string().max(4),
  ts: millis,
});

/* GET /api/v5/account/positions item. Made-up example: {"instType":"SWAP","instId":"BTC-USDT-SWAP","pos":"-2","posSide":"net",…} */
export const okxPositionSchema = z.object({ instId: z.string().min(1).max(60), pos: decimal, posSide: z.string().max(10) });

/** `{"code":"0","msg":"","data":[...]}`; a non-zero code never reaches here (ccxt throws first). */
export const okxEnvelope = z.object({ code: z.literal('0'), data: z.array(z.unknown()).max(1_000) });
export const okxPlacedSchema = z.object({ ordId: z.string().regex(/^\d{1,30}$/), sCode: z.literal('0') });

export const parseOkx = <T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> => parsePayload('okx', schema, json, what);

// ---- ids ----------------------------------------------------------------------------------------

export const okxVenueOrderId = (instId: string, ordId: string) => `${instId}:${ordId}`;

export function splitOkxOrderId(venueOrderId: string): { instId: string; ordId: string } | undefined {
  const match = /^([A-Z0-9-]{1,60}):(\d{1,30})$/.exec(venueOrderId);
  return match === null ? undefined : { instId: match[1]!, ordId: match[2]! };
}

/**
 * OKX's `clOrdId` is 1 to 32 case-sensitive alphanumerics, nothing else (OKX place-order docs;
 * ccxt's okx fills it as its 16-character broker id and uuid16, alphanumerics only). An id that
 * fits and does not start with `fb` is sent as it is. Fillbook's own ids (`fb-` and a UUID) are
 * packed reversibly as `fb` and the UUID's 128 bits in base 62 (22 characters). Anything else
 * becomes `fbh` and 29 hexadecimal digits of its SHA-256 (deterministic, one-way; the dialect
 * remembers those it made).
 */
export const clOrdIdCharsMax = 32;
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const fillbookUuidId = /^fb-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

export function okxClOrdIdFor(clientOrderId: string): string {
  const uuid = fillbookUuidId.exec(clientOrderId);
  if (uuid !== null) {
    let n = BigInt(`0x${uuid.slice(1).join('')}`);
    let digits = '';
    for (let i = 0; i < 22; i++) {
      digits = base62[Number(n % 62n)] + digits;
      n /= 62n;
    }
    return `fb${digits}`;
  }
  if (/^[A-Za-z0-9]{1,32}$/.test(clientOrderId) && !clientOrderId.startsWith('fb')) return clientOrderId;
  return `fbh${createHash('sha256').update(clientOrderId).digest('hex').slice(0, clOrdIdCharsMax - 3)}`;
}

export function okxClientOrderIdOf(clOrdId: string, known: ReadonlyMap<string, string>): string | null {
  if (clOrdId === '') return null;
  if (/^fb[0-9A-Za-z]{22}$/.test(clOrdId)) {
    let n = 0n;
    for (const c of clOrdId.slice(2)) n = n * 62n + BigInt(base62.indexOf(c));
    if (n < 1n << 128n) {
      const hex = n.toString(16).padStart(32, '0');
      return `fb-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  return known.get(clOrdId) ?? clOrdId;
}

// ---- statuses, types, sides ---------------------------------------------------------------------

/** OKX order states (ccxt's okx parseOrderStatus has the same words); `by_fills` is open until accFillSz > 0. */
const states: Record<string, OrderStatus | 'by_fills'> = {
  live: 'by_fills',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled', // fills before the cancel stand
  mmp_canceled: 'canceled', // canceled by market maker protection
  order_failed: 'rejected', // placement failed at the matching engine (ccxt calls it canceled; nothing ever worked)
};

/** OKX puts the time in force in the order type. `optimal_limit_ioc` is a futures market order priced at the best levels. */
const orderTypes: Record<string, { type: OrderType; tif: TimeInForce }> = {
  limit: { type: 'limit', tif: 'gtc' },
  post_only: { type: 'limit', tif: 'gtc' }, // a GTC that only rests
  ioc: { type: 'limit', tif: 'ioc' },
  fok: { type: 'limit', tif: 'fok' },
  market: { type: 'market', tif: 'ioc' },
  optimal_limit_ioc: { type: 'market', tif: 'ioc' },
};
const sides: Record<string, OrderSide> = { buy: 'buy', sell: 'sell' };
const instClasses: Record<OkxInstType, AssetClass> = { SPOT: 'crypto', SWAP: 'future' };

function lookup<T>(table: Record<string, T>, value: string, what: string, where: string): T {
  const found = Object.hasOwn(table, value) ? table[value] : undefined;
  if (found === undefined) throw new Error(`okx ${where}: unknown ${what} ${JSON.stringify(value)}`);
  return found;
}

export function readOkxOrder(raw: unknown, instType: OkxInstType, known: ReadonlyMap<string, string>): VenueOrderReport {
  const o = parseOkx(okxOrderSchema, raw, 'an order');
  const where = `order ${o.instId}:${o.ordId}`;
  const { type, tif } = lookup(orderTypes, o.ordType, 'order type', where);
  const state = lookup(states, o.state, 'order state', where);
  const filled = o.accFillSz;
  return {
    venueOrderId: okxVenueOrderId(o.instId, o.ordId),
    clientOrderId: okxClientOrderIdOf(o.clOrdId, known),
    symbol: o.instId,
    assetClass: instClasses[instType],
    side: lookup(sides, o.side, 'side', where),
    type,
    timeInForce: tif,
    quantity: o.sz,
    limitPrice: type === 'limit' ? o.px : null,
    stopPrice: null,
    legs: null,
    status: state === 'by_fills' ? (filled.gt(0) ? 'partially_filled' : 'open') : state,
    filledQuantity: filled,
    avgFillPrice: filled.gt(0) && o.avgPx !== null && o.avgPx.gt(0) ? o.avgPx : null,
    reason: null,
    createdAt: o.cTime,
    updatedAt: o.uTime,
  };
}

/** Every item of fills-history is a trade of the account. OKX's fee is negative when charged: Fillbook's is the cost (positive), a rebate negative. */
export function readOkxFill(raw: unknown, known: ReadonlyMap<string, string>): VenueFillReport {
  const f = parseOkx(okxFillSchema, raw, 'a fill');
  const where = `fill ${f.instId}:${f.tradeId}`;
  return {
    execId: `${f.instId}:${f.tradeId}`,
    venueOrderId: okxVenueOrderId(f.instId, f.ordId),
    clientOrderId: f.clOrdId ? okxClientOrderIdOf(f.clOrdId, known) : null,
    leg: null,
    symbol: f.instId,
    side: lookup(sides, f.side, 'side', where),
    quantity: f.fillSz,
    price: f.fillPx,
    fee: f.fee.neg(),
    feeCurrency: f.feeCcy || null,
    liquidity: lookup({ T: 'taker', M: 'maker' } as const, f.execType, 'execType', where),
    executedAt: f.ts,
  };
}

export function okxPositionReports(list: readonly z.infer<typeof okxPositionSchema>[]): VenuePositionReport[] {
  // net mode: pos is signed; long/short mode: pos is positive and posSide says which.
  const net = new Map<string, VenuePositionReport>();
  for (const p of list) {
    const sign = p.posSide === 'short' ? -1 : p.posSide === 'long' || p.posSide === 'net' ? 1 : undefined;
    if (sign === undefined) throw new Error(`okx position ${p.instId}: unknown posSide ${JSON.stringify(p.posSide)}`);
    const held = net.get(p.instId) ?? { symbol: p.instId, assetClass: 'future' as const, netQuantity: new Decimal(0) };
    net.set(p.instId, { ...held, netQuantity: held.netQuantity.plus(p.pos.times(sign)) });
  }
  return [...net.values()];
}

/**
 * The body of POST /api/v5/trade/order. Stops go through OKX's algo order API (order-algo),
 * which Fillbook does not send yet. A spot market order is sized in the base currency
 * (`tgtCcy: base_ccy`; OKX sizes spot market buys in the quote currency otherwise).
 */
export function okxCreateBody(r: VenuePlaceRequest, clOrdId: string, instType: OkxInstType, config: Pick<CcxtConfig, 'dayTimeInForce' | 'tdMode'>): Record<string, string> {
  if (r.type === 'stop' || r.type === 'stop_limit') throw new VenueError('rejected', 'okx stop orders go through its algo order API, which Fillbook does not send yet');
  const tif = r.timeInForce === 'day' ? (config.dayTimeInForce === 'GTC' ? 'gtc' : undefined) : (['gtc', 'ioc', 'fok'] as const).find((t) => t === r.timeInForce);
  if (tif === undefined) throw new VenueError('rejected', `okx has no time in force ${r.timeInForce}${r.timeInForce === 'day' ? ' (venue_config.dayTimeInForce is reject)' : ''}; use gtc, ioc or fok`);
  const body: Record<string, string> = {
    instId: r.symbol,
    tdMode: instType === 'SPOT' ? 'cash' : config.tdMode,
    side: r.side,
    ordType: r.type === 'market' ? 'market' : tif === 'gtc' ? 'limit' : tif,
    sz: r.quantity.toFixed(),
    clOrdId,
  };
  if (r.type === 'limit') {
    if (r.limitPrice === null) throw new VenueError('rejected', 'a limit order needs a limit price');
    body.px = r.limitPrice.toFixed();
  }
  if (r.type === 'market' && instType === 'SPOT') body.tgtCcy = 'base_ccy';
  return body;
}
