import { isWorking, zero } from '../../domain/index.js';
import {
  type FillPage,
  type OrderListOptions,
  type OrderPage,
  type UnparsedVenueItem,
  type VenueAdapter,
  type VenueCapabilities,
  VenueError,
  type VenueEvent,
  type VenueFillReport,
  type VenueListener,
  type VenueOrderReport,
  type VenuePlaceRequest,
  type VenuePositionReport,
} from '../venue.js';
import type { CcxtConfig } from './ccxt-config.js';
import type { CcxtDialect } from './ccxt-dialect.js';
import { type CcxtModule, ccxtMessage, classifyCcxtError, DuplicateClientOrderId } from './ccxt-errors.js';
import { fullJitterBackoffMs, sleep } from '../wire.js';

/** Fill ids remembered to emit each fill once; the oldest are forgotten first (the ledger dedupes too). */
export const seenFillIdsMax = 100_000;
/** Orders whose last streamed state is remembered, to drop stale and repeated updates. */
export const seenOrdersMax = 20_000;

export interface CcxtVenueOptions {
  /** Operating errors of the stream (a dropped connection, a payload it cannot read). */
  onError?: (error: unknown) => void;
  clock?: () => Date;
  /** Strings never to repeat in an error message (the API key: Bybit echoes it in some error texts). */
  redact?: readonly string[];
}


/**
 * An exchange reached through ccxt (`ccxt:<exchange>`). The exchange's dialect makes the calls
 * and parses the answers; this class decides what a failure means:
 * - reads (orders, fills, positions) are retried with full-jitter backoff on a refusal (HTTP 429,
 *   Bybit retCode 10006), a 5xx, a timeout or a dropped connection, a bounded number of times;
 * - a new order is sent again only when the exchange refused it unseen (429/10006) or the
 *   connection was never made. After any ambiguous failure it is looked up by client order id:
 *   found, it is the answer; not found, the outcome is unknown (`VenueError('unknown_outcome')`).
 * It also turns the dialect's stream into Fillbook events, each fill once and no stale order.
 */
export class CcxtVenue implements VenueAdapter {
  readonly capabilities: VenueCapabilities;
  private readonly listeners = new Set<VenueListener>();
  private readonly seenFills = new Set<string>();
  private readonly seenOrders = new Map<string, { updatedAt: string; status: string; filled: string }>();
  private streamHandle: { stop(): void } | null = null;
  private closed = false;
  private readonly onError: (error: unknown) => void;
  private readonly clock: () => Date;
  private readonly redact: readonly string[];
  /** Present when the dialect can list every order since a time (`capabilities.ordersSince`). */
  readonly listOrders?: (since: string, cursor?: string | null, options?: OrderListOptions) => Promise<OrderPage>;

  constructor(
    readonly venue: string,
    private readonly dialect: CcxtDialect,
    private readonly ccxt: CcxtModule,
    private readonly config: Pick<CcxtConfig, 'retryAttemptsMax' | 'retryBaseDelayMs' | 'retryDelayMsMax'>,
    options: CcxtVenueOptions = {},
  ) {
    this.capabilities = dialect.capabilities;
    this.onError = options.onError ?? ((error) => console.error(`${venue} venue:`, error instanceof Error ? error.message : error));
    this.clock = options.clock ?? (() => new Date());
    this.redact = (options.redact ?? []).filter((secret) => secret.length >= 4);
    const listOrders = dialect.listOrders?.bind(dialect);
    if (listOrders !== undefined) {
      this.listOrders = async (since, cursor = null, options = {}) => {
        const { unparsed, ...page } = await this.read('list orders', () => listOrders(since, cursor, options));
        this.emitUnparsed(unparsed);
        return page;
      };
    }
  }

