import { FillbookError, isFillbookError, type Order, type OrderSender, stuckSubmissionAlert } from '../domain/index.js';
import { queueAlert } from '../storage/index.js';
import type { Ledger, OrderRef } from '../ledger/index.js';
import type { OrderRequest } from '../domain/index.js';
import { isVenueError, type VenueAdapter, type VenueFillReport, type VenueOrderReport } from '../venues/index.js';
import { readPages } from './venue-pages.js';
import type { Venues } from './venues.js';
import type { VenueSync } from './venue-sync.js';

/** Failed orders are retried at most this many times, waiting `retryDelayMs x 2^n` before retry n. */
export const retryAttemptsMax = 5;
export const retryDelayMsDefault = 1_000;
/** An order still unacknowledged after this long is looked up at the venue. */
export const stuckAfterMsDefault = 30_000;
/** Orders examined per resolution or retry pass. */
export const passOrdersMax = 500;

/**
 * Test-only fault points: the crash tests kill the process here. In production both are absent.
 */
export interface SubmissionFaults {
  afterWriteAhead?: () => void | Promise<void>;
  afterVenueAck?: () => void | Promise<void>;
}

export interface OrderRouterOptions {
  retryAttemptsMax?: number;
  retryDelayMs?: number;
  stuckAfterMs?: number;
  faults?: SubmissionFaults;
  now?: () => Date;
}

export interface PlaceOrderRequest extends Omit<OrderRequest, 'sentBy'> {
  /**
   * False for a bot that talks to its broker itself and reports back; default true. Recorded on the
   * order as who sends it (`sentBy`): Fillbook never sends, re-sends or retries a `submit: false` order.
   */
  submit?: boolean;
}

/**
 * Write-ahead submission. The order is committed as `pending_submit` (after the exposure guard)
 * before the venue is called; the venue's answer then moves it on. A crash or a timeout in between
 * leaves it `pending_submit`/`submitted`, to be resolved by looking it up at the venue by client order
 * id: never by sending it again blindly.
 */
export class OrderRouter {
  private readonly options: Required<Omit<OrderRouterOptions, 'faults'>> & { faults: SubmissionFaults };

