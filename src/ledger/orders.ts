/** Orders: recording, adopting, lifecycle events through the transition table, and reading them with their audit trail. */
import {
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
  type VenueOrderReport,
} from '../domain/index.js';
import {
  constraintOf,
  type Database,
  insertOrderCreated,
  insertOrderEvent,
  type OrderFilter,
  type OrderPageFilter,
  selectGuardSnapshot,
  selectOrder,
  selectOrderAccount,
  selectOrderEvents,
  selectOrderFills,
  selectOrderPage,
  selectOrders,
  sqlState,
  sqlStateOf,
  type StoredOrderEvent,
  updateOrder,
} from '../storage/index.js';
import { brokerOrderIdCharsMax, lockOrder, lockPosition, type OrderRef, orderNotFound, resolveOrder } from './addressing.js';
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
    const at = this.now();
    const spec: OrderSpec = {
      id: requireUuid(id, 'order_id'),
      accountId: requireUuid(accountId, 'account_id'),
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

  private lifecycleEvent(input: LifecycleEventInput): OrderUpdate {
    const type = requireOneOf(lifecycleEventTypes, input.type, 'type');
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
      case 'status_checked':
        return { ...base, type, brokerOrderId };
      case 'cancel_requested':
      case 'expired':
      case 'retried':
        return { ...base, type };
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

