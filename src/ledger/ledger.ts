import { randomBytes } from 'node:crypto';
import {
  applyOrderEvent,
  changesNothing,
  decodeOrderEvent,
  encodeOrderEvent,
  type EventSource,
  eventSources,
  type Fill,
  FillbookError,
  isFillbookError,
  isVenueName,
  invalid,
  assetClasses,
  type AssetClass,
  defaultMultiplier,
  derivePosition,
  deriveHoldings,
  type Holding,
  performanceMetrics,
  type PerformanceMetrics,
  reportingCurrency,
  type Position,
  type PositionSide,
  positionSides,
  symbolCharsMax,
  checkExposure,
  positionExposure,
  type PositionRole,
  type PositionSpec,
  type RecordedFee,
  type Order,
  type OrderEvent,
  orderFingerprint,
  type OrderRequest,
  type OrderSpec,
  type OrderUpdate,
  reasonCharsMax,
  replayOrder,
  requireOneOf,
  requirePositive,
  requireText,
  requireTimestamp,
  requireUuid,
  type QuarantineKind,
  type VenueOrderReport,
  type VenueFeeReport,
  formatDecimal,
} from '../domain/index.js';
import {
  type AccountRecord,
  constraintOf,
  type Database,
  type DatabaseOptions,
  insertAccount,
  insertOrderCreated,
  insertOrderEvent,
  migrate,
  openDatabase,
  type QuarantinedFill,
  selectAccount,
  selectAccounts,
  updateAccountSwitches,
  selectOrder,
  selectOrderAccount,
  selectOrderEvents,
  selectOrderFills,
  insertPosition,
  selectPositions,
  selectPositionPage,
  selectPositionOrders,
  selectPositionFills,
  selectHoldingFills,
  selectOrders,
  selectOrderPage,
  type OrderPageFilter,
  type OrderFilter,
  selectGuardSnapshot,
  selectPosition,
  selectQuarantinedFills,
  selectRecordedFees,
  type SqlClient,
  sqlState,
  sqlStateOf,
  type StoredOrderEvent,
  updateOrder,
} from '../storage/index.js';
import { accountNotFound, brokerOrderIdCharsMax, lockOrder, lockPosition, type OrderRef, orderNotFound, type PositionRef, positionNotFound, resolveOrder, resolvePosition } from './addressing.js';
import { fillBatchMax, type FillResult, FillRecording, type RecordFillInput } from './fill-recording.js';
import { orderFees, type OrderFees, recordFee, type RecordFeeInput, type RecordFeeResult } from './fee-recording.js';
import { OrderPlacement, type RecordOrderResult } from './order-placement.js';
import { recentOrders } from './recent-copies.js';

export type Account = AccountRecord;

export interface CreateAccountInput {
  name: string;
  /** The owning user (the HTTP service always sets it). */
  userId?: string | null;
  venue?: string;
  baseCurrency?: string;
  venueConfig?: Record<string, unknown>;
  /** Read-only toward the venue (default false): Fillbook never places or cancels there. */
  observeOnly?: boolean;
  /** Refuse new entries while reconciliation says the ledger may be wrong (default true). */
  failClosed?: boolean;
}

/** Lifecycle reports as the API names them (`open` is the acknowledgement, `retry` re-queues a failed order). */
export const lifecycleEventTypes = [
  'submitted', 'open', 'pending_cancel', 'cancel_rejected', 'canceled', 'rejected', 'expired', 'replaced', 'amended',
  'status_checked', 'failed', 'retry',
] as const;
export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

const domainEventType = {
  submitted: 'submitted',
  open: 'accepted',
  pending_cancel: 'cancel_requested',
  cancel_rejected: 'cancel_rejected',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
  replaced: 'replaced',
  amended: 'amended',
  status_checked: 'status_checked',
  failed: 'failed',
  retry: 'retried',
} as const satisfies Record<LifecycleEventType, OrderUpdate['type']>;

export interface LifecycleEventInput {
  type: LifecycleEventType;
  brokerOrderId?: string;
  reason?: string;
  quantity?: string;
  limitPrice?: string;
  stopPrice?: string;
  at?: string | Date;
  source?: EventSource;
}

