import { clientIdMatchHolds, type EventSource, isFillbookError, type Order, type OrderStatus } from '../domain/index.js';
import { fillBatchMax, type LifecycleEventInput, type LifecycleEventType, type Ledger, type OrderRef, type RecordFillInput } from '../ledger/index.js';
import type { UnparsedVenueItem, VenueAdapter, VenueEvent, VenueFillReport, VenueOrderReport } from '../venues/index.js';
import { keepUnparsedItem } from './unparsed-items.js';

/** The lifecycle report that brings the ledger to a venue status; fills arrive separately. */
const reportFor: Record<OrderStatus, LifecycleEventType | null> = {
  pending_submit: null,
  submitted: 'submitted',
  open: 'accepted',
  partially_filled: 'accepted',
  pending_cancel: null,
  filled: 'accepted',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
  replaced: 'replaced',
  failed: null,
};

/** The errors of a fill that is kept (quarantined) rather than applied; any other refusal is thrown. */
const quarantinedCodes = ['FILLBOOK_ERR_OVERFILL', 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT', 'FILLBOOK_ERR_INVALID_TRANSITION'];

export interface SyncOutcome {
  applied: boolean;
  /** Why nothing was applied: unknown to the ledger, stale (out of order) or a duplicate. */
  skipped?: 'unknown_order' | 'stale' | 'duplicate' | 'quarantined';
}

/**
 * Applies what a venue reports (stream, poll or webhook) to the ledger. Reports arrive duplicated,
 * late and out of order: a fill is idempotent on its exec id, and a status report the transition
 * table refuses is stale, so it is skipped rather than forced.
 */
export class VenueSync {
  /** Each attached account's queue of stream events, applied one at a time in arrival order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly ledger: Ledger) {}

  /** Subscribes to an adapter's stream; returns the unsubscribe function. */
  attach(accountId: string, adapter: VenueAdapter, onError: (error: unknown) => void = () => {}): () => void {
    return adapter.subscribe((event) => {
      const queue = (this.queues.get(accountId) ?? Promise.resolve())
        .then((): Promise<unknown> => (event.kind === 'unparsed' ? this.keepUnparsed(accountId, adapter.venue, event.item) : this.apply(accountId, event, 'broker_stream')))
        .catch(onError);
      this.queues.set(accountId, queue);
    });
  }

  /**
   * Resolves once every event the account's adapter has emitted so far is applied or kept: the
   * items an adapter could not read while reconciliation listed the venue are stored before the
   * run reports them.
   */
  async settled(accountId: string): Promise<void> {
    for (let queue = this.queues.get(accountId); queue !== undefined; ) {
      await queue;
      const next = this.queues.get(accountId);
      if (next === queue) return;
      queue = next;
    }
  }

  /** An item the adapter could not read (on its stream or in a list it read): kept raw, see unparsed-items.ts. */
  keepUnparsed(accountId: string, venue: string, item: UnparsedVenueItem): Promise<void> {
    return keepUnparsedItem(this.ledger.db, accountId, venue, item, new Date().toISOString());
  }

  async apply(accountId: string, event: VenueEvent, source: EventSource): Promise<SyncOutcome> {
    if (event.kind === 'fill') return this.applyFill(accountId, event.fill, source);
    if (event.kind === 'order') return this.applyOrderReport(accountId, event.order, source);
    return { applied: false };
  }

  async applyFill(accountId: string, fill: VenueFillReport, source: EventSource): Promise<SyncOutcome> {
    const found = await this.find(accountId, fill.venueOrderId, fill.clientOrderId);
    if (found === undefined) return { applied: false, skipped: 'unknown_order' };
    const order = await this.learnBrokerOrderId(found, fill.venueOrderId, source);
    try {
      const result = await this.ledger.recordFill(fillInputOf(fill, { orderId: order.id, accountId }, source));
      return result.outcome === 'recorded' ? { applied: true } : { applied: false, skipped: 'duplicate' };
    } catch (error) {
      if (isFillbookError(error) && quarantinedCodes.includes(error.code)) {
        return { applied: false, skipped: 'quarantined' };
      }
      throw error;
    }
  }

  /**
   * `applyFill` for many fills of one account (a page of a history import), each with the outcome
   * `applyFill` gives it, in input order, written through the batched fill path (`recordFills`: one
   * statement per batch) instead of one call per fill. The fills go to `recordFills` by broker order
   * id, which finds their orders in the same read it decides from; those it does not find are looked
   * for by client order id (one read, as `find` does), and an order found so learns its broker order
   * id first, as in `applyFill`. A fill refused for something other than a quarantine (bad data) is
   * thrown, as `applyFill` throws it, once the batch it was in is written.
   */
  async applyFills(accountId: string, fills: readonly VenueFillReport[], source: EventSource): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = new Array<SyncOutcome>(fills.length);
    // Most fills name an order the ledger knows by its broker order id: recordFills finds those itself.
    const unfound = await this.recordVenueFills(fills.map((fill, at) => ({ at, input: fillInputOf(fill, { accountId, brokerOrderId: fill.venueOrderId }, source) })), outcomes);
    if (unfound.length === 0) return outcomes;
    // The others by client order id (one read), an order learning its broker order id first, as in applyFill.
    const rest = unfound.map((at) => fills[at]!);
    const index = await this.orderIndex(accountId, rest);
    const inputs: { at: number; input: RecordFillInput }[] = [];
    for (const at of unfound) {
      const fill = fills[at]!;
      const found = index.find(fill.venueOrderId, fill.clientOrderId);
      if (found === undefined) {
        outcomes[at] = { applied: false, skipped: 'unknown_order' };
        continue;
      }
      let order = found;
      if (order.brokerOrderId === null) index.add((order = await this.learnBrokerOrderId(found, fill.venueOrderId, source)));
      inputs.push({ at, input: fillInputOf(fill, { orderId: order.id, accountId }, source) });
    }
    const lost = await this.recordVenueFills(inputs, outcomes);
    if (lost.length > 0) throw new Error(`the order of fill ${fills[lost[0]!]!.execId} was found and then not found`);
    return outcomes;
  }

  /**
   * Records fills through `recordFills`, a batch of `fillBatchMax` at a time, and sets each one's
   * outcome as `applyFill` would; returns the places of those whose order was not found. A fill
   * refused for something other than a quarantine is thrown once its batch is written.
   */
  private async recordVenueFills(inputs: readonly { at: number; input: RecordFillInput }[], outcomes: SyncOutcome[]): Promise<number[]> {
    const unfound: number[] = [];
    for (let i = 0; i < inputs.length; i += fillBatchMax) {
      const batch = inputs.slice(i, i + fillBatchMax);
      const results = await this.ledger.recordFills(batch.map((b) => b.input));
      let refusal: unknown;
      for (const [k, result] of results.entries()) {
        const at = batch[k]!.at;
        if ('fill' in result) outcomes[at] = result.outcome === 'recorded' ? { applied: true } : { applied: false, skipped: 'duplicate' };
        else if (quarantinedCodes.includes(result.error.code)) outcomes[at] = { applied: false, skipped: 'quarantined' };
        else if (result.error.code === 'FILLBOOK_ERR_ORDER_NOT_FOUND') unfound.push(at);
        else refusal ??= result.error;
      }
      if (refusal !== undefined) throw refusal;
    }
    return unfound;
  }

  /**
   * `applyOrderReport` for many reports of one account (a page of a history import), each with the
   * outcome `applyOrderReport` gives it, in input order: the orders found with one read, each one's
   * events decided from it as `applyOrderReport` decides them, and all written by one statement
   * (`Ledger.applyEventSequences`). When that cannot be (two reports of one order, an order that
   * moved meanwhile, a broker order id another order holds, a key no order reference accepts), the
   * reports are applied one at a time by `applyOrderReport`, which gives the same outcomes.
   */
  async applyOrderReports(accountId: string, reports: readonly VenueOrderReport[], source: EventSource): Promise<SyncOutcome[]> {
    const oneByOne = async () => {
      const outcomes: SyncOutcome[] = [];
      for (const report of reports) outcomes.push(await this.applyOrderReport(accountId, report, source));
      return outcomes;
    };
    let index: OrderIndex;
    try {
      index = await this.orderIndex(accountId, reports);
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_INPUT')) return oneByOne();
      throw error;
    }
    const found = reports.map((r) => index.find(r.venueOrderId, r.clientOrderId));
    const known = found.filter((o) => o !== undefined);
    if (new Set(known.map((o) => o.id)).size !== known.length) return oneByOne();
    const sequences = found.flatMap((order, i) => (order === undefined ? [] : [{ order, next: reportSteps(reports[i]!, source) }]));
    const results = sequences.length === 0 ? [] : await this.ledger.applyEventSequences(accountId, sequences);
    if (results === undefined) return oneByOne();
    const byOrder = new Map(results.map((r, i) => [sequences[i]!.order.id, r]));
    return found.map((order): SyncOutcome => {
      if (order === undefined) return { applied: false, skipped: 'unknown_order' };
      const result = byOrder.get(order.id)!;
      // Only the status event can be refused: the table takes `submitted` from pending_submit and `status_checked` from every status.
      return result.refused === null ? { applied: result.applied > 0 } : { applied: result.applied > 0, skipped: 'stale' };
    });
  }

  /**
   * The events `applyOrderReport` applies for a report, decided one at a time from the order as it
   * stands (see `EventSequence`): for `Ledger.adoptOrders` to bring orders it creates to the venue's
   * state in the same statement.
   */
  reportEvents(report: VenueOrderReport, source: EventSource): (order: Order) => LifecycleEventInput | null {
    return reportSteps(report, source);
  }

  /** The orders venue reports name, read at once, to `find` each report's as `find` does. */
  private async orderIndex(accountId: string, reports: readonly { venueOrderId: string; clientOrderId: string | null }[]): Promise<OrderIndex> {
    const orders = await this.ledger.findOrdersByKeys(accountId, {
      brokerOrderIds: reports.map((r) => r.venueOrderId),
      clientOrderIds: reports.flatMap((r) => (r.clientOrderId === null ? [] : [r.clientOrderId])),
    });
    const index = new OrderIndex();
    for (const order of orders) index.add(order);
    return index;
  }

  /** Brings the ledger's order to the venue's reported status, learning the broker order id on the way. */
  async applyOrderReport(accountId: string, report: VenueOrderReport, source: EventSource): Promise<SyncOutcome> {
    const found = await this.find(accountId, report.venueOrderId, report.clientOrderId);
    if (found === undefined) return { applied: false, skipped: 'unknown_order' };
    const ref: OrderRef = { orderId: found.id, accountId };
    let applied = false;
    let order = found;
    if (order.status === 'pending_submit') {
      order = await this.ledger.applyEvent(ref, { type: 'submitted', brokerOrderId: report.venueOrderId, source });
      applied = true;
    } else if (order.brokerOrderId === null) {
      order = await this.learnBrokerOrderId(order, report.venueOrderId, source);
      applied = true;
    }
    const type = reportFor[report.status];
    if (type === null || type === 'submitted' || order.status === report.status) return { applied };
    if (type === 'accepted' && !acknowledgeable(order.status)) return { applied };
    try {
      await this.ledger.applyEvent(ref, { type, brokerOrderId: type === 'accepted' ? report.venueOrderId : undefined, reason: report.reason ?? undefined, source });
      return { applied: true };
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) return { applied, skipped: 'stale' };
      throw error;
    }
  }

  /**
   * The ledger learns an order's broker order id from whichever venue report carries it first (a
   * bot's order is known by client order id until then), so that later lookups and cancels by
   * broker order id work.
   */
  async learnBrokerOrderId(order: Order, venueOrderId: string, source: EventSource): Promise<Order> {
    if (order.brokerOrderId !== null) return order;
    const ref: OrderRef = { orderId: order.id, accountId: order.accountId };
    const type = order.status === 'pending_submit' ? 'submitted' : 'status_checked';
    return this.ledger.applyEvent(ref, { type, brokerOrderId: venueOrderId, source });
  }

  /** A venue report's order, by the rule of `ledgerOrderFor` (src/domain/reconciliation.ts), which the reconciler follows too. */
  private async find(accountId: string, venueOrderId: string, clientOrderId: string | null): Promise<Order | undefined> {
    const byBroker = await this.getIfAny({ accountId, brokerOrderId: venueOrderId });
    if (byBroker !== undefined || clientOrderId === null) return byBroker;
    const byClient = await this.getIfAny({ accountId, clientOrderId });
    return byClient !== undefined && clientIdMatchHolds(byClient, venueOrderId) ? byClient : undefined;
  }

  private async getIfAny(ref: OrderRef): Promise<Order | undefined> {
    try {
      return await this.ledger.getOrder(ref);
    } catch (error) {
      if (!isFillbookError(error, 'FILLBOOK_ERR_ORDER_NOT_FOUND')) throw error;
      return undefined;
    }
  }
}

