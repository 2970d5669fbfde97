import { randomBytes } from 'node:crypto';
import {
  applyOrderEvent,
  changesNothing,
  decodeOrderEvent,
  describesSameExecution,
  encodeFill,
  encodeOrderEvent,
  type EventSource,
  eventSources,
  type Fill,
  FillbookError,
  type FillRequest,
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
  type Position,
  type PositionSide,
  positionSides,
  symbolCharsMax,
  isOneOf,
  checkExposure,
  checkFitsPosition,
  decimalFromSql,
  type PositionExposure,
  workingStatuses,
  positionExposure,
  positionRoles,
  type PositionRole,
  type PositionSpec,
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
  validateFillRequest,
  validateOrderRequest,
  type ValidOrderRequest,
  type ValidFillRequest,
  type GuardOrder,
  zero,
  type VenueOrderReport,
} from '../domain/index.js';
import {
  type AccountRecord,
  constraintOf,
  type Database,
  type DatabaseOptions,
  insertAccount,
  insertFillApplied,
  isExecIdTaken,
  type FillWrite,
  insertOrderCreated,
  selectGuardSnapshot,
  insertGuardedOrder,
  type StoredExposure,
  lockPositionForGuard,
  selectOrderById,
  insertOrderEvent,
  insertQuarantinedFill,
  migrate,
  openDatabase,
  type OrderKey,
  type QuarantinedFill,
  type QuarantineKind,
  selectAccount,
  selectAccounts,
  selectFillByExecId,
  selectOrder,
  selectOrderAccount,
  selectOrderEvents,
  selectOrderFills,
  insertPosition,
  selectPositionAccount,
  selectPositions,
  selectPositionPage,
  selectPositionOrders,
  selectPositionFills,
  selectHoldingFills,
  selectOrders,
  selectOrderPage,
  type OrderPageFilter,
  type OrderFilter,
  selectGuardOrders,
  selectPosition,
  selectQuarantinedFills,
  type SqlClient,
  sqlState,
  sqlStateOf,
  type StoredOrderEvent,
  updateOrder,
} from '../storage/index.js';
import { type KnownPosition, recentOrders, recentPositions } from './recent-copies.js';

export type Account = AccountRecord;

export interface CreateAccountInput {
  name: string;
  /** The owning user (the HTTP service always sets it). */
  userId?: string | null;
  venue?: string;
  baseCurrency?: string;
  venueConfig?: Record<string, unknown>;
}

/** An order addressed by ledger id (account optional), client order id or broker order id. */
export type OrderRef =
  | { orderId: string; accountId?: string }
  | { accountId: string; clientOrderId: string }
  | { accountId: string; brokerOrderId: string };

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

export interface RecordFillInput extends FillRequest {
  order: OrderRef;
  source?: EventSource;
}

export interface RecordFillOptions {
  /**
   * Called with the order's account before anything is written; throwing refuses the fill. The HTTP
   * service checks ownership here, so an order addressed by its id alone costs no extra query.
   */
  authorize?: (accountId: string) => Promise<void>;
}

export interface RecordOrderResult {
  order: Order;
  /** False when the client order id was already recorded with the same body: the original is returned. */
  created: boolean;
}

export interface RecordFillResult {
  /** `duplicate`: the exec id was already recorded with the same data; nothing changed. */
  outcome: 'recorded' | 'duplicate';
  order: Order;
  fill: Fill;
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

export type PositionRef = { positionId: string; accountId?: string } | { accountId: string; signalId: string };

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

const brokerOrderIdCharsMax = 128;
/**
 * Compare-and-set attempts of a guarded placement after the first one, made from this process's
 * recent copy of the position, went stale: one, from a fresh read. On a busy position a further
 * attempt mostly fails again after waiting behind the lock holders' commits (measured:
 * bench/order-guard.ts, one shared position), so the next stale attempt queues on the row lock.
 */
const guardAttemptsOptimisticMax = 1;
/**
 * The same for a fill: attempts to write against the order as last seen (the first may use this
 * process's recent copy, the next reads it), then the order's row lock.
 */
const fillAttemptsOptimisticMax = 2;
/** Orders, and positions, kept as recent copies for the fill and guard paths (a few KiB each). */
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
  private readonly recentPositions = recentPositions(recentCopiesMax);

