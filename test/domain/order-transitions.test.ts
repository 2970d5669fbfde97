import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  Decimal,
  FillbookError,
  findTransition,
  orderEventTypes,
  orderStatuses,
  orderTransitions,
} from '../../src/domain/index.js';
import { at, created, event, fillEvent, run } from '../support/orders.js';

const submitted = event({ type: 'submitted', brokerOrderId: 'B-1' });
const accepted = event({ type: 'accepted', brokerOrderId: null }, 2);
const cancelRequested = event({ type: 'cancel_requested' }, 3);

describe('the transition table', () => {
  it('has a row set for every status and only known event types', () => {
    expect(Object.keys(orderTransitions).sort()).toEqual([...orderStatuses].sort());
    for (const rows of Object.values(orderTransitions)) {
      for (const type of Object.keys(rows)) expect(orderEventTypes).toContain(type);
    }
  });

  it('explains every row that leaves a terminal status or skips the acknowledgement', () => {
    for (const status of ['canceled', 'expired', 'replaced'] as const) {
      expect(findTransition(status, 'filled')?.why).toMatch(/fill/);
    }
    expect(findTransition('submitted', 'filled')?.why).toMatch(/before the acknowledgement/);
    expect(findTransition('pending_cancel', 'filled')?.why).toMatch(/raced the cancel/);
  });
});

