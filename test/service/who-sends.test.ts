import { afterEach, expect, it } from 'vitest';
import { Decimal, isFillbookError } from '../../src/domain/index.js';
import { Reconciler } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { reconciling } from '../support/reconciling.js';
import { trading } from '../support/trading.js';

/**
 * Who sends an order is a fact about the order: Fillbook places, re-places and retries only what
 * it was asked to send, by every path (the background pass, reconciliation, a retry, a restart).
 */
describeEachEngine('who sends an order', (h) => {
  let r: Awaited<ReturnType<typeof reconciling>> | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  const later = (ms: number) => () => new Date(Date.now() + ms);

  it('never sends a submit:false order: not on the background pass, not after reconciliation, not on a retry', async () => {
    const { ledger } = h();
    r = await reconciling(ledger, { now: later(120_000) });
    const stack = trading(ledger, { now: later(120_000), retryDelayMs: 0 });
    const order = await r.place({ submit: false });
    expect([order.sentBy, order.status, order.brokerOrderId]).toEqual(['bot', 'pending_submit', null]);
    // The background pass, long after: the venue does not have it, and nothing may send it.
    await stack.router.resolveStuckSubmissions(r.account.id);
    await stack.router.retryFailedOrders(r.account.id);
    expect((await ledger.getOrder({ orderId: order.id })).status).toBe('pending_submit');
    // Reconciliation reports it as a stuck submission and closes it as rejected, never failed.
    expect(await r.summaryOf()).toEqual({ stuck_submission: 1 });
    await r.run(['clear_invalid']);
    const closed = await ledger.getOrder({ orderId: order.id });
    expect([closed.status, closed.statusReason, closed.retryCount]).toEqual(['rejected', 'not_found_at_broker', 0]);
    // A retry pass, and a retry asked for by hand, still send nothing.
    await stack.router.retryFailedOrders(r.account.id);
    await ledger.applyEvent({ orderId: order.id }, { type: 'retried' }).catch((e: unknown) => expect(isFillbookError(e)).toBe(true));
    expect(await r.paper.listOpenOrders()).toEqual([]);
    expect((await r.paper.listFills(new Date(0).toISOString())).fills).toEqual([]);
    const events = (await ledger.getOrderDetail({ orderId: order.id })).events.map((e) => e.type);
    expect(events).not.toContain('retried');
    expect(events).not.toContain('submitted');
    await stack.close();
  });

  it('refuses a retry of a failed bot order with a coded error, and still retries its own', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const bot = await r.place({ submit: false });
    await ledger.applyEvent({ orderId: bot.id }, { type: 'failed', reason: 'the bot said so' });
    await expect(ledger.applyEvent({ orderId: bot.id }, { type: 'retried' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_NOT_SENT_BY_FILLBOOK' });
    const own = await r.record();
    await ledger.applyEvent({ orderId: own.id }, { type: 'failed', reason: 'venue down' });
    const stack = trading(ledger, { retryDelayMs: 0 });
    const retried = await stack.router.retryFailedOrders(r.account.id);
    expect(retried.map((o) => [o.id, o.status])).toEqual([[own.id, 'open']]);
    expect((await r.paper.listOpenOrders()).map((o) => o.clientOrderId)).toEqual([own.clientOrderId]);
    await stack.close();
  });

  it('a bot order the venue reports by client order id learns its broker order id from the first report', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place({ submit: false, clientOrderId: 'bot-7' });
    // The bot places it itself, with the same client order id; the venue's stream reports it.
    const atVenue = await r.paper.placeExternal({ clientOrderId: 'bot-7', symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '10', limitPrice: '100' });
    await r.paper.fill(atVenue.venueOrderId, new Decimal(4), new Decimal(100));
    const learned = await eventually(async () => {
      const o = await ledger.getOrder({ orderId: order.id });
      expect([o.status, o.qtyFilled.toFixed()]).toEqual(['partially_filled', '4']);
      return o;
    });
    expect(learned.brokerOrderId).toBe(atVenue.venueOrderId);
    expect((await ledger.getOrder({ accountId: r.account.id, brokerOrderId: atVenue.venueOrderId })).id).toBe(order.id);
    expect(await r.summaryOf()).toEqual({});
  });

  it('a fill heard before the order report teaches the broker order id too', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place({ submit: false, clientOrderId: 'bot-8' });
    const atVenue = await r.paper.placeExternal({ clientOrderId: 'bot-8', symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '10', limitPrice: '100' }, { silent: true });
    const fill = await r.paper.fill(atVenue.venueOrderId, new Decimal(2), new Decimal(100), { silent: true });
    await r.stack.sync.applyFill(r.account.id, fill, 'broker_stream');
    const after = await ledger.getOrder({ orderId: order.id });
    expect([after.brokerOrderId, after.qtyFilled.toFixed()]).toEqual([atVenue.venueOrderId, '2']);
  });

  it('reconciliation teaches a broker order id the stream never delivered', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place({ submit: false, clientOrderId: 'bot-9' });
    await ledger.applyEvent({ orderId: order.id }, { type: 'accepted' }); // the bot reported it open, without the venue's id
    const atVenue = await r.paper.placeExternal({ clientOrderId: 'bot-9', symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '10', limitPrice: '100' }, { silent: true });
    const dry = await r.run();
    expect(dry.findings.map((f) => [f.category, f.details.reason])).toEqual([['status_mismatch', 'broker_order_id_unknown']]);
    await r.run(['clear_invalid']);
    expect((await ledger.getOrder({ orderId: order.id })).brokerOrderId).toBe(atVenue.venueOrderId);
    expect(await r.summaryOf()).toEqual({});
  });

  it('a cancel pending while the venue partially filled resolves to partially filled', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place();
    await r.paper.fill(order.brokerOrderId!, new Decimal(3), new Decimal(100));
    await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe('3'));
    await ledger.applyEvent({ orderId: order.id }, { type: 'cancel_requested' }); // the cancel never reached the venue
    expect(await r.summaryOf()).toEqual({ status_mismatch: 1 });
    await r.run(['clear_invalid']);
    expect((await ledger.getOrder({ orderId: order.id })).status).toBe('partially_filled');
    expect(await r.summaryOf()).toEqual({});
  });

  it('a venue that rejects an order whose cancel is pending frees the position for a new entry', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const { position } = await ledger.createPosition({ accountId: r.account.id, signalId: 'rej', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = await r.place({ positionId: position.id, role: 'entry', submit: false });
    await ledger.applyEvent({ orderId: entry.id }, { type: 'cancel_requested' });
    await expect(r.place({ positionId: position.id, role: 'entry', submit: false })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_EXPOSURE_EXCEEDED' });
    const rejected = await ledger.applyEvent({ orderId: entry.id }, { type: 'rejected', reason: 'margin check' });
    expect([rejected.status, rejected.statusReason]).toEqual(['rejected', 'margin check']);
    expect((await r.place({ positionId: position.id, role: 'entry', submit: false })).status).toBe('pending_submit');
  });
});

