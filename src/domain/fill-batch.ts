import { FillbookError, isFillbookError } from './errors.js';
import { differingFields, type Fill } from './fill.js';
import { applyOrderEvent, type Order } from './order.js';
import type { OrderFilled } from './order-events.js';

/** Why a fill was kept aside instead of applied. */
export const quarantineKinds = ['conflicting_duplicate', 'overfill', 'refused_transition'] as const;
export type QuarantineKind = (typeof quarantineKinds)[number];

/** A fill delivered to an order the ledger found, with whether the delivery stated a fee. */
export interface FillDelivery {
  fill: Fill;
  hasFee: boolean;
}

/**
 * What became of one delivered fill: `recorded` (applied), `duplicate` (its exec id is recorded with
 * the same data; nothing changes), `conflict` (recorded with different data), `overfill`, or
 * `refused` (the order's status or legs refuse it). A conflict, an overfill and a refusal by status
 * are quarantined: kept, not applied.
 */
export type FillDecision =
  | { outcome: 'recorded' | 'duplicate'; fill: Fill; order: Order }
  | { outcome: 'conflict' | 'overfill' | 'refused'; error: FillbookError; quarantine: QuarantineKind | null };

/** Everything a batch of fills changes in one account, as the domain decided it from one read. */
export interface FillBatchPlan {
  /** One per delivery, in delivery order. */
  decisions: FillDecision[];
  /** Each order a fill was applied to or refused by, as read and as the batch leaves it. */
  orders: { readVersion: number; order: Order }[];
  /** Each applied fill with its `filled` event and that event's sequence number (its order's version after it). */
  applied: { fill: Fill; event: OrderFilled; seq: number }[];
  quarantined: { kind: QuarantineKind; fill: Fill; error: FillbookError }[];
}

/** A fill's `filled` event: it happened when the venue executed it and was recorded when it arrived. */
export function filledEvent(fill: Fill): OrderFilled {
  return { type: 'filled', at: fill.executedAt, recordedAt: fill.receivedAt, source: fill.source, fill };
}

/**
 * Decides a batch of fills of one account from one read: `orders` as read (by id; every delivery's
 * order among them) and `recorded`, the fills already stored under the deliveries' exec ids (when
 * known). Deliveries are applied in order, each to its order as the ones before it left it, so
 * several fills of one order fold in sequence and a fill that would overfill only after an earlier
 * one of the batch is quarantined alone. An exec id delivered twice in the batch is judged against
 * its first delivery, as a redelivery would be. Pure: the caller writes the plan, or, when an order
 * moved meanwhile, reads again and decides again.
 */
export function decideFillBatch(orders: ReadonlyMap<string, Order>, recorded: ReadonlyMap<string, Fill>, deliveries: readonly FillDelivery[]): FillBatchPlan {
  const current = new Map<string, Order>();
  const touched = new Set<string>();
  const seen = new Map(recorded);
  const plan: FillBatchPlan = { decisions: [], orders: [], applied: [], quarantined: [] };
  const quarantine = (kind: QuarantineKind, fill: Fill, error: FillbookError, outcome: 'conflict' | 'overfill' | 'refused'): FillDecision => {
    plan.quarantined.push({ kind, fill, error });
    return { outcome, error, quarantine: kind };
  };

  for (const { fill, hasFee } of deliveries) {
    const order = current.get(fill.orderId) ?? orders.get(fill.orderId);
    if (order === undefined) throw new Error(`fill ${fill.execId} is for order ${fill.orderId}, which the batch did not read`);
    const earlier = seen.get(fill.execId);
    if (earlier !== undefined) {
      const differs = differingFields(earlier, fill, hasFee);
      if (differs.length === 0) {
        plan.decisions.push({ outcome: 'duplicate', fill: earlier, order });
        continue;
      }
      const error = new FillbookError(
        'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT',
        `exec_id ${fill.execId} is already recorded for order ${earlier.orderId} with a different ${differs.join(', ')}; the new delivery is quarantined for review`,
        { exec_id: fill.execId, order_id: earlier.orderId, differs },
      );
      plan.decisions.push(quarantine('conflicting_duplicate', fill, error, 'conflict'));
      continue;
    }
    const event = filledEvent(fill);
    let next: Order;
    try {
      next = applyOrderEvent(order, event);
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_OVERFILL')) {
        touched.add(order.id);
        plan.decisions.push(quarantine('overfill', fill, error, 'overfill'));
      } else if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) {
        touched.add(order.id);
        plan.decisions.push(quarantine('refused_transition', fill, error, 'refused'));
      } else if (isFillbookError(error)) {
        plan.decisions.push({ outcome: 'refused', error, quarantine: null });
      } else {
        throw error;
      }
      continue;
    }
    current.set(order.id, next);
    touched.add(order.id);
    seen.set(fill.execId, fill);
    plan.applied.push({ fill, event, seq: next.version });
    plan.decisions.push({ outcome: 'recorded', fill, order: next });
  }
  for (const id of touched) {
    const read = orders.get(id)!;
    plan.orders.push({ readVersion: read.version, order: current.get(id) ?? read });
  }
  return plan;
}
