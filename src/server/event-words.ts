import type { LifecycleEventType } from '../ledger/index.js';

/**
 * Lifecycle events as the HTTP API names them, in the words of an order's status: `open` is the
 * venue's acknowledgement, `pending_cancel` a cancel on its way, `retry` re-queues a failed order.
 * The ledger and the domain speak their own words (`accepted`, `cancel_requested`, `retried`); this
 * is the one place that maps between them.
 */
export const apiEventTypes = [
  'submitted', 'open', 'pending_cancel', 'cancel_rejected', 'canceled', 'rejected', 'expired', 'replaced', 'amended',
  'status_checked', 'failed', 'retry',
] as const;
export type ApiEventType = (typeof apiEventTypes)[number];

export const domainEventOf = {
  submitted: 'submitted',
  open: 'accepted',
  pending_cancel: 'cancel_requested',
  cancel_rejected: 'cancel_rejected',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
  replaced: 'replaced',
  amended: 'amended',
  status_checked: 'status_checked',
  failed: 'failed',
  retry: 'retried',
} as const satisfies Record<ApiEventType, LifecycleEventType>;