/**
 * The events `applyOrderReport` applies for a report, one at a time from the order as it stands:
 * first what makes the order know its broker order id (`submitted` for one never sent,
 * `status_checked` for one known by client order id only), then the report's status, if the
 * transition table lets it move there.
 */
function reportSteps(report: VenueOrderReport, source: EventSource): (order: Order) => LifecycleEventInput | null {
  let step = 0;
  return (order) => {
    if (step === 0) {
      step = 1;
      if (order.status === 'pending_submit') return { type: 'submitted', brokerOrderId: report.venueOrderId, source };
      if (order.brokerOrderId === null) return { type: 'status_checked', brokerOrderId: report.venueOrderId, source };
    }
    if (step !== 1) return null;
    step = 2;
    const type = reportFor[report.status];
    if (type === null || type === 'submitted' || order.status === report.status) return null;
    if (type === 'accepted' && !acknowledgeable(order.status)) return null;
    return { type, brokerOrderId: type === 'accepted' ? report.venueOrderId : undefined, reason: report.reason ?? undefined, source };
  };
}

/**
 * Whether a venue's report of a working order acknowledges an order in this status: one not yet
 * acknowledged, or one whose send was reported as failed and that the venue has after all. (An
 * order further on takes the report as late: its status stands.)
 */
function acknowledgeable(status: OrderStatus): boolean {
  return status === 'pending_submit' || status === 'submitted' || status === 'failed';
}

