import { Decimal, FillbookError, type Order, type OrderSide, type OrderType, type AssetClass, type TimeInForce } from '../../domain/index.js';
import type { Database } from '../../storage/index.js';
import {
  type FillPage,
  type OpenOrderListOptions,
  type OrderListOptions,
  type OrderPage,
  type VenueAdapter,
  type VenueCapabilities,
  VenueError,
  venueOrderLookupBatchMax,
  isVenueError,
  type VenueEvent,
  type VenueFillReport,
  type VenueListener,
  type VenueOrderReport,
  type VenuePlaceRequest,
  type VenuePositionReport,
} from '../venue.js';
import {
  countPaperFills,
  insertPaperFill,
  insertPaperOrder,
  selectOpenPaperOrders,
  selectPaperFills,
  selectPaperOrder,
  selectPaperOrders,
  selectPaperPositions,
  selectPaperOrdersSince,
  updatePaperOrderStatus,
} from './paper-book.js';
import { type PaperConfig, paperOrderRefusal, parsePaperConfig } from './paper-config.js';
import { paperWebhookPayload } from './paper-webhook.js';
import { signWebhookBody } from '../webhook-signature.js';

export const fillPageSizeMax = 500;
export const orderPageSizeMax = 500;
export const webhookTimeoutMs = 10_000;
export const webhookAttemptsMax = 5;
export const webhookRetryDelayMs = 200;
/** An auto fill splits quantities at this many decimal places. */
const partialFillDecimalPlaces = 8;

export interface PaperVenueOptions {
  clock?: () => Date;
  onError?: (error: unknown) => void;
  /** Signs webhook deliveries (`delivery: webhook`). */
  webhookSecret?: string | null;
}

export interface HandControlOptions {
  /** Change the venue without telling the ledger, as a dropped stream message would. */
  silent?: boolean;
}

export interface ExternalOrderRequest {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  limitPrice?: string;
  stopPrice?: string;
  assetClass?: AssetClass;
  timeInForce?: TimeInForce;
  clientOrderId?: string;
}

/**
 * The built-in simulated broker. Its order book lives in the database (`paper_orders`,
 * `paper_fills`), apart from the ledger's, so it survives a restart and can drift from the ledger
 * exactly as a real broker does. It fills by itself (`fillMode: auto`) or by hand, with configurable
 * latency, partial fills, rejections and duplicate or out-of-order event delivery.
 */
export class PaperVenue implements VenueAdapter {
  readonly venue = 'paper';
  readonly capabilities: VenueCapabilities = {
    clientOrderId: true,
    idempotentSubmit: true,
    getByClientOrderId: true,
    cancel: true,
    fillsSince: true,
    ordersSince: true,
    positions: true,
    stream: true,
    multiLeg: false,
    feesSince: false, // its fills carry their own fees
  };
  readonly config: PaperConfig;
  private readonly listeners = new Set<VenueListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  private readonly clock: () => Date;
  private readonly onError: (error: unknown) => void;
  private readonly webhookSecret: string | null;

  constructor(
    private readonly db: Database,
    readonly accountId: string,
    config: Record<string, unknown> = {},
    options: PaperVenueOptions = {},
  ) {
    this.config = parsePaperConfig(config);
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError ?? ((error) => console.error('paper venue:', error));
    this.webhookSecret = options.webhookSecret ?? null;
    if (this.config.delivery === 'webhook' && this.webhookSecret === null) throw new Error('a paper venue delivering by webhook needs the account webhook secret');
  }

  /** Picks up auto fills for orders left open by a previous process. */
  async resume(): Promise<void> {
    if (this.config.fillMode !== 'auto') return;
    for (const order of await selectOpenPaperOrders(this.db, this.accountId)) this.scheduleAutoFill(order);
  }

  async placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport> {
    this.assertOpen();
    const refusal = paperOrderRefusal(request);
    const rejected = refusal !== null || this.config.rejectSymbols.includes(request.symbol);
    const reason = refusal !== null ? `paper venue refuses the order: ${refusal}` : rejected ? `paper venue rejects ${request.symbol} (venue_config.rejectSymbols)` : null;
    const at = this.now();
    const inserted = await insertPaperOrder(this.db, this.accountId, `P-${crypto.randomUUID()}`, request, rejected ? 'rejected' : 'new', reason, at);
    // The client order id is unique at this venue: a second submit returns the first order.
    const report = inserted ?? (await selectPaperOrder(this.db, this.accountId, 'client_order_id', request.clientOrderId));
    if (report === undefined) throw new Error(`paper order ${request.clientOrderId} conflicted but is not stored`);
    if (inserted !== undefined) {
      this.deliver({ kind: 'order', order: report });
      if (!rejected) this.scheduleAutoFill(report);
    }
    if (report.status === 'rejected') throw new VenueError('rejected', report.reason ?? 'rejected by the paper venue');
    return report;
  }

