import {
  decideFillBatch,
  encodeFill,
  encodeOrderEvent,
  type EventSource,
  eventSources,
  type Fill,
  FillbookError,
  type FillRequest,
  isFillbookError,
  type Order,
  type QuarantineKind,
  requireOneOf,
  validateFillRequest,
  type ValidFillRequest,
  zero,
} from '../domain/index.js';
import {
  type Database,
  insertFillBatch,
  isExecIdTaken,
  type OrderKey,
  selectFillsByExecIds,
  selectOrdersByIds,
  selectOrdersByKeys,
} from '../storage/index.js';
import { type OrderRef, orderKeyOf, orderNotFound } from './addressing.js';
import type { RecentCopies } from './recent-copies.js';

export interface RecordFillInput extends FillRequest {
  order: OrderRef;
  source?: EventSource;
}

/**
 * What became of one fill of a batch (see `FillDecision`): `recorded` and `duplicate` carry the fill
 * and its order; `conflict`, `overfill` and `refused` the error, and the quarantine that keeps the
 * fill when it was kept (a fill refused for bad input or an unknown order is not).
 */
export type FillResult =
  | { execId: string; outcome: 'recorded' | 'duplicate'; fill: Fill; order: Order }
  | { execId: string; outcome: 'conflict' | 'overfill' | 'refused'; error: FillbookError; quarantine: QuarantineKind | null };

/** The most fills one batch may hold; the HTTP route refuses more. */
export const fillBatchMax = 1000;

/**
 * Attempts to write one account's batch against the orders as read: each attempt reads (the first
 * may use this process's recent copies), decides and writes once with a version check. A stale
 * attempt only happens when another writer changed one of the batch's orders between this read and
 * this write, and each such race has a winner, so this bound is reached only by many writers on one
 * order at once: 40 concurrent fills of one order (test/storage/concurrency.test.ts) need fewer than
 * ten with the backoff below.
 */
const fillAttemptsMax = 24;
/** The backoff before attempt n is a random wait up to min(cap, base x 2^n): full jitter. */
const fillRetryDelayBaseMs = 1;
const fillRetryDelayCapMs = 100;

interface Entry {
  index: number;
  ref: OrderRef;
  accountId: string | undefined;
  key: OrderKey;
  request: ValidFillRequest;
  source: EventSource;
}

/**
 * Recording fills exactly once, a batch at a time: see `Ledger.recordFills`. Keeps the recent
 * copies of orders up to date.
 */
