import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOrderEvent, averagePrice, Decimal, encodeOrderEvent, decodeOrderEvent, isFillbookError, type Order, type OrderEvent, replayOrder } from '../../src/domain/index.js';
import { created, event, fillEvent } from '../support/orders.js';

/** A decimal quantity or price as a venue would send it: up to 4 places, never a float. */
const decimalString = (min: number, max: number) =>
  fc.integer({ min: min * 10_000, max: max * 10_000 }).map((n) => new Decimal(n).div(10_000).toFixed());

const fillArb = fc.record({ quantity: decimalString(0.0001, 4), price: decimalString(0, 500), second: fc.integer({ min: 1, max: 3600 }) });

function applyAll(order: Order, events: OrderEvent[]): { order: Order; applied: OrderEvent[] } {
  const applied: OrderEvent[] = [];
  for (const e of events) {
    try {
      order = applyOrderEvent(order, e);
      applied.push(e);
    } catch (error) {
      if (!isFillbookError(error)) throw error;
    }
  }
  return { order, applied };
}

describe('fills, by property', () => {
  it('any order of the same fills gives the same quantities, notional, average and fill times', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.nat()), (fills, seeds) => {
        const events = fills.map((f, i) => fillEvent(`e${i}`, f.quantity, f.price, f.second));
        const shuffled = [...events].map((e) => ({ e, k: seeds.next().value })).sort((a, b) => a.k - b.k).map(({ e }) => e);
        const start = created({ quantity: new Decimal(1000) });
        const a = applyAll(start, events).order;
        const b = applyAll(start, shuffled).order;
        for (const field of ['qtyFilled', 'filledNotional', 'avgFillPrice', 'fees'] as const) expect(String(a[field])).toBe(String(b[field]));
        expect([a.firstFillAt, a.lastFillAt]).toEqual([b.firstFillAt, b.lastFillAt]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps invariants 1, 2 and 8 under random fills, cancels, late fills and overfills', () => {
    const step = fc.oneof(
      { weight: 6, arbitrary: fillArb.map((f) => ({ kind: 'fill' as const, ...f })) },
      { weight: 1, arbitrary: fc.constantFrom('submitted', 'accepted', 'cancel_requested', 'canceled', 'expired', 'cancel_rejected', 'status_checked').map((kind) => ({ kind })) },
    );
    fc.assert(
      fc.property(decimalString(1, 20), fc.array(step, { maxLength: 30 }), (quantity, steps) => {
        let second = 0;
        const events: OrderEvent[] = steps.map((s, i) => {
          second += 1;
          if (s.kind === 'fill') return fillEvent(`e${i}`, s.quantity, s.price, s.second);
          if (s.kind === 'canceled' || s.kind === 'cancel_rejected') return event({ type: s.kind, reason: null }, second);
          if (s.kind === 'submitted' || s.kind === 'accepted') return event({ type: s.kind, brokerOrderId: null }, second);
          return event({ type: s.kind }, second);
        });
        const start = created({ quantity: new Decimal(quantity) });
        const { order, applied } = applyAll(start, events);
        // 1: 0 <= filled <= quantity, remaining consistent with the status.
        expect(order.qtyFilled.gte(0) && order.qtyFilled.lte(order.quantity)).toBe(true);
        const terminal = ['filled', 'canceled', 'rejected', 'expired', 'replaced'].includes(order.status);
        expect(order.qtyRemaining.eq(terminal ? 0 : order.quantity.minus(order.qtyFilled))).toBe(true);
        // 2: the average is the quantity-weighted mean of the applied fills.
        const fills = applied.flatMap((e) => (e.type === 'filled' ? [e.fill] : []));
        const qty = fills.reduce((s, f) => s.plus(f.quantity), new Decimal(0));
        const notional = fills.reduce((s, f) => s.plus(f.quantity.times(f.price)), new Decimal(0));
        expect(order.qtyFilled.eq(qty)).toBe(true);
        expect(order.avgFillPrice === null ? qty.isZero() : order.avgFillPrice.eq(averagePrice(notional, qty))).toBe(true);
        if (order.qtyFilled.eq(order.quantity)) expect(order.status).toBe('filled');
        // 8: replaying the applied events, through their stored encoding, rebuilds the order exactly.
        const createdEvent: OrderEvent = { type: 'created', at: start.createdAt, recordedAt: start.updatedAt, source: 'api', order: start };
        const stored = [createdEvent, ...applied].map((e) => decodeOrderEvent(JSON.parse(JSON.stringify(encodeOrderEvent(e)))));
        expect(JSON.stringify(replayOrder(stored))).toBe(JSON.stringify(order));
      }),
      { numRuns: 300 },
    );
  });
});
