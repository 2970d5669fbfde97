import type { z } from 'zod';
import { isWorking } from '../../domain/index.js';
import type { FillPage, VenueCapabilities, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';
import { VenueError } from '../venue.js';
import { bybitCreateBody, bybitFillReport, bybitOrderReport, bybitPositionReports, isOrderFill, orderLinkIdFor } from './bybit-mapping.js';
import { bybitExecutionSchema, bybitListEnvelope, bybitOrderIdsEnvelope, bybitOrderSchema, bybitPositionSchema } from './bybit-schemas.js';
import { BybitStream } from './bybit-stream.js';
import { bybitUrls, type CcxtConfig, type CcxtCredentials } from './ccxt-config.js';
import type { CcxtDialect, DialectStreamHandlers } from './ccxt-dialect.js';
import { type CcxtModule, DuplicateClientOrderId } from './ccxt-errors.js';

/** Bybit's page limits: order lists 50, executions 100, positions 200. */
const orderPageSize = 50;
const executionPageSize = 100;
const positionPageSize = 200;
/** Open orders read at most this many pages (x50) per call. */
const openOrderPagesMax = 40;
/** execution/list answers a window of at most 7 days. */
const executionWindowMs = 7 * 24 * 60 * 60 * 1000;
/** Derived order link ids remembered, to report a hashed id as the client order id it came from. */
const knownLinkIdsMax = 50_000;

type Bybit = InstanceType<CcxtModule['bybit']>;
/** A window of execution/list, Bybit's cursor inside it, and the end of the whole listing (fixed at the first page). */
type FillCursor = { start: number; end: number; until: number; cursor: string | null };

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
      ordersSince: false,
      positions: config.category !== 'spot', // spot holdings are wallet balances, not positions
      stream: true,
      multiLeg: false,
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
      if (error instanceof Error && /"retCode":\s*110072\b/.test(error.message)) throw new DuplicateClientOrderId(request.clientOrderId);
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
      const order = parse(bybitListEnvelope(bybitOrderSchema), raw, `GET /v5/order/${path}`).result.list[0];
      if (order !== undefined) return bybitOrderReport(order, this.config, this.known);
    }
    return undefined;
  }

  async listOpenOrders(): Promise<VenueOrderReport[]> {
    const open: VenueOrderReport[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < openOrderPagesMax; page++) {
      const raw = await this.exchange.privateGetV5OrderRealtime({ category: this.config.category, ...this.scope(), openOnly: 0, limit: orderPageSize, ...(cursor ? { cursor } : {}) });
      const result = parse(bybitListEnvelope(bybitOrderSchema), raw, 'GET /v5/order/realtime').result;
      open.push(...result.list.map((o) => bybitOrderReport(o, this.config, this.known)).filter((r) => isWorking(r.status)));
      cursor = result.nextPageCursor || undefined;
      if (cursor === undefined || result.list.length === 0) return open;
    }
    throw new VenueError('unavailable', `bybit lists more than ${openOrderPagesMax * orderPageSize} open orders; Fillbook reads at most that many`);
  }

  /**
   * Executions from `since`, one page per call. Bybit answers windows of at most 7 days, so the
   * cursor carries the window as well as Bybit's `nextPageCursor`. Funding and settlement
   * executions are not fills of an order and are left out.
   */
  async listFills(since: string, cursor: string | null): Promise<FillPage> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listFills needs an ISO time; got ${JSON.stringify(since)}`);
    const until = Date.now();
    if (cursor === null && sinceMs > until) return { fills: [], cursor: null };
    const at = cursor === null ? this.window(sinceMs, until) : decodeCursor(cursor);
    const raw = await this.exchange.privateGetV5ExecutionList({
      category: this.config.category,
      startTime: at.start,
      // The last window is left open at its end: fills stamped by Bybit's clock a little ahead of ours still belong in it.
      ...(at.end < at.until ? { endTime: at.end } : {}),
      limit: executionPageSize,
      ...(at.cursor ? { cursor: at.cursor } : {}),
    });
    const result = parse(bybitListEnvelope(bybitExecutionSchema), raw, 'GET /v5/execution/list').result;
    const fills = result.list.filter(isOrderFill).map((e) => bybitFillReport(e, this.config, this.known));
    const next: FillCursor | null = result.nextPageCursor ? { ...at, cursor: result.nextPageCursor } : at.end < at.until ? this.window(at.end + 1, at.until) : null;
    return { fills, cursor: next === null ? null : Buffer.from(JSON.stringify(next)).toString('base64url') };
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
    // A payload that cannot be read is reported, and the stream goes on.
    const guarded = (read: (raw: unknown) => void) => (raw: unknown) => {
      try {
        if (mine(raw)) read(raw);
      } catch (error) {
        handlers.onError(error);
      }
    };
    const stream = new BybitStream(url, this.credentials, this.config, {
      onOrder: guarded((raw) => handlers.onOrder(bybitOrderReport(parse(bybitOrderSchema, raw, 'an order message'), this.config, this.known))),
      onExecution: guarded((raw) => {
        const execution = parse(bybitExecutionSchema, raw, 'an execution message');
        if (isOrderFill(execution)) handlers.onFill(bybitFillReport(execution, this.config, this.known));
      }),
      onReconnected: handlers.onReconnected,
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

  private window(start: number, until: number): FillCursor {
    return { start, end: start + executionWindowMs - 1, until, cursor: null };
  }
}

function parse<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bybit sent an unexpected payload for ${what}: ${issues}`);
  }
  return parsed.data;
}

function decodeCursor(text: string): FillCursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as FillCursor;
    if (Number.isInteger(c.start) && Number.isInteger(c.end) && Number.isInteger(c.until) && (c.cursor === null || typeof c.cursor === 'string')) return c;
  } catch {
    // falls through to the error below
  }
  throw new VenueError('rejected', 'not a bybit fill cursor; pass back the cursor listFills returned');
}