/** Orders by broker and by client order id, to find a venue report's as `VenueSync.find` does. */
class OrderIndex {
  private readonly byBrokerOrderId = new Map<string, Order>();
  private readonly byClientOrderId = new Map<string, Order>();

  add(order: Order): void {
    if (order.brokerOrderId !== null) this.byBrokerOrderId.set(order.brokerOrderId, order);
    this.byClientOrderId.set(order.clientOrderId, order);
  }

  find(venueOrderId: string, clientOrderId: string | null): Order | undefined {
    const byBroker = this.byBrokerOrderId.get(venueOrderId);
    if (byBroker !== undefined) return byBroker;
    const byClient = clientOrderId === null ? undefined : this.byClientOrderId.get(clientOrderId);
    return byClient !== undefined && (byClient.brokerOrderId === null || byClient.brokerOrderId === venueOrderId) ? byClient : undefined;
  }
}

/** A venue's fill report as the ledger records it, for the order it belongs to. */
export function fillInputOf(fill: VenueFillReport, order: OrderRef, source: EventSource): RecordFillInput {
  return {
    order,
    execId: fill.execId,
    leg: fill.leg,
    quantity: fill.quantity,
    price: fill.price,
    fee: fill.fee,
    feeCurrency: fill.feeCurrency,
    liquidity: fill.liquidity,
    executedAt: fill.executedAt,
    source,
  };
}
