import { formatDecimal, isWorking, zero } from '../../domain/index.js';
import {
  type FillPage,
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
import type { TradierConfig } from './tradier-config.js';
import { TradierFillJournal } from './tradier-fills.js';
import { TradierHttp, type WriteOutcome } from './tradier-http.js';
import {
  isHashedTag,
  parseTradierAck,
  parseTradierOrder,
  parseTradierOrders,
  parseTradierPositions,
  parseTradierSession,
  parseTradierStreamMessage,
  tradierDuration,
  type TradierOrderDetails,
  tradierReport,
  type TradierSnapshot,
  tradierTag,
  tradierErrorMessage,
} from './tradier-payloads.js';
import { TradierAccountStream } from './tradier-stream.js';
import { remember } from '../wire.js';
import { rawId, unparsedEvent, unparsedItem } from '../unparsed.js';

/** Orders read per page of `GET …/orders`, and pages read at most per scan. */
export const ordersPageSize = 100;
export const ordersPagesMax = 50;
/** Orders whose details, tags and fills are remembered, in entries. */
export const ordersRememberedMax = 10_000;
export const deliveredMax = 50_000;
const dayMs = 86_400_000;

interface Known {
  details: TradierOrderDetails;
  tag: string | null;
  /** A multi-leg order's legs' own order ids, in leg order (their fills are derived per leg). */
  legIds: string[] | null;
}

export interface TradierAdapterOptions {
  /** Stream troubles (a lost connection, an unreadable or unknown message). Never given the token. */
  onError?: (error: unknown) => void;
}

/**
 * Tradier (brokerage API v1). The client order id travels as the order's `tag`, which Tradier
 * stores but does not deduplicate: a second submit would be a second order. So a submit whose
 * outcome is unknown is looked up by tag, never resent from here, and the next `placeOrder` of that
 * client order id looks it up again before sending (`idempotentSubmit: false`; the router also looks
 * an order up before it retries one). Tradier reports no executions: fills are derived from order
 * snapshots (see tradier-fills.ts). The account-events stream sends a snapshot per change without
 * symbol, side or last fill price; the adapter completes it from what it knows, or from one REST read
 * when the snapshot shows a new execution. Fills reach subscribers through the stream only; REST
 * reads derive them for `listFills` and reconciliation without side effects.
 */
export class TradierAdapter implements VenueAdapter {
  readonly venue = 'tradier';
  readonly capabilities: VenueCapabilities = {
    clientOrderId: true,
    idempotentSubmit: false,
    getByClientOrderId: true,
    cancel: true,
    fillsSince: true,
    ordersSince: true,
    positions: true,
    stream: true,
    multiLeg: false,
    feesSince: false, // Tradier's fills carry no fee and it reports none apart
  };
  private readonly http: TradierHttp;
  private readonly stream: TradierAccountStream;
  private readonly journal = new TradierFillJournal(ordersRememberedMax);
  private readonly known = new Map<string, Known>();
  /** Client order ids that travel as hashed tags, by tag. */
  private readonly hashedTags = new Map<string, string>();
  /** Tags of submits whose outcome was unknown: looked up before any resubmission. */
  private readonly unresolvedTags = new Map<string, true>();
  /** Per order, the newest state the stream delivered: an older or equal one arriving later is not. */
  private readonly streamMarks = new Map<string, { executed: string; key: string; status: string }>();
  /** Fills delivered to subscribers, by exec id. */
  private readonly delivered = new Map<string, true>();
  private readonly listeners = new Set<VenueListener>();
  private readonly onError: (error: unknown) => void;
  private streamQueue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly config: TradierConfig,
    accessToken: string,
    options: TradierAdapterOptions = {},
  ) {
    this.http = new TradierHttp(config, accessToken);
    this.onError = options.onError ?? ((error) => console.error('tradier venue:', error instanceof Error ? error.message : error));
    this.stream = new TradierAccountStream(config, {
      createSession: () => this.createSession(),
      onMessage: (message) => {
        this.streamQueue = this.streamQueue.then(() => this.onStreamMessage(message)).catch((error: unknown) => this.onError(error));
      },
      onReconnected: () => this.deliver({ kind: 'reconnected' }),
      onDisconnected: (reason) => this.deliver({ kind: 'disconnected', reason }),
      onError: (error) => this.onError(error),
    });
  }

  /** Connected and subscribed (for tests and health checks). */
  get streaming(): boolean {
    return this.stream.isOpen;
  }

  private get ordersPath(): string {
    return `/v1/accounts/${this.config.accountId}/orders`;
  }

  async placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport> {
    this.assertOpen();
    const form = this.orderForm(request, await this.equitySide(request));
    const tag = form.tag!;
    if (this.unresolvedTags.has(tag)) {
      // An earlier submit of this order may have arrived: sending again could make a second order.
      const existing = await this.getOrderByClientId(request.clientOrderId);
      if (existing !== undefined) {
        this.unresolvedTags.delete(tag);
        return existing;
      }
    }
    const outcome = await this.http.send('POST', this.ordersPath, form);
    let orderId: string | undefined;
    if (outcome.kind === 'ok') {
      try {
        orderId = parseTradierAck(outcome.body);
      } catch (error) {
        const errors = (outcome.body as { errors?: unknown } | undefined)?.errors;
        if (errors !== undefined) throw new VenueError('rejected', `Tradier refused order ${request.clientOrderId}: ${tradierErrorMessage(JSON.stringify(outcome.body))}`);
        return this.unresolved(request, tag, `the answer could not be read (${error instanceof Error ? error.message : String(error)})`);
      }
    } else if (outcome.kind === 'refused') {
      throw refusal(outcome, `order ${request.clientOrderId}`);
    } else if (outcome.kind === 'unreachable') {
      throw new VenueError('unavailable', `Tradier is unreachable; order ${request.clientOrderId} was not sent: ${outcome.message}`);
    } else {
      return this.unresolved(request, tag, outcome.message);
    }
    this.unresolvedTags.delete(tag);
    const now = new Date().toISOString();
    const details: TradierOrderDetails = {
      symbol: request.symbol,
      assetClass: request.assetClass,
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce,
      quantity: request.quantity,
      limitPrice: request.limitPrice,
      stopPrice: request.stopPrice,
      createdAt: now,
      legs: null,
    };
    remember(this.known, orderId, { details, tag, legIds: null }, ordersRememberedMax);
    this.journal.begin(orderId, now);
    // The acknowledgement holds the id only; the order itself is one read away. Should the read
    // fail, the venue has the order all the same: report what was sent.
    const order = await this.getOrder(orderId).catch((error: unknown) => {
      this.onError(error);
      return undefined;
    });
    if (order?.status === 'rejected') throw new VenueError('rejected', `Tradier rejected order ${request.clientOrderId} (${orderId})${order.reason === null ? '' : `: ${order.reason}`}`);
    return (
      order ?? {
        ...details,
        venueOrderId: orderId,
        clientOrderId: request.clientOrderId,
        legs: null,
        status: 'submitted',
        filledQuantity: zero,
        avgFillPrice: null,
        reason: null,
        updatedAt: now,
      }
    );
  }

  async cancelOrder(venueOrderId: string): Promise<VenueOrderReport> {
    this.assertOpen();
    if (!/^\d{1,20}$/.test(venueOrderId)) throw new VenueError('rejected', `Tradier has no order ${venueOrderId}`);
    const outcome = await this.http.send('DELETE', `${this.ordersPath}/${venueOrderId}`);
    if (outcome.kind === 'refused') throw refusal(outcome, `the cancel of order ${venueOrderId}`);
    if (outcome.kind === 'unreachable') throw new VenueError('unavailable', `Tradier is unreachable; order ${venueOrderId} was not canceled: ${outcome.message}`);
    const order = await this.getOrder(venueOrderId);
    if (order === undefined) throw new VenueError('rejected', `Tradier has no order ${venueOrderId}`);
    if (outcome.kind === 'ambiguous' && isWorking(order.status)) {
      throw new VenueError('unknown_outcome', `the cancel of Tradier order ${venueOrderId} may not have arrived (${outcome.message}); it is still ${order.status}`);
    }
    // Tradier has no pending-cancel status: an accepted cancel of a still-working order is pending.
    return isWorking(order.status) ? { ...order, status: 'pending_cancel' } : order;
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    this.assertOpen();
    // Tradier's order ids are numbers; anything else names no order there.
    if (!/^\d{1,20}$/.test(venueOrderId)) return undefined;
    const raw = await this.http.get(`${this.ordersPath}/${venueOrderId}`, { includeTags: true });
    const snapshot = this.readOne(raw, venueOrderId);
    return snapshot === undefined ? undefined : this.observe(snapshot);
  }

  /**
   * Orders created or changed since `since`: the account's orders (`filter=all`) from the day of
   * `since` (Tradier's window is calendar days, from creation), a page at a time, those whose last
   * change is at or after `since`. An order created before that day and changed since is not seen
   * here (it is among the open orders while it works, within `lookbackDays`).
   */
  async listOrders(since: string, cursor: string | null = null): Promise<OrderPage> {
    this.assertOpen();
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new Error(`tradier: listOrders needs an ISO timestamp; got ${JSON.stringify(since)}`);
    const page = cursor === null ? 1 : decodeCursor(cursor);
    const { snapshots, count } = parseTradierOrders(await this.http.get(this.ordersPath, { ...this.window(sinceMs), page, limit: ordersPageSize, includeTags: true }), this.skip);
    const orders = snapshots.map((snapshot) => this.observe(snapshot)).filter((o) => Date.parse(o.updatedAt) >= sinceMs || Date.parse(o.createdAt) >= sinceMs);
    return { orders, cursor: count === ordersPageSize && page < ordersPagesMax ? encodeCursor(page + 1) : null };
  }

  /**
   * Tradier has no lookup by tag: today's orders are searched, then the last `lookbackDays`.
   * Two orders with the tag (a resubmission that should not have happened) are reported; the first is returned.
   */
  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    this.assertOpen();
    const tag = tradierTag(clientOrderId);
    if (isHashedTag(tag)) remember(this.hashedTags, tag, clientOrderId, ordersRememberedMax);
    for (const query of [{}, this.window(Date.now() - this.config.lookbackDays * dayMs)]) {
      const found: VenueOrderReport[] = [];
      await this.scan(query, (snapshot) => {
        if (snapshot.tag === tag) found.push(this.observe(snapshot));
        return found.length > 0;
      });
      if (found.length > 1) this.onError(new Error(`tradier: ${found.length} orders carry the tag of client order id ${clientOrderId}: ${found.map((o) => o.venueOrderId).join(', ')}`));
      if (found[0] !== undefined) return found[0];
    }
    return undefined;
  }

  /** The working orders of the last `lookbackDays` (a GTC order older than that is not seen). */
  async listOpenOrders(): Promise<VenueOrderReport[]> {
    this.assertOpen();
    const open: VenueOrderReport[] = [];
    await this.scan(this.window(Date.now() - this.config.lookbackDays * dayMs), (snapshot) => {
      const report = this.observe(snapshot);
      if (isWorking(report.status)) open.push(report);
      return false;
    });
    return open;
  }

  /**
   * Fills derived from the snapshots of the orders of the window, a page of orders at a time (the
   * cursor is the next page). The first page also carries fills derived earlier for orders created
   * before the window.
   */
  async listFills(since: string, cursor: string | null = null): Promise<FillPage> {
    this.assertOpen();
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new Error(`tradier: listFills needs an ISO timestamp; got ${JSON.stringify(since)}`);
    const windowStartMs = Math.max(sinceMs - dayMs, Date.now() - this.config.lookbackDays * dayMs);
    const page = cursor === null ? 1 : decodeCursor(cursor);
    const query = this.window(windowStartMs);
    const { snapshots, count } = parseTradierOrders(await this.http.get(this.ordersPath, { ...query, page, limit: ordersPageSize, includeTags: true }), this.skip);
    const fills: VenueFillReport[] = [];
    for (const snapshot of snapshots) {
      this.observe(snapshot);
      fills.push(...this.fillsOf(snapshot.orderId));
    }
    if (page === 1) {
      const windowStart = `${query.start}T00:00:00.000Z`;
      for (const entry of this.journal.entries()) if (entry.createdAt < windowStart) fills.push(...entry.fills);
    }
    return {
      fills: fills.filter((f) => Date.parse(f.executedAt) >= sinceMs).sort((a, b) => (a.executedAt === b.executedAt ? (a.execId < b.execId ? -1 : 1) : a.executedAt < b.executedAt ? -1 : 1)),
      cursor: count === ordersPageSize ? encodeCursor(page + 1) : null,
    };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    this.assertOpen();
    return parseTradierPositions(await this.http.get(`/v1/accounts/${this.config.accountId}/positions`));
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
    await this.streamQueue;
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Tradier's equity side, from the request and the account's holding of the symbol (the request
   * says buy or sell; Tradier wants to be told a short): a buy against a short position is
   * `buy_to_cover`, a sell with no long position `sell_short`, else `buy`/`sell`. An order that
   * would cross through zero is refused before sending: Tradier takes it as neither, and the
   * caller can send the two halves. Reading the holding fails as `unavailable` (nothing was sent).
   */
  private async equitySide(r: VenuePlaceRequest): Promise<string> {
    if (r.assetClass !== 'equity') return r.side; // orderForm refuses it with its own reason
    const held = (await this.listPositions()).find((p) => p.symbol === r.symbol)?.netQuantity ?? zero;
    const cross = (what: string) => new VenueError('rejected', `Tradier order ${r.clientOrderId} was not sent: it would ${what} (held ${formatDecimal(held)} ${r.symbol}, ${r.side} ${formatDecimal(r.quantity)}); send the part up to zero and the rest as two orders`);
    if (r.side === 'buy') {
      if (!held.lt(0)) return 'buy';
      if (r.quantity.gt(held.abs())) throw cross('cover the short and go long at once');
      return 'buy_to_cover';
    }
    if (!held.gt(0)) return 'sell_short';
    if (r.quantity.gt(held)) throw cross('sell the holding and go short at once');
    return 'sell';
  }

  private orderForm(r: VenuePlaceRequest, side: string): Record<string, string> {
    const refuse = (why: string) => new VenueError('rejected', `Tradier order ${r.clientOrderId} was not sent: ${why}`);
    if (r.assetClass !== 'equity') throw refuse(`this adapter places equity orders only, not ${r.assetClass}`);
    const duration = tradierDuration[r.timeInForce];
    if (duration === undefined) throw refuse(`Tradier takes time in force day or gtc, not ${r.timeInForce}`);
    if (!r.quantity.isInteger() || !r.quantity.gt(0)) throw refuse(`Tradier trades whole shares; got ${formatDecimal(r.quantity)}`);
    const tag = tradierTag(r.clientOrderId);
    if (isHashedTag(tag)) remember(this.hashedTags, tag, r.clientOrderId, ordersRememberedMax);
    const form: Record<string, string> = { class: 'equity', symbol: r.symbol, side, quantity: formatDecimal(r.quantity), type: r.type, duration, tag };
    if (r.type === 'limit' || r.type === 'stop_limit') {
      if (r.limitPrice === null) throw refuse(`a ${r.type} order needs a limit price`);
      form.price = formatDecimal(r.limitPrice);
    }
    if (r.type === 'stop' || r.type === 'stop_limit') {
      if (r.stopPrice === null) throw refuse(`a ${r.type} order needs a stop price`);
      form.stop = formatDecimal(r.stopPrice);
    }
    return form;
  }

  /** A submit that may have arrived: one look by tag; found, it is the order; else the outcome stays unknown. */
  private async unresolved(request: VenuePlaceRequest, tag: string, why: string): Promise<VenueOrderReport> {
    remember(this.unresolvedTags, tag, true, ordersRememberedMax);
    const found = await this.getOrderByClientId(request.clientOrderId).catch(() => undefined);
    if (found !== undefined) {
      this.unresolvedTags.delete(tag);
      return found;
    }
    throw new VenueError('unknown_outcome', `Tradier may or may not have order ${request.clientOrderId} (${why}); look it up by client order id (tag ${tag}) before sending it again`);
  }

  /**
   * Remembers what a snapshot tells, derives its new fills into the journal and reports the order.
   * Reads deliver nothing to subscribers (a dry-run reconciliation reads too); the stream delivers.
   */
  private observe(snapshot: TradierSnapshot): VenueOrderReport {
    const id = snapshot.orderId;
    const previous = this.known.get(id);
    const details = snapshot.details ?? previous?.details;
    if (details === undefined) throw new Error(`tradier: no details for order ${id}; read it by REST first`);
    const tag = snapshot.tag ?? previous?.tag ?? null;
    const legIds = snapshot.legs?.map((l) => l.legId) ?? previous?.legIds ?? null;
    if (snapshot.details !== null || previous === undefined || previous.tag !== tag) remember(this.known, id, { details, tag, legIds }, ordersRememberedMax);
    const clientOrderId = tag === null ? null : isHashedTag(tag) ? (this.hashedTags.get(tag) ?? null) : tag;
    if (details.legs !== null) {
      // Each leg is an order of its own at Tradier with its own executions: its fills are derived
      // from its own snapshot, named by the leg's id (see fillsOf). A stream snapshot carries no legs.
      snapshot.legs?.forEach((leg, i) => {
        const legDetails = details.legs![i]!;
        this.journal.observe({
          orderId: leg.legId,
          clientOrderId,
          symbol: legDetails.symbol,
          side: legDetails.side,
          createdAt: details.createdAt,
          executed: leg.executed,
          lastFillQuantity: leg.lastFillQuantity,
          lastFillPrice: leg.lastFillPrice,
          avgFillPrice: leg.avgFillPrice,
          at: snapshot.updatedAt,
        });
      });
      return tradierReport(details, snapshot, clientOrderId);
    }
    this.journal.observe({
      orderId: id,
      clientOrderId,
      symbol: details.symbol,
      side: details.side,
      createdAt: details.createdAt,
      executed: snapshot.executed,
      lastFillQuantity: snapshot.lastFillQuantity,
      lastFillPrice: snapshot.lastFillPrice,
      avgFillPrice: snapshot.avgFillPrice,
      at: snapshot.updatedAt,
    });
    return tradierReport(details, snapshot, clientOrderId);
  }

  /**
   * One stream message. An order snapshot older than, or the same as, one already delivered is
   * dropped. A snapshot showing a new execution (or of an order not yet known) is completed by one
   * REST read, which carries the last fill's price. An unknown status is an error, never a default.
   */
  private async onStreamMessage(raw: unknown): Promise<void> {
    if (this.closed) return;
    let message;
    try {
      message = parseTradierStreamMessage(raw);
    } catch (error) {
      // One unreadable event is kept raw; the stream goes on.
      this.skip(unparsedItem('order', raw, rawId(raw, 'id'), error));
      return;
    }
    if (message.kind !== 'order' || message.account !== this.config.accountId) return;
    let snapshot = message.snapshot;
    if (this.stale(snapshot)) return;
    if (!this.known.has(snapshot.orderId) || snapshot.executed.gt(this.journal.executedOf(snapshot.orderId) ?? zero)) {
      const fresh = this.readOne(await this.http.get(`${this.ordersPath}/${snapshot.orderId}`, { includeTags: true }), snapshot.orderId);
      if (fresh === undefined) throw new Error(`tradier: order ${snapshot.orderId} is on the stream but GET does not know it`);
      this.observe(fresh);
      // The read may be newer than the message (use it) or, should REST lag, older (keep the message).
      if (!fresh.executed.lt(snapshot.executed)) snapshot = fresh;
    }
    const report = this.observe(snapshot);
    // Every fill of the order not delivered yet, whichever read derived it, once.
    for (const fill of this.fillsOf(snapshot.orderId)) {
      if (this.delivered.has(fill.execId)) continue;
      remember(this.delivered, fill.execId, true, deliveredMax);
      this.deliver({ kind: 'fill', fill });
    }
    if (this.stale(snapshot)) return;
    remember(this.streamMarks, snapshot.orderId, { executed: snapshot.executed.toFixed(), key: snapshot.updatedKey, status: snapshot.status }, ordersRememberedMax);
    this.deliver({ kind: 'order', order: report });
  }

  private stale(s: TradierSnapshot): boolean {
    const mark = this.streamMarks.get(s.orderId);
    if (mark === undefined) return false;
    const executed = s.executed.cmp(mark.executed);
    if (executed !== 0) return executed < 0;
    return s.updatedKey < mark.key || (s.updatedKey === mark.key && s.status === mark.status);
  }

  /** Reads every page of orders for a query, until `visit` says it has found what it wanted. */
  private async scan(query: Record<string, string>, visit: (snapshot: TradierSnapshot) => boolean): Promise<void> {
    for (let page = 1; page <= ordersPagesMax; page++) {
      const { snapshots, count } = parseTradierOrders(await this.http.get(this.ordersPath, { ...query, page, limit: ordersPageSize, includeTags: true }), this.skip);
      let done = false;
      for (const s of snapshots) done = visit(s) || done;
      if (done || count < ordersPageSize) return;
    }
    this.onError(new Error(`tradier: more than ${ordersPagesMax * ordersPageSize} orders in the window; the scan stopped there`));
  }

  /** `filter=all` from a day to tomorrow (Tradier dates are calendar days; `all` reaches a month). */
  private window(fromMs: number): { filter: string; start: string; end: string } {
    return { filter: 'all', start: new Date(fromMs).toISOString().slice(0, 10), end: new Date(Date.now() + dayMs).toISOString().slice(0, 10) };
  }

  private async createSession(): Promise<{ url: string | null; sessionId: string }> {
    const outcome = await this.http.send('POST', '/v1/accounts/events/session');
    if (outcome.kind !== 'ok') throw new Error(`the session request failed: ${outcome.kind === 'refused' ? `${outcome.status} ${outcome.message}` : outcome.message}`);
    return parseTradierSession(outcome.body);
  }

  /** An order's derived fills: its own, or a multi-leg order's legs' fills as fills of its legs. */
  private fillsOf(orderId: string): readonly VenueFillReport[] {
    const legIds = this.known.get(orderId)?.legIds ?? null;
    if (legIds === null) return this.journal.fillsOf(orderId);
    return legIds.flatMap((legId, i) => this.journal.fillsOf(legId).map((f) => ({ ...f, venueOrderId: orderId, leg: i + 1 })));
  }

  /** An item that could not be read: handed to the listeners raw, never defaulted. */
  private readonly skip = (item: UnparsedVenueItem): void => this.deliver(unparsedEvent(item));

  /**
   * One order a lookup found. Unreadable, it is handed on raw and the lookup fails: answering
   * `undefined` would say Tradier has no such order, and a caller might send it again.
   */
  private readOne(raw: unknown, venueOrderId: string): TradierSnapshot | undefined {
    try {
      return parseTradierOrder(raw);
    } catch (error) {
      const payload = typeof raw === 'object' && raw !== null && 'order' in raw ? (raw as { order: unknown }).order : raw;
      const item = unparsedItem('order', payload, rawId(payload, 'id') ?? venueOrderId, error);
      this.skip(item);
      throw new VenueError('unavailable', `Tradier has order ${item.venueItemId} but it cannot be read (${item.reason}); it is kept as an unparsed venue item`);
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
    if (this.closed) throw new VenueError('unavailable', 'the Tradier adapter is closed');
  }
}

/** A refusal as a VenueError: a bad token or a rate limit mean nothing was done; the rest is a rejection. */
function refusal(outcome: Extract<WriteOutcome, { kind: 'refused' }>, what: string): VenueError {
  if (outcome.status === 401 || outcome.status === 403 || outcome.status === 429) {
    return new VenueError('unavailable', `Tradier refused ${what} with ${outcome.status} (${outcome.message}); nothing was done`);
  }
  return new VenueError('rejected', `Tradier refused ${what} with ${outcome.status}: ${outcome.message}`);
}

function encodeCursor(page: number): string {
  return Buffer.from(JSON.stringify({ page })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const page = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { page?: unknown }).page;
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1 || page > ordersPagesMax) throw new Error(`tradier: not a fill cursor: ${cursor}`);
  return page;
}