describe('real-world transitions', () => {
  it('a venue that rejects an order whose cancel is pending (pending_cancel -> rejected) frees its room', () => {
    const pending = run(submitted, accepted, cancelRequested);
    const rejected = applyOrderEvent(pending, event({ type: 'rejected', reason: 'risk check failed' }, 4));
    expect(rejected.status).toBe('rejected');
    expect(rejected.statusReason).toBe('risk check failed');
    expect(rejected.qtyRemaining.toFixed()).toBe('0');
  });

  it('a cancel the venue refused while the order was not pending cancel leaves it working', () => {
    for (const before of [[submitted], [submitted, accepted], [submitted, accepted, fillEvent('e1', '2', '2.5', 3)]]) {
      const order = run(...before);
      const after = applyOrderEvent(order, event({ type: 'cancel_rejected', reason: 'too late' }, 5));
      expect(after.status).toBe(order.status);
    }
  });

  it('never retries an order the bot sends, whatever its status', () => {
    const failed = run(event({ type: 'failed', reason: 'venue down' }));
    expect(applyOrderEvent(failed, event({ type: 'retried' }, 2)).status).toBe('pending_submit');
    const botFailed = applyOrderEvent(created({ sentBy: 'bot' }), event({ type: 'failed', reason: 'venue down' }));
    expect(() => applyOrderEvent(botFailed, event({ type: 'retried' }, 2))).toThrow(expect.objectContaining({ code: 'FILLBOOK_ERR_NOT_SENT_BY_FILLBOOK' }));
  });

  it("a failed order takes the venue's reports: its send was misjudged and reached the venue after all", () => {
    const failed = run(event({ type: 'failed', reason: 'connection reset' }));
    expect(findTransition('failed', 'accepted')?.why).toMatch(/reached the venue after all/);
    const open = applyOrderEvent(failed, event({ type: 'accepted', brokerOrderId: 'B-7' }, 2));
    expect([open.status, open.brokerOrderId, open.acceptedAt, open.firstFailedAt]).toEqual(['open', 'B-7', at(2), at(1)]);
    // A fill straight away (the acknowledgement never came): partly, then wholly filled.
    const part = applyOrderEvent(failed, fillEvent('e1', '4', '10', 2));
    expect([part.status, part.qtyFilled.toFixed(), part.qtyRemaining.toFixed()]).toEqual(['partially_filled', '4', '6']);
    const whole = applyOrderEvent(failed, fillEvent('e2', '10', '10', 2));
    expect([whole.status, whole.completedAt]).toEqual(['filled', at(2)]);
    for (const type of ['canceled', 'rejected', 'expired'] as const) {
      const closed = applyOrderEvent(failed, event({ type, reason: 'by the venue' }, 2));
      expect([closed.status, closed.completedAt]).toEqual([type, at(2)]);
    }
    // Still refused: what only Fillbook's own pipeline says (a submission, a cancel request, an amendment).
    for (const refused of [event({ type: 'submitted', brokerOrderId: 'B-8' }, 2), event({ type: 'cancel_requested' }, 2), event({ type: 'amended', quantity: new Decimal(5), limitPrice: null, stopPrice: null }, 2)]) {
      expect(() => applyOrderEvent(failed, refused)).toThrow(expect.objectContaining({ code: 'FILLBOOK_ERR_INVALID_TRANSITION' }));
    }
  });

  it('learns the broker order id from a status check, once', () => {
    const order = run(event({ type: 'submitted', brokerOrderId: null }));
    const learned = applyOrderEvent(order, event({ type: 'status_checked', brokerOrderId: 'B-9' }, 2));
    expect(learned.brokerOrderId).toBe('B-9');
    expect(() => applyOrderEvent(learned, event({ type: 'status_checked', brokerOrderId: 'B-10' }, 3))).toThrow(expect.objectContaining({ code: 'FILLBOOK_ERR_BROKER_ORDER_ID_CONFLICT' }));
  });

  it('the happy path: submitted, acknowledged, partially filled, filled', () => {
    const partly = run(submitted, accepted, fillEvent('e1', '4', '2.50', 3));
    expect(partly.status).toBe('partially_filled');
    expect(partly.qtyRemaining.toFixed()).toBe('6');
    const done = applyOrderEvent(partly, fillEvent('e2', '6', '2.47', 4));
    expect(done.status).toBe('filled');
    expect(done.avgFillPrice?.toFixed()).toBe('2.482');
    expect(done.qtyRemaining.toFixed()).toBe('0');
    expect(done.completedAt).toBe(fillEvent('e2', '6', '2.47', 4).at);
    expect([done.submittedAt, done.acceptedAt]).toEqual([submitted.at, accepted.at]);
  });

  it('a fill before the acknowledgement (submitted -> partially_filled -> filled)', () => {
    const partly = run(submitted, fillEvent('e1', '3', '2.5', 2));
    expect(partly.status).toBe('partially_filled');
    expect(run(submitted, fillEvent('e1', '10', '2.5', 2)).status).toBe('filled');
    // The late acknowledgement changes nothing but the acceptance time.
    const acked = applyOrderEvent(partly, accepted);
    expect(acked.status).toBe('partially_filled');
    expect(acked.acceptedAt).toBe(accepted.at);
  });

  it('a fill that raced a cancel (pending_cancel -> filled)', () => {
    const pending = run(submitted, accepted, cancelRequested);
    expect(pending.status).toBe('pending_cancel');
    expect(applyOrderEvent(pending, fillEvent('e1', '4', '2.5', 4)).status).toBe('pending_cancel');
    expect(applyOrderEvent(pending, fillEvent('e1', '10', '2.5', 4)).status).toBe('filled');
  });

  it('a late fill after a cancel counts, and completes the order only when it fills it', () => {
    const canceled = run(submitted, accepted, fillEvent('e1', '4', '2.5', 3), event({ type: 'canceled', reason: 'user' }, 4));
    expect([canceled.status, canceled.qtyRemaining.toFixed(), canceled.canceledAt]).toEqual(['canceled', '0', event({ type: 'canceled', reason: null }, 4).at]);
    const late = applyOrderEvent(canceled, fillEvent('e2', '2', '2.4', 5));
    expect([late.status, late.qtyFilled.toFixed()]).toEqual(['canceled', '6']);
    const complete = applyOrderEvent(late, fillEvent('e3', '4', '2.4', 6));
    expect([complete.status, complete.qtyFilled.toFixed(), complete.completedAt]).toEqual(['filled', '10', fillEvent('e3', '4', '2.4', 6).at]);
  });

  it('a late fill after expiry counts', () => {
    const expired = run(submitted, accepted, event({ type: 'expired' }, 3));
    const late = applyOrderEvent(expired, fillEvent('e1', '1', '2.5', 4));
    expect([late.status, late.qtyFilled.toFixed()]).toEqual(['expired', '1']);
  });

  it('a refused cancel returns the order to working (open or partially filled)', () => {
    const refused = event({ type: 'cancel_rejected', reason: 'too late' }, 4);
    expect(applyOrderEvent(run(submitted, accepted, cancelRequested), refused).status).toBe('open');
    expect(applyOrderEvent(run(submitted, accepted, fillEvent('e1', '1', '2.5', 2), cancelRequested), refused).status).toBe('partially_filled');
  });

  it('a retry after a failure: failed -> pending_submit, counted and timed', () => {
    const failed = run(event({ type: 'failed', reason: 'connection refused' }, 1));
    expect([failed.status, failed.firstFailedAt, failed.statusReason]).toEqual(['failed', event({ type: 'failed', reason: null }, 1).at, 'connection refused']);
    const retried = applyOrderEvent(failed, event({ type: 'retried' }, 5));
    expect([retried.status, retried.retryCount, retried.lastRetryAt]).toEqual(['pending_submit', 1, event({ type: 'retried' }, 5).at]);
    const failedAgain = applyOrderEvent(retried, event({ type: 'failed', reason: 'timeout' }, 9));
    expect(failedAgain.firstFailedAt).toBe(failed.firstFailedAt);
  });

  it('status checks and amendments keep the status and record their times', () => {
    const open = run(submitted, accepted);
    const checked = applyOrderEvent(open, event({ type: 'status_checked' }, 7));
    expect([checked.status, checked.lastStatusCheckAt]).toEqual(['open', event({ type: 'status_checked' }, 7).at]);
    const amended = applyOrderEvent(open, event({ type: 'amended', quantity: new Decimal(12), limitPrice: null, stopPrice: null }, 8));
    expect([amended.quantity.toFixed(), amended.qtyRemaining.toFixed(), amended.amendedAt]).toEqual(['12', '12', event({ type: 'status_checked' }, 8).at]);
  });
});

