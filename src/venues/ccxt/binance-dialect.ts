import { z } from 'zod';
import type { FillPage, OrderPage, VenueCapabilities, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';
import { VenueError } from '../venue.js';
import {
  type BinanceMarket,
  binanceAckSchema,
  binanceCreateParams,
  binancePositionReports,
  binancePositionSchema,
  binanceVenueOrderId,
  parseBinance as parse,
  readBinanceOrder,
  readBinanceTrade,
  splitBinanceOrderId,
} from './binance-mapping.js';
import { orderLinkIdFor } from './bybit-mapping.js';
import { binanceUrls, type CcxtConfig, type CcxtCredentials } from './ccxt-config.js';
import type { CcxtDialect, DialectStreamHandlers, WithUnparsed } from './ccxt-dialect.js';
import { type CcxtModule, DuplicateClientOrderId } from './ccxt-errors.js';
import { decodeCursor, encodeCursor as encode, type ReadItems, readEach } from './ccxt-items.js';

type Binance = InstanceType<CcxtModule['binance']>;

/** Binance answers at most 1000 trades or orders a request. */
const pageSize = 1000;
/** myTrades and allOrders take a window of at most 24 hours on spot, 7 days on USDⓈ-M. */
const windowMs: Record<BinanceMarket, number> = { spot: 24 * 60 * 60 * 1000, usdm: 7 * 24 * 60 * 60 * 1000 };
/** Full pages read within one window (x1000) before moving on: a bound, not a limit a real account reaches. */
const pagesPerWindowMax = 100;
/** An empty window or symbol is passed over within one call, up to this many requests, so a page is rarely empty. */
const requestsPerCallMax = 10;
/** The last window reaches this far past our clock: trades stamped by Binance's clock a little ahead of ours still belong in it. */
const clockSkewAllowanceMs = 60_000;
/** Venue order ids whose client order id is remembered, to name it on fills (Binance trades do not carry it). */
const knownOrdersMax = 50_000;

/**
 * The codes Binance refuses a reused client order id with. Spot: -2010 NEW_ORDER_REJECTED with
 * "Duplicate order sent." (-2010 also covers other refusals, hence the message); USDⓈ-M: -4116
 * DUPLICATED_CLIENT_ORDER_ID (ccxt's binance `exceptions.linear.exact`). Binance keeps a client
 * order id unique among *open* orders only: once the first order is done the id can be reused, so
 * submission is not idempotent (`idempotentSubmit: false`) and a resend is always preceded by a lookup.
 */
const duplicateIdPattern = /"code":\s*-2010\b[^}]*Duplicate order sent|"code":\s*-4116\b/;

export function isBinanceDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && duplicateIdPattern.test(error.message);
}

/** Per configured symbol, time windows from `since`; inside a window, full pages continue after the last item's time and id. */
type WindowCursor = { s: number; since: number; start: number; end: number; until: number; afterId: string | null; pages: number };
type OrderCursor = { phase: 'open' } | ({ phase: 'history' } & WindowCursor);

const rawList = z.array(z.unknown()).max(pageSize);

/**
 * Binance spot (`ccxt:binance`, api/v3) and USDⓈ-M futures (`ccxt:binanceusdm`, fapi) through
 * ccxt's implicit API: ccxt signs (HMAC-SHA256 of the query, `X-MBX-APIKEY`), spaces requests by
 * Binance's weights and maps error codes to its exceptions; the answers are Binance's JSON with
 * decimal strings untouched. Binance's user data stream (a listen key, or the WebSocket API's
 * signed subscription) is not spoken yet: `stream: false`, and the service reconciles by polling.
 */
export class BinanceDialect implements CcxtDialect {
  readonly capabilities: VenueCapabilities;
  /** orderLinkId -> client order id for hashed ids; venue order id -> client order id for fills. */
  private readonly known = new Map<string, string>();
  private readonly clientIds = new Map<string, string>();

  constructor(
    private readonly exchange: Binance,
    private readonly ccxt: CcxtModule,
    private readonly market: BinanceMarket,
    private readonly config: CcxtConfig,
  ) {
    this.capabilities = {
      clientOrderId: true,
      idempotentSubmit: false, // a client order id is unique among open orders only
      getByClientOrderId: true,
      cancel: true,
      fillsSince: true,
      ordersSince: true,
      positions: market === 'usdm', // spot holdings are balances, not positions
      stream: false,
      multiLeg: false,
      feesSince: false, // fees come on the fills
    };
  }

  static create(ccxt: CcxtModule, config: CcxtConfig, credentials: CcxtCredentials): BinanceDialect {
    const market: BinanceMarket = config.exchange === 'binanceusdm' ? 'usdm' : 'spot';
    const exchange = new ccxt.binance({
      apiKey: credentials.apiKey,
      secret: credentials.secret,
      timeout: config.requestTimeoutMs,
      enableRateLimit: true,
      ...(config.rateLimitMs === null ? {} : { rateLimit: config.rateLimitMs }),
      options: { recvWindow: config.recvWindowMs, defaultType: market === 'usdm' ? 'future' : 'spot' },
    });
    const base = (config.restBaseUrl ?? binanceUrls[market === 'usdm' ? 'binanceusdm' : 'binance'][config.environment] ?? '').replace(/\/$/, '');
    const api = exchange.urls.api as Record<string, string>;
    exchange.urls.api = market === 'spot' ? { ...api, public: `${base}/api/v3`, private: `${base}/api/v3` } : { ...api, fapiPublic: `${base}/fapi/v1`, fapiPrivate: `${base}/fapi/v1`, fapiPrivateV2: `${base}/fapi/v2` };
    return new BinanceDialect(exchange, ccxt, market, config);
  }

