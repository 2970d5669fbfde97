import {
  type EventSource,
  type Fill,
  type FillbookError,
  formatDecimal,
  type Holding,
  invalid,
  isFillbookError,
  type Order,
  type OrderRequest,
  type PerformanceMetrics,
  type Position,
  type QuarantineKind,
  type RecordedFee,
  type RefusedSubject,
  requireUuid,
  type VenueFeeReport,
  type VenueOrderReport,
} from '../domain/index.js';
import { type Database, type DatabaseOptions, migrate, openDatabase, type OrderFilter, type OrderPageFilter, type QuarantinedFill, selectQuarantinedFills, selectRecordedFees } from '../storage/index.js';
import { type Account, Accounts, type AccountSwitches, type CreateAccountInput } from './accounts.js';
import type { OrderRef, PositionRef } from './addressing.js';
import { orderFees, type OrderFees, recordFee, type RecordFeeInput, type RecordFeeResult } from './fee-recording.js';
import { fillBatchMax, type FillResult, FillRecording, type RecordFillInput } from './fill-recording.js';
import type { RecordOrderResult } from './order-placement.js';
import { type EventSequence, type EventSequenceResult, type LifecycleEventInput, listLimitMax, type OrderDetail, Orders } from './orders.js';
import { type CreatePositionInput, Positions } from './positions.js';
import { recentOrders } from './recent-copies.js';
import { queueExposureAlert } from './refusal-alerts.js';

export type { Account, AccountSwitches, CreateAccountInput } from './accounts.js';
export { type EventSequence, type EventSequenceResult, lifecycleEventTypes, type LifecycleEventInput, type LifecycleEventType, listLimitMax, type OrderDetail } from './orders.js';
export type { CreatePositionInput } from './positions.js';

/** One recorded or duplicate fill with its order (see `recordFill`). */
export type RecordFillResult = Extract<FillResult, { fill: Fill }>;

export interface RecordFillOptions {
  /**
   * Called with the order's account before anything is written; throwing refuses the fill. The HTTP
   * service checks ownership here, so an order addressed by its id alone costs no extra query.
   */
  authorize?: (accountId: string) => Promise<void>;
}

/** Hooks for metrics; called after the transaction that decided the outcome committed or rolled back. */
export interface LedgerObserver {
  fillIngested?(outcome: 'recorded' | 'duplicate' | QuarantineKind): void;
  exposureRefused?(): void;
}

export interface LedgerOptions extends DatabaseOptions {
  observer?: LedgerObserver;
  /** An already open database; the ledger then leaves closing it to the caller. */
  database?: Database;
  /** The ledger's clock; tests pin it. */
  now?: () => Date;
}

/** Orders kept as recent copies for the fill path (a few KiB each). */
export const recentCopiesMax = 10_000;

/**
 * The ledger library: what the HTTP service and the CLI call. Every write is one transaction that
 * changes the order row and appends its event together; every transaction touches one account.
 * The work is done by one module per subject (accounts.ts, orders.ts with order-placement.ts,
 * fill-recording.ts, positions.ts, fee-recording.ts); this class is their one public face.
 */
export class Ledger {
  readonly db: Database;
  private readonly ownsDatabase: boolean;
  private readonly clock: () => Date;

  private readonly observers: LedgerObserver[] = [];
  private readonly accounts: Accounts;
  private readonly orders: Orders;
  private readonly fills: FillRecording;
  private readonly positions: Positions;