  constructor(
    private readonly ledger: Ledger,
    private readonly venues: Venues,
    private readonly sync: VenueSync,
    options: OrderRouterOptions = {},
  ) {
    this.options = {
      retryAttemptsMax: options.retryAttemptsMax ?? retryAttemptsMax,
      retryDelayMs: options.retryDelayMs ?? retryDelayMsDefault,
      stuckAfterMs: options.stuckAfterMs ?? stuckAfterMsDefault,
      faults: options.faults ?? {},
      now: options.now ?? (() => new Date()),
    };
  }

  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    return (await this.place(request)).order;
  }

  /** As `placeOrder`, telling also whether the order is new or an idempotent replay of one recorded before. */
  async place(request: PlaceOrderRequest): Promise<{ order: Order; created: boolean }> {
    const { submit = true, ...fields } = request;
    const order: OrderRequest = { ...fields, sentBy: submit ? 'fillbook' : 'bot' };
    // An order for a venue Fillbook cannot reach (or may not trade on) is refused before it is recorded.
    const adapter = submit ? await this.venues.forSending(order.accountId) : undefined;
    // So is a multi-leg order for a venue that cannot take one: refused before it is recorded, it was
    // never acknowledged, so nothing is lost, and the ledger holds no order that could never be sent.
    if (adapter !== undefined && order.legs != null && !adapter.capabilities.multiLeg) {
      throw new FillbookError(
        'FILLBOOK_ERR_VENUE_UNSUPPORTED',
        `venue ${adapter.venue} does not take multi-leg orders; send the legs as separate orders, or record it with submit: false if the bot places it itself`,
        { field: 'legs', venue: adapter.venue, account_id: order.accountId },
      );
    }
    const { order: recorded, created } = await this.ledger.recordOrder(order);
    // A replay of an already recorded request returns it as it stands; resolution, not a second
    // send, takes care of one whose first submission was interrupted.
    if (adapter === undefined || !created) return { order: recorded, created };
    await this.options.faults.afterWriteAhead?.();
    return { order: await this.send(adapter, recorded), created };
  }

  private async send(adapter: VenueAdapter, order: Order): Promise<Order> {
    // The one place an order reaches a venue. Only an order Fillbook was asked to send gets here.
    if (order.sentBy !== 'fillbook') throw new Error(`order ${order.id} is sent by the ${order.sentBy}; Fillbook must never send it`);
    const ref: OrderRef = { orderId: order.id, accountId: order.accountId };
    let report: VenueOrderReport;
    try {
      report = await adapter.placeOrder({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        assetClass: order.assetClass,
        side: order.side,
        type: order.type,
        timeInForce: order.timeInForce,
        quantity: order.quantity,
        limitPrice: order.limitPrice,
        stopPrice: order.stopPrice,
        legs: order.legs,
      });
    } catch (error) {
      if (isVenueError(error, 'rejected')) return this.ledger.applyEvent(ref, { type: 'rejected', reason: error.message, source: 'broker_poll' });
      if (isVenueError(error, 'unavailable')) return this.ledger.applyEvent(ref, { type: 'failed', reason: error.message, source: 'api' });
      // Unknown outcome: leave it pending; resolution asks the venue by client order id.
      return this.ledger.getOrder(ref);
    }
    await this.options.faults.afterVenueAck?.();
    await this.sync.applyOrderReport(order.accountId, report, 'broker_poll');
    return this.ledger.getOrder(ref);
  }

  /** Asks the venue to cancel; the venue's answer (or its stream) settles the order. */
  async cancelOrder(ref: OrderRef): Promise<Order> {
    const order = await this.ledger.getOrder(ref);
    const adapter = await this.venues.forSending(order.accountId);
    const own: OrderRef = { orderId: order.id, accountId: order.accountId };
    await this.ledger.applyEvent(own, { type: 'cancel_requested', source: 'api' });
    const venueOrderId = order.brokerOrderId ?? (await adapter.getOrderByClientId(order.clientOrderId))?.venueOrderId;
    if (venueOrderId === undefined && order.sentBy === 'bot') {
      // The bot may be sending it at this very moment: the ledger cannot know it never will. The
      // cancel stays pending; the venue's report, or reconciliation, settles it.
      return this.ledger.getOrder(own);
    }
    if (venueOrderId === undefined) {
      // The venue never had it: nothing can trade, so the cancel is final here.
      return this.ledger.applyEvent(own, { type: 'canceled', reason: 'canceled before it reached the venue', source: 'api' });
    }
    try {
      const report = await adapter.cancelOrder(venueOrderId);
      await this.sync.applyOrderReport(order.accountId, report, 'broker_poll');
    } catch (error) {
      if (!isVenueError(error, 'rejected')) throw error;
      const current = await adapter.getOrder(venueOrderId);
      if (current !== undefined) await this.sync.applyOrderReport(order.accountId, current, 'broker_poll');
      const after = await this.ledger.getOrder(own);
      if (after.status === 'pending_cancel') return this.ledger.applyEvent(own, { type: 'cancel_rejected', reason: error.message, source: 'broker_poll' });
    }
    return this.ledger.getOrder(own);
  }

  /**
   * Orders left `pending_submit`/`submitted` longer than `stuckAfterMs` (a crash, a timeout) are
   * looked up at the venue by broker order id and by client order id. Found: the ledger takes the
   * venue's state and fills. Not found: a `pending_submit` order Fillbook sends never left, so it is
   * `failed` (and retried with backoff); a `submitted` one the venue does not know is `rejected`
   * with reason `not_found_at_broker`. An order the bot sends is never failed (nor ever retried):
   * one the venue does not have stays for reconciliation, which reports it as a stuck submission and
   * closes it as `rejected` when told to (`clear_invalid`).
   */
  async resolveStuckSubmissions(accountId: string, olderThanMs = this.options.stuckAfterMs): Promise<Order[]> {
    const adapter = await this.venues.forAccount(accountId);
    const cutoff = new Date(this.options.now().getTime() - olderThanMs).toISOString();
    const stuck = await this.ledger.listOrders(accountId, { statuses: ['pending_submit', 'submitted'], updatedBefore: cutoff, limit: passOrdersMax });
    const resolved: Order[] = [];
    for (const order of stuck) {
      const ref: OrderRef = { orderId: order.id, accountId };
      // Being stuck is a fact of time, not a change: its alert is written on its own, before the
      // lookup, once per order (a crash in the lookup finds it stuck again; the key holds it to one).
      await queueAlert(this.ledger.db, accountId, stuckSubmissionAlert({ ...order, since: order.updatedAt }, stuckOutcome(order.sentBy)), this.options.now().toISOString());
      const report = (order.brokerOrderId !== null ? await adapter.getOrder(order.brokerOrderId) : undefined) ?? (await adapter.getOrderByClientId(order.clientOrderId));
      if (report !== undefined) {
        await this.sync.applyOrderReport(accountId, report, 'broker_poll');
        await this.importFills(adapter, accountId, report.venueOrderId, order.createdAt);
      } else if (order.sentBy !== 'fillbook') {
        continue;
      } else {
        const type = order.status === 'pending_submit' ? 'failed' : 'rejected';
        await this.applyUnlessMovedOn(ref, { type, reason: 'not_found_at_broker' });
      }
      resolved.push(await this.ledger.getOrder(ref));
    }
    return resolved;
  }

  /**
   * Retries failed orders whose backoff has passed, at most `retryAttemptsMax` times each. Each is
   * first looked up at the venue: a send reported as failed may have arrived after all, and then the
   * ledger takes the venue's state and fills, with no retry and no guard (nothing is sent: the
   * order's exposure is a fact). Otherwise the retry event passes the exposure guard again (a
   * refusal alerts, `Ledger.applyEvent`), and only the instance whose retry event commits sends it.
   */
  async retryFailedOrders(accountId: string): Promise<Order[]> {
    const adapter = await this.venues.forAccount(accountId);
    // Only what Fillbook sends is ever retried: a failed order of the bot's is the bot's to place again.
    const failed = await this.ledger.listOrders(accountId, { statuses: ['failed'], sentBy: 'fillbook', limit: passOrdersMax });
    const now = this.options.now().getTime();
    const retried: Order[] = [];
    for (const order of failed) {
      if (order.retryCount >= this.options.retryAttemptsMax) continue;
      const since = Date.parse(order.lastRetryAt ?? order.firstFailedAt ?? order.updatedAt);
      if (now - since < this.options.retryDelayMs * 2 ** order.retryCount) continue;
      const ref: OrderRef = { orderId: order.id, accountId };
      const existing = await adapter.getOrderByClientId(order.clientOrderId);
      if (existing !== undefined) {
        await this.sync.applyOrderReport(accountId, existing, 'broker_poll');
        await this.importFills(adapter, accountId, existing.venueOrderId, order.createdAt);
        retried.push(await this.ledger.getOrder(ref));
        continue;
      }
      let current: Order;
      try {
        current = await this.ledger.applyEvent(ref, { type: 'retried', source: 'api' });
      } catch (error) {
        // Another instance retried it first, or the guard now refuses it: either way, not ours to send.
        if (isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION') || isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED') || isFillbookError(error, 'FILLBOOK_ERR_NOT_SENT_BY_FILLBOOK')) continue;
        throw error;
      }
      retried.push(await this.send(adapter, current));
    }
    return retried;
  }

  private async importFills(adapter: VenueAdapter, accountId: string, venueOrderId: string, since: string): Promise<void> {
    const fills: VenueFillReport[] = [];
    await readPages((cursor) => adapter.listFills(since, cursor), (page) => fills.push(...page.fills.filter((f) => f.venueOrderId === venueOrderId)));
    // Through the batched fill path, as every venue fill is (`VenueSync.applyFills`).
    await this.sync.applyFills(accountId, fills, 'broker_poll');
  }

  private async applyUnlessMovedOn(ref: OrderRef, event: { type: 'failed' | 'rejected'; reason: string }): Promise<void> {
    try {
      await this.ledger.applyEvent(ref, { ...event, source: 'reconciliation' });
    } catch (error) {
      // Its acknowledgement arrived meanwhile: the newer state stands and the verdict is moot.
      if (!isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) throw error;
    }
  }
}

/** What the submission check does about a stuck order, as its alert says. */
function stuckOutcome(sentBy: OrderSender): string {
  return sentBy === 'fillbook'
    ? 'Fillbook looks it up at the venue by client order id: found, the ledger takes the venue\'s state and fills; not found, it is failed (and retried with backoff) or rejected (not_found_at_broker). It is never sent again blindly.'
    : 'The bot sends this order: Fillbook looks it up at the venue and takes its state when found; not found, it is left for reconciliation (clear_invalid closes it as rejected).';
}