  async create(request: VenuePlaceRequest): Promise<{ venueOrderId: string }> {
    const params = binanceCreateParams(request, this.linkIdOf(request.clientOrderId), this.market, this.config);
    let raw: unknown;
    try {
      raw = this.market === 'spot' ? await this.exchange.privatePostOrder(params) : await this.exchange.fapiPrivatePostOrder(params);
    } catch (error) {
      if (isBinanceDuplicateIdError(error)) throw new DuplicateClientOrderId(request.clientOrderId);
      throw error;
    }
    const ack = parse(binanceAckSchema, raw, 'POST order');
    const venueOrderId = binanceVenueOrderId(ack.symbol, ack.orderId);
    this.remember(venueOrderId, request.clientOrderId);
    return { venueOrderId };
  }

  async cancel(order: VenueOrderReport): Promise<void> {
    const { symbol, orderId } = this.split(order.venueOrderId);
    if (this.market === 'spot') await this.exchange.privateDeleteOrder({ symbol, orderId });
    else await this.exchange.fapiPrivateDeleteOrder({ symbol, orderId });
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    const key = splitBinanceOrderId(venueOrderId);
    if (key === undefined) return undefined; // not an id Binance could have given
    return this.findOrder({ symbol: key.symbol, orderId: key.orderId });
  }

