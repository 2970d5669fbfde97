import type { trading } from '@alpacahq/alpaca-trade-api/rest';
import { formatDecimal, isWorking } from '../../domain/index.js';
import {
  type FeePage,
  type FillPage,
  type OrderListOptions,
  type OrderPage,
  type UnparsedVenueItem,
  type VenueAdapter,
  type VenueCapabilities,
  VenueError,
  type VenueEvent,
  type VenueListener,
  type VenueOrderReport,
  type VenuePlaceRequest,
  type VenuePositionReport,
} from '../venue.js';
import type { AlpacaConfig, AlpacaCredentials } from './alpaca-config.js';
import {
  type AlpacaOrder,
  alpacaAssetClass,
  alpacaSubmittedAt,
  parseAlpacaFillActivities,
  parseAlpacaOrder,
  parseAlpacaOrders,
  parseAlpacaPositions,
  parseAlpacaTradeUpdate,
} from './alpaca-payloads.js';
import { parseAlpacaFeeActivities } from './alpaca-fees.js';
import { AlpacaRest, type WriteOutcome } from './alpaca-rest.js';
import { AlpacaTradeStream } from './alpaca-stream.js';
import { remember } from '../wire.js';
import { rawId, unparsedEvent, unparsedItem } from '../unparsed.js';

/** `GET /v2/account/activities` returns at most 100 a page; `GET /v2/orders` at most 500. */
export const fillPageSizeMax = 100;
/** Fee activities read per page of `GET /v2/account/activities`, Alpaca's most. */
export const feePageSizeMax = 100;
export const openOrdersPageSizeMax = 500;
/** Orders read per page of `listOrders`, Alpaca's most. */
export const ordersPageSizeMax = 500;
/** Open orders read at most: pages x page size. */
export const openOrdersPagesMax = 20;
/** The client order id Alpaca accepts, in characters. */
export const clientOrderIdCharsMax = 128;
/** Stream bookkeeping kept for duplicate and late messages, in entries. */
export const seenExecIdsMax = 50_000;
export const orderMarksMax = 10_000;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AlpacaAdapterOptions {
  /** Stream troubles (a lost connection, an unreadable or unknown message). Never given a credential. */
  onError?: (error: unknown) => void;
}

/**
 * Alpaca (trading API v2). The client order id is Alpaca's `client_order_id`, unique per account
 * even after a cancel, so a second submit of the same order is refused (422) and answered here
 * with the first. Fills carry a per-execution identity in the stream and in the FILL activities.
 * The `trade_updates` stream does not replay what it missed: after a reconnect the adapter emits
 * `reconnected` and the service reconciles through REST.
 */
