import {
  applyOrderEvent,
  type AssetClass,
  checkExposure,
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
  positionExposure,
  positionRoles,
  type PositionRole,
  type OrderRole,
  validateOrderRequest,
  type ValidOrderRequest,
} from '../domain/index.js';
import {
  type AccountHalt,
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
} from '../storage/index.js';
import { accountNotFound, positionNotFound } from './addressing.js';

export interface RecordOrderResult {
  order: Order;
  /** False when the client order id was already recorded with the same body: the original is returned. */
  created: boolean;
}

/**
 * Attempts of a guarded placement: each reads the position's orders, lets the domain decide and
 * writes once with a check of the position's guard version. An attempt is stale only when another
 * guarded write on the position committed between its read and its write; each such race has a
 * winner, and after it the others mostly find no room left and are refused by the domain (50
 * concurrent entries of a position: test/storage/guard-concurrency.test.ts).
 */
const guardAttemptsMax = 16;
/** The backoff before attempt n is a random wait up to min(cap, base x 2^n): full jitter. */
const guardRetryDelayBaseMs = 1;
const guardRetryDelayCapMs = 50;

/**
 * Recording a new order: standalone, or guarded by its position's exposure; the caller remembers
 * the order.
 */
export class OrderPlacement {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  async record(request: OrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const valid = validateOrderRequest(request);
    try {
      if (valid.positionId === null) {
        if (valid.role === 'entry') {
          const replay = await this.refuseWhileHalted(valid);
          if (replay !== undefined) return replay;
        }
        return await this.recordStandaloneOrder(valid, source);
      }
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
   * The halt is read before the write (for an entry of a position, by the guard's own read): an
   * entry racing the run that halts the account may still pass, as it would have a moment earlier.
   */
  private async refuseWhileHalted(valid: ValidOrderRequest): Promise<RecordOrderResult | undefined> {
    const halt = await selectEntryHalt(this.db, valid.accountId);
    if (halt === null) return undefined;
    if (valid.clientOrderId !== null) {
      const existing = await selectOrder(this.db, valid.accountId, { by: 'client_order_id', value: valid.clientOrderId });
      if (existing !== undefined) return { order: existing.order, created: false };
    }
    throw unreconciled(valid.accountId, halt);
  }

  /** An order without a position has no guard: one statement, and a replay lookup when its client order id is taken. */
  private async recordStandaloneOrder(valid: ValidOrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const { order, fingerprint, created } = this.newOrder({ ...valid, assetClass: valid.assetClass ?? 'equity' }, source);
    if (await insertOrderCreated(this.db, order, fingerprint, encodeOrderEvent(created))) return { order, created: true };
    return { order: await this.replayed(this.db, order.accountId, order.clientOrderId, fingerprint), created: false };
  }

  /**
   * The guard without a lock held across round trips: read the position and its orders (one
   * statement), let the domain decide (`checkExposure`), and write the order with a check that the
   * position's guard version is still the one read (compare-and-set, `insertGuardedOrder`); when
   * it moved, read and decide again, a bounded number of times.
   */
  private async placeGuarded(valid: ValidOrderRequest, positionId: string, source: EventSource): Promise<RecordOrderResult> {
    for (let attempt = 0; attempt < guardAttemptsMax; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(guardRetryDelayCapMs, guardRetryDelayBaseMs * 2 ** attempt));
      const read = await this.guardRead(this.db, valid, positionId);
      if ('order' in read) return read;
      const { order, fingerprint, created } = this.newOrder({ ...valid, assetClass: valid.assetClass ?? read.position.assetClass }, source);
      const written = await insertGuardedOrder(this.db, order, fingerprint, encodeOrderEvent(created), read.guardVersion);
      if (written === 'created') return { order, created: true };
      if (written === 'client_order_id_taken') return { order: await this.replayed(this.db, order.accountId, order.clientOrderId, fingerprint), created: false };
    }
    throw new FillbookError('FILLBOOK_ERR_BUSY', `position ${positionId} changed under ${guardAttemptsMax} attempts in a row to place an order; send it again (the same client_order_id is recorded once)`, {
      position_id: positionId,
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
    if (snapshot.halt !== null && fields.role === 'entry') throw unreconciled(valid.accountId, snapshot.halt);
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

/** Fail closed: the refusal of a new entry, naming the run and its unresolved findings. */
function unreconciled(accountId: string, halt: AccountHalt): FillbookError {
  const named = Object.entries(halt.findings).map(([category, count]) => `${count} ${category}`).join(', ');
  return new FillbookError(
    'FILLBOOK_ERR_ACCOUNT_UNRECONCILED',
    `account ${accountId} is halted for new entries: its latest reconciliation (${halt.runId}) left ${named} unresolved, so the ledger may be wrong; repair them and reconcile again (exits, stop-losses and take-profits still pass), or turn fail_closed off for the account`,
    { account_id: accountId, run_id: halt.runId, findings: halt.findings },
  );
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
