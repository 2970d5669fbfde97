import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { describeEachEngine } from '../support/backends.js';
import { reconciling } from '../support/reconciling.js';

type Drift = 'none' | 'silent_cancel' | 'silent_partial_fill' | 'silent_full_fill' | 'ghost' | 'external' | 'external_partly_filled' | 'external_filled' | 'never_sent' | 'lost_cancel' | 'closed_here';
const drifts: Drift[] = ['none', 'silent_cancel', 'silent_partial_fill', 'silent_full_fill', 'ghost', 'external', 'external_partly_filled', 'external_filled', 'never_sent', 'lost_cancel', 'closed_here'];

/**
 * Random divergences planted through the paper venue's silent controls and the ledger's own API;
 * after every action is applied, the ledger and the venue agree and a further run finds nothing.
 */
describeEachEngine('reconciliation, by property', (h) => {
  it('repairs any mix of divergences so that ledger and venue agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...drifts), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), async (plan, fillQty) => {
        // The clock runs two minutes ahead, so that never-sent orders count as stuck.
        const r = await reconciling(h().ledger, { now: () => new Date(Date.now() + 120_000) });
        try {
          for (const drift of plan) {
            if (drift === 'external' || drift === 'external_partly_filled' || drift === 'external_filled') {
              const v = await r.paper.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '10', limitPrice: '50' }, { silent: true });
              if (drift === 'external_partly_filled') await r.paper.fill(v.venueOrderId, new Decimal(fillQty), new Decimal(50), { silent: true });
              if (drift === 'external_filled') await r.paper.fill(v.venueOrderId, new Decimal(10), new Decimal(50), { silent: true });
              continue;
            }
            const order = await r.place({ submit: drift !== 'never_sent' && drift !== 'ghost' });
            const venueId = order.brokerOrderId!;
            if (drift === 'silent_cancel') await r.paper.cancelOrder(venueId, { silent: true });
            if (drift === 'silent_partial_fill') await r.paper.fill(venueId, new Decimal(fillQty), new Decimal(100), { silent: true });
            if (drift === 'silent_full_fill') await r.paper.fill(venueId, new Decimal(10), new Decimal(100), { silent: true });
            if (drift === 'ghost') await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: `P-ghost-${order.id}` });
            if (drift === 'lost_cancel') await h().ledger.applyEvent({ orderId: order.id }, { type: 'cancel_requested' });
            if (drift === 'closed_here') await h().ledger.applyEvent({ orderId: order.id }, { type: 'canceled', reason: 'operator' });
          }
          const repaired = await r.run(['clear_invalid', 'adopt_orphaned', 'import_fills', 'cancel_orphaned']);
          expect(repaired.findings.filter((f) => f.actionTaken === null)).toEqual([]);

          const again = await r.run();
          const left = Object.entries(again.summary).filter(([k, n]) => n > 0 && !['matched', 'deferred'].includes(k));
          expect(left).toEqual([]);

          // Every order working at the venue is working in the ledger with the same filled quantity, and vice versa.
          const venueOpen = await r.paper.listOpenOrders();
          const ledgerOrders = await h().ledger.listOrders(r.account.id);
          const working = ledgerOrders.filter((o) => ['submitted', 'open', 'partially_filled', 'pending_cancel'].includes(o.status));
          expect(working.map((o) => o.brokerOrderId).sort()).toEqual(venueOpen.map((v) => v.venueOrderId).sort());
          for (const v of venueOpen) expect(working.find((o) => o.brokerOrderId === v.venueOrderId)?.qtyFilled.toFixed()).toBe(v.filledQuantity.toFixed());
          const venueNet = new Map((await r.paper.listPositions()).map((p) => [p.symbol, p.netQuantity.toFixed()]));
          const ledgerNet = new Map((await h().ledger.getHoldings(r.account.id)).map((x) => [x.symbol, x.netQuantity.toFixed()]));
          for (const [symbol, net] of venueNet) expect(ledgerNet.get(symbol) ?? '0').toBe(net);
        } finally {
          await r.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});
