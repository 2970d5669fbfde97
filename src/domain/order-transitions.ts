import type { OrderUpdateType } from './order-events.js';
import type { OrderStatus } from './order-status.js';

/**
 * A row of the transition table. `to` is the status after the event:
 * - a status;
 * - `unchanged`: the event is recorded (timestamps, amendments) and the status stays;
 * - `working`: `open`, or `partially_filled` once anything has filled.
 * For a fill, `to` is the status after a partial fill and `whenComplete` the status once the order
 * is completely filled. `why` explains a row the real world needs but a textbook would not have.
 */
export interface Transition {
  to: OrderStatus | 'unchanged' | 'working';
  whenComplete?: OrderStatus;
  why?: string;
}

type TransitionTable = { readonly [S in OrderStatus]: { readonly [E in OrderUpdateType]?: Transition } };

const stay: Transition = { to: 'unchanged' };
const repeated: Transition = { to: 'unchanged', why: 'a repeated report of the current state' };
const fillWhileWorking: Transition = { to: 'partially_filled', whenComplete: 'filled' };
const afterAll = 'the send was reported as failed and reached the venue after all';
const lateAck: Transition = { to: 'unchanged', why: 'the acknowledgement arrived after a later event' };
const cancelRefusedAnyway: Transition = { to: 'unchanged', why: 'a cancel the bot asked of the venue itself was refused; the order works on' };

/**
 * Compared row by row with NautilusTrader's `OrderStatus::transition`
 * (crates/model/src/orders/mod.rs, 2026-12). Adopted from it: submitted/open/partially_filled +
 * cancel_rejected (unchanged), pending_cancel + rejected, pending_cancel + amended. Left out, and why:
 * - Denied, Emulated, Released, Triggered, PendingUpdate, ModifyRejected, Voided/FillVoided: no such
 *   statuses or events here. An order the guard refuses is never recorded (so never "denied"); local
 *   emulation and triggering are the venue's business (a triggered stop is reported as working); an
 *   amendment is recorded when the venue has made it (`amended`), not as a pending request; fills are
 *   append-only, and a fill that should not stand is quarantined, never voided.
 * - pending_cancel + accepted → Accepted and partially_filled + accepted → Accepted: here an
 *   acknowledgement after a later event is late (status unchanged): a refused cancel is reported as
 *   `cancel_rejected`, and a partially filled order stays partially filled.
 * - canceled/expired/filled + Updated: an amendment after the order is done changes nothing a ledger
 *   keeps; it is refused so that a bot's confused report is seen.
 * Rows here that Nautilus lacks: `replaced` (a venue's cancel-replace), `failed` and `retried`
 * (Fillbook's own send that did not reach the venue), `status_checked` (a poll that found no change),
 * and the venue's reports of a `failed` order (a send whose failure was misjudged: it reached the
 * venue, whose word stands).
 */

/**
 * The one table every change of order status goes through. Anything not in it is refused with an
 * error that names the order, its status and the event (see `order.ts`).
 */
export const orderTransitions: TransitionTable = {
  pending_submit: {
    submitted: { to: 'submitted' },
    accepted: { to: 'open', why: 'a bot that talks to its broker itself may report acceptance without the send' },
    rejected: { to: 'rejected' },
    failed: { to: 'failed' },
    canceled: { to: 'canceled', why: 'canceled before it was sent' },
    cancel_requested: { to: 'pending_cancel', why: 'a crash may have sent it; the cancel goes out by client order id' },
    expired: { to: 'expired', why: 'a day order recorded but never sent before the session closed' },
    filled: { to: 'partially_filled', whenComplete: 'filled', why: 'the fill arrived before the acknowledgement was recorded' },
    amended: stay,
    status_checked: stay,
  },
  submitted: {
    submitted: repeated,
    accepted: { to: 'working' },
    rejected: { to: 'rejected' },
    canceled: { to: 'canceled' },
    cancel_requested: { to: 'pending_cancel' },
    expired: { to: 'expired' },
    filled: { to: 'partially_filled', whenComplete: 'filled', why: 'the fill arrived before the acknowledgement' },
    cancel_rejected: { to: 'unchanged', why: 'a cancel can fail before the submission is acknowledged' },
    amended: stay,
    status_checked: stay,
  },
  open: {
    submitted: lateAck,
    accepted: repeated,
    filled: fillWhileWorking,
    cancel_requested: { to: 'pending_cancel' },
    canceled: { to: 'canceled' },
    expired: { to: 'expired' },
    replaced: { to: 'replaced' },
    rejected: { to: 'rejected', why: 'some venues reject after acknowledging (a later margin or risk check)' },
    cancel_rejected: cancelRefusedAnyway,
    amended: stay,
    status_checked: stay,
  },
  partially_filled: {
    submitted: lateAck,
    accepted: lateAck,
    filled: fillWhileWorking,
    cancel_requested: { to: 'pending_cancel' },
    canceled: { to: 'canceled' },
    expired: { to: 'expired' },
    replaced: { to: 'replaced' },
    cancel_rejected: cancelRefusedAnyway,
    amended: stay,
    status_checked: stay,
  },
  pending_cancel: {
    submitted: lateAck,
    accepted: lateAck,
    cancel_requested: repeated,
    filled: { to: 'pending_cancel', whenComplete: 'filled', why: 'the fill raced the cancel' },
    canceled: { to: 'canceled' },
    cancel_rejected: { to: 'working', why: 'the venue refused the cancel (too late, or already filling)' },
    rejected: { to: 'rejected', why: 'the venue rejected the order while its cancel was pending (a late risk check): it will never trade, and its room under the guard is free again' },
    expired: { to: 'expired' },
    replaced: { to: 'replaced' },
    amended: { to: 'unchanged', why: 'an amendment the venue acknowledged before the cancel reached it' },
    status_checked: stay,
  },
  filled: {
    submitted: lateAck,
    accepted: lateAck,
    cancel_rejected: { to: 'unchanged', why: 'the cancel was refused because the order had filled' },
    status_checked: stay,
  },
  canceled: {
    submitted: lateAck,
    accepted: lateAck,
    canceled: repeated,
    filled: { to: 'canceled', whenComplete: 'filled', why: 'a late fill for an order already canceled: it happened, so it counts' },
    status_checked: stay,
  },
  expired: {
    expired: repeated,
    filled: { to: 'expired', whenComplete: 'filled', why: 'a late fill for an order already expired: it happened, so it counts' },
    status_checked: stay,
  },
  replaced: {
    replaced: repeated,
    filled: { to: 'replaced', whenComplete: 'filled', why: 'a fill that raced the replacement' },
    status_checked: stay,
  },
  rejected: {
    rejected: repeated,
    status_checked: stay,
  },
  failed: {
    failed: repeated,
    retried: { to: 'pending_submit' },
    // A send reported as failed that the venue has after all: the venue is the truth.
    accepted: { to: 'working', why: afterAll },
    filled: { to: 'partially_filled', whenComplete: 'filled', why: afterAll },
    canceled: { to: 'canceled', why: afterAll },
    rejected: { to: 'rejected', why: afterAll },
    expired: { to: 'expired', why: afterAll },
    status_checked: stay,
  },
};

export function findTransition(status: OrderStatus, event: OrderUpdateType): Transition | undefined {
  return orderTransitions[status][event];
}
