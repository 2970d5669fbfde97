/** Orders: recording, adopting, lifecycle events through the transition table, and reading them with their audit trail. */
import {
  adoptedOrderIdFor,
  applyOrderEvent,
  changesNothing,
  checkExposure,
  decodeOrderEvent,
  encodeOrderEvent,
  type EventSource,
  eventSources,
  type Fill,
  FillbookError,
  invalid,
  isFillbookError,
  type Order,
  type OrderEvent,
  orderFingerprint,
  type OrderRequest,
  type OrderSpec,
  type OrderUpdate,
  type OrderUpdateType,
  positionExposure,
  type PositionRole,
  reasonCharsMax,
  replayOrder,
  requireOneOf,
  requirePositive,
  requireText,
  requireTimestamp,
  requireUuid,
  type StoredEventFields,
  type VenueOrderReport,
} from '../domain/index.js';
import {
  constraintOf,
  type Database,
  insertOrderCreated,
  insertOrderEvent,
  insertOrdersCreated,
  type OrderCreation,
  type OrderEventsWrite,
  type OrderFilter,
  type OrderPageFilter,
  selectGuardSnapshot,
  selectOrder,
  selectOrderAccount,
  selectOrderEvents,
  selectOrderFills,
  selectOrderPage,
  selectOrders,
  selectOrdersByKeys,
  sqlState,
  sqlStateOf,
  type StoredOrderEvent,
  updateOrder,
  updateOrdersWithEvents,
} from '../storage/index.js';
import { brokerOrderIdCharsMax, clientOrderIdCharsMax, lockOrder, lockPosition, type OrderRef, orderNotFound, resolveOrder } from './addressing.js';
import { OrderPlacement, type RecordOrderResult } from './order-placement.js';
import type { RecentCopies } from './recent-copies.js';

/**
 * The lifecycle events a caller reports, in the domain's words (`accepted` is the venue's
 * acknowledgement, `cancel_requested` a cancel on its way, `retried` re-queues a failed order); the
 * HTTP API's words (`open`, `pending_cancel`, `retry`) are mapped in src/server. Fills are recorded
 * apart (`Ledger.recordFills`), the creation by `recordOrder`.
 */
export const lifecycleEventTypes = [
  'submitted', 'accepted', 'cancel_requested', 'cancel_rejected', 'canceled', 'rejected', 'expired', 'replaced', 'amended',
  'status_checked', 'failed', 'retried',
] as const satisfies readonly OrderUpdateType[];
export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

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

export interface OrderDetail {
  order: Order;
  fills: Fill[];
  events: StoredOrderEvent[];
}

/**
 * One order's lifecycle events decided one at a time (see `Orders.applySequences`): `next` is given
 * the order as the events before left it and returns the next event, or null when there is none.
 */
export interface EventSequence {
  /** The order as the caller read it; the write checks it is still at this version. */
  order: Order;
  next: (order: Order) => LifecycleEventInput | null;
}

export interface EventSequenceResult {
  /** The order as the sequence left it. */
  order: Order;
  /** Events the transition table accepted (one that changes nothing included, as `applyEvent` returns it). */
  applied: number;
  /** The event the transition table refused, which ended the sequence (`FILLBOOK_ERR_INVALID_TRANSITION`), and its place. */
  refused: { step: number; error: FillbookError } | null;
}

/** Events one sequence may hold: a bound on a loop over what the caller decides. */
const sequenceStepsMax = 8;

/** The most rows one list call returns. */
export const listLimitMax = 1000;

export class Orders {
  private readonly placement: OrderPlacement;

  constructor(
    private readonly db: Database,
    private readonly now: () => string,
    /** Shared with the fill path: what is written here updates the copies it reads. */
    private readonly recentOrders: RecentCopies<Order>,
  ) {
    this.placement = new OrderPlacement(db, now);
  }

  async record(request: OrderRequest, source: EventSource): Promise<RecordOrderResult> {
    const result = await this.placement.record(request, source);
    this.recentOrders.remember(result.order);
    return result;
  }

