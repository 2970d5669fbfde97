import type { FillPage, OrderListOptions, OrderPage, UnparsedVenueItem, VenueCapabilities, VenueFillReport, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';
import type { ReadItems } from './ccxt-items.js';

export interface DialectStreamHandlers {
  onOrder(order: VenueOrderReport): void;
  onFill(fill: VenueFillReport): void;
  /** A streamed item the dialect could not read; the stream goes on. */
  onUnparsed(item: UnparsedVenueItem): void;
  onReconnected(): void;
  /** The stream's connection dropped; it reconnects by itself. */
  onDisconnected(reason: string | null): void;
  onError(error: unknown): void;
}

/** A page of a list read, with the items of it that could not be read (kept raw). */
export type WithUnparsed<T> = T & { unparsed: UnparsedVenueItem[] };

/**
 * What one exchange behind ccxt must provide for a Fillbook adapter: its calls, already parsed
 * into reports with exact decimals. Each method makes its requests once and lets ccxt's exceptions
 * through; the adapter around it (`CcxtVenue`) owns retries, error meaning and stream dedupe.
 * A list read item by item: what it cannot read comes back in `unparsed`, never as a failed page.
 * A single-item read (`getOrder`) that cannot read its item throws: there is nothing else to give.
 */
export interface CcxtDialect {
  readonly capabilities: VenueCapabilities;
  /** Sends one new order (a single POST). Throws `DuplicateClientOrderId` when the exchange says the id is used. */
  create(request: VenuePlaceRequest): Promise<{ venueOrderId: string }>;
  /** Asks the exchange to cancel an order the adapter has just read (a single request). */
  cancel(order: VenueOrderReport): Promise<void>;
  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined>;
  getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined>;
  listOpenOrders(): Promise<ReadItems<VenueOrderReport>>;
  listFills(since: string, cursor: string | null): Promise<WithUnparsed<FillPage>>;
  /** Present when `capabilities.ordersSince`; `closedOnly` is a hint (see `OrderListOptions`). */
  listOrders?(since: string, cursor: string | null, options: OrderListOptions): Promise<WithUnparsed<OrderPage>>;
  listPositions(): Promise<VenuePositionReport[]>;
  /** Opens the private stream; reconnects by itself and says so through `onReconnected`. */
  stream(handlers: DialectStreamHandlers): { stop(): void };
  close(): Promise<void>;
}