  async cancelOrder(venueOrderId: string, options: HandControlOptions = {}): Promise<VenueOrderReport> {
    this.assertOpen();
    const report = await this.db.transaction(async (tx) => {
      const order = await selectPaperOrder(tx, this.accountId, 'venue_order_id', venueOrderId, true);
      if (order === undefined) throw new VenueError('rejected', `paper venue has no order ${venueOrderId}`);
      if (order.status !== 'open' && order.status !== 'partially_filled') throw new VenueError('rejected', `paper order ${venueOrderId} is ${order.status}; it cannot be canceled`);
      return updatePaperOrderStatus(tx, this.accountId, venueOrderId, 'canceled', this.now());
    });
    if (!options.silent) this.deliver({ kind: 'order', order: report });
    return report;
  }

  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    return selectPaperOrder(this.db, this.accountId, 'venue_order_id', venueOrderId);
  }

  getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    return selectPaperOrder(this.db, this.accountId, 'client_order_id', clientOrderId);
  }

  async getOrders(by: 'venue_order_id' | 'client_order_id', ids: readonly string[]): Promise<VenueOrderReport[]> {
    if (ids.length > venueOrderLookupBatchMax) throw new VenueError('rejected', `the paper venue looks up at most ${venueOrderLookupBatchMax} orders at once; asked for ${ids.length}`);
    return selectPaperOrders(this.db, this.accountId, by, ids);
  }

  listOpenOrders(options: OpenOrderListOptions = {}): Promise<VenueOrderReport[]> {
    return selectOpenPaperOrders(this.db, this.accountId, options.onPage);
  }

  async listFills(since: string, cursor: string | null = null): Promise<FillPage> {
    const after = cursor === null ? null : (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { at: string; execId: string });
    const fills = await selectPaperFills(this.db, this.accountId, since, after, fillPageSizeMax);
    const last = fills.at(-1);
    const next = fills.length === fillPageSizeMax && last !== undefined ? Buffer.from(JSON.stringify({ at: last.executedAt, execId: last.execId })).toString('base64url') : null;
    return { fills, cursor: next };
  }

  async listOrders(since: string, cursor: string | null = null, options: OrderListOptions = {}): Promise<OrderPage> {
    const after = cursor === null ? null : (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { at: string; id: string });
    const orders = await selectPaperOrdersSince(this.db, this.accountId, since, after, orderPageSizeMax, options.closedOnly === true);
    const last = orders.at(-1);
    const next = orders.length === orderPageSizeMax && last !== undefined ? Buffer.from(JSON.stringify({ at: last.updatedAt, id: last.venueOrderId })).toString('base64url') : null;
    return { orders, cursor: next };
  }

  listPositions(): Promise<VenuePositionReport[]> {
    return selectPaperPositions(this.db, this.accountId);
  }

  subscribe(listener: VenueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  // ---- hand controls -------------------------------------------------------------------------

  /** Fills (part of) an order at the venue, as if the market had traded against it. */
  async fill(venueOrderId: string, quantity: Decimal, price: Decimal, options: HandControlOptions = {}): Promise<VenueFillReport> {
    this.assertOpen();
    if (!quantity.gt(0) || !price.gt(0)) throw new VenueError('rejected', `a paper fill needs a quantity and a price above zero; got ${quantity.toFixed()} at ${price.toFixed()}`);
    const { fill, order } = await this.db.transaction(async (tx) => {
      const current = await selectPaperOrder(tx, this.accountId, 'venue_order_id', venueOrderId, true);
      if (current === undefined) throw new VenueError('rejected', `paper venue has no order ${venueOrderId}`);
      if (current.status !== 'open' && current.status !== 'partially_filled') throw new VenueError('rejected', `paper order ${venueOrderId} is ${current.status}; it cannot fill`);
      const filled = current.filledQuantity.plus(quantity);
      if (filled.gt(current.quantity)) throw new VenueError('rejected', `paper order ${venueOrderId} has ${current.quantity.minus(current.filledQuantity).toFixed()} left; cannot fill ${quantity.toFixed()}`);
      const fill: VenueFillReport = {
        execId: `${venueOrderId}-F${(await countPaperFills(tx, this.accountId, venueOrderId)) + 1}`,
        venueOrderId,
        clientOrderId: current.clientOrderId,
        leg: null,
        symbol: current.symbol,
        side: current.side,
        quantity,
        price,
        fee: new Decimal(this.config.feePerFill),
        feeCurrency: 'USD',
        liquidity: null,
        executedAt: this.now(),
      };
      await insertPaperFill(tx, this.accountId, fill);
      const order = await updatePaperOrderStatus(tx, this.accountId, venueOrderId, filled.eq(current.quantity) ? 'filled' : 'partially_filled', fill.executedAt, { quantity: quantity.toFixed(), price: price.toFixed() });
      return { fill, order };
    });
    if (!options.silent) {
      this.deliver({ kind: 'fill', fill });
      this.deliver({ kind: 'order', order });
    }
    return fill;
  }

  /** Places an order at the venue by hand, outside Fillbook (as a person at the broker's screen would). */
  async placeExternal(request: ExternalOrderRequest, options: HandControlOptions = {}): Promise<VenueOrderReport> {
    this.assertOpen();
    const place: VenuePlaceRequest = {
      clientOrderId: request.clientOrderId ?? `external-${crypto.randomUUID()}`,
      symbol: request.symbol,
      assetClass: request.assetClass ?? 'equity',
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce ?? 'gtc',
      quantity: new Decimal(request.quantity),
      limitPrice: request.limitPrice === undefined ? null : new Decimal(request.limitPrice),
      stopPrice: request.stopPrice === undefined ? null : new Decimal(request.stopPrice),
    };
    const refusal = paperOrderRefusal(place);
    if (refusal !== null) throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `the paper venue refuses the order: ${refusal}`, {});
    const report = await insertPaperOrder(this.db, this.accountId, `P-${crypto.randomUUID()}`, place, 'new', null, this.now());
    if (report === undefined) throw new VenueError('rejected', `client order id ${place.clientOrderId} is already used at the paper venue`);
    if (!options.silent) this.deliver({ kind: 'order', order: report });
    return report;
  }

  // ---- simulation ----------------------------------------------------------------------------

  private scheduleAutoFill(order: VenueOrderReport): void {
    if (this.config.fillMode !== 'auto') return;
    this.later(this.config.latencyMs, async () => {
      const price = this.fillPrice(order);
      const chunks = this.config.partialFills;
      for (let i = 0; i < chunks && !this.closed; i++) {
        const current = await this.getOrder(order.venueOrderId);
        if (current === undefined || (current.status !== 'open' && current.status !== 'partially_filled')) return;
        const left = current.quantity.minus(current.filledQuantity);
        const chunk = i === chunks - 1 ? left : Decimal.min(left, order.quantity.div(chunks).toDecimalPlaces(partialFillDecimalPlaces, Decimal.ROUND_DOWN));
        if (chunk.gt(0)) await this.fill(order.venueOrderId, chunk, price);
      }
    });
  }

  private fillPrice(order: Pick<Order, 'type' | 'symbol' | 'limitPrice' | 'stopPrice'>): Decimal {
    if (order.limitPrice !== null) return order.limitPrice;
    if (order.stopPrice !== null) return order.stopPrice;
    return new Decimal(this.config.prices[order.symbol] ?? this.config.defaultPrice);
  }

  /** Delivers an event to subscribers after the latency, perhaps twice, perhaps out of order. */
  private deliver(event: VenueEvent): void {
    const copies = this.config.duplicateDelivery ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const jitter = this.config.reorderWindowMs > 0 ? Math.floor(Math.random() * this.config.reorderWindowMs) : 0;
      this.later(this.config.latencyMs + jitter, async () => {
        if (this.config.delivery === 'webhook') await this.post(event);
        else for (const listener of this.listeners) listener(event);
      });
    }
  }

  /** Delivers an event as a real venue's webhook would: a signed POST of its raw payload, retried with backoff. */
  private async post(event: VenueEvent): Promise<void> {
    const body = JSON.stringify(paperWebhookPayload(event));
    const url = this.config.webhookUrl!.replaceAll('{account_id}', this.accountId);
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'fillbook-signature': signWebhookBody(this.webhookSecret!, body, this.clock()) },
          body,
          signal: AbortSignal.timeout(webhookTimeoutMs),
        });
        if (response.ok) return;
        if (response.status < 500) throw new Error(`webhook delivery refused with ${response.status}: ${await response.text()}`);
      } catch (error) {
        if (attempt >= webhookAttemptsMax || (error instanceof Error && error.message.startsWith('webhook delivery refused'))) throw error;
      }
      if (this.closed || attempt >= webhookAttemptsMax) return;
      await new Promise((resolve) => setTimeout(resolve, webhookRetryDelayMs * 2 ** (attempt - 1)));
    }
  }

  private later(delayMs: number, work: () => Promise<void>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: unknown) => {
        // A simulated fill refused because the order was canceled meanwhile is what a venue does.
        if (!isVenueError(error)) this.onError(error);
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private assertOpen(): void {
    if (this.closed) throw new VenueError('unavailable', 'the paper venue is closed');
  }
}