  private constructor(db: Database, ownsDatabase: boolean, clock: () => Date) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.clock = clock;
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
    };
    await insertAccount(this.db, account);
    return account;
  }

  async getAccount(accountId: string): Promise<Account> {
    const account = await selectAccount(this.db, requireUuid(accountId, 'account_id'));
    if (account === undefined) throw accountNotFound(accountId);
    return account;
  }

  /** All accounts, or those of one user. */
  async listAccounts(userId?: string): Promise<Account[]> {
    return selectAccounts(this.db, userId === undefined ? undefined : requireUuid(userId, 'user_id'));
  }

  // ---- orders --------------------------------------------------------------------------------

  /**
   * Records an order as `pending_submit`, before any venue sees it (write-ahead). Idempotent on the
   * client order id: the same body returns the original order, a different body is a conflict.
   * An order for a position passes the exposure guard first, under the position's row lock, so
   * concurrent requests and several instances see one another's orders.
   */
  async recordOrder(request: OrderRequest, source: EventSource = 'api'): Promise<RecordOrderResult> {
    try {
      const result = await this.recordOrderOnce(request, source);
      this.recentOrders.remember(result.order);
      return result;
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) for (const o of this.observers) o.exposureRefused?.();
      throw error;
    }
  }

  private async recordOrderOnce(request: OrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const valid = validateOrderRequest(request);
    try {
      if (valid.positionId === null) return await this.recordStandaloneOrder(valid, source);
      return await this.placeGuarded(valid, valid.positionId, source);
    } catch (error) {
      if (sqlStateOf(error) === sqlState.foreignKeyViolation && constraintOf(error)?.includes('account')) throw accountNotFound(valid.accountId);
      throw error;
    }
  }

  /** An order without a position has no guard: one statement, and a replay lookup when its client order id is taken. */
  private async recordStandaloneOrder(valid: ValidOrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const { order, fingerprint, created } = this.newOrder({ ...valid, assetClass: valid.assetClass ?? 'equity' }, source);
    if (await insertOrderCreated(this.db, order, fingerprint, encodeOrderEvent(created))) return { order, created: true };
    return { order: await this.replayed(this.db, order.accountId, order.clientOrderId, fingerprint), created: false };
  }

  /**
   * The guard without a lock held across round trips. The order is written by one statement that
   * checks the position's guard version (compare-and-set) and the exposure guard together (see
   * `insertGuardedOrder`). The version comes from this process's recent copy of the position when it
   * has one (one round trip), else from a read that also lets the domain refuse early and name the
   * replay (two). A stale version is read again once; a second stale one, or a first read, queues on
   * the position's row lock instead: on a busy position a retry mostly fails again.
   */
  private async placeGuarded(valid: ValidOrderRequest, positionId: string, source: EventSource): Promise<RecordOrderResult> {
    const recent = this.recentPositions.get(positionId);
    let known = recent?.position.accountId === valid.accountId ? recent : undefined;
    const attempts = known === undefined ? 1 : guardAttemptsOptimisticMax + 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (known === undefined) {
        const snapshot = await selectGuardSnapshot(this.db, valid.accountId, positionId, valid.clientOrderId);
        if (snapshot === undefined) throw positionNotFound(positionId);
        known = { position: snapshot.position, guardVersion: BigInt(snapshot.guardVersion) };
        this.recentPositions.remember(known);
        const fields = { ...valid, assetClass: valid.assetClass ?? snapshot.position.assetClass };
        if (snapshot.replay && valid.clientOrderId !== null) {
          return { order: await this.replayed(this.db, valid.accountId, valid.clientOrderId, orderFingerprint(fields)), created: false };
        }
        checkGuard(snapshot.position, snapshot.orders, fields);
      }
      const placed = await this.insertGuarded(valid, known, source);
      if (placed !== 'stale') return placed;
      this.recentPositions.forget(positionId);
      known = undefined;
    }
    return this.placeGuardedLocked(valid, positionId, source);
  }

  /** One guarded insert against a known position version: placed, refused with the domain's numbers, or stale. */
  private async insertGuarded(valid: ValidOrderRequest, known: KnownPosition, source: EventSource): Promise<RecordOrderResult | 'stale'> {
    const { position } = known;
    const fields = { ...valid, assetClass: valid.assetClass ?? position.assetClass };
    if (!isOneOf(positionRoles, fields.role)) throw invalid('role', `must be one of ${positionRoles.join(', ')} for an order of a position`);
    checkFitsPosition(position, { role: fields.role, side: fields.side, symbol: fields.symbol });
    const { order, fingerprint, created } = this.newOrder(fields, source);
    const written = await insertGuardedOrder(this.db, order, fingerprint, encodeOrderEvent(created), known.guardVersion.toString(), workingStatuses);
    if (written.outcome === 'stale') return 'stale';
    this.recentPositions.remember({ position, guardVersion: known.guardVersion + 1n });
    if (written.outcome === 'created') return { order, created: true };
    if (written.outcome === 'client_order_id_taken') return { order: await this.replayed(this.db, order.accountId, order.clientOrderId, fingerprint), created: false };
    // No room: a replay of an order recorded before is still answered with the original.
    if (valid.clientOrderId !== null) {
      const existing = await selectOrder(this.db, valid.accountId, { by: 'client_order_id', value: valid.clientOrderId });
      if (existing !== undefined) return { order: sameRequest(existing, valid.clientOrderId, fingerprint), created: false };
    }
    checkExposure(position, exposureOf(written.exposure), { role: fields.role, side: fields.side, symbol: fields.symbol, quantity: fields.quantity });
    throw new Error(`the exposure guard in SQL refused order ${order.clientOrderId} for position ${position.id}, which the domain's guard accepts`);
  }

  /** The guard under the position's row lock, held from the read to the commit. */
  private async placeGuardedLocked(valid: ValidOrderRequest, positionId: string, source: EventSource): Promise<RecordOrderResult> {
    return this.db.transaction(async (tx) => {
      const position = await this.lockPosition(tx, valid.accountId, positionId);
      const fields = { ...valid, assetClass: valid.assetClass ?? position.assetClass };
      const fingerprint = orderFingerprint(fields);
      const snapshot = await selectGuardSnapshot(tx, position.accountId, position.id, valid.clientOrderId);
      if (snapshot === undefined) throw positionNotFound(positionId);
      if (snapshot.replay && valid.clientOrderId !== null) return { order: await this.replayed(tx, valid.accountId, valid.clientOrderId, fingerprint), created: false };
      checkGuard(position, snapshot.orders, fields);
      const { order, created } = this.newOrder(fields, source);
      if (await insertOrderCreated(tx, order, fingerprint, encodeOrderEvent(created))) return { order, created: true };
      return { order: await this.replayed(tx, order.accountId, order.clientOrderId, fingerprint), created: false };
    });
  }

  /** The order a request describes, as its created event makes it. */
  private newOrder(fields: ValidOrderRequest & { assetClass: AssetClass }, source: EventSource): { order: Order; fingerprint: string; created: OrderEvent } {
    const at = this.now();
    const spec: OrderSpec = {
      ...fields,
      id: crypto.randomUUID(),
      clientOrderId: fields.clientOrderId ?? `fb-${crypto.randomUUID()}`,
      brokerOrderId: null,
      origin: 'api',
    };
    const created: OrderEvent = { type: 'created', at, recordedAt: at, source, order: spec };
    return { order: applyOrderEvent(undefined, created), fingerprint: orderFingerprint(fields), created };
  }

  /** The order already holding a client order id: the original for a replay of the same body, else a conflict. */
  private async replayed(sql: SqlClient, accountId: string, clientOrderId: string, fingerprint: string): Promise<Order> {
    const existing = await selectOrder(sql, accountId, { by: 'client_order_id', value: clientOrderId });
    if (existing === undefined) throw new Error(`client order id ${clientOrderId} conflicted but no order holds it`);
    return sameRequest(existing, clientOrderId, fingerprint);
  }

  /** Locks a position for a guarded write (and bumps its guard version: see `insertGuardedOrder`). */
  private async lockPosition(tx: SqlClient, accountId: string, positionId: string): Promise<PositionSpec> {
    const position = await lockPositionForGuard(tx, accountId, positionId);
    if (position === undefined) throw positionNotFound(positionId);
    return position;
  }

  /**
   * Records an order found working at the venue that the ledger never knew (origin
   * `reconciliation`, `detected_at` set), under the deterministic id reconciliation chose for it, so
   * adopting twice yields one order. The venue's state and fills are applied afterwards.
   */
  async adoptOrder(accountId: string, report: VenueOrderReport, id: string): Promise<RecordOrderResult> {
    const at = this.now();
    const spec: OrderSpec = {
      id: requireUuid(id, 'order_id'),
      accountId: requireUuid(accountId, 'account_id'),
      clientOrderId: report.clientOrderId ?? `adopted-${report.venueOrderId}`,
      brokerOrderId: report.venueOrderId,
      positionId: null,
      role: 'manual',
      origin: 'reconciliation',
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
    const created: OrderEvent = { type: 'created', at, recordedAt: at, source: 'reconciliation', order: spec };
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
    const { accountId, key } = await this.resolve(ref);
    try {
      return await this.db.transaction(async (tx) => {
        // Locks are always taken position first, then order (recordOrder holds the position lock).
        const positionId = addsExposure(event) ? (await selectOrder(tx, accountId, key))?.order.positionId : null;
        const position = positionId ? await this.lockPosition(tx, accountId, positionId) : undefined;
        const order = await this.lockOrder(tx, accountId, key);
        if (position !== undefined) {
          const others = (await selectGuardOrders(tx, accountId, position.id)).filter((o) => o.id !== order.id);
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
      case 'cancel_requested':
      case 'expired':
      case 'status_checked':
      case 'retried':
        return { ...base, type };
    }
  }

  async getOrder(ref: OrderRef): Promise<Order> {
    const { accountId, key } = await this.resolve(ref);
    const found = await selectOrder(this.db, accountId, key);
    if (found === undefined) throw orderNotFound(ref);
    return found.order;
  }

  /** The order with its fills and its audit trail, read in one transaction so they agree. */
  async getOrderDetail(ref: OrderRef): Promise<OrderDetail> {
    const { accountId, key } = await this.resolve(ref);
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
      if ((await selectAccount(tx, spec.accountId)) === undefined) throw accountNotFound(spec.accountId);
      if (await insertPosition(tx, spec)) return { position: derivePosition(spec, [], []), created: true };
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
    const { accountId, key } = await this.resolvePosition(ref);
    return this.db.transaction(async (tx) => {
      const spec = await selectPosition(tx, accountId, key);
      if (spec === undefined) throw positionNotFound(key.value);
      return (await this.derivePositions(tx, spec.accountId, [spec]))[0]!;
    });
  }

  private async resolvePosition(ref: PositionRef): Promise<{ accountId: string; key: { by: 'id' | 'signal_id'; value: string } }> {
    if ('signalId' in ref) return { accountId: requireUuid(ref.accountId, 'account_id'), key: { by: 'signal_id', value: requireText(ref.signalId, 'signal_id', 200) } };
    const positionId = requireUuid(ref.positionId, 'position_id');
    const accountId = ref.accountId === undefined ? await selectPositionAccount(this.db, positionId) : requireUuid(ref.accountId, 'account_id');
    if (accountId === undefined) throw positionNotFound(positionId);
    return { accountId, key: { by: 'id', value: positionId } };
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
    return specs.map((spec) => {
      const own = orders.filter((o) => o.positionId === spec.id);
      const ownIds = new Set(own.map((o) => o.id));
      return derivePosition(spec, own, fills.filter((f) => ownIds.has(f.orderId)));
    });
  }

  /** Net quantity and average cost per instrument, from every fill in the account. */
  async getHoldings(accountId: string): Promise<Holding[]> {
    return deriveHoldings(await selectHoldingFills(this.db, requireUuid(accountId, 'account_id')));
  }

  async getPerformance(accountId: string): Promise<PerformanceMetrics> {
    return performanceMetrics(await this.listPositions(accountId));
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
   * Records one execution exactly once. The fill is written in one statement that checks the order
   * is still as read (its version), so concurrent fills of one order serialize and none is lost;
   * after `fillAttemptsOptimisticMax` stale attempts, or when the domain refuses the fill, the order
   * row is locked and the decision is taken again under the lock. The exec id is unique per account,
   * so a redelivery is seen. A redelivery with the same data changes nothing; one with different
   * data, an overfill, or a fill the order's status refuses is quarantined (kept, not applied) and
   * reported as an error. `authorize` sees the order's account before anything is written.
   */
  async recordFill(input: RecordFillInput, options: RecordFillOptions = {}): Promise<RecordFillResult> {
    const request = validateFillRequest(input);
    const source = requireOneOf(eventSources, input.source ?? 'api', 'source');
    const outcome = await this.recordFillOnce(input.order, request, source, options.authorize);
    if ('error' in outcome) {
      for (const o of this.observers) o.fillIngested?.(outcome.kind);
      throw outcome.error;
    }
    for (const o of this.observers) o.fillIngested?.(outcome.outcome);
    return outcome;
  }

  private async recordFillOnce(ref: OrderRef, request: ValidFillRequest, source: EventSource, authorize?: (accountId: string) => Promise<void>): Promise<FillOutcome> {
    const receivedAt = this.now();
    const fillOf = (order: Order): Fill => ({
      id: crypto.randomUUID(),
      accountId: order.accountId,
      orderId: order.id,
      execId: request.execId,
      leg: request.leg,
      quantity: request.quantity,
      price: request.price,
      fee: request.fee ?? zero,
      feeCurrency: request.feeCurrency,
      liquidity: request.liquidity,
      executedAt: request.executedAt ?? receivedAt,
      receivedAt,
      source,
    });
    const filled = (fill: Fill): OrderEvent => ({ type: 'filled', at: fill.executedAt, recordedAt: receivedAt, source, fill });

    let located: { accountId: string; key: OrderKey } | undefined;
    for (let attempt = 0; attempt < fillAttemptsOptimisticMax; attempt++) {
      // The first attempt may use this process's recent copy; a read also finds the account of an
      // order addressed by its id alone.
      const recent = attempt === 0 ? this.recentOrder(ref) : undefined;
      const order = recent ?? (located === undefined ? await this.readOrderRef(ref) : (await selectOrder(this.db, located.accountId, located.key))?.order);
      if (order === undefined) throw orderNotFound(ref);
      if (located === undefined) {
        await authorize?.(order.accountId);
        located = { accountId: order.accountId, key: { by: 'id', value: order.id } };
      }
      const fill = fillOf(order);
      let next: Order;
      try {
        next = applyOrderEvent(order, filled(fill));
      } catch {
        break; // refusals (overfill, status) are decided under the lock, on the order as it is then
      }
      let written: FillWrite;
      try {
        written = await insertFillApplied(this.db, fill, next, encodeOrderEvent(filled(fill)));
      } catch (error) {
        if (isExecIdTaken(error)) return this.redeliveryOf(this.db, order, fill, request.fee !== null);
        throw error;
      }
      if (written === 'applied') {
        this.recentOrders.remember(next);
        return { outcome: 'recorded', order: next, fill };
      }
      this.recentOrders.forget(order.id);
    }

    const { accountId, key } = located ?? (await this.resolve(ref));
    if (located === undefined) await authorize?.(accountId);
    return this.recordFillLocked(accountId, key, fillOf, filled, request.fee !== null).catch(async (error: unknown) => {
      // The exec id was taken by a fill on another order that committed after the lookup under
      // the lock: the transaction is rolled back, and the redelivery is judged outside it.
      if (!isExecIdTaken(error)) throw error;
      const order = (await selectOrder(this.db, accountId, key))?.order;
      if (order === undefined) throw orderNotFound(ref);
      return this.redeliveryOf(this.db, order, fillOf(order), request.fee !== null);
    });
  }

  /** A fill decided under the order's row lock: refusals, quarantine and redeliveries included. */
  private async recordFillLocked(accountId: string, key: OrderKey, fillOf: (order: Order) => Fill, filled: (fill: Fill) => OrderEvent, deliveredHasFee: boolean): Promise<FillOutcome> {
    return this.db.transaction(async (tx): Promise<FillOutcome> => {
      const order = await this.lockOrder(tx, accountId, key);
      const fill = fillOf(order);
      const event = filled(fill);
      let next: Order;
      try {
        next = applyOrderEvent(order, event);
      } catch (error) {
        const recorded = await selectFillByExecId(tx, accountId, fill.execId);
        if (recorded !== undefined) return this.redelivery(tx, order, recorded, fill, deliveredHasFee);
        if (isFillbookError(error, 'FILLBOOK_ERR_OVERFILL')) return this.quarantine(tx, 'overfill', fill, error);
        if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) return this.quarantine(tx, 'refused_transition', fill, error);
        throw error;
      }
      // Looked up first, as a failed statement would abort the transaction.
      const recorded = await selectFillByExecId(tx, accountId, fill.execId);
      if (recorded !== undefined) return this.redelivery(tx, order, recorded, fill, deliveredHasFee);
      if ((await insertFillApplied(tx, fill, next, encodeOrderEvent(event))) === 'stale') throw new Error(`order ${order.id} changed under its row lock`);
      return { outcome: 'recorded', order: next, fill };
    }).then((outcome) => {
      if (!('error' in outcome)) this.recentOrders.remember(outcome.order);
      return outcome;
    });
  }

  /** This process's recent copy of an order addressed by id, if it has one (a guess: see `RecentOrders`). */
  private recentOrder(ref: OrderRef): Order | undefined {
    if (!('orderId' in ref)) return undefined;
    const order = this.recentOrders.get(ref.orderId);
    return order !== undefined && (ref.accountId === undefined || ref.accountId === order.accountId) ? order : undefined;
  }

  /** An order read without a lock, by any reference; an id alone is looked up with its account in one query. */
  private async readOrderRef(ref: OrderRef): Promise<Order | undefined> {
    if ('orderId' in ref && ref.accountId === undefined) return selectOrderById(this.db, requireUuid(ref.orderId, 'order_id'));
    const { accountId, key } = await this.resolve(ref);
    return (await selectOrder(this.db, accountId, key))?.order;
  }

  /** A fill whose exec id is already recorded: a duplicate or a conflicting redelivery. */
  private async redeliveryOf(sql: SqlClient, order: Order, delivered: Fill, deliveredHasFee: boolean): Promise<FillOutcome> {
    const recorded = await selectFillByExecId(sql, order.accountId, delivered.execId);
    if (recorded === undefined) throw new Error(`exec id ${delivered.execId} conflicted but is not recorded`);
    return this.redelivery(sql, order, recorded, delivered, deliveredHasFee);
  }

  private async redelivery(tx: SqlClient, order: Order, recorded: Fill, delivered: Fill, deliveredHasFee: boolean): Promise<FillOutcome> {
    if (describesSameExecution(recorded, delivered, deliveredHasFee)) {
      const current = recorded.orderId === order.id ? order : ((await selectOrder(tx, order.accountId, { by: 'id', value: recorded.orderId }))?.order ?? order);
      return { outcome: 'duplicate', order: current, fill: recorded };
    }
    const error = new FillbookError(
      'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT',
      `exec_id ${delivered.execId} is already recorded for order ${recorded.orderId} with different data; the new delivery is quarantined for review`,
      { exec_id: delivered.execId, order_id: recorded.orderId },
    );
    return this.quarantine(tx, 'conflicting_duplicate', delivered, error);
  }

  /** Keeps a fill that cannot be applied; it commits with the transaction, then the error is raised. */
  private async quarantine(tx: SqlClient, kind: QuarantineKind, fill: Fill, error: FillbookError): Promise<FillOutcome> {
    await insertQuarantinedFill(tx, {
      id: crypto.randomUUID(),
      accountId: fill.accountId,
      kind,
      execId: fill.execId,
      orderId: fill.orderId,
      reason: error.message,
      payload: encodeFill(fill),
      receivedAt: fill.receivedAt,
    });
    return { error, kind };
  }

  async listQuarantinedFills(accountId: string): Promise<QuarantinedFill[]> {
    return selectQuarantinedFills(this.db, requireUuid(accountId, 'account_id'));
  }

  // ---- addressing ----------------------------------------------------------------------------

  private async resolve(ref: OrderRef): Promise<{ accountId: string; key: OrderKey }> {
    if ('orderId' in ref) {
      const orderId = requireUuid(ref.orderId, 'order_id');
      const accountId = ref.accountId === undefined ? await selectOrderAccount(this.db, orderId) : requireUuid(ref.accountId, 'account_id');
      if (accountId === undefined) throw orderNotFound(ref);
      return { accountId, key: { by: 'id', value: orderId } };
    }
    const accountId = requireUuid(ref.accountId, 'account_id');
    if ('clientOrderId' in ref) return { accountId, key: { by: 'client_order_id', value: requireText(ref.clientOrderId, 'client_order_id', 128) } };
    return { accountId, key: { by: 'broker_order_id', value: requireText(ref.brokerOrderId, 'broker_order_id', brokerOrderIdCharsMax) } };
  }

  private async lockOrder(tx: SqlClient, accountId: string, key: OrderKey): Promise<Order> {
    const found = await selectOrder(tx, accountId, key, 'for update');
    if (found === undefined) throw orderNotFound({ accountId, key });
    return found.order;
  }
}

/** The exposure the guarded insert saw, in the domain's terms. */
function exposureOf(stored: StoredExposure): PositionExposure {
  const entered = decimalFromSql(stored.entered);
  return {
    qtyEntered: entered,
    qtyOpen: entered.minus(decimalFromSql(stored.exited)),
    working: {
      entry: decimalFromSql(stored.working.entry),
      exit: decimalFromSql(stored.working.exit),
      stop_loss: decimalFromSql(stored.working.stop_loss),
      take_profit: decimalFromSql(stored.working.take_profit),
    },
  };
}

/** The exposure guard for a new order of a position (the role check first). */
function checkGuard(position: PositionSpec, orders: readonly GuardOrder[], fields: Pick<OrderSpec, 'role' | 'side' | 'symbol' | 'quantity'>): void {
  if (!isOneOf(positionRoles, fields.role)) throw invalid('role', `must be one of ${positionRoles.join(', ')} for an order of a position`);
  checkExposure(position, positionExposure(orders), { role: fields.role, side: fields.side, symbol: fields.symbol, quantity: fields.quantity });
}

/** The original order for an idempotent replay, or a conflict when the body differs. */
function sameRequest(existing: { order: Order; fingerprint: string }, clientOrderId: string, fingerprint: string): Order {
  if (existing.fingerprint !== fingerprint) {
    throw new FillbookError(
      'FILLBOOK_ERR_IDEMPOTENCY_CONFLICT',
      `client_order_id ${clientOrderId} is already used by order ${existing.order.id} with a different body; use a new client_order_id for a new order`,
      { client_order_id: clientOrderId, order_id: existing.order.id },
    );
  }
  return existing.order;
}

type FillOutcome = RecordFillResult | { error: FillbookError; kind: QuarantineKind };

/** Events that make an order of a position ask for more: a retry makes it working again, an amendment may grow it. */
function addsExposure(event: OrderUpdate): boolean {
  return event.type === 'retried' || (event.type === 'amended' && event.quantity !== null);
}

function positionNotFound(positionId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_POSITION_NOT_FOUND', `position ${positionId} does not exist (or is not yours)`, { position_id: positionId });
}

function accountNotFound(accountId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_ACCOUNT_NOT_FOUND', `account ${accountId} does not exist (or is not yours)`, { account_id: accountId });
}

function orderNotFound(ref: unknown): FillbookError {
  return new FillbookError('FILLBOOK_ERR_ORDER_NOT_FOUND', `no order matches ${JSON.stringify(ref)} (or it is not yours)`, { ref });
}
