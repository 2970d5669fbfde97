import { afterEach, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { builtInVenueFactories } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { reconciling } from '../support/reconciling.js';

/**
 * One scenario per category, planted through the paper venue's silent controls: the dry run finds
 * exactly what was planted and changes nothing; the named action repairs it; a second run is clean.
 */
describeEachEngine('reconciliation scenarios', (h) => {
  let r: Awaited<ReturnType<typeof reconciling>> | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  it('missing_at_broker: a cancel at the venue the ledger never heard of', async () => {
    r = await reconciling(h().ledger);
    const order = await r.place();
    await r.paper.cancelOrder(order.brokerOrderId!, { silent: true });
    const before = await r.snapshot();
    const dry = await r.run();
    expect([dry.dryRun, dry.summary.missing_at_broker, dry.summary.matched]).toEqual([true, 1, 0]);
    expect(dry.findings[0]).toMatchObject({ category: 'missing_at_broker', orderId: order.id, brokerOrderId: order.brokerOrderId, actionTaken: null, details: { ledger_status: 'open', venue_status: 'canceled' } });
    expect(await r.snapshot()).toBe(before);
    const fixed = await r.run(['clear_invalid']);
    expect(fixed.findings[0]?.actionTaken).toMatch(/applied the venue's state \(canceled\)/);
    const after = await h().ledger.getOrderDetail({ orderId: order.id });
    expect([after.order.status, after.events.at(-1)?.source]).toEqual(['canceled', 'reconciliation']);
    expect(await r.summaryOf()).toEqual({});
  });

  it('missing_at_broker: an order id the venue has never heard of is closed with not_found_at_broker', async () => {
    r = await reconciling(h().ledger);
    const order = await r.record();
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: 'P-ghost' });
    expect(await r.summaryOf()).toEqual({ missing_at_broker: 1 });
    await r.run(['clear_invalid']);
    const after = await h().ledger.getOrder({ orderId: order.id });
    expect([after.status, after.statusReason]).toEqual(['canceled', 'not_found_at_broker']);
    expect(await r.summaryOf()).toEqual({});
  });

  it('orphaned_at_broker: an order placed at the venue by hand is adopted with detected_at, deterministically', async () => {
    r = await reconciling(h().ledger);
    const external = await r.paper.placeExternal({ symbol: 'MSFT', side: 'sell', type: 'limit', quantity: '3', limitPrice: '400' }, { silent: true });
    await r.paper.fill(external.venueOrderId, new Decimal(1), new Decimal(400), { silent: true });
    const before = await r.snapshot();
    const dry = await r.run();
    expect(dry.summary).toMatchObject({ orphaned_at_broker: 1, holding_mismatch: 1 });
    expect(await r.snapshot()).toBe(before);
    const fixed = await r.run(['adopt_orphaned', 'import_fills']);
    const adoptedId = fixed.findings.find((f) => f.category === 'orphaned_at_broker')?.actionTaken?.match(/adopted as order (\S+);/)?.[1];
    const adopted = await h().ledger.getOrderDetail({ orderId: adoptedId! });
    expect(adopted.order).toMatchObject({ origin: 'reconciliation', brokerOrderId: external.venueOrderId, status: 'partially_filled', symbol: 'MSFT', side: 'sell' });
    expect(adopted.order.detectedAt).not.toBeNull();
    expect(adopted.order.qtyFilled.toFixed()).toBe('1');
    expect(await r.summaryOf()).toEqual({});
    // A second dry run on the same drift (from a fresh ledger view) would choose the same id: it is derived.
    const { adoptedOrderIdFor } = await import('../../src/domain/index.js');
    expect(adoptedId).toBe(adoptedOrderIdFor(r.account.id, external.venueOrderId));
  });

  it('orphaned_at_broker: cancel_orphaned cancels it at the venue instead', async () => {
    r = await reconciling(h().ledger);
    const external = await r.paper.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '3', limitPrice: '300' }, { silent: true });
    await r.run(['cancel_orphaned']);
    expect((await r.paper.getOrder(external.venueOrderId))?.status).toBe('canceled');
    // The ledger keeps what the venue held and what was done to it.
    const [adopted] = await h().ledger.listOrders(r.account.id);
    expect([adopted?.brokerOrderId, adopted?.status, adopted?.sentBy, adopted?.origin]).toEqual([external.venueOrderId, 'canceled', 'bot', 'reconciliation']);
    expect(await r.summaryOf()).toEqual({});
  });

  it('fill_mismatch: fills dropped from the stream are imported with their venue exec ids', async () => {
    r = await reconciling(h().ledger);
    const order = await r.place();
    const dropped = await r.paper.fill(order.brokerOrderId!, new Decimal(4), new Decimal('99.5'), { silent: true });
    const before = await r.snapshot();
    expect(await r.summaryOf()).toEqual({ fill_mismatch: 1, holding_mismatch: 1 });
    expect(await r.snapshot()).toBe(before);
    await r.run(['import_fills']);
    const detail = await h().ledger.getOrderDetail({ orderId: order.id });
    expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.fills.map((f) => [f.execId, f.source])]).toEqual(['partially_filled', '4', [[dropped.execId, 'reconciliation']]]);
    expect(await r.summaryOf()).toEqual({});
  });

  it('fill_mismatch: more dropped fills of one order than a batch holds (1,000) are all imported, each once', async () => {
    r = await reconciling(h().ledger);
    const order = await r.place({ quantity: '1500' });
    const dropped = 1_200;
    for (let i = 0; i < dropped; i++) await r.paper.fill(order.brokerOrderId!, new Decimal(1), new Decimal('99.5'), { silent: true });
    const fixed = await r.run(['import_fills']);
    expect(fixed.findings.find((f) => f.category === 'fill_mismatch')?.actionTaken).toBe(`imported; imported ${dropped} fill(s)`);
    const detail = await h().ledger.getOrderDetail({ orderId: order.id });
    expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.order.filledNotional.toFixed()]).toEqual(['partially_filled', String(dropped), String(dropped * 99.5)]);
    const fills = await h().db.query<{ n: number; distinct: number }>('select count(*)::int as n, count(distinct exec_id)::int as distinct from fills where order_id = $1', [order.id]);
    expect(fills[0]).toEqual({ n: dropped, distinct: dropped });
    expect(await r.summaryOf()).toEqual({});
  }, 240_000);

  it('a venue history read that fails while the open lists are still read fails the run, and is not left unhandled', async () => {
    r = await reconciling(h().ledger, {}, {
      paper: async (account, db) => {
        const venue = await builtInVenueFactories.paper!(account, db);
        const listOpen = venue.listOpenOrders.bind(venue);
        venue.listOrders = async () => {
          throw new Error('history unavailable');
        };
        venue.listOpenOrders = async (options) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return listOpen(options);
        };
        return venue;
      },
    });
    await r.place();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(r.run()).rejects.toThrow(/history unavailable/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('fill_mismatch: quantity no fill explains becomes an inferred fill with a deterministic id', async () => {
    r = await reconciling(h().ledger, {}, {
      paper: async (account, db) => {
        const venue = await builtInVenueFactories.paper!(account, db);
        venue.listFills = async () => ({ fills: [], cursor: null }); // a venue that reports only cumulative quantities
        return venue;
      },
    });
    const order = await r.place();
    await r.paper.fill(order.brokerOrderId!, new Decimal(3), new Decimal('99'), { silent: true });
    await r.paper.fill(order.brokerOrderId!, new Decimal(1), new Decimal('100'), { silent: true });
    await r.run(['import_fills']);
    const detail = await h().ledger.getOrderDetail({ orderId: order.id });
    expect(detail.fills.map((f) => [f.execId, f.quantity.toFixed(), f.price.toFixed()])).toEqual([[`inferred:${order.brokerOrderId}:4`, '4', '99.25']]);
    expect(await r.summaryOf()).toEqual({});
  });

  it('stuck_submission: a crash between write-ahead and submit is resolved by client order id, never resent', async () => {
    r = await reconciling(h().ledger, { now: () => new Date(Date.now() + 120_000) });
    // Orders Fillbook sends, recorded (write-ahead) and then the process died: one before the send,
    // one after the venue took it but before its answer was recorded.
    const lost = await r.record();
    const arrived = await r.record();
    // The venue took it, and its answer never reached the ledger: silent, or its stream event would
    // race the reconciliation and sometimes resolve the order first.
    await r.paper.placeExternal({ clientOrderId: arrived.clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '10', limitPrice: '100' }, { silent: true });
    expect(await r.summaryOf()).toEqual({ stuck_submission: 2 });
    await r.run(['clear_invalid']);
    expect((await h().ledger.getOrder({ orderId: lost.id })).status).toBe('failed');
    expect((await h().ledger.getOrder({ orderId: arrived.id })).status).toBe('open');
    expect(await r.paper.listOpenOrders()).toHaveLength(1);
    expect(await r.summaryOf()).toEqual({});
  });

  it('stuck_submission of a bot order: looked up by client order id, closed as rejected when the venue never had it, never sent', async () => {
    r = await reconciling(h().ledger, { now: () => new Date(Date.now() + 120_000) });
    const never = await r.place({ submit: false }); // the bot never placed it
    const placed = await r.place({ submit: false }); // the bot placed it, and never reported back
    const atVenue = await r.paper.placeExternal({ clientOrderId: placed.clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '10', limitPrice: '100' }, { silent: true });
    expect([never.sentBy, placed.sentBy]).toEqual(['bot', 'bot']);
    expect(await r.summaryOf()).toEqual({ stuck_submission: 2 });
    await r.run(['clear_invalid']);
    const closed = await h().ledger.getOrder({ orderId: never.id });
    expect([closed.status, closed.statusReason]).toEqual(['rejected', 'not_found_at_broker']);
    const found = await h().ledger.getOrder({ orderId: placed.id });
    expect([found.status, found.brokerOrderId]).toEqual(['open', atVenue.venueOrderId]);
    // Nothing was sent for either: the venue holds the bot's one order and nothing else.
    expect((await r.paper.listOpenOrders()).map((o) => o.venueOrderId)).toEqual([atVenue.venueOrderId]);
    expect(await r.summaryOf()).toEqual({});
  });

  it('holding_mismatch: a holding changed at the venue (an order placed and filled there by hand) is found, and adopted', async () => {
    r = await reconciling(h().ledger);
    const external = await r.paper.placeExternal({ symbol: 'TSLA', side: 'buy', type: 'market', quantity: '2' }, { silent: true });
    await r.paper.fill(external.venueOrderId, new Decimal(2), new Decimal(250), { silent: true });
    const before = await r.snapshot();
    const run = await r.run();
    expect(run.summary).toMatchObject({ holding_mismatch: 1, orphaned_at_broker: 1 });
    expect(run.findings).toEqual([
      expect.objectContaining({ category: 'orphaned_at_broker', brokerOrderId: external.venueOrderId, details: expect.objectContaining({ venue_status: 'filled', closed_at_venue: true }) }),
      expect.objectContaining({ category: 'holding_mismatch', symbol: 'TSLA', details: { ledger_net: '0', venue_net: '2', difference: '2' } }),
    ]);
    expect(await r.snapshot()).toBe(before);
    const fixed = await r.run(['adopt_orphaned', 'import_fills']);
    expect(fixed.findings.map((f) => f.actionTaken)).toEqual([expect.stringMatching(/^adopted as order .*; imported 1 fill/), 'resolved by the repairs of this run']);
    expect((await h().ledger.getHoldings(r.account.id)).map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual([['TSLA', '2']]);
    expect(await r.summaryOf()).toEqual({});
  });

  it('status_mismatch: a cancel the venue never received, and an order the ledger closed but the venue still works', async () => {
    r = await reconciling(h().ledger);
    const lostCancel = await r.place();
    await h().ledger.applyEvent({ orderId: lostCancel.id }, { type: 'cancel_requested' });
    const closedHere = await r.place();
    await h().ledger.applyEvent({ orderId: closedHere.id }, { type: 'canceled', reason: 'operator' });
    expect(await r.summaryOf()).toEqual({ status_mismatch: 2 });
    await r.run(['clear_invalid', 'cancel_orphaned']);
    expect((await h().ledger.getOrder({ orderId: lostCancel.id })).status).toBe('open');
    expect((await r.paper.getOrder(closedHere.brokerOrderId!))?.status).toBe('canceled');
    expect(await r.summaryOf()).toEqual({});
  });

  it.each([
    ['working there', 0, 'open', 'status_mismatch'],
    ['filled and closed there', 10, 'filled', 'fill_mismatch'],
  ] as const)('a send reported as failed that reached the venue after all (%s): reported with its reason, and clear_invalid takes the venue\'s state and fills', async (_, filled, status, category) => {
    r = await reconciling(h().ledger);
    const order = await r.record({ sentBy: 'fillbook' });
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'failed', reason: 'connection reset' });
    const placed = await r.paper.placeExternal({ clientOrderId: order.clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' }, { silent: true });
    if (filled > 0) await r.paper.fill(placed.venueOrderId, new Decimal(filled), new Decimal('99.5'), { silent: true });
    const before = await r.snapshot();
    const dry = await r.run();
    expect(dry.findings.filter((f) => f.orderId === order.id)).toEqual([
      expect.objectContaining({ category, brokerOrderId: placed.venueOrderId, details: expect.objectContaining({ ledger_status: 'failed', reason: 'failed_send_at_venue' }) }),
    ]);
    expect(await r.snapshot()).toBe(before);
    await r.run(['clear_invalid']);
    const after = await h().ledger.getOrderDetail({ orderId: order.id });
    expect([after.order.status, after.order.brokerOrderId, after.order.qtyFilled.toFixed()]).toEqual([status, placed.venueOrderId, String(filled)]);
    expect(after.fills.map((f) => [f.quantity.toFixed(), f.price.toFixed()])).toEqual(filled > 0 ? [[String(filled), '99.5']] : []);
    expect(await h().ledger.listQuarantinedFills(r.account.id)).toEqual([]);
    // The venue's order stands: nothing was canceled or sent.
    expect((await r.paper.getOrder(placed.venueOrderId))?.status).toBe(status);
    expect(await r.summaryOf()).toEqual({});
  });

  it('unprotected_position: an open position whose stop-loss was canceled', async () => {
    r = await reconciling(h().ledger);
    const { ledger } = h();
    const { position } = await ledger.createPosition({ accountId: r.account.id, signalId: 'p', symbol: 'AAPL', side: 'long', targetQuantity: '5' });
    const entry = await r.place({ positionId: position.id, role: 'entry', quantity: '5' });
    await r.paper.fill(entry.brokerOrderId!, new Decimal(5), new Decimal(100));
    await eventually(async () => expect((await ledger.getOrder({ orderId: entry.id })).status).toBe('filled'));
    const stop = await r.place({ positionId: position.id, role: 'stop_loss', side: 'sell', type: 'stop', quantity: '5', limitPrice: undefined, stopPrice: '95' });
    expect(await r.summaryOf()).toEqual({});
    await r.stack.router.cancelOrder({ orderId: stop.id });
    const run = await r.run();
    expect(run.findings).toEqual([expect.objectContaining({ category: 'unprotected_position', symbol: 'AAPL', details: expect.objectContaining({ position_id: position.id, qty_open: '5' }) })]);
  });

  it('leaves orders with activity in the quiet period for the next run, and stores every run', async () => {
    r = await reconciling(h().ledger, { quietPeriodMs: 60_000 });
    const order = await r.place();
    await r.paper.cancelOrder(order.brokerOrderId!, { silent: true });
    const run = await r.run(['clear_invalid']);
    expect([run.summary.deferred, run.summary.missing_at_broker]).toEqual([1, 0]);
    const stored = await r.reconciler.getRun(run.id);
    expect(stored).toMatchObject({ id: run.id, startedBy: 'test', dryRun: false, actions: ['clear_invalid'], status: 'completed' });
    expect((await r.reconciler.listRuns(r.account.id)).map((x) => x.id)).toContain(run.id);
  });

  it('asks the venue for the orders it does not list a batch at a time where it can, and finds what one-at-a-time lookups find', async () => {
    r = await reconciling(h().ledger, { now: () => new Date(Date.now() + 120_000) });
    const canceled = await r.place();
    await r.paper.cancelOrder(canceled.brokerOrderId!, { silent: true }); // found by its venue order id
    const ghost = await r.record();
    await h().ledger.applyEvent({ orderId: ghost.id }, { type: 'submitted', brokerOrderId: 'P-ghost' }); // found by neither id
    const arrived = await r.record(); // found by its client order id, canceled at the venue
    const atVenue = await r.paper.placeExternal({ clientOrderId: arrived.clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' }, { silent: true });
    await r.paper.cancelOrder(atVenue.venueOrderId, { silent: true });
    await r.record(); // never sent: found by neither
    // Without the history (which would answer for the canceled order), every one of them is looked up.
    const paper = r.paper as unknown as Record<string, unknown>;
    paper.listOrders = undefined;
    const calls = { batches: [] as string[], single: 0 };
    const getOrders = r.paper.getOrders.bind(r.paper);
    paper.getOrders = (by: 'venue_order_id' | 'client_order_id', ids: readonly string[]) => {
      calls.batches.push(`${by}:${ids.length}`);
      return getOrders(by, ids);
    };
    for (const name of ['getOrder', 'getOrderByClientId'] as const) {
      const single = r.paper[name].bind(r.paper);
      paper[name] = (id: string) => {
        calls.single++;
        return single(id);
      };
    }
    const comparable = (run: Awaited<ReturnType<NonNullable<typeof r>['run']>>) => ({ summary: run.summary, findings: run.findings.map(({ seq, ...f }) => f) });
    const batched = comparable(await r.run());
    expect(calls).toEqual({ batches: ['venue_order_id:2', 'client_order_id:3'], single: 0 });
    paper.getOrders = undefined;
    const oneAtATime = comparable(await r.run());
    expect(calls.single).toBe(5);
    expect(batched).toEqual(oneAtATime);
    expect(batched.summary).toMatchObject({ missing_at_broker: 1, stuck_submission: 3 });
    expect(batched.findings.find((f) => f.orderId === arrived.id)).toMatchObject({ category: 'stuck_submission', brokerOrderId: atVenue.venueOrderId, details: { venue_status: 'canceled' } });
  });
});