describeEachEngine('reconciliation sees everything the venue did in its window', (h) => {
  let r: Awaited<ReturnType<typeof reconciling>> | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  it('imports a dropped fill on an order the ledger already canceled, and the holding reconciles', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    // Placed through Fillbook, filled in part at the venue without the ledger hearing (a dropped
    // stream message), then canceled through Fillbook.
    const partial = await r.place({ clientOrderId: 'late-fill' });
    await r.paper.fill(partial.brokerOrderId!, new Decimal(4), new Decimal('99'), { silent: true });
    await r.stack.router.cancelOrder({ orderId: partial.id });
    const canceled = await ledger.getOrder({ orderId: partial.id });
    expect([canceled.status, canceled.qtyFilled.toFixed()]).toEqual(['canceled', '0']);
    const dry = await r.run();
    expect(dry.findings.filter((f) => f.orderId === partial.id).map((f) => f.category)).toEqual(['fill_mismatch']);
    await r.run(['clear_invalid', 'adopt_orphaned', 'import_fills']);
    const after = await ledger.getOrder({ orderId: partial.id });
    expect([after.status, after.qtyFilled.toFixed(), after.avgFillPrice?.toFixed()]).toEqual(['canceled', '4', '99']);
    const holdings = await ledger.getHoldings(r.account.id);
    const venue = await r.paper.listPositions();
    expect(holdings.map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual(venue.map((p) => [p.symbol, p.netQuantity.toFixed()]));
    expect(await r.summaryOf()).toEqual({});
  });

  it('finds a fill from days ago on a closed order: the window starts at the last complete run, not 24 h back', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place();
    await r.paper.fill(order.brokerOrderId!, new Decimal(6), new Decimal(100), { silent: true });
    await r.stack.router.cancelOrder({ orderId: order.id }); // closed in the ledger with nothing filled
    // The bot was offline for three days; nothing reconciled meanwhile.
    const threeDaysOn = new Reconciler(ledger, r.stack.venues, r.stack.sync, { quietPeriodMs: 0, now: () => new Date(Date.now() + 3 * 86_400_000) });
    const run = (actions: ('import_fills' | 'clear_invalid')[] = []) => threeDaysOn.run({ accountId: r!.account.id, actions, startedBy: 'test' });
    expect((await run()).findings.map((f) => f.category).sort()).toEqual(['fill_mismatch', 'holding_mismatch']);
    await run(['import_fills']);
    const after = await ledger.getOrder({ orderId: order.id });
    expect([after.status, after.qtyFilled.toFixed()]).toEqual(['canceled', '6']);
    expect((await run()).findings).toEqual([]);
  });

  it('a dry run finding stays found on the next run: the watermark does not pass it', async () => {
    const { ledger } = h();
    r = await reconciling(ledger);
    const order = await r.place();
    await r.paper.fill(order.brokerOrderId!, new Decimal(2), new Decimal(100), { silent: true });
    await r.stack.router.cancelOrder({ orderId: order.id });
    const first = await r.run();
    const second = await r.run();
    expect(second.findings.map((f) => [f.category, f.orderId])).toEqual(first.findings.map((f) => [f.category, f.orderId]));
    expect(second.findings.map((f) => f.category)).toContain('fill_mismatch');
  });
});