  private constructor(db: Database, ownsDatabase: boolean, clock: () => Date) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.clock = clock;
    const now = () => this.now();
    // The recent copies of orders are shared: lifecycle events update them as fills do.
    const recent = recentOrders(recentCopiesMax);
    this.accounts = new Accounts(db, now);
    this.orders = new Orders(db, now, recent);
    this.fills = new FillRecording(db, now, recent);
    this.positions = new Positions(db, now);
  }

  /** Adds hooks for metrics. */
  observe(observer: LedgerObserver): void {
    this.observers.push(observer);
  }

  static async open(options: LedgerOptions = {}): Promise<Ledger> {
    const db = options.database ?? (await openDatabase(options));
    await migrate(db);
    const ledger = new Ledger(db, options.database === undefined, options.now ?? (() => new Date()));
    if (options.observer !== undefined) ledger.observe(options.observer);
    return ledger;
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }

  private now(): string {
    return this.clock().toISOString();
  }

  // ---- accounts ------------------------------------------------------------------------------

  createAccount(input: CreateAccountInput): Promise<Account> {
    return this.accounts.create(input);
  }

  getAccount(accountId: string): Promise<Account> {
    return this.accounts.get(accountId);
  }

  /** Turns an account's observe-only and fail-closed switches on or off. */
  updateAccount(accountId: string, switches: AccountSwitches): Promise<Account> {
    return this.accounts.update(accountId, switches);
  }

  /** All accounts, or those of one user. */
  listAccounts(userId?: string): Promise<Account[]> {
    return this.accounts.list(userId);
  }

  // ---- orders --------------------------------------------------------------------------------

  /**
   * Records an order as `pending_submit`, before any venue sees it (write-ahead). Idempotent on the
   * client order id: the same body returns the original order, a different body is a conflict.
   * An order for a position passes the exposure guard, decided by the domain from a read of the
   * position's orders, and is written only if the position's guard version is still the one read
   * (compare-and-set), so concurrent requests and several instances
   * see one another's orders (see order-placement.ts).
   */
  async recordOrder(request: OrderRequest, source: EventSource = 'api'): Promise<RecordOrderResult> {
    try {
      return await this.orders.record(request, source);
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) {
        await this.exposureRefused({ accountId: request.accountId, symbol: request.symbol, side: request.side, clientOrderId: request.clientOrderId ?? null }, error);
      }
      throw error;
    }
  }

  /**
   * Records an order found at the venue that the ledger never knew (origin `reconciliation`, or
   * `import` for a history import; `detected_at` set), under the deterministic id reconciliation
   * chose for it, so adopting twice, by either path, yields one order. The venue's state and fills
   * are applied afterwards.
   */
  adoptOrder(accountId: string, report: VenueOrderReport, id: string, origin: 'reconciliation' | 'import' = 'reconciliation'): Promise<RecordOrderResult> {
    return this.orders.adopt(accountId, report, id, origin);
  }

  /**
   * `adoptOrder` for many venue orders of one account at once (a page of a history import), each
   * under `adoptedOrderIdFor(accountId, venueOrderId)`, with set-based SQL: one statement inserts the
   * orders (and their created events) whose client order id is free, one read finds the others. Each
   * result, in input order, is what `adoptOrder` would answer: created, or the order already there.
   * Two adopters of the same venue order at once create one order. With `then`, each order the call
   * creates also gets, in the same statement, the lifecycle events `then` decides for it (as
   * `applyEventSequences`, from the order just adopted): the venue's state, without a second write.
   */
  adoptOrders(
    accountId: string,
    reports: readonly VenueOrderReport[],
    origin: 'reconciliation' | 'import' = 'reconciliation',
    then?: (report: VenueOrderReport) => EventSequence['next'],
  ): Promise<RecordOrderResult[]> {
    return this.orders.adoptMany(accountId, reports, origin, then);
  }

  /**
   * Lifecycle events of many orders of one account, each order's decided one at a time in memory
   * through the transition table and all written by one statement that checks every order is still
   * as read (see `EventSequence`). Undefined when nothing was written (an order moved meanwhile, or a
   * broker order id is another order's): apply them one at a time with `applyEvent` then. Only
   * events that add no exposure.
   */
  applyEventSequences(accountId: string, sequences: readonly EventSequence[]): Promise<EventSequenceResult[] | undefined> {
    return this.orders.applySequences(accountId, sequences);
  }

  /** The orders of an account that any of these client or broker order ids name, in one read. */
  findOrdersByKeys(accountId: string, keys: { clientOrderIds: readonly string[]; brokerOrderIds: readonly string[] }): Promise<Order[]> {
    return this.orders.findByKeys(accountId, keys);
  }

  /**
   * Applies a lifecycle report to an order, through the transition table, with its audit event. The
   * event types are the domain's (`accepted`, `cancel_requested`, `retried`, …; see `lifecycleEventTypes`).
   */
  async applyEvent(ref: OrderRef, input: LifecycleEventInput): Promise<Order> {
    try {
      return await this.orders.applyEvent(ref, input);
    } catch (error) {
      // A retry or an amendment the guard refuses alerts as a refused order does: the failed order
      // stays failed and is not sent, the amendment is not recorded.
      if (isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) {
        const order = await this.orders.get(ref);
        await this.exposureRefused({ accountId: order.accountId, symbol: order.symbol, side: order.side, clientOrderId: order.clientOrderId, order: { orderId: order.id, event: input.type } }, error);
      }
      throw error;
    }
  }

  /** What every refusal of the exposure guard does before it reaches the caller: counted, and alerted (`queueExposureAlert`). */
  private async exposureRefused(subject: RefusedSubject, refusal: FillbookError): Promise<void> {
    for (const o of this.observers) o.exposureRefused?.();
    await queueExposureAlert(this.db, subject, refusal, this.now());
  }

  getOrder(ref: OrderRef): Promise<Order> {
    return this.orders.get(ref);
  }

  /** The order with its fills and its audit trail, read in one transaction so they agree. */
  getOrderDetail(ref: OrderRef): Promise<OrderDetail> {
    return this.orders.detail(ref);
  }

  /** The account an order belongs to, found with one light query; undefined when there is no such order. */
  orderAccountId(orderId: string): Promise<string | undefined> {
    return this.orders.accountOf(orderId);
  }

  /** Rebuilds an order from its stored events alone. */
  replayOrder(ref: OrderRef): Promise<Order> {
    return this.orders.replay(ref);
  }

  /** A page of orders across the given accounts, newest first (the listing API). */
  pageOrders(filter: OrderPageFilter): Promise<Order[]> {
    return this.orders.page(filter);
  }

  /** Orders of an account, oldest first, optionally by status and last change. */
  listOrders(accountId: string, filter: Partial<OrderFilter> = {}): Promise<Order[]> {
    return this.orders.list(accountId, filter);
  }

  // ---- positions, holdings, performance -----------------------------------------------------

  /** Creates a position for a signal; idempotent on `signal_id` (same body: the original; else a conflict). */
  createPosition(input: CreatePositionInput): Promise<{ position: Position; created: boolean }> {
    return this.positions.create(input);
  }

  getPosition(ref: PositionRef): Promise<Position> {
    return this.positions.get(ref);
  }

  listPositions(accountId: string): Promise<Position[]> {
    return this.positions.list(accountId);
  }

  /** A page of positions across the given accounts, newest first, with their derived figures. */
  pagePositions(accountIds: readonly string[], after: { createdAt: string; id: string } | null, limit: number): Promise<Position[]> {
    return this.positions.page(accountIds, after, limit);
  }

  /** Net quantity and average cost per instrument, from every fill in the account. */
  getHoldings(accountId: string): Promise<Holding[]> {
    return this.positions.holdings(accountId);
  }

  /**
   * Performance over the closed positions quoted in `currency` (default: see `reportingCurrency`);
   * realized P&L per quote currency and fees per currency beside.
   */
  getPerformance(accountId: string, currency?: string): Promise<PerformanceMetrics> {
    return this.positions.performance(accountId, currency);
  }

  // ---- fees reported apart from their fills --------------------------------------------------

  /**
   * Records a fee the venue reported apart from its fill (Alpaca's fee activities), exactly once per
   * fee id: a redelivery is a `duplicate`, the same id with different data a
   * `FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT`. It counts in the order's, position's and holding's figures
   * from then on (see src/domain/fees.ts).
   */
  async recordFee(input: RecordFeeInput): Promise<RecordFeeResult> {
    return recordFee(this.db, this.now(), input);
  }

  /**
   * Records a fee a venue adapter parsed (`VenueFeeReport`): on the order the venue names (by its
   * venue order id; `FILLBOOK_ERR_ORDER_NOT_FOUND` while the ledger does not know that order yet,
   * so the caller keeps it and tries again), else as the account's fee for its symbol. Once per
   * fee id, as `recordFee`.
   */
  async applyVenueFee(accountId: string, report: VenueFeeReport, source: EventSource = 'broker_poll'): Promise<RecordFeeResult> {
    return this.recordFee({
      accountId,
      feeId: report.feeId,
      ...(report.venueOrderId === null ? {} : { order: { brokerOrderId: report.venueOrderId } }),
      execId: report.execId,
      // Neither an order nor an instrument: a fee of the whole account (Alpaca's daily regulatory totals).
      ...(report.symbol === null ? (report.venueOrderId === null ? { symbol: null } : {}) : { symbol: report.symbol }),
      ...(report.assetClass === null ? {} : { assetClass: report.assetClass }),
      amount: formatDecimal(report.amount),
      currency: report.currency,
      kind: report.kind,
      chargedAt: report.chargedAt,
      source,
      payload: report.raw,
    });
  }

  /** The fees reported apart from their fills, of the given orders or of the whole account. */
  async listRecordedFees(accountId: string, orderIds?: readonly string[]): Promise<RecordedFee[]> {
    return selectRecordedFees(this.db, requireUuid(accountId, 'account_id'), orderIds);
  }

  /** Each order's fees per currency and in its quote currency (fills' and recorded fees). */
  async orderFees(orders: readonly Order[]): Promise<Map<string, OrderFees>> {
    return orderFees(this.db, orders);
  }

  // ---- fills ---------------------------------------------------------------------------------

  /**
   * Records executions exactly once, a batch at a time (at most `fillBatchMax`), each fill's outcome
   * on its own (see `FillResult`), in input order. The fills of one account are decided together
   * from one read (several fills of one order fold in sequence) and written by one statement that
   * checks every order it changes is still as read (its version); when one moved, the account's
   * fills are read and decided again, a bounded number of times. The exec id is unique per account,
   * so a redelivery is seen: with the same data it changes nothing (`duplicate`); with different data
   * (`conflict`), an overfill, or a fill the order's status refuses, it is quarantined (kept, not
   * applied) in the same statement. Once this resolves, every `recorded` fill is committed.
   * `authorize` sees each account before anything of it is written; throwing refuses its fills.
   */
  async recordFills(inputs: readonly RecordFillInput[], options: RecordFillOptions = {}): Promise<FillResult[]> {
    if (inputs.length > fillBatchMax) throw invalid('fills', `at most ${fillBatchMax} fills a batch; got ${inputs.length}`);
    const results = await this.fills.record(inputs, options.authorize);
    for (const result of results) {
      const counted = 'fill' in result ? result.outcome : result.quarantine;
      if (counted !== null) for (const o of this.observers) o.fillIngested?.(counted);
    }
    return results;
  }

  /** Records one execution: a batch of one (see `recordFills`); a fill not recorded is thrown as its error. */
  async recordFill(input: RecordFillInput, options: RecordFillOptions = {}): Promise<RecordFillResult> {
    const [result] = await this.recordFills([input], options);
    if (result === undefined) throw new Error('a batch of one fill returned no result');
    if (!('fill' in result)) throw result.error;
    return result;
  }

  /** The fills kept but not applied: the account's, or one order's when `orderId` is given. */
  async listQuarantinedFills(accountId: string, orderId?: string): Promise<QuarantinedFill[]> {
    return selectQuarantinedFills(this.db, requireUuid(accountId, 'account_id'), orderId === undefined ? undefined : requireUuid(orderId, 'order_id'));
  }
}
