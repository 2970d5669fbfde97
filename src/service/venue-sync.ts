import { clientIdMatchHolds, type EventSource, isFillbookError, type Order, type OrderStatus } from '../domain/index.js';
import type { LifecycleEventType, Ledger, OrderRef, RecordFillInput } from '../ledger/index.js';
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
      if (isFillbookError(error) && ['FILLBOOK_ERR_OVERFILL', 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT', 'FILLBOOK_ERR_INVALID_TRANSITION'].includes(error.code)) {
        return { applied: false, skipped: 'quarantined' };
      }
      throw error;
    }
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
    if (type === 'accepted' && order.status !== 'submitted' && order.status !== 'pending_submit') return { applied };
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

/** A venue's fill report as the ledger records it, for the order it belongs to. */
export function fillInputOf(fill: VenueFillReport, order: { orderId: string; accountId: string }, source: EventSource): RecordFillInput {
  return {
    order,
    execId: fill.execId,
    leg: fill.leg,
    quantity: fill.quantity.toFixed(),
    price: fill.price.toFixed(),
    fee: fill.fee.toFixed(),
    feeCurrency: fill.feeCurrency,
    liquidity: fill.liquidity,
    executedAt: fill.executedAt,
    source,
  };
}