export class FillRecording {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
    private readonly recentOrders: RecentCopies<Order>,
  ) {}

  async record(inputs: readonly RecordFillInput[], authorize?: (accountId: string) => Promise<void>): Promise<FillResult[]> {
    const receivedAt = this.now();
    const results: FillResult[] = new Array<FillResult>(inputs.length);
    const refuse = (index: number, error: FillbookError) => {
      results[index] = { execId: String(inputs[index]!.execId ?? ''), outcome: 'refused', error, quarantine: null };
    };

    const entries: Entry[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        const request = validateFillRequest(input);
        const source = requireOneOf(eventSources, input.source ?? 'api', 'source');
        const { accountId, key } = orderKeyOf(input.order);
        entries.push({ index, ref: input.order, accountId, key, request, source });
      } catch (error) {
        if (!isFillbookError(error)) throw error;
        refuse(index, error);
      }
    }

    // The account of an order addressed by its id alone: this process's recent copy, else one read
    // for all such orders, whose rows then serve the first attempt.
    const read = new Map<string, Order>();
    const unknown = entries.filter((e) => e.accountId === undefined && this.recentOrders.get(e.key.value) === undefined).map((e) => e.key.value);
    if (unknown.length > 0) for (const order of await selectOrdersByIds(this.db, [...new Set(unknown)])) read.set(order.id, order);
    const byAccount = new Map<string, Entry[]>();
    for (const entry of entries) {
      const accountId = entry.accountId ?? (this.recentOrders.get(entry.key.value) ?? read.get(entry.key.value))?.accountId;
      if (accountId === undefined) {
        refuse(entry.index, orderNotFound(entry.ref));
        continue;
      }
      const group = byAccount.get(accountId);
      if (group === undefined) byAccount.set(accountId, [{ ...entry, accountId }]);
      else group.push({ ...entry, accountId });
    }

    // One statement per account: no transaction spans two.
    for (const [accountId, group] of byAccount) {
      try {
        await authorize?.(accountId);
      } catch (error) {
        if (!isFillbookError(error)) throw error;
        for (const entry of group) refuse(entry.index, error);
        continue;
      }
      const decided = await this.recordAccount(accountId, group, read, receivedAt);
      for (const [i, entry] of group.entries()) results[entry.index] = decided[i]!;
    }
    return results;
  }

  /** One account's fills: read, let the domain decide, write once with a version check; again when stale. */
  private async recordAccount(accountId: string, entries: readonly Entry[], read: ReadonlyMap<string, Order>, receivedAt: string): Promise<FillResult[]> {
    // Exec ids are assumed new until a write says one is taken: a redelivery costs a failed
    // statement and a read of the recorded fills, a new fill nothing.
    let readRecorded = false;
    for (let attempt = 0; attempt < fillAttemptsMax; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(fillRetryDelayCapMs, fillRetryDelayBaseMs * 2 ** attempt));
      const orders = await this.readOrders(accountId, entries, attempt === 0 ? read : undefined);
      const recorded = async () => new Map((await selectFillsByExecIds(this.db, accountId, [...new Set(entries.map((e) => e.request.execId))])).map((f) => [f.execId, f]));

      const located = entries.map((entry) => ({ entry, order: orders.find(entry.key) }));
      const deliveries = located.flatMap(({ entry, order }) =>
        order === undefined ? [] : [{ fill: fillOf(order, entry.request, entry.source, receivedAt), hasFee: entry.request.fee !== null }],
      );
      let plan = decideFillBatch(orders.byId, readRecorded ? await recorded() : new Map(), deliveries);
      // A fill refused as if new may be a redelivery, whose answer is duplicate or conflict.
      if (!readRecorded && plan.decisions.some((d) => !('fill' in d))) {
        readRecorded = true;
        plan = decideFillBatch(orders.byId, await recorded(), deliveries);
      }
      const decisions = plan.decisions.values();
      const outcome = located.map(({ entry, order }): FillResult => {
        const execId = entry.request.execId;
        if (order === undefined) return { execId, outcome: 'refused', error: orderNotFound(entry.ref), quarantine: null };
        // Written out, not spread into a literal with execId first: see `encodeOrderEvent`.
        const d = decisions.next().value!;
        return 'fill' in d ? { execId, outcome: d.outcome, fill: d.fill, order: d.order } : { execId, outcome: d.outcome, error: d.error, quarantine: d.quarantine };
      });
      if (plan.orders.length === 0 && plan.quarantined.length === 0) return outcome;

      const written = await insertFillBatch(this.db, {
        accountId,
        orders: plan.orders,
        events: plan.applied.map((a) => ({ orderId: a.fill.orderId, seq: a.seq, event: encodeOrderEvent(a.event) })),
        quarantined: plan.quarantined.map((q) => ({
          id: crypto.randomUUID(),
          accountId,
          kind: q.kind,
          execId: q.fill.execId,
          orderId: q.fill.orderId,
          reason: q.error.message,
          payload: encodeFill(q.fill),
          receivedAt: q.fill.receivedAt,
        })),
      }).catch((error: unknown) => {
        if (isExecIdTaken(error)) return 'taken' as const;
        throw error;
      });
      if (written === 'applied') {
        for (const { order } of plan.orders) this.recentOrders.remember(order);
        return outcome;
      }
      for (const { order } of plan.orders) this.recentOrders.forget(order.id);
      if (written === 'taken') readRecorded = true;
    }
    throw new FillbookError('FILLBOOK_ERR_BUSY', `the orders of these fills changed under ${fillAttemptsMax} attempts in a row; send them again (a redelivery is recorded once)`, {
      account_id: accountId,
    });
  }

  /**
   * The batch's orders: on a first attempt from the rows just read and this process's recent
   * copies (guesses: the write checks their versions), the others in one read.
   */
  private async readOrders(accountId: string, entries: readonly Entry[], read: ReadonlyMap<string, Order> | undefined): Promise<OrderIndex> {
    const index = new OrderIndex();
    if (read !== undefined) {
      for (const entry of entries) {
        if (entry.key.by !== 'id') continue;
        const known = read.get(entry.key.value) ?? this.recentOrders.get(entry.key.value);
        if (known !== undefined && known.accountId === accountId) index.add(known);
      }
    }
    const missing = entries.filter((e) => index.find(e.key) === undefined);
    if (missing.length === 0) return index;
    const values = (by: OrderKey['by']) => [...new Set(missing.filter((e) => e.key.by === by).map((e) => e.key.value))];
    const rows = await selectOrdersByKeys(this.db, accountId, { ids: values('id'), clientOrderIds: values('client_order_id'), brokerOrderIds: values('broker_order_id') });
    for (const order of rows) index.add(order);
    return index;
  }
}

/** The orders a batch read, by each key a fill may address them by. */
class OrderIndex {
  readonly byId = new Map<string, Order>();
  private readonly byClientOrderId = new Map<string, Order>();
  private readonly byBrokerOrderId = new Map<string, Order>();

  add(order: Order): void {
    this.byId.set(order.id, order);
    this.byClientOrderId.set(order.clientOrderId, order);
    if (order.brokerOrderId !== null) this.byBrokerOrderId.set(order.brokerOrderId, order);
  }

  find(key: OrderKey): Order | undefined {
    if (key.by === 'id') return this.byId.get(key.value);
    return key.by === 'client_order_id' ? this.byClientOrderId.get(key.value) : this.byBrokerOrderId.get(key.value);
  }
}

/** The fill a request describes, for the order it addresses. */
function fillOf(order: Order, request: ValidFillRequest, source: EventSource, receivedAt: string): Fill {
  return {
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
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