/** One recorded or duplicate fill with its order (see `recordFill`). */
export type RecordFillResult = Extract<FillResult, { fill: Fill }>;

export interface RecordFillOptions {
  /**
   * Called with the order's account before anything is written; throwing refuses the fill. The HTTP
   * service checks ownership here, so an order addressed by its id alone costs no extra query.
   */
  authorize?: (accountId: string) => Promise<void>;
}

export interface OrderDetail {
  order: Order;
  fills: Fill[];
  events: StoredOrderEvent[];
}

export interface CreatePositionInput {
  accountId: string;
  signalId: string;
  symbol: string;
  side: PositionSide;
  targetQuantity: string;
  assetClass?: AssetClass;
  /** Contract multiplier; 100 for options and 1 otherwise when absent. */
  multiplier?: string;
}

/** The most rows one list call returns. */
export const listLimitMax = 1000;

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
 */
export class Ledger {
  readonly db: Database;
  private readonly ownsDatabase: boolean;
  private readonly clock: () => Date;

  private readonly observers: LedgerObserver[] = [];
  private readonly recentOrders = recentOrders(recentCopiesMax);
  private readonly placement: OrderPlacement;
  private readonly fills: FillRecording;

  private constructor(db: Database, ownsDatabase: boolean, clock: () => Date) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.clock = clock;
    const now = () => this.now();
    // The recent copies of orders are shared: lifecycle events here update them as fills do.
    this.placement = new OrderPlacement(db, now);
    this.fills = new FillRecording(db, now, this.recentOrders);
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

  async createAccount(input: CreateAccountInput): Promise<Account> {
    const venue = input.venue ?? 'paper';
    if (!isVenueName(venue)) throw invalid('venue', `must be paper, alpaca, tradier, tastytrade, manual or ccxt:<exchange>; got ${JSON.stringify(venue)}`);
    const baseCurrency = input.baseCurrency ?? 'USD';
    if (!/^[A-Z0-9]{2,10}$/.test(baseCurrency)) throw invalid('base_currency', 'must be an upper-case currency code such as USD');
    const account: Account = {
      id: crypto.randomUUID(),
      userId: input.userId ?? null,
      name: requireText(input.name, 'name', 200),
      venue,
      baseCurrency,
      venueConfig: input.venueConfig ?? {},
      webhookSecret: `whsec_${randomBytes(32).toString('base64url')}`,
      createdAt: this.now(),
      observeOnly: input.observeOnly ?? false,
      failClosed: input.failClosed ?? true,
      halt: null,
    };
    await insertAccount(this.db, account);
    return account;
  }

  async getAccount(accountId: string): Promise<Account> {
    const account = await selectAccount(this.db, requireUuid(accountId, 'account_id'));
    if (account === undefined) throw accountNotFound(accountId);
    return account;
  }

  /** Turns an account's observe-only and fail-closed switches on or off. */
  async updateAccount(accountId: string, switches: { observeOnly?: boolean; failClosed?: boolean }): Promise<Account> {
    if (!(await updateAccountSwitches(this.db, requireUuid(accountId, 'account_id'), switches))) throw accountNotFound(accountId);
    return this.getAccount(accountId);
  }

