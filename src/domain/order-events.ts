import type { Decimal } from './decimal.js';
import type { Fill } from './fill.js';
import type { OrderSpec } from './order.js';
import type { EventSource } from './vocabulary.js';

/** Events are named for what happened to the order; statuses (order-status.ts) are what it is. */
export const orderEventTypes = [
  'created',
  'submitted',
  'accepted',
  'cancel_requested',
  'cancel_rejected',
  'canceled',
  'rejected',
  'expired',
  'replaced',
  'amended',
  'status_checked',
  'failed',
  'retried',
  'filled',
] as const;
export type OrderEventType = (typeof orderEventTypes)[number];

interface EventBase {
  /** When it happened, as the reporter says (UTC ISO-8601). Lifecycle timestamps come from here. */
  at: string;
  /** When the ledger recorded it; `updated_at` comes from here. */
  recordedAt: string;
  source: EventSource;
}

export interface OrderCreated extends EventBase { type: 'created'; order: OrderSpec }
export interface OrderSubmitted extends EventBase { type: 'submitted'; brokerOrderId: string | null }
export interface OrderAccepted extends EventBase { type: 'accepted'; brokerOrderId: string | null }
export interface OrderCancelRequested extends EventBase { type: 'cancel_requested' }
export interface OrderCancelRejected extends EventBase { type: 'cancel_rejected'; reason: string | null }
export interface OrderCanceled extends EventBase { type: 'canceled'; reason: string | null }
export interface OrderRejected extends EventBase { type: 'rejected'; reason: string | null }
export interface OrderExpired extends EventBase { type: 'expired' }
export interface OrderReplaced extends EventBase { type: 'replaced'; reason: string | null }
export interface OrderAmended extends EventBase {
  type: 'amended';
  quantity: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
}
/** The venue was asked, or reported, and the status stands; `brokerOrderId` when the report named one. */
export interface OrderStatusChecked extends EventBase { type: 'status_checked'; brokerOrderId?: string | null }
export interface OrderFailed extends EventBase { type: 'failed'; reason: string | null }
export interface OrderRetried extends EventBase { type: 'retried' }
export interface OrderFilled extends EventBase { type: 'filled'; fill: Fill }

export type OrderEvent =
  | OrderCreated
  | OrderSubmitted
  | OrderAccepted
  | OrderCancelRequested
  | OrderCancelRejected
  | OrderCanceled
  | OrderRejected
  | OrderExpired
  | OrderReplaced
  | OrderAmended
  | OrderStatusChecked
  | OrderFailed
  | OrderRetried
  | OrderFilled;

/** An event after `created`: what can happen to an order that exists. */
export type OrderUpdate = Exclude<OrderEvent, OrderCreated>;
export type OrderUpdateType = OrderUpdate['type'];