  async placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport> {
    for (let attempt = 0; ; attempt++) {
      this.assertOpen();
      let created: { venueOrderId: string };
      try {
        created = await this.dialect.create(request);
      } catch (error) {
        if (error instanceof VenueError) throw error;
        if (error instanceof DuplicateClientOrderId) {
          // The id is taken: by this very order, sent before (an earlier attempt, another process).
          const existing = await this.read('look up the order of a used client order id', () => this.dialect.getOrderByClientId(request.clientOrderId));
          if (existing === undefined) throw new VenueError('rejected', `${this.venue}: ${error.message}, yet no order under it can be found`);
          return this.accepted(existing);
        }
        const failure = classifyCcxtError(this.ccxt, error);
        if (failure === 'refused' || failure === 'unsent') {
          if (attempt < this.config.retryAttemptsMax) {
            await sleep(fullJitterBackoffMs(attempt, this.config.retryBaseDelayMs, this.config.retryDelayMsMax));
            continue;
          }
          throw new VenueError('unavailable', `${this.venue} did not take the order after ${attempt + 1} attempts: ${this.message(error)}`);
        }
        if (failure === 'auth') throw new VenueError('unavailable', `${this.venue} refused the credentials: ${this.message(error)}`);
        if (failure === 'rejected' || failure === 'not_found') throw new VenueError('rejected', `${this.venue} rejected the order: ${this.message(error)}`);
        // Ambiguous (or an answer we could not read): the order may exist. Look before saying anything.
        const found = await this.read('look up an order of unknown outcome', () => this.dialect.getOrderByClientId(request.clientOrderId)).catch(() => undefined);
        if (found !== undefined) return this.accepted(found);
        throw new VenueError('unknown_outcome', `${this.venue}: ${this.message(error)}; no order with client order id ${request.clientOrderId} is visible, so it may or may not have been placed`);
      }
      // Created. Its state is one read away; if that read fails, the order still exists.
      const report = await this.read('read the new order', () => this.dialect.getOrder(created.venueOrderId)).catch((error: unknown) => {
        this.onError(error);
        return undefined;
      });
      return this.accepted({ ...(report ?? this.justCreated(request, created.venueOrderId)), clientOrderId: request.clientOrderId });
    }
  }