  /**
   * Records an order found at the venue that the ledger never knew (origin `reconciliation`, or
   * `import` for a history import; `detected_at` set), under the deterministic id reconciliation
   * chose for it, so adopting twice, by either path, yields one order. The venue's state and fills
   * are applied afterwards.
   */
  async adopt(accountId: string, report: VenueOrderReport, id: string, origin: 'reconciliation' | 'import' = 'reconciliation'): Promise<RecordOrderResult> {
    const { order, fingerprint, events } = adoptionOf(requireUuid(accountId, 'account_id'), report, requireUuid(id, 'order_id'), origin, this.now());
    return adoptingRace(() => this.db.transaction(async (tx) => {
      if (await insertOrderCreated(tx, order, fingerprint, events[0]!.event)) return { order, created: true };
      const existing = await selectOrder(tx, order.accountId, { by: 'client_order_id', value: order.clientOrderId });
      if (existing === undefined) throw new Error(`adopting ${report.venueOrderId} conflicted but no order holds its client order id`);
      return { order: existing.order, created: false };
    }));
  }

  /**
   * `adopt` for many venue orders of one account at once, each under `adoptedOrderIdFor`: one
   * statement inserts those whose client order id is free (with their created events), one read
   * finds the orders holding the others. Each result is as `adopt` would answer, in input order: a
   * report whose client order id an earlier report of the call took gets that order, not created.
   * Safe against concurrent adopters: the insert waits for one holding the same client order id and
   * then leaves it. With `then`, each order this call creates also gets the events `then` decides
   * for it (see `applySequences`), written in the same statement, as if applied right after.
   */
  async adoptMany(
    accountId: string,
    reports: readonly VenueOrderReport[],
    origin: 'reconciliation' | 'import',
    then?: (report: VenueOrderReport) => EventSequence['next'],
  ): Promise<RecordOrderResult[]> {
    const account = requireUuid(accountId, 'account_id');
    if (reports.length === 0) return [];
    const at = this.now();
    const adoptions = reports.map((report) => adoptionOf(account, report, adoptedOrderIdFor(account, report.venueOrderId), origin, at));
    // The first report of each client order id is inserted; a later one is answered as adopt would answer it then.
    const first = new Map<string, OrderCreation>();
    const firstAt = new Map<string, number>();
    for (const [i, adoption] of adoptions.entries()) {
      if (first.has(adoption.order.clientOrderId)) continue;
      firstAt.set(adoption.order.clientOrderId, i);
      if (then === undefined) first.set(adoption.order.clientOrderId, adoption);
      else {
        const { order, events } = this.decide(adoption.order, then(reports[i]!));
        first.set(adoption.order.clientOrderId, { ...adoption, order, events: [...adoption.events, ...events] });
      }
    }
    const created = await adoptingRace(() => insertOrdersCreated(this.db, account, [...first.values()]));
    const holders = new Map<string, Order>();
    for (const adoption of first.values()) {
      if (!created.has(adoption.order.id)) continue;
      holders.set(adoption.order.clientOrderId, adoption.order);
      if (then !== undefined) this.recentOrders.remember(adoption.order);
    }
    const taken = [...first.keys()].filter((clientOrderId) => !holders.has(clientOrderId));
    if (taken.length > 0) {
      for (const order of await selectOrdersByKeys(this.db, account, { ids: [], clientOrderIds: taken, brokerOrderIds: [] })) holders.set(order.clientOrderId, order);
    }
    return adoptions.map((adoption, i) => {
      const order = holders.get(adoption.order.clientOrderId);
      if (order === undefined) throw new Error(`adopting ${adoption.order.brokerOrderId} conflicted but no order holds its client order id`);
      return { order, created: firstAt.get(adoption.order.clientOrderId) === i && created.has(adoption.order.id) };
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

  /**
   * Lifecycle events of many orders of one account, decided in memory and written together: each
   * sequence's events go through the transition table one after the other from the order as read (an
   * event that changes nothing is not written, as in `applyEvent`; a refused one ends its sequence
   * and is returned), then one statement writes every changed order and its events, if each is still
   * at the version read. Undefined when nothing was written because an order moved since it was read
   * or a broker order id the events set belongs to another order: the caller then applies them one at
   * a time through `applyEvent`, which says which. Events that add exposure (a retry, a larger
   * amendment) go through `applyEvent`, which runs the guard; here they are an error. One sequence
   * per order.
   */
  async applySequences(accountId: string, sequences: readonly EventSequence[]): Promise<EventSequenceResult[] | undefined> {
    const account = requireUuid(accountId, 'account_id');
    const writes: OrderEventsWrite[] = [];
    const seen = new Set<string>();
    const results = sequences.map(({ order: read, next }): EventSequenceResult => {
      if (read.accountId !== account) throw new Error(`order ${read.id} is not of account ${account}`);
      if (seen.has(read.id)) throw new Error(`order ${read.id} has two sequences in one batch`);
      seen.add(read.id);
      const { order, applied, refused, events } = this.decide(read, next);
      if (events.length > 0) writes.push({ readVersion: read.version, order, events });
      return { order, applied, refused };
    });
    let written: 'applied' | 'stale';
    try {
      written = await updateOrdersWithEvents(this.db, account, writes);
    } catch (error) {
      if (sqlStateOf(error) === sqlState.uniqueViolation && constraintOf(error)?.includes('broker_order_id')) written = 'stale';
      else throw error;
    }
    if (written === 'stale') {
      for (const w of writes) this.recentOrders.forget(w.order.id);
      return undefined;
    }
    for (const w of writes) this.recentOrders.remember(w.order);
    return results;
  }

  /** A sequence's events through the transition table, in memory: the order they leave and the events to write (see `applySequences`). */
  private decide(read: Order, next: EventSequence['next']): EventSequenceResult & { events: { seq: number; event: StoredEventFields }[] } {
    let order = read;
    let applied = 0;
    let refused: EventSequenceResult['refused'] = null;
    const events: { seq: number; event: StoredEventFields }[] = [];
    for (let step = 0, input = next(order); input !== null; input = next(order)) {
      if (step >= sequenceStepsMax) throw new Error(`more than ${sequenceStepsMax} events for order ${read.id} in one sequence`);
      const event = this.lifecycleEvent(input);
      if (addsExposure(event)) throw new Error(`a ${event.type} event may add exposure: apply it through applyEvent, which runs the guard`);
      let after: Order;
      try {
        after = applyOrderEvent(order, event);
      } catch (error) {
        if (!isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')) throw error;
        refused = { step, error };
        break;
      }
      step++;
      applied++;
      if (changesNothing(order, after)) continue;
      order = after;
      events.push({ seq: after.version, event: encodeOrderEvent(event) });
    }
    return { order, applied, refused, events };
  }

  /** The orders of an account that any of these client or broker order ids name (each checked as an order reference would be). */
  async findByKeys(accountId: string, keys: { clientOrderIds: readonly string[]; brokerOrderIds: readonly string[] }): Promise<Order[]> {
    const account = requireUuid(accountId, 'account_id');
    const clientOrderIds = [...new Set(keys.clientOrderIds.map((id) => requireText(id, 'client_order_id', clientOrderIdCharsMax)))];
    const brokerOrderIds = [...new Set(keys.brokerOrderIds.map((id) => requireText(id, 'broker_order_id', brokerOrderIdCharsMax)))];
    if (clientOrderIds.length === 0 && brokerOrderIds.length === 0) return [];
    return selectOrdersByKeys(this.db, account, { ids: [], clientOrderIds, brokerOrderIds });
  }

  private lifecycleEvent(input: LifecycleEventInput): OrderUpdate {
    const type = requireOneOf(lifecycleEventTypes, input.type, 'type');
    const recordedAt = this.now();
    // The common fields written out in each case, not spread from a base object (see `encodeOrderEvent`).
    const at = input.at === undefined ? recordedAt : requireTimestamp(input.at, 'at');
    const source = requireOneOf(eventSources, input.source ?? 'api', 'source');
    const reason = input.reason === undefined ? null : requireText(input.reason, 'reason', reasonCharsMax);
    const brokerOrderId = input.brokerOrderId === undefined ? null : requireText(input.brokerOrderId, 'broker_order_id', brokerOrderIdCharsMax);
    switch (type) {
      case 'submitted':
      case 'accepted':
        return { at, recordedAt, source, type, brokerOrderId };
      case 'cancel_rejected':
      case 'canceled':
      case 'rejected':
      case 'replaced':
      case 'failed':
        return { at, recordedAt, source, type, reason };
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
        return { at, recordedAt, source, type, quantity: amended.quantity, limitPrice: amended.limitPrice, stopPrice: amended.stopPrice };
      }
      case 'status_checked':
        return { at, recordedAt, source, type, brokerOrderId };
      case 'cancel_requested':
      case 'expired':
      case 'retried':
        return { at, recordedAt, source, type };
    }
  }

  async get(ref: OrderRef): Promise<Order> {
    const { accountId, key } = await resolveOrder(this.db, ref);
    const found = await selectOrder(this.db, accountId, key);
    if (found === undefined) throw orderNotFound(ref);
    return found.order;
  }

  /** The order with its fills and its audit trail, read in one transaction so they agree. */
  async detail(ref: OrderRef): Promise<OrderDetail> {
    const { accountId, key } = await resolveOrder(this.db, ref);
    return this.db.transaction(async (tx) => {
      const found = await selectOrder(tx, accountId, key);
      if (found === undefined) throw orderNotFound(ref);
      const [fills, events] = [await selectOrderFills(tx, accountId, found.order.id), await selectOrderEvents(tx, accountId, found.order.id)];
      return { order: found.order, fills, events };
    });
  }

  /** The account an order belongs to, found with one light query; undefined when there is no such order. */
  async accountOf(orderId: string): Promise<string | undefined> {
    return selectOrderAccount(this.db, requireUuid(orderId, 'order_id'));
  }

  /** Rebuilds an order from its stored events alone. */
  async replay(ref: OrderRef): Promise<Order> {
    const { events } = await this.detail(ref);
    return replayOrder(events.map(decodeOrderEvent));
  }

  /** A page of orders across the given accounts, newest first (the listing API). */
  async page(filter: OrderPageFilter): Promise<Order[]> {
    return selectOrderPage(this.db, { ...filter, limit: Math.min(filter.limit, listLimitMax) });
  }

  /** Orders of an account, oldest first, optionally by status and last change. */
  async list(accountId: string, filter: Partial<OrderFilter> = {}): Promise<Order[]> {
    return selectOrders(this.db, requireUuid(accountId, 'account_id'), { limit: listLimitMax, ...filter });
  }
}

/** Events that make an order of a position ask for more: a retry makes it working again, an amendment may grow it. */
function addsExposure(event: OrderUpdate): boolean {
  return event.type === 'retried' || (event.type === 'amended' && event.quantity !== null);
}

/** The order, fingerprint and created event of a venue order the ledger adopts (see `Orders.adopt`). */
function adoptionOf(accountId: string, report: VenueOrderReport, id: string, origin: 'reconciliation' | 'import', at: string): OrderCreation {
  const spec: OrderSpec = {
    id,
    accountId,
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
  return { order: applyOrderEvent(undefined, created), fingerprint: orderFingerprint(spec), events: [{ seq: 1, event: encodeOrderEvent(created) }] };
}

/** Attempts at an adoption that raced another adopter of the same venue order (see `adoptingRace`). */
const adoptionAttemptsMax = 3;

/**
 * Runs an adoption again when it lost a race on the order's id. An adopted order's id and client
 * order id both follow from the venue order, and the insert leaves a taken client order id alone
 * (ON CONFLICT), but two adopters inserting at once can meet on the id's unique key first, which
 * ON CONFLICT does not arbitrate: the loser's statement fails and wrote nothing. Run again, it
 * finds the winner's order by its client order id and answers as `adopt` answers for a taken one.
 */
async function adoptingRace<T>(adopt: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await adopt();
    } catch (error) {
      const lostOnId = sqlStateOf(error) === sqlState.uniqueViolation && constraintOf(error) === 'orders_pkey';
      if (!lostOnId || attempt >= adoptionAttemptsMax) throw error;
    }
  }
}
