import {
  applyOrderEvent,
  describesSameExecution,
  encodeFill,
  encodeOrderEvent,
  type EventSource,
  type Fill,
  FillbookError,
  isFillbookError,
  type Order,
  type OrderEvent,
  requireUuid,
  type ValidFillRequest,
  zero,
} from '../domain/index.js';
import {
  type Database,
  type FillWrite,
  insertFillApplied,
  insertQuarantinedFill,
  isExecIdTaken,
  type OrderKey,
  type QuarantineKind,
  selectFillByExecId,
  selectOrder,
  selectOrderById,
  type SqlClient,
} from '../storage/index.js';
import { lockOrder, type OrderRef, orderNotFound, resolveOrder } from './addressing.js';
import type { RecentCopies } from './recent-copies.js';

export interface RecordFillResult {
  /** `duplicate`: the exec id was already recorded with the same data; nothing changed. */
  outcome: 'recorded' | 'duplicate';
  order: Order;
  fill: Fill;
}

/** A fill's result, or the error to raise once the quarantine that goes with it committed. */
export type FillOutcome = RecordFillResult | { error: FillbookError; kind: QuarantineKind };

/**
 * The same for a fill as `guardAttemptsOptimisticMax` for a guarded order: attempts to write against
 * the order as last seen (the first may use this process's recent copy, the next reads it), then the
 * order's row lock.
 */
const fillAttemptsOptimisticMax = 2;

/** Recording a fill exactly once: see `Ledger.recordFill`. Keeps the recent copies of orders up to date. */
export class FillRecording {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
    private readonly recentOrders: RecentCopies<Order>,
  ) {}

  async record(ref: OrderRef, request: ValidFillRequest, source: EventSource, authorize?: (accountId: string) => Promise<void>): Promise<FillOutcome> {
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
      const event = filled(fill);
      let next: Order;
      try {
        next = applyOrderEvent(order, event);
      } catch {
        break; // refusals (overfill, status) are decided under the lock, on the order as it is then
      }
      let written: FillWrite;
      try {
        written = await insertFillApplied(this.db, fill, next, encodeOrderEvent(event));
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

    const { accountId, key } = located ?? (await resolveOrder(this.db, ref));
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
      const order = await lockOrder(tx, accountId, key);
      const fill = fillOf(order);
      const event = filled(fill);
      let next: Order;
      try {
        next = applyOrderEvent(order, event);
      } catch (error) {
        const redelivered = await this.ifRedelivered(tx, order, fill, deliveredHasFee);
        if (redelivered !== undefined) return redelivered;
        if (isFillbookError(error, 'FILLBOOK_ERR_OVERFILL')) return this.quarantine(tx, 'overfill', fill, error);
        if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) return this.quarantine(tx, 'refused_transition', fill, error);
        throw error;
      }
      // Looked up first, as a failed statement would abort the transaction.
      const redelivered = await this.ifRedelivered(tx, order, fill, deliveredHasFee);
      if (redelivered !== undefined) return redelivered;
      if ((await insertFillApplied(tx, fill, next, encodeOrderEvent(event))) === 'stale') throw new Error(`order ${order.id} changed under its row lock`);
      return { outcome: 'recorded', order: next, fill };
    }).then((outcome) => {
      if (!('error' in outcome)) this.recentOrders.remember(outcome.order);
      return outcome;
    });
  }

  /** This process's recent copy of an order addressed by id, if it has one (a guess: see `RecentCopies`). */
  private recentOrder(ref: OrderRef): Order | undefined {
    if (!('orderId' in ref)) return undefined;
    const order = this.recentOrders.get(ref.orderId);
    return order !== undefined && (ref.accountId === undefined || ref.accountId === order.accountId) ? order : undefined;
  }

  /** An order read without a lock, by any reference; an id alone is looked up with its account in one query. */
  private async readOrderRef(ref: OrderRef): Promise<Order | undefined> {
    if ('orderId' in ref && ref.accountId === undefined) return selectOrderById(this.db, requireUuid(ref.orderId, 'order_id'));
    const { accountId, key } = await resolveOrder(this.db, ref);
    return (await selectOrder(this.db, accountId, key))?.order;
  }

  /** A fill whose exec id is already recorded: a duplicate or a conflicting redelivery. */
  private async redeliveryOf(sql: SqlClient, order: Order, delivered: Fill, deliveredHasFee: boolean): Promise<FillOutcome> {
    const outcome = await this.ifRedelivered(sql, order, delivered, deliveredHasFee);
    if (outcome === undefined) throw new Error(`exec id ${delivered.execId} conflicted but is not recorded`);
    return outcome;
  }

  /** The outcome for a fill whose exec id is already recorded (see `redelivery`), or undefined when it is new. */
  private async ifRedelivered(sql: SqlClient, order: Order, delivered: Fill, deliveredHasFee: boolean): Promise<FillOutcome | undefined> {
    const recorded = await selectFillByExecId(sql, order.accountId, delivered.execId);
    return recorded === undefined ? undefined : this.redelivery(sql, order, recorded, delivered, deliveredHasFee);
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
}
