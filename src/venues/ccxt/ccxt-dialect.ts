import type { FillPage, VenueCapabilities, VenueFillReport, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';

export interface DialectStreamHandlers {
  onOrder(order: VenueOrderReport): void;
  onFill(fill: VenueFillReport): void;
  onReconnected(): void;
  onError(error: unknown): void;
}

/**
 * What one exchange behind ccxt must provide for a Fillbook adapter: its calls, already parsed
 * into reports with exact decimals. Each method makes its requests once and lets ccxt's exceptions
 * through; the adapter around it (`CcxtVenue`) owns retries, error meaning and stream dedupe.
 */
export interface CcxtDialect {
  readonly capabilities: VenueCapabilities;
  /** Sends one new order (a single POST). Throws `DuplicateClientOrderId` when the exchange says the id is used. */
  create(request: VenuePlaceRequest): Promise<{ venueOrderId: string }>;
  /** Asks the exchange to cancel an order the adapter has just read (a single request). */
  cancel(order: VenueOrderReport): Promise<void>;
  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined>;
  getOrderByClientId(clientOrderId: string): Promise<VenueOrderReport | undefined>;
  listOpenOrders(): Promise<VenueOrderReport[]>;
  listFills(since: string, cursor: string | null): Promise<FillPage>;
  listPositions(): Promise<VenuePositionReport[]>;
  /** Opens the private stream; reconnects by itself and says so through `onReconnected`. */
  stream(handlers: DialectStreamHandlers): { stop(): void };
  close(): Promise<void>;
}
