import { afterEach, expect, it } from 'vitest';
import type { VenueOrderReport } from '../../src/domain/index.js';
import { builtInVenueFactories, type VenueFactory } from '../../src/service/index.js';
import type { PaperVenue } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';
import { reconciling } from '../support/reconciling.js';

/**
 * A venue's open list read in pages can list an order twice (an order that moves while the pages are
 * read, an offset that shifts at a page's edge). Both listings are the same order: the ledger's
 * order for it matches, an order the ledger lacks is one orphan, and `cancel_orphaned` never cancels
 * an order the ledger works (it once took the earlier listing for an order the ledger had closed).
 */
describeEachEngine('reconciliation of a venue that lists an open order twice', (h) => {
  let r: Awaited<ReturnType<typeof reconciling>> | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  /**
   * The paper venue, its open list passed through `repeat`: resolved whole, or (`paged`) passed to
   * `onPage` one order a page, as an adapter that reads in pages passes them.
   */
  const repeating =
    (repeat: (orders: VenueOrderReport[]) => VenueOrderReport[], paged = false): VenueFactory =>
    async (account, db) => {
      const venue = (await builtInVenueFactories.paper!(account, db)) as PaperVenue;
      const list = venue.listOpenOrders.bind(venue);
      venue.listOpenOrders = async (options) => {
        const orders = repeat(await list());
        if (!paged || options?.onPage === undefined) return orders;
        for (const order of orders) options.onPage([order]);
        return [];
      };
      return venue;
    };

  it.each([false, true])('the ledger’s working orders listed twice match, and cancel_orphaned leaves them working (in pages: %s)', async (paged) => {
    r = await reconciling(h().ledger, {}, { ...builtInVenueFactories, paper: repeating((orders) => [...orders, ...orders], paged) });
    const placed = [await r.place(), await r.place()];
    const run = await r.run(['cancel_orphaned', 'clear_invalid']);
    expect([run.summary.matched, run.summary.status_mismatch, run.summary.orphaned_at_broker, run.summary.repaired, run.findings]).toEqual([2, 0, 0, 0, []]);
    for (const o of placed) expect((await r.paper.getOrder(o.brokerOrderId!))?.status).toBe('open');
    for (const o of placed) expect((await h().ledger.getOrder({ orderId: o.id })).status).toBe('open');
  });

  it('an order the ledger has not learned the venue id of, listed twice, is compared once', async () => {
    r = await reconciling(h().ledger, { stuckAfterMs: 3_600_000 }, { ...builtInVenueFactories, paper: repeating((orders) => [orders[0]!, ...orders]) });
    const order = await r.record();
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted' });
    // Sent, and the venue took it; the ledger never heard its venue order id (the answer was lost).
    await r.paper.placeExternal({ clientOrderId: order.clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' }, { silent: true });
    const run = await r.run();
    expect(run.findings.map((f) => [f.category, f.orderId])).toEqual([['status_mismatch', order.id]]);
  });

  it('an order the ledger lacks, listed twice, is one orphan, adopted once', async () => {
    r = await reconciling(h().ledger, {}, { ...builtInVenueFactories, paper: repeating((orders) => [...orders, ...orders]) });
    const external = await r.paper.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '3', limitPrice: '300' }, { silent: true });
    const dry = await r.run();
    expect(dry.findings.map((f) => [f.category, f.brokerOrderId])).toEqual([['orphaned_at_broker', external.venueOrderId]]);
    const fixed = await r.run(['adopt_orphaned']);
    expect(fixed.summary.repaired).toBe(1);
    expect((await h().ledger.listOrders(r.account.id)).map((o) => o.brokerOrderId)).toEqual([external.venueOrderId]);
    expect(await r.summaryOf()).toEqual({});
  });
});
