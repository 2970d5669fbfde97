import { z } from 'zod';
import { isWorking, zero } from '../../domain/index.js';
import { parseEach, rawId, unparsedEvent, unparsedItem } from '../unparsed.js';
import {
  type FeePage,
  type OrderPage,
  type UnparsedVenueItem,
  type FillPage,
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
import { parseTastytradeConfig, type TastytradeConfig, type TastytradeCredentials, tastytradeUrls } from './tastytrade-config.js';
import { AmbiguousOutcome, errorMessage, parsePayload, TastytradeHttp, type TastyResponse } from './tastytrade-http.js';
import { tastyFillReports, tastyOrderBody, tastyOrderReport, tastyPositionReport } from './tastytrade-mapping.js';
import { type TastyOrder, tastyList, tastyOrderSchema, tastyPlacedSchema, tastyPositionSchema, tastySingle } from './tastytrade-schemas.js';
import { parseTastyTransactionFee } from './tastytrade-fees.js';
import { TastytradeStreamer } from './tastytrade-stream.js';

/** Orders per page of the order search (tastytrade's default is 10). */
export const orderPageSizeMax = 100;
/** Transactions read per page of `GET /accounts/{account_number}/transactions` (tastytrade's default; at most 2,000). */
export const transactionPageSizeMax = 250;
/** Pages of order history `getOrderByClientId` reads at most before answering "not found". */
export const clientIdSearchPagesMax = 10;
/** Fill ids remembered to emit each fill once; the oldest are forgotten first (the ledger dedupes too). */
export const seenFillIdsMax = 100_000;
/** Orders whose last streamed state is remembered, to drop stale and repeated updates. */
export const seenOrdersMax = 20_000;
const dayMs = 24 * 60 * 60 * 1000;

export interface TastytradeVenueOptions {
  credentials: TastytradeCredentials;
  /** Operating errors of the stream (a dropped connection, a payload it cannot read). */
  onError?: (error: unknown) => void;
  clock?: () => Date;
}

type Cursor = { startDate: string; offset: number };

/**
 * tastytrade (equities, options, futures; single- and multi-leg orders). tastytrade does not deduplicate
 * `external-identifier`, so the adapter says `idempotentSubmit: false`: after an order POST whose
 * outcome is unknown it looks the identifier up before saying anything, and before it ever sends
 * that client order id again. Fills come from the orders' `legs[].fills[]`, keyed by `fill-id`;
 * tastytrade resends the whole order, with every fill so far, on each update.
 */
export class TastytradeVenue implements VenueAdapter {
  readonly venue = 'tastytrade';
  readonly capabilities: VenueCapabilities = {
    clientOrderId: true, // external-identifier is stored and echoed
    idempotentSubmit: false, // ...but not deduplicated
    getByClientOrderId: true, // by search: today's orders, then `clientIdLookbackDays` of history
    cancel: true,
    fillsSince: true,
    ordersSince: true,
    positions: true,
    stream: true,
    multiLeg: true, // spreads, with each leg's fills
    feesSince: true, // fees of Trade and other transactions (listFees)
  };
  readonly config: TastytradeConfig;
  private readonly http: TastytradeHttp;
  private readonly streamer: TastytradeStreamer;
  private readonly listeners = new Set<VenueListener>();
  private readonly seenFills = new Set<string>();
  private readonly seenOrders = new Map<string, { updatedAt: string; status: string; filled: string }>();
  /** Client order ids whose submission had an unknown outcome in this process. */
  private readonly uncertain = new Set<string>();
  private readonly onError: (error: unknown) => void;
  private readonly clock: () => Date;
  private readonly accountPath: string;

  constructor(config: Record<string, unknown>, options: TastytradeVenueOptions) {
    this.config = parseTastytradeConfig(config);
    this.onError = options.onError ?? ((error) => console.error('tastytrade venue:', error instanceof Error ? error.message : error));
    this.clock = options.clock ?? (() => new Date());
    const urls = tastytradeUrls[this.config.environment];
    this.http = new TastytradeHttp((this.config.apiBaseUrl ?? urls.api).replace(/\/$/, ''), options.credentials, this.config);
    this.accountPath = `/accounts/${encodeURIComponent(this.config.accountNumber)}`;
    this.streamer = new TastytradeStreamer(this.config.streamerUrl ?? urls.streamer, this.config.accountNumber, this.http, this.config, {
      onOrder: (data, timestamp) => this.streamed(data, timestamp),
      onReconnected: () => this.emit({ kind: 'reconnected' }),
      onDisconnected: (reason) => this.emit({ kind: 'disconnected', reason }),
      onError: (error) => this.onError(error),
    });
  }

  async placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport> {
    if (this.uncertain.has(request.clientOrderId)) {
      // An earlier send may have arrived after all: never send it twice.
      const earlier = await this.getOrderByClientId(request.clientOrderId);
      if (earlier !== undefined) return this.settled(request.clientOrderId, earlier);
    }
    const needsHoldings = (request.legs ?? [request]).some((l) => l.assetClass !== 'future' && !('positionEffect' in l && l.positionEffect !== null));
    const held = needsHoldings ? await this.listPositions() : [];
    const body = tastyOrderBody(request, (symbol) => held.find((p) => p.symbol === symbol)?.netQuantity ?? zero);
    let response: TastyResponse;
    try {
      response = await this.http.request('POST', `${this.accountPath}/orders`, 'write', body);
    } catch (error) {
      if (error instanceof AmbiguousOutcome) return this.resolveUncertain(request.clientOrderId, error.message);
      throw error;
    }
    if (response.status >= 400) throw new VenueError('rejected', `tastytrade refused the order (HTTP ${response.status}): ${errorMessage(response.json)}`);
    const placed = tastyPlacedSchema.safeParse(response.json);
    // Accepted, but the answer cannot be read: the order exists, so find it rather than guess.
    if (!placed.success) return this.resolveUncertain(request.clientOrderId, `tastytrade accepted the order but its answer could not be read`);
    const report = tastyOrderReport(placed.data.data.order, response.date);
    if (report.status === 'rejected') throw new VenueError('rejected', report.reason ?? 'rejected by tastytrade');
    return report;
  }

  /** After an ambiguous order POST: tastytrade has it under our external identifier, or we cannot tell. */
  private async resolveUncertain(clientOrderId: string, cause: string): Promise<VenueOrderReport> {
    this.uncertain.add(clientOrderId);
    const found = await this.getOrderByClientId(clientOrderId).catch(() => undefined);
    if (found !== undefined) return this.settled(clientOrderId, found);
    throw new VenueError('unknown_outcome', `${cause}; no order with external-identifier ${clientOrderId} is visible yet, so it may or may not have been placed`);
  }

  private settled(clientOrderId: string, report: VenueOrderReport): VenueOrderReport {
    this.uncertain.delete(clientOrderId);
    if (report.status === 'rejected') throw new VenueError('rejected', report.reason ?? 'rejected by tastytrade');
    return report;
  }

  async cancelOrder(venueOrderId: string): Promise<VenueOrderReport> {
    if (!/^\d{1,20}$/.test(venueOrderId)) throw new VenueError('rejected', `tastytrade has no order ${venueOrderId}`);
    let response: TastyResponse;
    try {
      response = await this.http.request('DELETE', `${this.accountPath}/orders/${venueOrderId}`, 'write');
    } catch (error) {
      if (error instanceof AmbiguousOutcome) throw new VenueError('unknown_outcome', `${error.message}; the cancel may or may not have reached tastytrade`);
      throw error;
    }
    if (response.status === 404) throw new VenueError('rejected', `tastytrade has no order ${venueOrderId}`);
    if (response.status >= 400) throw new VenueError('rejected', `tastytrade refused to cancel order ${venueOrderId} (HTTP ${response.status}): ${errorMessage(response.json)}`);
    return tastyOrderReport(parsePayload(tastySingle(tastyOrderSchema), response.json, `DELETE order ${venueOrderId}`).data, response.date);
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    if (!/^\d{1,20}$/.test(venueOrderId)) return undefined;
    const response = await this.http.request('GET', `${this.accountPath}/orders/${venueOrderId}`, 'read');
    if (response.status === 404) return undefined;
    this.assertOk(response, `GET order ${venueOrderId}`);
    const item = parsePayload(tastySingle(z.unknown()), response.json, `GET order ${venueOrderId}`).data;
    try {
      return tastyOrderReport(parsePayload(tastyOrderSchema, item, 'an order'), response.date);
    } catch (error) {
      // Unreadable, it is handed on raw and the lookup fails: undefined would say tastytrade has no such order.
      const unparsed = unparsedItem('order', item, rawId(item, 'id') ?? venueOrderId, error);
      this.skip(unparsed);
      throw new VenueError('unavailable', `tastytrade has order ${venueOrderId} but it cannot be read (${unparsed.reason}); it is kept as an unparsed venue item`);
    }
  }

  /**
   * tastytrade cannot filter by external identifier, so this reads today's orders (`/orders/live`),
   * then up to `clientIdSearchPagesMax` pages of the last `clientIdLookbackDays` days. With two
   * orders under one identifier (a duplicate submission) it answers the earliest.
   */
  async getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined> {
    const match = (orders: ReadOrder[]) => orders.filter((o) => o.order['external-identifier'] === clientOrderId).sort((a, b) => Number(a.order.id) - Number(b.order.id))[0]?.report;
    const live = match(await this.liveOrders());
    if (live !== undefined) return live;
    const startDate = this.dateOf(this.clock().getTime() - this.config.clientIdLookbackDays * dayMs);
    for (let offset = 0; offset < clientIdSearchPagesMax; offset++) {
      const page = await this.orderPage({ startDate, offset });
      const found = match(page.orders);
      if (found !== undefined) return found;
      if (page.next === null) break;
    }
    return undefined;
  }

  async listOpenOrders(): Promise<VenueOrderReport[]> {
    return (await this.liveOrders()).map((o) => o.report).filter((r) => isWorking(r.status));
  }

  /**
   * Orders received since the day of `since` (the order search filters by date), oldest first, a
   * page at a time, those whose last change is at or after `since`. An order received before that
   * day and changed since is not seen here (among the live orders while it works).
   */
  async listOrders(since: string, cursor: string | null = null): Promise<OrderPage> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listOrders needs an ISO time; got ${JSON.stringify(since)}`);
    const at: Cursor = cursor === null ? { startDate: this.dateOf(sinceMs), offset: 0 } : decodeCursor(cursor);
    const page = await this.orderPage(at);
    const orders = page.orders.map((o) => o.report).filter((r) => Date.parse(r.updatedAt) >= sinceMs || Date.parse(r.createdAt) >= sinceMs);
    return { orders, cursor: page.next === null ? null : encodeCursor(page.next) };
  }

  /**
   * Fills at or after `since`, from the orders of the days since (one order page per call). The
   * order search filters by date, so a fill of an order placed more than a day before `since`
   * (a GTC order working for days) is not listed; the reconciler asks from its orders' creation.
   */
  async listFills(since: string, cursor: string | null = null): Promise<FillPage> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listFills needs an ISO time; got ${JSON.stringify(since)}`);
    const at: Cursor = cursor === null ? { startDate: this.dateOf(sinceMs - dayMs), offset: 0 } : decodeCursor(cursor);
    const page = await this.orderPage(at);
    const fills: VenueFillReport[] = page.orders.flatMap((o) => tastyFillReports(o.order)).filter((f) => Date.parse(f.executedAt) >= sinceMs);
    return { fills, cursor: page.next === null ? null : encodeCursor(page.next) };
  }

  /**
   * The fees on the account's transactions since the day of `since`, oldest first (`sort=Asc`, so
   * pages do not shift as new transactions arrive). The cursor counts the transactions read from
   * that day on: the next read starts at the page holding the next one and skips those already read.
   * A transaction whose fees cannot be read is emitted as an unparsed `activity` item.
   */
  async listFees(since: string, cursor: string | null): Promise<FeePage> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new VenueError('rejected', `listFees needs an ISO time; got ${JSON.stringify(since)}`);
    const at = cursor === null ? { startDate: this.dateOf(sinceMs), seen: 0 } : decodeFeeCursor(cursor);
    const offset = Math.floor(at.seen / transactionPageSizeMax);
    const query = new URLSearchParams({ 'start-date': at.startDate, sort: 'Asc', 'per-page': String(transactionPageSizeMax), 'page-offset': String(offset) });
    const response = await this.http.request('GET', `${this.accountPath}/transactions?${query}`, 'read');
    this.assertOk(response, 'GET transactions');
    const page = parsePayload(tastyList(z.unknown()), response.json, 'GET transactions');
    const fresh = page.data.items.slice(at.seen - offset * transactionPageSizeMax);
    const fees = [];
    for (const item of fresh) {
      const parsed = parseTastyTransactionFee(item);
      if (parsed.kind === 'fee') fees.push(parsed.report);
      else if (parsed.kind === 'unreadable') this.skip({ kind: 'activity', venueItemId: parsed.id, payload: parsed.raw, reason: parsed.reason });
    }
    const seen = at.seen + fresh.length;
    return { fees, cursor: encodeCursor({ startDate: at.startDate, seen }), more: page.data.items.length === transactionPageSizeMax };
  }

  async listPositions(): Promise<VenuePositionReport[]> {
    const response = await this.http.request('GET', `${this.accountPath}/positions`, 'read');
    this.assertOk(response, 'GET positions');
    const items = parsePayload(tastyList(z.unknown()), response.json, 'GET positions').data.items;
    return parseEach(items, 'position', ['symbol'], (raw) => tastyPositionReport(parsePayload(tastyPositionSchema, raw, 'a position')), this.skip);
  }

  subscribe(listener: VenueListener): () => void {
    this.listeners.add(listener);
    this.streamer.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.streamer.stop();
    };
  }

  async close(): Promise<void> {
    this.streamer.stop();
    this.http.close();
    this.listeners.clear();
  }

  // ---- stream ----------------------------------------------------------------------------------

  /** One `Order` notification: its new fills once each, then the order unless it is stale or repeated. */
  private streamed(data: unknown, timestamp: string | null): void {
    let order: TastyOrder;
    let report: VenueOrderReport;
    let fills: VenueFillReport[];
    try {
      order = parsePayload(tastyOrderSchema, data, 'an Order notification');
      if (order['account-number'] !== this.config.accountNumber) return;
      report = tastyOrderReport(order, timestamp);
      fills = tastyFillReports(order);
    } catch (error) {
      // One unreadable notification is kept raw; the stream goes on.
      this.skip(unparsedItem('order', data, rawId(data, 'id'), error));
      return;
    }
    for (const fill of fills.sort((a, b) => a.executedAt.localeCompare(b.executedAt))) {
      if (this.seenFills.has(fill.execId)) continue;
      remember(this.seenFills, fill.execId, seenFillIdsMax);
      this.emit({ kind: 'fill', fill });
    }
    const last = this.seenOrders.get(report.venueOrderId);
    const state = { updatedAt: report.updatedAt, status: report.status, filled: report.filledQuantity.toFixed() };
    const stale = last !== undefined && (state.updatedAt < last.updatedAt || (state.updatedAt === last.updatedAt && state.status === last.status && state.filled === last.filled));
    if (stale) return;
    this.seenOrders.delete(report.venueOrderId);
    this.seenOrders.set(report.venueOrderId, state);
    if (this.seenOrders.size > seenOrdersMax) this.seenOrders.delete(this.seenOrders.keys().next().value!);
    this.emit({ kind: 'order', order: report });
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

  private async liveOrders(): Promise<ReadOrder[]> {
    const response = await this.http.request('GET', `${this.accountPath}/orders/live`, 'read');
    this.assertOk(response, 'GET live orders');
    return this.readOrders(parsePayload(tastyList(z.unknown()), response.json, 'GET live orders').data.items, response.date);
  }

  /** Orders read item by item: one that cannot be read (schema, status, type...) is handed on raw, the others go on. */
  private readOrders(items: readonly unknown[], carriedAt: string | null): ReadOrder[] {
    return parseEach(items, 'order', ['id'], (raw) => {
      const order = parsePayload(tastyOrderSchema, raw, 'an order');
      return { order, report: tastyOrderReport(order, carriedAt) };
    }, this.skip);
  }

  private readonly skip = (item: UnparsedVenueItem): void => this.emit(unparsedEvent(item));

  /** One page of the order search, oldest first, so that pages do not shift as new orders arrive. */
  private async orderPage(at: Cursor): Promise<{ orders: ReadOrder[]; next: Cursor | null }> {
    const query = new URLSearchParams({ 'start-date': at.startDate, sort: 'Asc', 'per-page': String(orderPageSizeMax), 'page-offset': String(at.offset) });
    const response = await this.http.request('GET', `${this.accountPath}/orders?${query}`, 'read');
    this.assertOk(response, 'GET orders');
    const page = parsePayload(tastyList(z.unknown()), response.json, 'GET orders');
    const totalPages = page.pagination?.['total-pages'] ?? 1;
    const more = page.pagination != null ? at.offset + 1 < totalPages : page.data.items.length === orderPageSizeMax;
    return { orders: this.readOrders(page.data.items, response.date), next: more ? { startDate: at.startDate, offset: at.offset + 1 } : null };
  }

  private assertOk(response: TastyResponse, what: string): void {
    if (response.status >= 400) throw new VenueError('unavailable', `tastytrade answered ${what} with HTTP ${response.status}: ${errorMessage(response.json)}`);
  }

  private dateOf(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
  }

}

interface ReadOrder {
  order: TastyOrder;
  report: VenueOrderReport;
}

function remember(set: Set<string>, key: string, max: number): void {
  set.add(key);
  if (set.size > max) set.delete(set.values().next().value!);
}

interface FeeCursor {
  startDate: string;
  seen: number;
}

/** A cursor handed out by a listing: its position as base64url JSON. */
function encodeCursor(cursor: Cursor | FeeCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** A cursor handed back: valid when its start date is a day and `count` (the position in it) a whole number. */
function decodeCursorOf<C extends { startDate: string }>(text: string, count: 'offset' | 'seen', refusal: string): C {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as Record<string, unknown>;
    if (typeof c.startDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(c.startDate) && Number.isInteger(c[count]) && (c[count] as number) >= 0) return c as unknown as C;
  } catch {
    // falls through to the error below
  }
  throw new VenueError('rejected', refusal);
}

const decodeCursor = (text: string) => decodeCursorOf<Cursor>(text, 'offset', 'not a tastytrade fill cursor; pass back the cursor listFills returned');
const decodeFeeCursor = (text: string) => decodeCursorOf<FeeCursor>(text, 'seen', 'not a tastytrade fee cursor; pass back the cursor listFees returned');