describe('refused transitions', () => {
  const cases = [
    { name: 'a fill for a rejected order', order: () => run(event({ type: 'rejected', reason: 'no buying power' })), event: fillEvent('e1', '1', '2.5', 2), status: 'rejected' },
    { name: 'a cancel for a filled order', order: () => run(submitted, fillEvent('e1', '10', '2.5', 2)), event: event({ type: 'canceled', reason: null }, 3), status: 'filled' },
    { name: 'a retry of a working order', order: () => run(submitted, accepted), event: event({ type: 'retried' }, 3), status: 'open' },
    { name: 'a failure after the order was sent', order: () => run(submitted), event: event({ type: 'failed', reason: null }, 3), status: 'submitted' },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}, naming the order, the status and the event`, () => {
      const order = c.order();
      let error: unknown;
      try {
        applyOrderEvent(order, c.event);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FillbookError);
      const fe = error as FillbookError;
      expect(fe.code).toBe('FILLBOOK_ERR_INVALID_TRANSITION');
      expect(fe.message).toContain(order.id);
      expect(fe.message).toContain(c.status);
      expect(fe.message).toContain(c.event.type);
      expect(fe.details).toEqual({ order_id: order.id, status: c.status, event: c.event.type });
    });
  }

  it('refuses a broker order id that contradicts the one already known', () => {
    expect(() => applyOrderEvent(run(submitted), event({ type: 'accepted', brokerOrderId: 'B-2' }, 2))).toThrow(/already has broker order id B-1/);
  });

  it('refuses an overfill with the numbers', () => {
    expect(() => run(submitted, fillEvent('e1', '7', '2.5', 2), fillEvent('e2', '4', '2.5', 3))).toThrow(
      /fill e2 of 4 would overfill order .* \(quantity 10, filled 7\)/,
    );
  });
});
