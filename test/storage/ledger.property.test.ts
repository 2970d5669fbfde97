import fc from 'fast-check';
import { expect, it } from 'vitest';
import { averagePrice, Decimal, findTransition, isFillbookError } from '../../src/domain/index.js';
import type { LifecycleEventType } from '../../src/ledger/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * Random deliveries against the real storage: fills (some redelivered as they were, some redelivered
 * with different data, some too big), and lifecycle reports (cancels, expiries, refused cancels),
 * then invariants 1, 2, 3 and 8 checked against what the database holds.
 */
const quantity = fc.integer({ min: 1, max: 40 }).map((n) => new Decimal(n).div(4).toFixed());
const price = fc.integer({ min: 1, max: 20_000 }).map((n) => new Decimal(n).div(100).toFixed());

type Step =
  | { kind: 'fill'; exec: number; quantity: string; price: string }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'conflict'; pick: number }
  | { kind: 'event'; type: LifecycleEventType };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('fill' as const), exec: fc.integer({ min: 0, max: 11 }), quantity, price }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('conflict' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      type: fc.constantFrom<LifecycleEventType>('submitted', 'accepted', 'cancel_requested', 'cancel_rejected', 'canceled', 'expired', 'status_checked'),
    }),
  },
);

describeEachEngine('ledger invariants, by property', (h) => {
  it('keeps invariants 1, 2, 3 and 8 for random deliveries', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'property', venue: 'paper' });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: 40 }), fc.array(step, { minLength: 1, maxLength: 25 }), async (size, steps) => {
        const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'SPY', side: 'buy', type: 'market', quantity: String(size) });
        const ref = { orderId: order.id };
        const delivered: { execId: string; quantity: string; price: string }[] = [];
        const applied = new Map<string, { quantity: string; price: string }>();
        for (const s of steps) {
          if (s.kind === 'event') {
            await ledger.applyEvent(ref, { type: s.type }).catch((e: unknown) => {
              if (!isFillbookError(e, 'FILLBOOK_ERR_INVALID_TRANSITION')) throw e;
            });
            continue;
          }
          const fill =
            s.kind === 'fill'
              ? { execId: `${order.id}-${s.exec}`, quantity: s.quantity, price: s.price }
              : delivered.length === 0
                ? undefined
                : s.kind === 'redeliver'
                  ? delivered[s.pick % delivered.length]
                  : { ...delivered[s.pick % delivered.length]!, quantity: new Decimal(delivered[s.pick % delivered.length]!.quantity).plus(1).toFixed() };
          if (fill === undefined) continue;
          const before = await ledger.getOrder(ref);
          const known = applied.get(fill.execId);
          const outcome = await ledger.recordFill({ order: ref, ...fill }).then(
            (r) => r.outcome,
            (e: unknown) => (isFillbookError(e) ? e.code : Promise.reject(e)),
          );
          // Invariant 3: a known exec id changes nothing; different data is a conflict; an overfill is refused.
          if (known !== undefined) {
            const same = new Decimal(known.quantity).eq(fill.quantity) && new Decimal(known.price).eq(fill.price);
            expect(outcome).toBe(same ? 'duplicate' : 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT');
          } else if (findTransition(before.status, 'filled') === undefined) {
            expect(outcome).toBe('FILLBOOK_ERR_INVALID_TRANSITION');
          } else if (before.qtyFilled.plus(fill.quantity).gt(before.quantity)) {
            expect(outcome).toBe('FILLBOOK_ERR_OVERFILL');
          } else {
            expect(outcome).toBe('recorded');
            applied.set(fill.execId, fill);
          }
          if (outcome !== 'recorded') expect(await ledger.getOrder(ref)).toEqual(before);
          if (s.kind === 'fill') delivered.push(fill);
        }
        const { order: stored, fills, events } = await ledger.getOrderDetail(ref);
        // Invariant 1 and 2 against the stored fills.
        const qty = fills.reduce((sum, f) => sum.plus(f.quantity), new Decimal(0));
        const notional = fills.reduce((sum, f) => sum.plus(f.quantity.times(f.price)), new Decimal(0));
        expect(fills.map((f) => f.execId).sort()).toEqual([...applied.keys()].sort());
        expect(stored.qtyFilled.eq(qty) && stored.qtyFilled.lte(stored.quantity)).toBe(true);
        expect(stored.avgFillPrice === null ? qty.isZero() : stored.avgFillPrice.eq(averagePrice(notional, qty))).toBe(true);
        // Invariant 8: one event per change, and replaying them rebuilds the stored order exactly.
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: stored.version }, (_, i) => i + 1));
        expect(await ledger.replayOrder(ref)).toEqual(stored);
      }),
      { numRuns: 25 },
    );
  });
});
