import type { z } from 'zod';
import { isWorking } from '../../domain/index.js';
import type { FillPage, OrderListOptions, OrderPage, UnparsedVenueItem, VenueCapabilities, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';
import { VenueError } from '../venue.js';
import { bybitCreateBody, bybitPositionReports, orderLinkIdFor, readBybitExecution, readBybitOrder } from './bybit-mapping.js';
import { bybitListEnvelope, bybitOrderIdsEnvelope, bybitPositionSchema, bybitRawListEnvelope, parseBybit as parse } from './bybit-schemas.js';
import { BybitStream } from './bybit-stream.js';
import { bybitUrls, type CcxtConfig, type CcxtCredentials } from './ccxt-config.js';
import type { CcxtDialect, DialectStreamHandlers, WithUnparsed } from './ccxt-dialect.js';
import { type CcxtModule, DuplicateClientOrderId } from './ccxt-errors.js';
import { decodeCursor, encodeCursor, type ReadItems, readEach, unparsedItem } from './ccxt-items.js';

/** Bybit's page limits: order lists 50, executions 100, positions 200. */
const orderPageSize = 50;
const executionPageSize = 100;
const positionPageSize = 200;
/** Open orders read at most this many pages (x50) per call. */
const openOrderPagesMax = 40;
/** execution/list answers a window of at most 7 days. */
const executionWindowMs = 7 * 24 * 60 * 60 * 1000;
/** Order history read at most this many pages (x50) per 7-day window before moving to the next. */
const historyPagesPerWindowMax = 200;
/**
 * Codes Bybit answers a reused orderLinkId with, from ccxt's bybit `exceptions.exact`: 110072
 * "OrderLinkedID is duplicate" (contracts, unified spot), 170141 "Duplicate clientOrderId" (spot)
 * and 12141 "Duplicate clientOrderId." (spot, v3 codes still answered).
 */
export const bybitDuplicateIdCodes = ['110072', '170141', '12141'] as const;
const duplicateIdPattern = new RegExp(`"retCode":\\s*"?(${bybitDuplicateIdCodes.join('|')})\\b`);
/** ccxt's exception for a Bybit answer carries the answer's body: `bybit {"retCode":170141,...}`. */
export function isBybitDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && duplicateIdPattern.test(error.message);
}
/** Derived order link ids remembered, to report a hashed id as the client order id it came from. */
const knownLinkIdsMax = 50_000;

type Bybit = InstanceType<CcxtModule['bybit']>;
/** A window of execution/list, Bybit's cursor inside it, and the end of the whole listing (fixed at the first page). */
type FillCursor = { start: number; end: number; until: number; cursor: string | null };
/** listOrders: first the open orders (order/realtime, Bybit's cursor), then order/history window by window. */
type OrderCursor = { phase: 'open'; cursor: string | null; since: number; until: number } | ({ phase: 'history'; pages: number } & FillCursor);

/**
 * Bybit v5 through ccxt's implicit API (`privatePostV5OrderCreate`, `privateGetV5ExecutionList`...):
 * ccxt signs each request (X-BAPI-* headers, HMAC over timestamp, key, recv window and payload),
 * spaces requests with its token bucket (Bybit's per-endpoint costs), and turns a non-zero retCode
 * into a typed exception (10006 -> RateLimitExceeded, 110072 -> InvalidOrder). The unified
 * methods are not used: `fetchOrder` needs the symbol and sees only the last 500 orders,
 * `fetchMyTrades` drops `nextPageCursor`, and unified numbers are floats. The implicit API hands
 * back Bybit's JSON untouched, decimal strings included.
 */
