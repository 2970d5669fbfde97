import type { AssetClass, Decimal, OrderLeg, OrderSide, OrderType, TimeInForce, VenueFeeReport, VenueFillReport, VenueOrderReport, VenuePositionReport } from '../domain/index.js';

export type { VenueFeeReport, VenueFillReport, VenueOrderReport, VenuePositionReport } from '../domain/index.js';

/**
 * One interface every venue implements. Adapters parse the venue's raw payloads at the edge into
 * these reports; a venue status an adapter does not know is an error, never a silent default.
 */

export const venueCapabilityNames = [
  'clientOrderId', // the venue stores our client order id with the order
  'idempotentSubmit', // a second submit with the same client order id cannot create a second order
  'getByClientOrderId',
  'cancel',
  'fillsSince', // fills can be listed from a time, paged
  'ordersSince', // every order (open and closed) created or changed since a time can be listed, paged
  'positions',
  'stream', // order and fill events are pushed
  'multiLeg',
  'feesSince', // fees reported apart from the fills (Alpaca's fee activities, tastytrade's transactions) can be read from a cursor

] as const;
export type VenueCapability = (typeof venueCapabilityNames)[number];
export type VenueCapabilities = Readonly<Record<VenueCapability, boolean>>;

/** Ids asked of `getOrders` in one call at most. */
export const venueOrderLookupBatchMax = 1_000;

export interface VenuePlaceRequest {
  clientOrderId: string;
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: Decimal;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  /** A multi-leg order's legs; only a venue with the `multiLeg` capability is given any (the router sees to it). */
  legs?: readonly OrderLeg[] | null;
}

export interface FillPage {
  fills: VenueFillReport[];
  /** Pass back to get the next page; null on the last page. */
  cursor: string | null;
}

export interface OrderPage {
  orders: VenueOrderReport[];
  /** Pass back to get the next page; null on the last page. */
  cursor: string | null;
}

/** How `listOpenOrders` may report its progress. */
export interface OpenOrderListOptions {
  onPage?: (orders: readonly VenueOrderReport[]) => void;
}

/** How `listOrders` may narrow the history it lists. */
export interface OrderListOptions {
  /**
   * Only the orders the venue has closed (any status Fillbook does not count as working): a hint,
   * taken by an adapter whose venue can filter its history so, to send less (the paper venue,
   * Alpaca's `status=closed`, Bybit's order/history and OKX's orders-history without the open
   * orders first). An adapter that cannot (Binance) ignores it, so a caller filters what it gets as
   * before.
   */
  closedOnly?: boolean;
}

export interface FeePage {
  /** The fees of the page, oldest first; an unreadable record is emitted as an `unparsed` event instead. */
  fees: VenueFeeReport[];
  /**
   * Where the next read continues (store it; pass it back). Never null once anything was read, so a
   * poll that found the end resumes there when more records arrive.
   */
  cursor: string | null;
  /** Another page may follow right away. */
  more: boolean;
}

/** What kind of venue item an adapter could not read. */
export const unparsedItemKinds = ['order', 'fill', 'position', 'activity'] as const;
export type UnparsedItemKind = (typeof unparsedItemKinds)[number];

/**
 * A venue payload an adapter could not read (an unknown status, type, side, time in force, execution
 * type or order class). It is never defaulted into something it is not, and it never fails the page
 * or the stream it came in: the adapter skips it, emits it as an `unparsed` event to its listeners,
 * and goes on with the other items. The service keeps it raw and reports it.
 */
export interface UnparsedVenueItem {
  kind: UnparsedItemKind;
  /** The venue's own id for the item when one could be read (order id, exec id), else null. */
  venueItemId: string | null;
  /** The raw payload as the venue sent it (parsed JSON). */
  payload: unknown;
  /** What could not be read, e.g. `unknown order status "Foo"`. */
  reason: string;
}

export type VenueEvent =
  | { kind: 'order'; order: VenueOrderReport }
  | { kind: 'fill'; fill: VenueFillReport }
  | { kind: 'unparsed'; item: UnparsedVenueItem }
  | { kind: 'reconnected' }
  /** The stream's connection dropped (it reconnects by itself; `reconnected` follows once it is back). */
  | { kind: 'disconnected'; reason: string | null };
export type VenueListener = (event: VenueEvent) => void;

export interface VenueAdapter {
  readonly venue: string;
  readonly capabilities: VenueCapabilities;
  placeOrder(request: VenuePlaceRequest): Promise<VenueOrderReport>;
  cancelOrder(venueOrderId: string): Promise<VenueOrderReport>;
  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined>;
  getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined>;
  /**
   * Many orders at once, by venue order id or by client order id (`by`): the reports of those the
   * venue has, in any order, the others left out. Where present, reconciliation asks it instead of
   * `getOrder` or `getOrderByClientId` one order at a time (and checks each answer's id); an adapter
   * whose venue has no such read leaves it out. At most `venueOrderLookupBatchMax` ids a call.
   */
  getOrders?(by: 'venue_order_id' | 'client_order_id', ids: readonly string[]): Promise<VenueOrderReport[]>;
  /**
   * Every order open at the venue. An adapter that reads them in pages may pass each page to
   * `options.onPage` as it is read, in order, before it resolves, and then resolves with only the
   * orders it did not pass (none, when it passed them all): the pages, then the list, are every open
   * order once, and nothing need hold them all (reconciliation pairs and decides each page while the
   * next is read, and keeps only the orders that differ). Without `onPage`, or in an adapter that
   * reads the list at once, it resolves with the whole list.
   */
  listOpenOrders(options?: OpenOrderListOptions): Promise<VenueOrderReport[]>;
  listFills(since: string, cursor?: string | null): Promise<FillPage>;
  /**
   * Every order created or changed at the venue since `since` (ISO 8601), open and closed, oldest
   * first where the venue allows, paged. Reconciliation reads it to see closed orders too, and the
   * history import to bring in what the ledger lacks. Present when `capabilities.ordersSince`.
   * Pass the same `options` with every page of one read (a cursor belongs to its listing).
   */
  listOrders?(since: string, cursor?: string | null, options?: OrderListOptions): Promise<OrderPage>;
  /**
   * The fees the venue reports apart from its fills, a page at a time, oldest first, from `since`
   * (ISO 8601) on the first read and from `cursor` after. Present when `capabilities.feesSince`.
   */
  listFees?(since: string, cursor: string | null): Promise<FeePage>;
  listPositions(): Promise<VenuePositionReport[]>;
  subscribe(listener: VenueListener): () => void;
  close(): Promise<void>;
}

/**
 * What went wrong talking to a venue, by what the caller can conclude:
 * - `rejected`: the venue refused the order; it will never trade.
 * - `unavailable`: nothing reached the venue (refused connection, invalid credentials before sending).
 * - `unknown_outcome`: the request may or may not have reached it (timeout, dropped connection);
 *   only a lookup by client order id can tell.
 */
export const venueErrorKinds = ['rejected', 'unavailable', 'unknown_outcome'] as const;
export type VenueErrorKind = (typeof venueErrorKinds)[number];

export class VenueError extends Error {
  readonly kind: VenueErrorKind;
  constructor(kind: VenueErrorKind, message: string) {
    super(message);
    this.name = 'VenueError';
    this.kind = kind;
  }
}

export function isVenueError(error: unknown, kind?: VenueErrorKind): error is VenueError {
  return error instanceof VenueError && (kind === undefined || error.kind === kind);
}
