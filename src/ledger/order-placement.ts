import {
  applyOrderEvent,
  type AssetClass,
  checkExposure,
  checkFitsPosition,
  decimalFromSql,
  encodeOrderEvent,
  type EventSource,
  FillbookError,
  invalid,
  isOneOf,
  type Order,
  type OrderEvent,
  orderFingerprint,
  type OrderRequest,
  type OrderSpec,
  type PositionExposure,
  positionExposure,
  positionRoles,
  type PositionRole,
  type OrderRole,
  validateOrderRequest,
  type ValidOrderRequest,
  workingStatuses,
} from '../domain/index.js';
import {
  constraintOf,
  type Database,
  type GuardSnapshot,
  insertGuardedOrder,
  insertOrderCreated,
  selectGuardSnapshot,
  selectEntryHalt,
  selectOrder,
  type SqlClient,
  sqlState,
  sqlStateOf,
  type StoredExposure,
} from '../storage/index.js';
import { accountNotFound, lockPosition, positionNotFound } from './addressing.js';
import type { KnownPosition, RecentCopies } from './recent-copies.js';

export interface RecordOrderResult {
  order: Order;
  /** False when the client order id was already recorded with the same body: the original is returned. */
  created: boolean;
}

/**
 * Compare-and-set attempts of a guarded placement after the first one, made from this process's
 * recent copy of the position, went stale: one, from a fresh read. On a busy position a further
 * attempt mostly fails again after waiting behind the lock holders' commits (measured:
 * bench/order-guard.ts, one shared position), so the next stale attempt queues on the row lock.
 */
const guardAttemptsOptimisticMax = 1;

/**
 * Recording a new order: standalone, or guarded by its position's exposure. Keeps the recent copies
 * of positions up to date; the caller remembers the order.
 */
export class OrderPlacement {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
    private readonly recentPositions: RecentCopies<KnownPosition>,
  ) {}

  async record(request: OrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const valid = validateOrderRequest(request);
    try {
      if (valid.role === 'entry') {
        const replay = await this.refuseWhileHalted(valid);
        if (replay !== undefined) return replay;
      }
      if (valid.positionId === null) return await this.recordStandaloneOrder(valid, source);
      return await this.placeGuarded(valid, valid.positionId, source);
    } catch (error) {
      if (sqlStateOf(error) === sqlState.foreignKeyViolation && constraintOf(error)?.includes('account')) throw accountNotFound(valid.accountId);
      throw error;
    }
  }

  /**
   * Fail closed: while the account's latest reconciliation left findings that say the ledger may be
   * wrong (see `haltingCategories`), a new entry is refused; exits and protective orders still pass,
   * since they reduce risk. A replay of an entry recorded before is answered with the original.
   * One read before the write: an entry racing the run that halts the account may still pass, as
   * it would have a moment earlier.
   */
  private async refuseWhileHalted(valid: ValidOrderRequest): Promise<RecordOrderResult | undefined> {
    const halt = await selectEntryHalt(this.db, valid.accountId);
    if (halt === null) return undefined;
    if (valid.clientOrderId !== null) {
      const existing = await selectOrder(this.db, valid.accountId, { by: 'client_order_id', value: valid.clientOrderId });
      if (existing !== undefined) return { order: existing.order, created: false };
    }
    const named = Object.entries(halt.findings).map(([category, count]) => `${count} ${category}`).join(', ');
    throw new FillbookError(
      'FILLBOOK_ERR_ACCOUNT_UNRECONCILED',
      `account ${valid.accountId} is halted for new entries: its latest reconciliation (${halt.runId}) left ${named} unresolved, so the ledger may be wrong; repair them and reconcile again (exits, stop-losses and take-profits still pass), or turn fail_closed off for the account`,
      { account_id: valid.accountId, run_id: halt.runId, findings: halt.findings },
    );
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
        const read = await this.guardRead(this.db, valid, positionId);
        if ('order' in read) return read;
        known = { position: read.position, guardVersion: BigInt(read.guardVersion) };
        this.recentPositions.remember(known);
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
    checkFitsPosition(position, { role: positionRole(fields.role), side: fields.side, symbol: fields.symbol });
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
    checkExposure(position, exposureOf(written.exposure), { role: positionRole(fields.role), side: fields.side, symbol: fields.symbol, quantity: fields.quantity });
    throw new Error(`the exposure guard in SQL refused order ${order.clientOrderId} for position ${position.id}, which the domain's guard accepts`);
  }

  /** The guard under the position's row lock, held from the read to the commit. */
  private async placeGuardedLocked(valid: ValidOrderRequest, positionId: string, source: EventSource): Promise<RecordOrderResult> {
    return this.db.transaction(async (tx) => {
      await lockPosition(tx, valid.accountId, positionId);
      const read = await this.guardRead(tx, valid, positionId);
      if ('order' in read) return read;
      const { order, fingerprint, created } = this.newOrder({ ...valid, assetClass: valid.assetClass ?? read.position.assetClass }, source);
      if (await insertOrderCreated(tx, order, fingerprint, encodeOrderEvent(created))) return { order, created: true };
      return { order: await this.replayed(tx, order.accountId, order.clientOrderId, fingerprint), created: false };
    });
  }

  /**
   * The guard's read: the position and its orders in one statement, then a replay answered with the
   * original order, or a refusal thrown by the domain's guard; else the snapshot, for the write.
   */
  private async guardRead(sql: SqlClient, valid: ValidOrderRequest, positionId: string): Promise<RecordOrderResult | GuardSnapshot> {
    const snapshot = await selectGuardSnapshot(sql, valid.accountId, positionId, valid.clientOrderId);
    if (snapshot === undefined) throw positionNotFound(positionId);
    const fields = { ...valid, assetClass: valid.assetClass ?? snapshot.position.assetClass };
    if (snapshot.replay && valid.clientOrderId !== null) return { order: await this.replayed(sql, valid.accountId, valid.clientOrderId, orderFingerprint(fields)), created: false };
    checkExposure(snapshot.position, positionExposure(snapshot.orders), { role: positionRole(fields.role), side: fields.side, symbol: fields.symbol, quantity: fields.quantity });
    return snapshot;
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

/** An order of a position has a position's role: entry, exit, stop_loss or take_profit. */
function positionRole(role: OrderRole): PositionRole {
  if (!isOneOf(positionRoles, role)) throw invalid('role', `must be one of ${positionRoles.join(', ')} for an order of a position`);
  return role;
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
