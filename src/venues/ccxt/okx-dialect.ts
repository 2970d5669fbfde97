import { z } from 'zod';
import type { FillPage, OrderListOptions, OrderPage, VenueCapabilities, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';
import { VenueError } from '../venue.js';
import { type CcxtConfig, type CcxtCredentials, okxUrls } from './ccxt-config.js';
import type { CcxtDialect, DialectStreamHandlers, WithUnparsed } from './ccxt-dialect.js';
import { type CcxtModule, DuplicateClientOrderId } from './ccxt-errors.js';
import { decodeCursor, encodeCursor as encode, type ReadItems, readEach } from './ccxt-items.js';
import {
  type OkxInstType,
  okxClOrdIdFor,
  okxCreateBody,
  okxEnvelope,
  okxPlacedSchema,
  okxPositionReports,
  okxPositionSchema,
  okxVenueOrderId,
  parseOkx as parse,
  readOkxFill,
  readOkxOrder,
  splitOkxOrderId,
} from './okx-mapping.js';

type Okx = InstanceType<CcxtModule['okx']>;

/** OKX answers at most 100 orders or fills a request. */
const pageSize = 100;
/** Open orders read at most this many pages per call. */
const openOrderPagesMax = 40;
/** Derived clOrdIds remembered, to report a hashed id as the client order id it came from. */
const knownIdsMax = 50_000;

/**
 * OKX refuses a reused clOrdId with sCode 51016 "Duplicated client order ID" (ccxt's okx
 * `exceptions.exact`). OKX does not document the id as unique beyond the orders that are still
 * pending, so submission is not claimed idempotent; the duplicate answer is still met with a
 * lookup of the first order.
 */
const duplicateIdPattern = /"sCode":\s*"51016"/;

export function isOkxDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && duplicateIdPattern.test(error.message);
}

/** Cursors: OKX pages backwards from `after` (an ordId or billId), newest first, within [begin, end]. */
type FillCursor = { begin: number; end: number; after: string | null };
type OrderCursor = { phase: 'open'; after: string | null; begin: number; end: number } | { phase: 'history'; begin: number; end: number; after: string | null };

/**
 * OKX v5 (`ccxt:okx`) through ccxt's implicit API: ccxt signs (OK-ACCESS-KEY, -SIGN: base64
 * HMAC-SHA256 of timestamp, method, path and body; -TIMESTAMP; -PASSPHRASE), spaces requests and
 * maps `sCode`s to its exceptions. One account trades one instrument type (`instType`: SPOT or
 * SWAP). The private WebSocket is not spoken yet (`stream: false`). A clOrdId is always sent, so
 * ccxt never puts its broker id in its place.
 */
export class OkxDialect implements CcxtDialect {
  readonly capabilities: VenueCapabilities;
  private readonly known = new Map<string, string>();

  constructor(
    private readonly exchange: Okx,
    private readonly ccxt: CcxtModule,
    private readonly config: CcxtConfig,
  ) {
    this.capabilities = {
      clientOrderId: true,
      idempotentSubmit: false,
      getByClientOrderId: true,
      cancel: true,
      fillsSince: true,
      ordersSince: true,
      positions: config.instType === 'SWAP',
      stream: false,
      multiLeg: false,
      feesSince: false, // fees come on the fills
    };
  }

  static create(ccxt: CcxtModule, config: CcxtConfig, credentials: CcxtCredentials): OkxDialect {
    const exchange = new ccxt.okx({
      apiKey: credentials.apiKey,
      secret: credentials.secret,
      password: credentials.password,
      timeout: config.requestTimeoutMs,
      enableRateLimit: true,
      ...(config.rateLimitMs === null ? {} : { rateLimit: config.rateLimitMs }),
      ...(config.environment === 'demo' ? { headers: { 'x-simulated-trading': '1' } } : {}),
    });
    const base = (config.restBaseUrl ?? okxUrls[config.environment] ?? '').replace(/\/$/, '');
    exchange.urls.api = { ...(exchange.urls.api as Record<string, unknown>), rest: base };
    return new OkxDialect(exchange, ccxt, config);
  }