export class BybitDialect implements CcxtDialect {
  readonly capabilities: VenueCapabilities;
  /** orderLinkId -> client order id, for ids that were hashed (see `orderLinkIdFor`). */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly exchange: Bybit,
    private readonly config: CcxtConfig,
    private readonly credentials: CcxtCredentials,
  ) {
    this.capabilities = {
      clientOrderId: true,
      idempotentSubmit: true, // orderLinkId is unique per account: a second create answers 110072
      getByClientOrderId: true,
      cancel: true,
      fillsSince: true,
      ordersSince: true, // open orders from order/realtime, then order/history in 7-day windows
      positions: config.category !== 'spot', // spot holdings are wallet balances, not positions
      stream: true,
      multiLeg: false,
      feesSince: false, // fees come on the fills
    };
  }

  static create(ccxt: CcxtModule, config: CcxtConfig, credentials: CcxtCredentials): BybitDialect {
    const exchange = new ccxt.bybit({
      apiKey: credentials.apiKey,
      secret: credentials.secret,
      timeout: config.requestTimeoutMs,
      enableRateLimit: true,
      // ccxt builds its throttler from `rateLimit` at construction: it must be given here, not set later.
      ...(config.rateLimitMs === null ? {} : { rateLimit: config.rateLimitMs }),
      options: { recvWindow: config.recvWindowMs },
    });
    const base = (config.restBaseUrl ?? bybitUrls[config.environment].rest).replace(/\/$/, '');
    // Every REST family of ccxt's bybit points at one host; only `public` and `private` are used.
    exchange.urls.api = { ...(exchange.urls.api as Record<string, unknown>), spot: base, futures: base, v2: base, public: base, private: base };
    return new BybitDialect(exchange, config, credentials);
  }

  async create(request: VenuePlaceRequest): Promise<{ venueOrderId: string }> {
    const orderLinkId = this.linkIdOf(request.clientOrderId);
    const body = bybitCreateBody(request, orderLinkId, this.config);
    let raw: unknown;
    try {
      raw = await this.exchange.privatePostV5OrderCreate(body);
    } catch (error) {
      if (isBybitDuplicateIdError(error)) throw new DuplicateClientOrderId(request.clientOrderId);
      throw error;
    }
    return { venueOrderId: parse(bybitOrderIdsEnvelope, raw, 'POST /v5/order/create').result.orderId };
  }

  /** Bybit cancels by (category, symbol, orderId), hence the order rather than its id. */
  async cancel(order: VenueOrderReport): Promise<void> {
    await this.exchange.privatePostV5OrderCancel({ category: this.config.category, symbol: order.symbol, orderId: order.venueOrderId });
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    return this.findOrder({ orderId: venueOrderId });
  }

  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    const report = await this.findOrder({ orderLinkId: this.linkIdOf(clientOrderId) });
    return report === undefined ? undefined : { ...report, clientOrderId };
  }

  /** Recent orders (open and the last 500 closed) are in order/realtime; older closed ones only in order/history. */
  private async findOrder(key: { orderId: string } | { orderLinkId: string }): Promise<VenueOrderReport | undefined> {
    for (const path of ['realtime', 'history'] as const) {
      const params = { category: this.config.category, ...this.scope(), ...key };
      const raw = path === 'realtime' ? await this.exchange.privateGetV5OrderRealtime(params) : await this.exchange.privateGetV5OrderHistory(params);
      const order = parse(bybitRawListEnvelope, raw, `GET /v5/order/${path}`).result.list[0];
      if (order !== undefined) return readBybitOrder(order, this.config, this.known);
    }
    return undefined;
  }

  async listOpenOrders(): Promise<ReadItems<VenueOrderReport>> {
    const open: ReadItems<VenueOrderReport> = { items: [], unparsed: [] };
    let cursor: string | undefined;
    for (let page = 0; page < openOrderPagesMax; page++) {
      const result = await this.openOrdersPage(cursor);
      open.items.push(...result.items.filter((r) => isWorking(r.status)));
      open.unparsed.push(...result.unparsed);
      cursor = result.cursor;
      if (cursor === undefined) return open;
    }
    throw new VenueError('unavailable', `bybit lists more than ${openOrderPagesMax * orderPageSize} open orders; Fillbook reads at most that many`);
  }

  private async openOrdersPage(cursor: string | undefined): Promise<ReadItems<VenueOrderReport> & { cursor: string | undefined }> {
    const raw = await this.exchange.privateGetV5OrderRealtime({ category: this.config.category, ...this.scope(), openOnly: 0, limit: orderPageSize, ...(cursor ? { cursor } : {}) });
    const result = parse(bybitRawListEnvelope, raw, 'GET /v5/order/realtime').result;
    const read = this.readOrders(result.list);
    return { ...read, cursor: result.list.length === 0 ? undefined : result.nextPageCursor || undefined };
  }

  private readOrders(list: readonly unknown[]): ReadItems<VenueOrderReport> {
    return readEach(list, 'order', ['orderId'], (raw) => readBybitOrder(raw, this.config, this.known));
  }

  /**
   * Every order since `since`: the open ones (order/realtime, whenever they were created), then
   * order/history from `since` in 7-day windows (Bybit answers at most 7 days a request and filters
   * history on creation time: an order created before `since` and closed after it is not listed).
   * An order may appear in both phases; the caller keys by venue order id.
   */
  async listOrders(since: string, cursor: string | null, options: OrderListOptions = {}): Promise<WithUnparsed<OrderPage>> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listOrders needs an ISO time; got ${JSON.stringify(since)}`);
    // Closed orders only: order/history alone, without the open orders of order/realtime first.
    const first = (until: number): OrderCursor | null => (options.closedOnly === true ? this.historyFrom(sinceMs, until) : { phase: 'open', cursor: null, since: sinceMs, until });
    const at = cursor === null ? first(Date.now()) : decodeCursor<OrderCursor>('bybit', cursor, 'order', isOrderCursor);
    if (at === null) return { orders: [], unparsed: [], cursor: null };
    const encode = encodeCursor;
    if (at.phase === 'open') {
      const page = await this.openOrdersPage(at.cursor ?? undefined);
      const next: OrderCursor | null = page.cursor !== undefined ? { ...at, cursor: page.cursor } : this.historyFrom(at.since, at.until);
      return { orders: page.items, unparsed: page.unparsed, cursor: encode(next) };
    }
    const raw = await this.exchange.privateGetV5OrderHistory({
      category: this.config.category,
      ...this.scope(),
      startTime: at.start,
      ...(at.end < at.until ? { endTime: at.end } : {}),
      limit: orderPageSize,
      ...(at.cursor ? { cursor: at.cursor } : {}),
    });
    const result = parse(bybitRawListEnvelope, raw, 'GET /v5/order/history').result;
    const read = this.readOrders(result.list);
    const more = Boolean(result.nextPageCursor) && result.list.length > 0 && at.pages + 1 < historyPagesPerWindowMax;
    const next: OrderCursor | null = more
      ? { ...at, pages: at.pages + 1, cursor: result.nextPageCursor! }
      : at.end < at.until
        ? { phase: 'history', pages: 0, ...this.window(at.end + 1, at.until) }
        : null;
    return { orders: read.items, unparsed: read.unparsed, cursor: encode(next) };
  }

  /**
   * Executions from `since`, one page per call. Bybit answers windows of at most 7 days, so the
   * cursor carries the window as well as Bybit's `nextPageCursor`. Executions that are not fills
   * (funding, settlements, dividends, splits) are left out; those that cannot be read come back
   * as unparsed items (see `isOrderFill`).
   */
  async listFills(since: string, cursor: string | null): Promise<WithUnparsed<FillPage>> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listFills needs an ISO time; got ${JSON.stringify(since)}`);
    const until = Date.now();
    if (cursor === null && sinceMs > until) return { fills: [], unparsed: [], cursor: null };
    const at = cursor === null ? this.window(sinceMs, until) : decodeCursor<FillCursor>('bybit', cursor, 'fill', isFillCursor);
    const raw = await this.exchange.privateGetV5ExecutionList({
      category: this.config.category,
      startTime: at.start,
      // The last window is left open at its end: fills stamped by Bybit's clock a little ahead of ours still belong in it.
      ...(at.end < at.until ? { endTime: at.end } : {}),
      limit: executionPageSize,
      ...(at.cursor ? { cursor: at.cursor } : {}),
    });
    const result = parse(bybitRawListEnvelope, raw, 'GET /v5/execution/list').result;
    const { items: fills, unparsed } = readEach(result.list, 'fill', ['execId'], (e) => readBybitExecution(e, this.config, this.known));
    const next: FillCursor | null = result.nextPageCursor ? { ...at, cursor: result.nextPageCursor } : at.end < at.until ? this.window(at.end + 1, at.until) : null;
    return { fills, unparsed, cursor: encodeCursor(next) };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    if (this.config.category === 'spot') return [];
    const positions: z.infer<typeof bybitPositionSchema>[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < openOrderPagesMax; page++) {
      const raw = await this.exchange.privateGetV5PositionList({ category: this.config.category, ...this.scope(), limit: positionPageSize, ...(cursor ? { cursor } : {}) });
      const result = parse(bybitListEnvelope(bybitPositionSchema), raw, 'GET /v5/position/list').result;
      positions.push(...result.list);
      cursor = result.nextPageCursor || undefined;
      if (cursor === undefined || result.list.length === 0) break;
    }
    return bybitPositionReports(positions, this.config);
  }

  stream(handlers: DialectStreamHandlers): { stop(): void } {
    const url = this.config.wsPrivateUrl ?? bybitUrls[this.config.environment].wsPrivate;
    const mine = (raw: unknown) => {
      // One private socket carries every category of the account; this account trades one.
      const category = (raw as { category?: unknown } | null)?.category;
      return category === undefined || category === this.config.category;
    };
    // A payload that cannot be read is kept raw (unparsed), and the stream goes on.
    const guarded = (kind: UnparsedVenueItem['kind'], idKey: string, read: (raw: unknown) => void) => (raw: unknown) => {
      if (!mine(raw)) return;
      try {
        read(raw);
      } catch (error) {
        handlers.onUnparsed(unparsedItem(kind, raw, [idKey], error));
      }
    };
    const stream = new BybitStream(url, this.credentials, this.config, {
      onOrder: guarded('order', 'orderId', (raw) => handlers.onOrder(readBybitOrder(raw, this.config, this.known))),
      onExecution: guarded('fill', 'execId', (raw) => {
        const fill = readBybitExecution(raw, this.config, this.known);
        if (typeof fill !== 'symbol') handlers.onFill(fill);
      }),
      onReconnected: handlers.onReconnected,
      onDisconnected: handlers.onDisconnected,
      onError: handlers.onError,
    });
    stream.start();
    return { stop: () => stream.stop() };
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }

  /** Linear lists need a symbol, a base coin or a settle coin; the account's settle coin covers all its contracts. */
  private scope(): Record<string, string> {
    return this.config.category === 'linear' ? { settleCoin: this.config.settleCoin } : {};
  }

  private linkIdOf(clientOrderId: string): string {
    const linkId = orderLinkIdFor(clientOrderId);
    if (linkId !== clientOrderId && linkId.startsWith('fbh_')) {
      this.known.delete(linkId);
      this.known.set(linkId, clientOrderId);
      if (this.known.size > knownLinkIdsMax) this.known.delete(this.known.keys().next().value!);
    }
    return linkId;
  }

  /** order/history's first window from `since`; none when `since` is after `until`. */
  private historyFrom(since: number, until: number): OrderCursor | null {
    return since > until ? null : { phase: 'history', pages: 0, ...this.window(since, until) };
  }

  private window(start: number, until: number): FillCursor {
    return { start, end: start + executionWindowMs - 1, until, cursor: null };
  }
}

const isFillCursor = (c: Record<string, unknown>) => Number.isInteger(c.start) && Number.isInteger(c.end) && Number.isInteger(c.until) && (c.cursor === null || typeof c.cursor === 'string');
const isOrderCursor = (c: Record<string, unknown>) =>
  (c.phase === 'open' && Number.isInteger(c.since) && Number.isInteger(c.until) && (c.cursor === null || typeof c.cursor === 'string')) ||
  (c.phase === 'history' && Number.isInteger(c.pages) && isFillCursor(c));