  /** All accounts, or those of one user. */
  async listAccounts(userId?: string): Promise<Account[]> {
    return selectAccounts(this.db, userId === undefined ? undefined : requireUuid(userId, 'user_id'));
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
      const result = await this.placement.record(request, source);
      this.recentOrders.remember(result.order);
      return result;
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) for (const o of this.observers) o.exposureRefused?.();
      throw error;
    }
  }

  /**
   * Records an order found at the venue that the ledger never knew (origin `reconciliation`, or
   * `import` for a history import; `detected_at` set), under the deterministic id reconciliation
   * chose for it, so adopting twice, by either path, yields one order. The venue's state and fills
   * are applied afterwards.
   */
  async adoptOrder(accountId: string, report: VenueOrderReport, id: string, origin: 'reconciliation' | 'import' = 'reconciliation'): Promise<RecordOrderResult> {
    const at = this.now();
    const spec: OrderSpec = {
      id: requireUuid(id, 'order_id'),
      accountId: requireUuid(accountId, 'account_id'),
      clientOrderId: report.clientOrderId ?? `adopted-${report.venueOrderId}`,
      brokerOrderId: report.venueOrderId,
      positionId: null,
      role: 'manual',
      origin,
      sentBy: 'bot',
      symbol: report.symbol,
      assetClass: report.assetClass,
      side: report.side,
      type: report.type,
      timeInForce: report.timeInForce,
      quantity: report.quantity,
      limitPrice: report.limitPrice,
      stopPrice: report.stopPrice,
      legs: report.legs,
    };
    const created: OrderEvent = { type: 'created', at, recordedAt: at, source: origin, order: spec };
    const order = applyOrderEvent(undefined, created);
    const fingerprint = orderFingerprint(spec);
    return this.db.transaction(async (tx) => {
      if (await insertOrderCreated(tx, order, fingerprint, encodeOrderEvent(created))) return { order, created: true };
      const existing = await selectOrder(tx, spec.accountId, { by: 'client_order_id', value: spec.clientOrderId });
      if (existing === undefined) throw new Error(`adopting ${report.venueOrderId} conflicted but no order holds its client order id`);
      return { order: existing.order, created: false };
    });
  }

  /** Applies a lifecycle report to an order, through the transition table, with its audit event. */
  async applyEvent(ref: OrderRef, input: LifecycleEventInput): Promise<Order> {
    const event = this.lifecycleEvent(input);
    const { accountId, key } = await resolveOrder(this.db, ref);
    try {
      return await this.db.transaction(async (tx) => {
        // Locks are always taken position first, then order (a guarded placement's statement
        // updates the position's row first too). Taking the position's row bumps its guard version,
        // so a placement that read before this commits reads again.
        const positionId = addsExposure(event) ? (await selectOrder(tx, accountId, key))?.order.positionId : null;
        const position = positionId ? await lockPosition(tx, accountId, positionId) : undefined;
        const order = await lockOrder(tx, accountId, key);
        if (position !== undefined) {
          const snapshot = await selectGuardSnapshot(tx, accountId, position.id, null);
          if (snapshot === undefined) throw new Error(`position ${position.id} is locked but cannot be read`);
          const others = snapshot.orders.filter((o) => o.id !== order.id);
          const quantity = (event.type === 'amended' && event.quantity !== null ? event.quantity : order.quantity).minus(order.qtyFilled);
          checkExposure(position, positionExposure(others), { role: order.role as PositionRole, side: order.side, symbol: order.symbol, quantity });
        }
        const next = applyOrderEvent(order, event);
        if (changesNothing(order, next)) return order;
        await updateOrder(tx, next);
        await insertOrderEvent(tx, accountId, next.id, next.version, encodeOrderEvent(event));
        return next;
      }).then((next) => {
        this.recentOrders.remember(next);
        return next;
      });
    } catch (error) {
      if (sqlStateOf(error) === sqlState.uniqueViolation && constraintOf(error)?.includes('broker_order_id')) {
        throw new FillbookError(
          'FILLBOOK_ERR_BROKER_ORDER_ID_CONFLICT',
          `broker order id ${input.brokerOrderId} already belongs to another order in this account`,
          { broker_order_id: input.brokerOrderId },
        );
      }
      throw error;
    }
  }

  private lifecycleEvent(input: LifecycleEventInput): OrderUpdate {
    const type = domainEventType[requireOneOf(lifecycleEventTypes, input.type, 'type')];
    const recordedAt = this.now();
    const base = {
      at: input.at === undefined ? recordedAt : requireTimestamp(input.at, 'at'),
      recordedAt,
      source: requireOneOf(eventSources, input.source ?? 'api', 'source'),
    };
    const reason = input.reason === undefined ? null : requireText(input.reason, 'reason', reasonCharsMax);
    const brokerOrderId = input.brokerOrderId === undefined ? null : requireText(input.brokerOrderId, 'broker_order_id', brokerOrderIdCharsMax);
    switch (type) {
      case 'submitted':
      case 'accepted':
        return { ...base, type, brokerOrderId };
      case 'cancel_rejected':
      case 'canceled':
      case 'rejected':
      case 'replaced':
      case 'failed':
        return { ...base, type, reason };
      case 'amended': {
        const optional = (value: string | undefined, field: string) => (value === undefined ? null : requirePositive(value, field));
        const amended = {
          quantity: optional(input.quantity, 'quantity'),
          limitPrice: optional(input.limitPrice, 'limit_price'),
          stopPrice: optional(input.stopPrice, 'stop_price'),
        };
        if (amended.quantity === null && amended.limitPrice === null && amended.stopPrice === null) {
          throw invalid('amended', 'needs at least one of quantity, limit_price, stop_price');
        }
        return { ...base, type, ...amended };
      }
      case 'status_checked':
        return { ...base, type, brokerOrderId };
      case 'cancel_requested':
      case 'expired':
      case 'retried':
        return { ...base, type };
    }
  }

  async getOrder(ref: OrderRef): Promise<Order> {
    const { accountId, key } = await resolveOrder(this.db, ref);
    const found = await selectOrder(this.db, accountId, key);
    if (found === undefined) throw orderNotFound(ref);
    return found.order;
  }

  /** The order with its fills and its audit trail, read in one transaction so they agree. */
  async getOrderDetail(ref: OrderRef): Promise<OrderDetail> {
    const { accountId, key } = await resolveOrder(this.db, ref);
    return this.db.transaction(async (tx) => {
      const found = await selectOrder(tx, accountId, key);
      if (found === undefined) throw orderNotFound(ref);
      const [fills, events] = [await selectOrderFills(tx, accountId, found.order.id), await selectOrderEvents(tx, accountId, found.order.id)];
      return { order: found.order, fills, events };
    });
  }

  /** The account an order belongs to, found with one light query; undefined when there is no such order. */
  async orderAccountId(orderId: string): Promise<string | undefined> {
    return selectOrderAccount(this.db, requireUuid(orderId, 'order_id'));
  }

  /** Rebuilds an order from its stored events alone. */
  async replayOrder(ref: OrderRef): Promise<Order> {
    const { events } = await this.getOrderDetail(ref);
    return replayOrder(events.map(decodeOrderEvent));
  }

  // ---- positions, holdings, performance -----------------------------------------------------

  /** Creates a position for a signal; idempotent on `signal_id` (same body: the original; else a conflict). */
  async createPosition(input: CreatePositionInput): Promise<{ position: Position; created: boolean }> {
    const assetClass = requireOneOf(assetClasses, input.assetClass ?? 'equity', 'asset_class');
    const spec: PositionSpec = {
      id: crypto.randomUUID(),
      accountId: requireUuid(input.accountId, 'account_id'),
      signalId: requireText(input.signalId, 'signal_id', 200),
      symbol: requireText(input.symbol, 'symbol', symbolCharsMax),
      assetClass,
      side: requireOneOf(positionSides, input.side, 'side'),
      targetQuantity: requirePositive(input.targetQuantity, 'target_quantity'),
      multiplier: input.multiplier === undefined ? defaultMultiplier(assetClass) : requirePositive(input.multiplier, 'multiplier'),
      createdAt: this.now(),
    };
    return this.db.transaction(async (tx) => {
      const account = await selectAccount(tx, spec.accountId);
      if (account === undefined) throw accountNotFound(spec.accountId);
      if (await insertPosition(tx, spec)) return { position: derivePosition(spec, [], [], { accountCurrency: account.baseCurrency, recordedFees: [] }), created: true };
      const existing = await selectPosition(tx, spec.accountId, { by: 'signal_id', value: spec.signalId });
      if (existing === undefined) throw new Error('signal id conflicted but no position holds it');
      const same = (['symbol', 'assetClass', 'side'] as const).every((k) => existing[k] === spec[k]) && existing.targetQuantity.eq(spec.targetQuantity) && existing.multiplier.eq(spec.multiplier);
      if (!same) {
        throw new FillbookError('FILLBOOK_ERR_POSITION_CONFLICT', `signal_id ${spec.signalId} already has position ${existing.id} with a different body`, {
          signal_id: spec.signalId,
          position_id: existing.id,
        });
      }
      return { position: (await this.derivePositions(tx, existing.accountId, [existing]))[0]!, created: false };
    });
  }

  async getPosition(ref: PositionRef): Promise<Position> {
    const { accountId, key } = await resolvePosition(this.db, ref);
    return this.db.transaction(async (tx) => {
      const spec = await selectPosition(tx, accountId, key);
      if (spec === undefined) throw positionNotFound(key.value);
      return (await this.derivePositions(tx, spec.accountId, [spec]))[0]!;
    });
  }

  async listPositions(accountId: string): Promise<Position[]> {
    const id = requireUuid(accountId, 'account_id');
    return this.db.transaction(async (tx) => this.derivePositions(tx, id, await selectPositions(tx, [id])));
  }

  /** A page of positions across the given accounts, newest first, with their derived figures. */
  async pagePositions(accountIds: readonly string[], after: { createdAt: string; id: string } | null, limit: number): Promise<Position[]> {
    return this.db.transaction(async (tx) => {
      const specs = await selectPositionPage(tx, accountIds, after, Math.min(limit, listLimitMax));
      const derived = new Map<string, Position>();
      for (const accountId of new Set(specs.map((p) => p.accountId))) {
        for (const p of await this.derivePositions(tx, accountId, specs.filter((x) => x.accountId === accountId))) derived.set(p.id, p);
      }
      return specs.map((p) => derived.get(p.id)!);
    });
  }

  private async derivePositions(tx: SqlClient, accountId: string, specs: readonly PositionSpec[]): Promise<Position[]> {
    if (specs.length === 0) return [];
    const ids = specs.map((p) => p.id);
    const [orders, fills] = [await selectPositionOrders(tx, accountId, ids), await selectPositionFills(tx, accountId, ids)];
    const recordedFees = orders.length === 0 ? [] : await selectRecordedFees(tx, accountId, orders.map((o) => o.id));
    const account = await selectAccount(tx, accountId);
    // Positions reference their account (a foreign key): a missing one is a broken database.
    if (account === undefined) throw new Error(`positions of account ${accountId} without the account`);
    const accountCurrency = account.baseCurrency;
    return specs.map((spec) => {
      const own = orders.filter((o) => o.positionId === spec.id);
      const ownIds = new Set(own.map((o) => o.id));
      return derivePosition(spec, own, fills.filter((f) => ownIds.has(f.orderId)), { accountCurrency, recordedFees: recordedFees.filter((f) => f.orderId !== null && ownIds.has(f.orderId)) });
    });
  }

  /** Net quantity and average cost per instrument, from every fill in the account. */
  async getHoldings(accountId: string): Promise<Holding[]> {
    const id = requireUuid(accountId, 'account_id');
    return this.db.transaction(async (tx) => deriveHoldings(await selectHoldingFills(tx, id), await selectRecordedFees(tx, id)));
  }

  /**
   * Performance over the closed positions quoted in `currency` (default: see `reportingCurrency`);
   * realized P&L per quote currency and fees per currency beside.
   */
  async getPerformance(accountId: string, currency?: string): Promise<PerformanceMetrics> {
    const account = await this.getAccount(accountId);
    const positions = await this.listPositions(account.id);
    return performanceMetrics(positions, currency ?? reportingCurrency(positions, account.baseCurrency));
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

  /** A page of orders across the given accounts, newest first (the listing API). */
  async pageOrders(filter: OrderPageFilter): Promise<Order[]> {
    return selectOrderPage(this.db, { ...filter, limit: Math.min(filter.limit, listLimitMax) });
  }

  /** Orders of an account, oldest first, optionally by status and last change. */
  async listOrders(accountId: string, filter: Partial<OrderFilter> = {}): Promise<Order[]> {
    return selectOrders(this.db, requireUuid(accountId, 'account_id'), { limit: listLimitMax, ...filter });
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

/** Events that make an order of a position ask for more: a retry makes it working again, an amendment may grow it. */
function addsExposure(event: OrderUpdate): boolean {
  return event.type === 'retried' || (event.type === 'amended' && event.quantity !== null);
}