  private get instType(): OkxInstType {
    return this.config.instType;
  }

  async create(request: VenuePlaceRequest): Promise<{ venueOrderId: string }> {
    const body = okxCreateBody(request, this.clOrdIdOf(request.clientOrderId), this.instType, this.config);
    let raw: unknown;
    try {
      raw = await this.exchange.privatePostTradeOrder(body);
    } catch (error) {
      if (isOkxDuplicateIdError(error)) throw new DuplicateClientOrderId(request.clientOrderId);
      throw error;
    }
    const placed = parse(okxPlacedSchema, parse(okxEnvelope, raw, 'POST /api/v5/trade/order').data[0], 'POST /api/v5/trade/order');
    return { venueOrderId: okxVenueOrderId(request.symbol, placed.ordId) };
  }

  async cancel(order: VenueOrderReport): Promise<void> {
    const key = splitOkxOrderId(order.venueOrderId);
    if (key === undefined) throw new VenueError('rejected', `${JSON.stringify(order.venueOrderId)} is not an okx order id (<instId>:<ordId>)`);
    await this.exchange.privatePostTradeCancelOrder({ instId: key.instId, ordId: key.ordId });
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    const key = splitOkxOrderId(venueOrderId);
    return key === undefined ? undefined : this.findOrder({ instId: key.instId, ordId: key.ordId });
  }