  /** Binance finds a client order id only within a symbol: each configured symbol is asked in turn. */
  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    const origClientOrderId = this.linkIdOf(clientOrderId);
    for (const symbol of this.config.symbols) {
      const found = await this.findOrder({ symbol, origClientOrderId });
      if (found !== undefined) return { ...found, clientOrderId };
    }
    return undefined;
  }

  private async findOrder(params: Record<string, string>): Promise<VenueOrderReport | undefined> {
    let raw: unknown;
    try {
      raw = this.market === 'spot' ? await this.exchange.privateGetOrder(params) : await this.exchange.fapiPrivateGetOrder(params);
    } catch (error) {
      // -2013 "Order does not exist." (ccxt: OrderNotFound).
      if (error instanceof this.ccxt.OrderNotFound) return undefined;
      throw error;
    }
    return this.noted(readBinanceOrder(raw, this.market, this.known));
  }

  async listOpenOrders(): Promise<ReadItems<VenueOrderReport>> {
    // Without a symbol, openOrders answers every symbol of the account (weight 80 spot, 40 USDⓈ-M).
    const raw = this.market === 'spot' ? await this.exchange.privateGetOpenOrders({}) : await this.exchange.fapiPrivateGetOpenOrders({});
    const read = this.readOrders(parse(rawList, raw, 'GET openOrders'));
    return { items: read.items, unparsed: read.unparsed };
  }

  /**
   * Executions from `since`, symbol by symbol (myTrades / userTrades need one), window by window,
   * one page per call. Every item there is a trade of the account: a fill.
   */
  async listFills(since: string, cursor: string | null): Promise<WithUnparsed<FillPage>> {
    let at = cursor === null ? this.firstWindow(since, 'listFills') : decodeCursor<WindowCursor>('binance', cursor, 'fill', isWindowCursor);
    for (let request = 1; at !== null; request++) {
      const { list, next } = await this.windowPage(at, 'id', (params) => (this.market === 'spot' ? this.exchange.privateGetMyTrades(params) : this.exchange.fapiPrivateGetUserTrades(params)));
      const read = readEach(list, 'fill', ['id'], (raw) => readBinanceTrade(raw, this.market, this.clientIds));
      if (list.length > 0 || next === null || request >= requestsPerCallMax) return { fills: read.items, unparsed: read.unparsed, cursor: encode(next) };
      at = next;
    }
    return { fills: [], unparsed: [], cursor: null };
  }

  /** Every order since `since`: the open ones first (any age), then allOrders per symbol and window (Binance filters it on creation time). */
  async listOrders(since: string, cursor: string | null): Promise<WithUnparsed<OrderPage>> {
    const at: OrderCursor = cursor === null ? { phase: 'open' } : decodeCursor<OrderCursor>('binance', cursor, 'order', (c) => c.phase === 'open' || (c.phase === 'history' && isWindowCursor(c)));
    if (at.phase === 'open') {
      const open = await this.listOpenOrders();
      const first = this.firstWindow(since, 'listOrders');
      return { orders: open.items, unparsed: open.unparsed, cursor: encode(first === null ? null : { phase: 'history', ...first }) };
    }
    let window: WindowCursor | null = at;
    for (let request = 1; window !== null; request++) {
      const { list, next } = await this.windowPage(window, 'orderId', (params) => (this.market === 'spot' ? this.exchange.privateGetAllOrders(params) : this.exchange.fapiPrivateGetAllOrders(params)));
      const read = this.readOrders(list);
      if (list.length > 0 || next === null || request >= requestsPerCallMax) return { orders: read.items, unparsed: read.unparsed, cursor: encode(next === null ? null : { phase: 'history', ...next }) };
      window = next;
    }
    return { orders: [], unparsed: [], cursor: null };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    if (this.market === 'spot') return [];
    const raw = await this.exchange.fapiPrivateV2GetPositionRisk({});
    return binancePositionReports(parse(z.array(binancePositionSchema).max(10_000), raw, 'GET /fapi/v2/positionRisk'));
  }

  stream(_handlers: DialectStreamHandlers): { stop(): void } {
    return { stop: () => {} }; // no private stream yet (capabilities.stream is false)
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private readOrders(list: readonly unknown[]): ReadItems<VenueOrderReport> {
    const read = readEach(list, 'order', ['orderId'], (raw) => readBinanceOrder(raw, this.market, this.known));
    for (const order of read.items) this.noted(order);
    return read;
  }

  private noted(order: VenueOrderReport): VenueOrderReport {
    if (order.clientOrderId !== null) this.remember(order.venueOrderId, order.clientOrderId);
    return order;
  }

  private remember(venueOrderId: string, clientOrderId: string): void {
    this.clientIds.delete(venueOrderId);
    this.clientIds.set(venueOrderId, clientOrderId);
    if (this.clientIds.size > knownOrdersMax) this.clientIds.delete(this.clientIds.keys().next().value!);
  }

  private split(venueOrderId: string): { symbol: string; orderId: string } {
    const key = splitBinanceOrderId(venueOrderId);
    if (key === undefined) throw new VenueError('rejected', `${JSON.stringify(venueOrderId)} is not a binance order id (<symbol>:<orderId>)`);
    return key;
  }

  private linkIdOf(clientOrderId: string): string {
    // Binance allows ^[.A-Z:/a-z0-9_-]{1,36}$; Bybit's rule ([A-Za-z0-9_-], 36) is within it, so the same derivation serves.
    const linkId = orderLinkIdFor(clientOrderId);
    if (linkId !== clientOrderId && linkId.startsWith('fbh_')) {
      this.known.delete(linkId);
      this.known.set(linkId, clientOrderId);
      if (this.known.size > knownOrdersMax) this.known.delete(this.known.keys().next().value!);
    }
    return linkId;
  }

  private firstWindow(since: string, what: string): WindowCursor | null {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `${what} needs an ISO time; got ${JSON.stringify(since)}`);
    const until = Date.now();
    if (sinceMs > until) return null;
    return this.window(0, sinceMs, sinceMs, until);
  }

  private window(s: number, since: number, start: number, until: number): WindowCursor {
    return { s, since, start, end: Math.min(start + windowMs[this.market] - 1, until), until, afterId: null, pages: 0 };
  }

  /** One request of a windowed, per-symbol listing, and where the next one starts. */
  private async windowPage(at: WindowCursor, idKey: 'id' | 'orderId', call: (params: Record<string, string | number>) => Promise<unknown>): Promise<{ list: unknown[]; next: WindowCursor | null }> {
    const symbol = this.config.symbols[at.s];
    if (symbol === undefined) return { list: [], next: null };
    const endTime = at.end < at.until ? at.end : Math.min(Math.max(at.end, at.start) + clockSkewAllowanceMs, at.start + windowMs[this.market] - 1);
    const raw = parse(rawList, await call({ symbol, startTime: at.start, endTime, limit: pageSize }), `a ${symbol} listing`);
    const idOf = (item: unknown) => String((item as Record<string, unknown> | null)?.[idKey] ?? '');
    const timeOf = (item: unknown) => Number((item as Record<string, unknown> | null)?.time ?? Number.NaN);
    // A full page continues from its last item's time; the items up to the last id seen are left out.
    const list = at.afterId === null ? raw : raw.filter((item) => !/^\d+$/.test(idOf(item)) || BigInt(idOf(item)) > BigInt(at.afterId!));
    const last = raw.at(-1);
    let next: WindowCursor | null;
    if (raw.length >= pageSize && last !== undefined && Number.isInteger(timeOf(last)) && /^\d+$/.test(idOf(last)) && at.pages + 1 < pagesPerWindowMax) {
      next = { ...at, start: timeOf(last), afterId: idOf(last), pages: at.pages + 1 };
    } else if (at.end < at.until) next = this.window(at.s, at.since, at.end + 1, at.until);
    else if (at.s + 1 < this.config.symbols.length) next = this.window(at.s + 1, at.since, at.since, at.until);
    else next = null;
    return { list, next };
  }
}

function isWindowCursor(c: Record<string, unknown>): boolean {
  return ['s', 'since', 'start', 'end', 'until', 'pages'].every((k) => Number.isInteger(c[k])) && (c.afterId === null || (typeof c.afterId === 'string' && /^\d{1,20}$/.test(c.afterId)));
}