  async cancelOrder(venueOrderId: string): Promise<VenueOrderReport> {
    const before = await this.read('read the order to cancel', () => this.dialect.getOrder(venueOrderId));
    if (before === undefined) throw new VenueError('rejected', `${this.venue} has no order ${venueOrderId}`);
    if (!isWorking(before.status)) throw new VenueError('rejected', `${this.venue} order ${venueOrderId} is ${before.status}; it cannot be canceled`);
    for (let attempt = 0; ; attempt++) {
      this.assertOpen();
      try {
        await this.dialect.cancel(before);
        break;
      } catch (error) {
        if (error instanceof VenueError) throw error;
        const failure = classifyCcxtError(this.ccxt, error);
        if ((failure === 'refused' || failure === 'unsent') && attempt < this.config.retryAttemptsMax) {
          await sleep(fullJitterBackoffMs(attempt, this.config.retryBaseDelayMs, this.config.retryDelayMsMax));
          continue;
        }
        if (failure === 'refused' || failure === 'unsent' || failure === 'auth') throw new VenueError('unavailable', `${this.venue} did not take the cancel: ${this.message(error)}`);
        if (failure === 'rejected' || failure === 'not_found') throw new VenueError('rejected', `${this.venue} cannot cancel order ${venueOrderId}: ${this.message(error)}`);
        throw new VenueError('unknown_outcome', `${this.venue}: ${this.message(error)}; the cancel of order ${venueOrderId} may or may not have reached the exchange`);
      }
    }
    const after = (await this.read('read the canceled order', () => this.dialect.getOrder(venueOrderId)).catch(() => undefined)) ?? before;
    // The exchange took the cancel; until it reports the order closed, the cancel is pending.
    return isWorking(after.status) ? { ...after, status: 'pending_cancel' } : after;
  }

  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    return this.read('read an order', () => this.dialect.getOrder(venueOrderId));
  }

  getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    return this.read('look up a client order id', () => this.dialect.getOrderByClientId(clientOrderId));
  }

  async listOpenOrders(): Promise<VenueOrderReport[]> {
    const { items, unparsed } = await this.read('list open orders', () => this.dialect.listOpenOrders());
    this.emitUnparsed(unparsed);
    return items;
  }

  async listFills(since: string, cursor: string | null = null): Promise<FillPage> {
    const { unparsed, ...page } = await this.read('list fills', () => this.dialect.listFills(since, cursor));
    this.emitUnparsed(unparsed);
    return page;
  }

  listPositions(): Promise<VenuePositionReport[]> {
    return this.read('list positions', () => this.dialect.listPositions());
  }

  subscribe(listener: VenueListener): () => void {
    this.assertOpen();
    this.listeners.add(listener);
    this.streamHandle ??= this.dialect.stream({
      onOrder: (order) => this.streamedOrder(order),
      onFill: (fill) => this.streamedFill(fill),
      onUnparsed: (item) => this.emitUnparsed([item]),
      onReconnected: () => this.emit({ kind: 'reconnected' }),
      onDisconnected: (reason) => this.emit({ kind: 'disconnected', reason }),
      onError: (error) => this.onError(error),
    });
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.streamHandle?.stop();
        this.streamHandle = null;
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.streamHandle?.stop();
    this.streamHandle = null;
    this.listeners.clear();
    await this.dialect.close();
  }

  // ---- stream ----------------------------------------------------------------------------------

  private streamedFill(fill: VenueFillReport): void {
    if (this.seenFills.has(fill.execId)) return;
    this.seenFills.add(fill.execId);
    if (this.seenFills.size > seenFillIdsMax) this.seenFills.delete(this.seenFills.values().next().value!);
    this.emit({ kind: 'fill', fill });
  }

  /** An order update older than, or the same as, the last one seen is dropped (duplicates, out-of-order delivery). */
  private streamedOrder(order: VenueOrderReport): void {
    const last = this.seenOrders.get(order.venueOrderId);
    const state = { updatedAt: order.updatedAt, status: order.status, filled: order.filledQuantity.toFixed() };
    if (last !== undefined && (state.updatedAt < last.updatedAt || (state.updatedAt === last.updatedAt && state.status === last.status && state.filled === last.filled))) return;
    this.seenOrders.delete(order.venueOrderId);
    this.seenOrders.set(order.venueOrderId, state);
    if (this.seenOrders.size > seenOrdersMax) this.seenOrders.delete(this.seenOrders.keys().next().value!);
    this.emit({ kind: 'order', order });
  }

  /** Items a read could not understand go to the listeners, kept raw; the read itself went on without them. */
  private emitUnparsed(items: readonly UnparsedVenueItem[]): void {
    for (const item of items) this.emit({ kind: 'unparsed', item });
  }

  private emit(event: VenueEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A read, retried on refusals, 5xx, timeouts and dropped connections; errors that are not ccxt's (a payload we cannot read) pass through. */
  private async read<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.assertOpen();
      try {
        return await call();
      } catch (error) {
        if (error instanceof VenueError) throw error;
        const failure = classifyCcxtError(this.ccxt, error);
        if (failure === null) throw error;
        const transient = failure === 'refused' || failure === 'unsent' || failure === 'ambiguous';
        if (!transient) throw new VenueError('unavailable', `${this.venue} could not ${what}: ${this.message(error)}`);
        if (attempt >= this.config.retryAttemptsMax) throw new VenueError('unavailable', `${this.venue} could not ${what} after ${attempt + 1} attempts: ${this.message(error)}`);
        await sleep(fullJitterBackoffMs(attempt, this.config.retryBaseDelayMs, this.config.retryDelayMsMax));
      }
    }
  }

  private message(error: unknown): string {
    return this.redact.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), ccxtMessage(error));
  }

  private accepted(report: VenueOrderReport): VenueOrderReport {
    if (report.status === 'rejected') throw new VenueError('rejected', `${this.venue} rejected the order${report.reason ? `: ${report.reason}` : ''}`);
    return report;
  }

  /** What is known of an order the exchange acknowledged but that could not be read back yet. */
  private justCreated(r: VenuePlaceRequest, venueOrderId: string): VenueOrderReport {
    const now = this.clock().toISOString();
    return {
      venueOrderId,
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      assetClass: r.assetClass,
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      quantity: r.quantity,
      limitPrice: r.limitPrice,
      stopPrice: r.stopPrice,
      legs: null,
      status: 'pending_submit',
      filledQuantity: zero,
      avgFillPrice: null,
      reason: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new VenueError('unavailable', `the ${this.venue} adapter is closed`);
  }
}