  /** trade/order needs the instrument: each configured symbol is asked in turn. */
  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    const clOrdId = this.clOrdIdOf(clientOrderId);
    for (const instId of this.config.symbols) {
      const found = await this.findOrder({ instId, clOrdId });
      if (found !== undefined) return { ...found, clientOrderId };
    }
    return undefined;
  }

  private async findOrder(params: Record<string, string>): Promise<VenueOrderReport | undefined> {
    let raw: unknown;
    try {
      raw = await this.exchange.privateGetTradeOrder(params);
    } catch (error) {
      if (error instanceof this.ccxt.OrderNotFound) return undefined; // 51603 "Order does not exist"
      throw error;
    }
    const order = parse(okxEnvelope, raw, 'GET /api/v5/trade/order').data[0];
    return order === undefined ? undefined : readOkxOrder(order, this.instType, this.known);
  }

  async listOpenOrders(): Promise<ReadItems<VenueOrderReport>> {
    const open: ReadItems<VenueOrderReport> = { items: [], unparsed: [] };
    let after: string | null = null;
    for (let page = 0; page < openOrderPagesMax; page++) {
      const result = await this.pendingPage(after);
      open.items.push(...result.items);
      open.unparsed.push(...result.unparsed);
      after = result.after;
      if (after === null) return open;
    }
    throw new VenueError('unavailable', `okx lists more than ${openOrderPagesMax * pageSize} open orders; Fillbook reads at most that many`);
  }

  private async pendingPage(after: string | null): Promise<ReadItems<VenueOrderReport> & { after: string | null }> {
    const raw = await this.exchange.privateGetTradeOrdersPending({ instType: this.instType, limit: String(pageSize), ...(after ? { after } : {}) });
    const list = parse(okxEnvelope, raw, 'GET /api/v5/trade/orders-pending').data;
    return { ...this.readOrders(list), after: list.length < pageSize ? null : lastOf(list, 'ordId') };
  }

  private readOrders(list: readonly unknown[]): ReadItems<VenueOrderReport> {
    return readEach(list, 'order', ['ordId'], (raw) => readOkxOrder(raw, this.instType, this.known));
  }

  /** fills-history (3 months) from `since`, newest first, paged back by billId. */
  async listFills(since: string, cursor: string | null): Promise<WithUnparsed<FillPage>> {
    const at: FillCursor = cursor === null ? { ...span(since, 'listFills'), after: null } : decodeCursor<FillCursor>('okx', cursor, 'fill', isSpan);
    const raw = await this.exchange.privateGetTradeFillsHistory({ instType: this.instType, begin: String(at.begin), end: String(at.end), limit: String(pageSize), ...(at.after ? { after: at.after } : {}) });
    const list = parse(okxEnvelope, raw, 'GET /api/v5/trade/fills-history').data;
    const read = readEach(list, 'fill', ['tradeId', 'billId'], (item) => readOkxFill(item, this.known));
    const after = list.length < pageSize ? null : lastOf(list, 'billId');
    return { fills: read.items, unparsed: read.unparsed, cursor: encode(after === null ? null : { ...at, after }) };
  }

  /**
   * The pending orders (any age), then orders-history (the last 7 days) from `since`, each newest
   * first; `closedOnly`, orders-history alone.
   */
  async listOrders(since: string, cursor: string | null, options: OrderListOptions = {}): Promise<WithUnparsed<OrderPage>> {
    const first: OrderCursor = { phase: options.closedOnly === true ? 'history' : 'open', after: null, ...span(since, 'listOrders') };
    const at: OrderCursor = cursor === null ? first : decodeCursor<OrderCursor>('okx', cursor, 'order', (c) => (c.phase === 'open' || c.phase === 'history') && isSpan(c));
    if (at.phase === 'open') {
      const page = await this.pendingPage(at.after);
      const next: OrderCursor = page.after !== null ? { ...at, after: page.after } : { phase: 'history', begin: at.begin, end: at.end, after: null };
      return { orders: page.items, unparsed: page.unparsed, cursor: encode(next) };
    }
    const raw = await this.exchange.privateGetTradeOrdersHistory({ instType: this.instType, begin: String(at.begin), end: String(at.end), limit: String(pageSize), ...(at.after ? { after: at.after } : {}) });
    const list = parse(okxEnvelope, raw, 'GET /api/v5/trade/orders-history').data;
    const read = this.readOrders(list);
    const after = list.length < pageSize ? null : lastOf(list, 'ordId');
    return { orders: read.items, unparsed: read.unparsed, cursor: encode(after === null ? null : { ...at, after }) };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    if (this.instType === 'SPOT') return [];
    const raw = await this.exchange.privateGetAccountPositions({ instType: 'SWAP' });
    return okxPositionReports(parse(z.array(okxPositionSchema), parse(okxEnvelope, raw, 'GET /api/v5/account/positions').data, 'GET /api/v5/account/positions'));
  }

  stream(_handlers: DialectStreamHandlers): { stop(): void } {
    return { stop: () => {} }; // no private stream yet (capabilities.stream is false)
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }

  private clOrdIdOf(clientOrderId: string): string {
    const clOrdId = okxClOrdIdFor(clientOrderId);
    if (clOrdId.startsWith('fbh')) {
      this.known.delete(clOrdId);
      this.known.set(clOrdId, clientOrderId);
      if (this.known.size > knownIdsMax) this.known.delete(this.known.keys().next().value!);
    }
    return clOrdId;
  }
}

/** The end is left a minute open: fills stamped by OKX's clock a little ahead of ours still belong in the listing. */
const clockSkewAllowanceMs = 60_000;

function span(since: string, what: string): { begin: number; end: number } {
  const begin = Date.parse(since);
  if (Number.isNaN(begin)) throw new VenueError('rejected', `${what} needs an ISO time; got ${JSON.stringify(since)}`);
  return { begin, end: Date.now() + clockSkewAllowanceMs };
}

function lastOf(list: readonly unknown[], key: string): string | null {
  const value = (list.at(-1) as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && /^\d+$/.test(value) ? value : null;
}

function isSpan(c: Record<string, unknown>): boolean {
  return Number.isInteger(c.begin) && Number.isInteger(c.end) && (c.after === null || (typeof c.after === 'string' && /^\d{1,30}$/.test(c.after)));
}