export class AlpacaAdapter implements VenueAdapter {
  readonly venue = 'alpaca';
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
    feesSince: true, // FEE, CFEE and PTC activities (listFees)
  };
  private readonly rest: AlpacaRest;
  private readonly stream: AlpacaTradeStream;
  private readonly listeners = new Set<VenueListener>();
  private readonly onError: (error: unknown) => void;
  /** Executions already delivered, so a duplicated stream message is delivered once. */
  private readonly seenExecIds = new Map<string, true>();
  /** Per order, the newest snapshot delivered: an older one arriving late is not delivered. */
  private readonly orderMarks = new Map<string, { key: string; state: string }>();
  private closed = false;

  constructor(
    readonly config: AlpacaConfig,
    credentials: AlpacaCredentials,
    options: AlpacaAdapterOptions = {},
  ) {
    this.rest = new AlpacaRest(config, credentials);
    this.onError = options.onError ?? ((error) => console.error('alpaca venue:', error instanceof Error ? error.message : error));
    this.stream = new AlpacaTradeStream(config, credentials, {
      onTradeUpdate: (data) => this.onTradeUpdate(data),
      onReconnected: () => this.deliver({ kind: 'reconnected' }),
      onDisconnected: (reason) => this.deliver({ kind: 'disconnected', reason }),
      onError: (error) => this.onError(error),
    });
  }

  /** Connected, authenticated and listening (for tests and health checks). */
  get streaming(): boolean {
    return this.stream.isListening;
  }

  async placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport> {
    this.assertOpen();
    const body = this.orderBody(request);
    const outcome = await this.rest.submitOrder(body);
    if (outcome.kind === 'ok') {
      const order = parseAlpacaOrder(outcome.body).report;
      if (order.status === 'rejected') throw new VenueError('rejected', `Alpaca rejected order ${request.clientOrderId} (${order.venueOrderId})`);
      return order;
    }
    if (outcome.kind === 'refused') {
      // The client order id is taken: this order was sent before (a retry after a lost answer).
      if (outcome.status === 422 && /client_order_id/i.test(outcome.message)) {
        const existing = await this.getOrderByClientId(request.clientOrderId);
        if (existing !== undefined) return existing;
      }
      throw refusal(outcome, `order ${request.clientOrderId}`);
    }
    if (outcome.kind === 'unreachable') throw new VenueError('unavailable', `Alpaca is unreachable; order ${request.clientOrderId} was not sent: ${outcome.message}`);
    // It may have arrived. One look by client order id settles it when it did; the order is never resent from here.
    const found = await this.getOrderByClientId(request.clientOrderId).catch(() => undefined);
    if (found !== undefined) return found;
    throw new VenueError('unknown_outcome', `Alpaca may or may not have order ${request.clientOrderId}: ${outcome.message}; look it up by client order id before sending it again`);
  }

  async cancelOrder(venueOrderId: string): Promise<VenueOrderReport> {
    this.assertOpen();
    const outcome = await this.rest.cancelOrder(venueOrderId);
    if (outcome.kind === 'refused') throw refusal(outcome, `the cancel of order ${venueOrderId}`);
    if (outcome.kind === 'unreachable') throw new VenueError('unavailable', `Alpaca is unreachable; order ${venueOrderId} was not canceled: ${outcome.message}`);
    const order = await this.getOrder(venueOrderId);
    if (order === undefined) throw new VenueError('rejected', `Alpaca has no order ${venueOrderId}`);
    if (outcome.kind === 'ambiguous' && isWorking(order.status) && order.status !== 'pending_cancel') {
      throw new VenueError('unknown_outcome', `the cancel of Alpaca order ${venueOrderId} may not have arrived (${outcome.message}); it is still ${order.status}`);
    }
    // Accepted (204): until Alpaca reports it canceled, the cancel is pending.
    return isWorking(order.status) ? { ...order, status: 'pending_cancel' } : order;
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    this.assertOpen();
    // Alpaca's order ids are UUIDs; anything else names no order there (and would be refused with a 422).
    if (!uuidPattern.test(venueOrderId)) return undefined;
    const raw = await this.rest.getOrder(venueOrderId);
    return raw === undefined ? undefined : this.readOne(raw);
  }

  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    this.assertOpen();
    const raw = await this.rest.getOrderByClientId(clientOrderId);
    return raw === undefined ? undefined : this.readOne(raw);
  }

  async listOpenOrders(): Promise<VenueOrderReport[]> {
    this.assertOpen();
    const orders = new Map<string, VenueOrderReport>();
    let after: string | undefined;
    for (let page = 0; page < openOrdersPagesMax; page++) {
      const raw = await this.rest.listOpenOrders(after, openOrdersPageSizeMax);
      const batch: AlpacaOrder[] = parseAlpacaOrders(raw, this.skip);
      for (const o of batch) orders.set(o.report.venueOrderId, o.report);
      const next = lastSubmittedAt(raw);
      if (rawLength(raw) < openOrdersPageSizeMax || next === null) return [...orders.values()];
      after = next;
    }
    throw new Error(`alpaca: more than ${openOrdersPagesMax * openOrdersPageSizeMax} open orders; raise openOrdersPagesMax`);
  }

  /**
   * Orders submitted at or after `since`, open and closed, oldest first, a page of `GET /v2/orders
   * ?status=all&direction=asc` at a time; the cursor is the `submitted_at` of the page's last item
   * (read or not), which Alpaca's `after` continues from. Alpaca filters on submission, not on the
   * last change: an order submitted before `since` that changed since is not listed here (it is
   * among the open orders while it works, and its fills are in the FILL activities).
   */
  async listOrders(since: string, cursor: string | null = null, options: OrderListOptions = {}): Promise<OrderPage> {
    this.assertOpen();
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new Error(`alpaca: listOrders needs an ISO timestamp; got ${JSON.stringify(since)}`);
    // `after` is exclusive: one millisecond earlier keeps an order submitted at exactly `since`.
    const after = cursor === null ? new Date(sinceMs - 1).toISOString() : decodeOrdersCursor(cursor);
    // Alpaca's `status=closed`: what it lists with `status=open` (listOpenOrders) is left out.
    const raw = await this.rest.listOrdersAfter(after, ordersPageSizeMax, options.closedOnly === true ? 'closed' : 'all');
    const next = lastSubmittedAt(raw);
    return {
      orders: parseAlpacaOrders(raw, this.skip).map((o) => o.report),
      cursor: rawLength(raw) < ordersPageSizeMax || next === null ? null : encodeOrdersCursor(next),
    };
  }

  /**
   * Fills at or after `since`, oldest first, a page of the FILL activities at a time. The cursor is
   * Alpaca's page token: the id of the last activity read.
   */
  async listFills(since: string, cursor: string | null = null): Promise<FillPage> {
    this.assertOpen();
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new Error(`alpaca: listFills needs an ISO timestamp; got ${JSON.stringify(since)}`);
    // `after` is exclusive: one millisecond earlier keeps a fill at exactly `since`.
    const page = parseAlpacaFillActivities(await this.rest.listFillActivities({ after: new Date(sinceMs - 1), pageSize: fillPageSizeMax, pageToken: cursor ?? undefined }), this.skip);
    // The page token is the last item's id, read or not, so that an unreadable last item does not end the paging.
    const last = page.rawIds.at(-1) ?? null;
    return {
      fills: page.activities.map((a) => a.fill).filter((f) => Date.parse(f.executedAt) >= sinceMs),
      cursor: page.rawIds.length === fillPageSizeMax && last !== null ? last : null,
    };
  }

  /**
   * The fee activities (FEE, CFEE, PTC) after `since` on the first read, then after the page token
   * `cursor` (the id of the last activity read, Alpaca's paging key), oldest first. An activity that
   * cannot be applied (unreadable, pending or canceled, an asset it does not name) is emitted as an
   * unparsed `activity` item; one that charged nothing is skipped. The cursor is the last item's id,
   * read or not, so a poll that reached the end resumes there.
   */
  async listFees(since: string, cursor: string | null): Promise<FeePage> {
    this.assertOpen();
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new Error(`alpaca: listFees needs an ISO timestamp; got ${JSON.stringify(since)}`);
    const raw = await this.rest.listFeeActivities({ after: new Date(sinceMs - 1), pageSize: feePageSizeMax, pageToken: cursor ?? undefined });
    const items = Array.isArray(raw) ? raw : [];
    if (!Array.isArray(raw)) this.skip(unparsedItem('activity', raw, null, new Error('alpaca: the fee activities are not a list')));
    const fees = [];
    for (const parsed of parseAlpacaFeeActivities(items)) {
      if (parsed.kind === 'fee') fees.push(parsed.report);
      else if (parsed.kind === 'unreadable') this.skip({ kind: 'activity', venueItemId: parsed.id, payload: parsed.raw, reason: parsed.reason });
    }
    const last = items.length === 0 ? null : rawId(items.at(-1), 'id');
    return { fees, cursor: last ?? cursor, more: items.length === feePageSizeMax && last !== null };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    this.assertOpen();
    return parseAlpacaPositions(await this.rest.listPositions(), this.skip);
  }

  subscribe(listener: VenueListener): () => void {
    this.listeners.add(listener);
    if (!this.closed) this.stream.start();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stream.close();
    this.listeners.clear();
  }

  private orderBody(r: VenuePlaceRequest): trading.PostOrderRequest {
    const assetClass = alpacaAssetClass[r.assetClass];
    if (assetClass === undefined) throw new VenueError('rejected', `Alpaca does not trade ${r.assetClass}; order ${r.clientOrderId} was not sent`);
    if (r.clientOrderId.length > clientOrderIdCharsMax) throw new VenueError('rejected', `Alpaca takes client order ids of at most ${clientOrderIdCharsMax} characters`);
    return {
      symbol: r.symbol,
      qty: formatDecimal(r.quantity),
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      limitPrice: r.limitPrice === null ? undefined : formatDecimal(r.limitPrice),
      stopPrice: r.stopPrice === null ? undefined : formatDecimal(r.stopPrice),
      clientOrderId: r.clientOrderId,
    } as trading.PostOrderRequest;
  }

  /**
   * One `trade_updates` message. A fill is delivered once per execution; an order snapshot older
   * than one already delivered is dropped (the stream may deliver late), an identical one too.
   * A message that does not parse (an unknown status among them) is reported, never defaulted.
   */
  private onTradeUpdate(data: unknown): void {
    let update;
    try {
      update = parseAlpacaTradeUpdate(data);
    } catch (error) {
      // The update's order is the item: kept raw, the stream goes on.
      const order = typeof data === 'object' && data !== null ? (data as { order?: unknown }).order : undefined;
      this.skip(unparsedItem('order', data, rawId(order, 'id'), error));
      return;
    }
    const { order, fill } = update;
    if (update.unreadFill !== null) this.skip(unparsedItem('fill', data, order.report.venueOrderId, update.unreadFill));
    if (fill !== null && !this.seenExecIds.has(fill.execId)) {
      remember(this.seenExecIds, fill.execId, true, seenExecIdsMax);
      this.deliver({ kind: 'fill', fill });
    }
    const id = order.report.venueOrderId;
    const state = `${order.report.status}|${order.report.filledQuantity.toFixed()}`;
    const last = this.orderMarks.get(id);
    if (last !== undefined && (order.updatedKey < last.key || (order.updatedKey === last.key && state === last.state))) return;
    remember(this.orderMarks, id, { key: order.updatedKey, state }, orderMarksMax);
    this.deliver({ kind: 'order', order: order.report });
  }

  /** An item that could not be read: handed to the listeners raw, never defaulted. */
  private readonly skip = (item: UnparsedVenueItem): void => this.deliver(unparsedEvent(item));

  /**
   * One order a lookup found. Unreadable, it is handed on raw and the lookup fails: answering
   * `undefined` would say Alpaca has no such order, and a caller might send it again.
   */
  private readOne(raw: unknown): VenueOrderReport {
    try {
      return parseAlpacaOrder(raw).report;
    } catch (error) {
      const item = unparsedItem('order', raw, rawId(raw, 'id'), error);
      this.skip(item);
      throw new VenueError('unavailable', `Alpaca has order ${item.venueItemId ?? '(no id)'} but it cannot be read (${item.reason}); it is kept as an unparsed venue item`);
    }
  }

  private deliver(event: VenueEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new VenueError('unavailable', 'the Alpaca adapter is closed');
  }
}

/** A refusal as a VenueError: bad credentials or a rate limit mean nothing was done; the rest is a rejection. */
function refusal(outcome: Extract<WriteOutcome, { kind: 'refused' }>, what: string): VenueError {
  if (outcome.status === 401 || outcome.status === 429) {
    return new VenueError('unavailable', `Alpaca refused ${what} with ${outcome.status} (${outcome.message}); nothing was done`);
  }
  return new VenueError('rejected', `Alpaca refused ${what} with ${outcome.status}: ${outcome.message}`);
}

function rawLength(raw: unknown): number {
  return Array.isArray(raw) ? raw.length : 0;
}

function lastSubmittedAt(raw: unknown): string | null {
  return Array.isArray(raw) && raw.length > 0 ? alpacaSubmittedAt(raw.at(-1)) : null;
}

function encodeOrdersCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

function decodeOrdersCursor(cursor: string): string {
  const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown }).after;
  if (typeof after !== 'string' || Number.isNaN(Date.parse(after))) throw new Error(`alpaca: not an orders cursor: ${cursor}`);
  return after;
}
