import { afterEach, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import type { Account } from '../../src/ledger/index.js';
import { builtInVenueFactories, type VenueFactory } from '../../src/service/index.js';
import { PaperVenue, VenueError, type VenueOrderReport, type VenuePlaceRequest } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';

/**
 * Venue factories whose paper venue places through `placeOrder` instead of its own
 * placement (given to it as `place`, with the venue itself).
 */
function paperPlacing(
  placeOrder: (request: VenuePlaceRequest, place: (request: VenuePlaceRequest) => Promise<VenueOrderReport>, venue: PaperVenue) => Promise<VenueOrderReport>,
): Record<string, VenueFactory> {
  return {
    paper: async (account, db) => {
      const venue = (await builtInVenueFactories.paper!(account, db)) as PaperVenue;
      const place = venue.placeOrder.bind(venue);
      venue.placeOrder = (request) => placeOrder(request, place, venue);
      return venue;
    },
  };
}

describeEachEngine('write-ahead submission through the paper venue', (h) => {
  let stack: ReturnType<typeof trading> | undefined;
  afterEach(async () => {
    expect(stack?.errors ?? []).toEqual([]);
    await stack?.close();
    stack = undefined;
  });

  const paperAccount = (venueConfig: Record<string, unknown>) => h().ledger.createAccount({ name: 'paper', venue: 'paper', venueConfig });
  const buy = (account: Account, extra: Record<string, unknown> = {}) => ({ accountId: account.id, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, quantity: '10', ...extra });

  it('records the order before the venue sees it, then follows the venue to filled', async () => {
    const { ledger } = h();
    stack = trading(ledger);
    const account = await paperAccount({ latencyMs: 5, prices: { AAPL: '190.10' }, feePerFill: '0.01' });
    const seenByVenue: string[] = [];
    const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
    const place = paper.placeOrder.bind(paper);
    paper.placeOrder = async (request: VenuePlaceRequest) => {
      // At the moment the venue is called, the ledger already holds the order.
      seenByVenue.push((await ledger.getOrder({ accountId: account.id, clientOrderId: request.clientOrderId })).status);
      return place(request);
    };
    const order = await stack.router.placeOrder(buy(account));
    expect(seenByVenue).toEqual(['pending_submit']);
    expect(order.brokerOrderId).toMatch(/^P-/);
    const filled = await eventually(async () => {
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect(detail.order.status).toBe('filled');
      return detail;
    });
    expect([filled.order.avgFillPrice?.toFixed(), filled.order.fees.toFixed(), filled.fills.length]).toEqual(['190.1', '0.01', 1]);
    expect(filled.events.map((e) => e.type)).toEqual(['created', 'submitted', 'accepted', 'filled']);
    expect(filled.order.submittedAt).not.toBeNull();
  });

  it('survives duplicate and out-of-order delivery of partial fills', async () => {
    const { ledger } = h();
    stack = trading(ledger);
    const account = await paperAccount({ latencyMs: 2, partialFills: 4, duplicateDelivery: true, reorderWindowMs: 25 });
    const order = await stack.router.placeOrder(buy(account, { quantity: '10', type: 'limit', limitPrice: '12.5' }));
    const detail = await eventually(async () => {
      const d = await ledger.getOrderDetail({ orderId: order.id });
      expect(d.order.status).toBe('filled');
      return d;
    });
    expect(detail.fills.map((f) => f.quantity.toFixed())).toEqual(['2.5', '2.5', '2.5', '2.5']);
    expect(detail.order.qtyFilled.toFixed()).toBe('10');
    expect(detail.events.filter((e) => e.type === 'filled')).toHaveLength(4);
  });

  it('records a definite refusal as rejected', async () => {
    const { ledger } = h();
    stack = trading(ledger);
    const account = await paperAccount({ rejectSymbols: ['GME'] });
    const order = await stack.router.placeOrder(buy(account, { symbol: 'GME' }));
    expect([order.status, order.statusReason]).toEqual(['rejected', 'paper venue rejects GME (venue_config.rejectSymbols)']);
  });

  it('records a failure before sending as failed, and retries it with bounded backoff', async () => {
    const { ledger } = h();
    let now = new Date('2026-11-20T15:00:00.000Z');
    let outages = 2;
    stack = trading(ledger, { retryDelayMs: 1000, retryAttemptsMax: 3, now: () => now }, paperPlacing(async (request, place) => {
      if (outages-- > 0) throw new VenueError('unavailable', 'connection refused');
      return place(request);
    }));
    const account = await paperAccount({ fillMode: 'manual' });
    const failed = await stack.router.placeOrder(buy(account));
    expect([failed.status, failed.statusReason, failed.retryCount]).toEqual(['failed', 'connection refused', 0]);
    expect(failed.firstFailedAt).not.toBeNull();
    // Not yet: the first retry waits retryDelayMs after the failure.
    now = new Date(Date.parse(failed.firstFailedAt!) + 500);
    expect(await stack.router.retryFailedOrders(account.id)).toEqual([]);
    now = new Date(Date.parse(failed.firstFailedAt!) + 1000);
    const [again] = await stack.router.retryFailedOrders(account.id);
    expect([again?.status, again?.retryCount]).toEqual(['failed', 1]);
    // The second retry waits twice as long after the first.
    now = new Date(Date.parse(again!.lastRetryAt!) + 1999);
    expect(await stack.router.retryFailedOrders(account.id)).toEqual([]);
    now = new Date(Date.parse(again!.lastRetryAt!) + 2000);
    const [sent] = await stack.router.retryFailedOrders(account.id);
    expect([sent?.status, sent?.retryCount]).toEqual(['open', 2]);
    const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
    expect(await paper.listOpenOrders()).toHaveLength(1);
  });

  it('a retry that finds the failed send at the venue after all takes its state and its fills, sends nothing, and a second pass changes nothing', async () => {
    const { ledger } = h();
    let now = new Date('2026-11-20T15:00:00.000Z');
    let sends = 0;
    stack = trading(ledger, { retryDelayMs: 1000, retryAttemptsMax: 3, now: () => now }, paperPlacing(async (request, _place, venue) => {
      sends++;
      // It reached the venue and traded there, and no word of it came back (not on the stream either)…
      const placed = await venue.placeExternal({ clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side, type: request.type, quantity: request.quantity.toFixed() }, { silent: true });
      await venue.fill(placed.venueOrderId, new Decimal(4), new Decimal('99.5'), { silent: true });
      await venue.fill(placed.venueOrderId, new Decimal(6), new Decimal('100'), { silent: true });
      throw new VenueError('unavailable', 'connection reset'); // …but the send was reported as failed
    }));
    const account = await paperAccount({ fillMode: 'manual' });
    const failed = await stack.router.placeOrder(buy(account));
    expect(failed.status).toBe('failed');
    now = new Date(Date.parse(failed.firstFailedAt!) + 1000);
    const [retried] = await stack.router.retryFailedOrders(account.id);
    expect(sends).toBe(1);
    const detail = await ledger.getOrderDetail({ orderId: failed.id });
    expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.order.filledNotional.toFixed()]).toEqual(['filled', '10', '998']);
    expect(detail.fills.map((f) => [f.quantity.toFixed(), f.price.toFixed(), f.source])).toEqual([['4', '99.5', 'broker_poll'], ['6', '100', 'broker_poll']]);
    expect(retried?.id).toBe(failed.id);
    now = new Date(now.getTime() + 60_000);
    expect(await stack.router.retryFailedOrders(account.id)).toEqual([]);
    expect((await ledger.getOrderDetail({ orderId: failed.id })).fills).toHaveLength(2);
    expect(sends).toBe(1);
  });

  it('a failed send found at the venue after all is taken from the venue even when the position has no room left for a retry, and nothing is sent', async () => {
    const { ledger } = h();
    let now = new Date('2026-11-20T15:00:00.000Z');
    let sends = 0;
    stack = trading(ledger, { retryDelayMs: 1000, retryAttemptsMax: 3, now: () => now }, paperPlacing(async (request, place, venue) => {
      sends++;
      if (request.clientOrderId !== 'first') return place(request);
      // The first entry reaches the venue and trades there, but its send is reported as failed.
      const placed = await venue.placeExternal({ clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side, type: request.type, quantity: request.quantity.toFixed() }, { silent: true });
      await venue.fill(placed.venueOrderId, new Decimal(3), new Decimal('99.5'), { silent: true });
      throw new VenueError('unavailable', 'connection reset');
    }));
    const account = await paperAccount({ fillMode: 'manual' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'sig-after-all', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const first = await stack.router.placeOrder(buy(account, { positionId: position.id, clientOrderId: 'first' }));
    expect(first.status).toBe('failed');
    // A failed order holds no room: a second entry takes it all.
    const second = await stack.router.placeOrder(buy(account, { positionId: position.id, clientOrderId: 'second' }));
    expect(second.status).toBe('open');
    now = new Date(Date.parse(first.firstFailedAt!) + 1000);
    const [found] = await stack.router.retryFailedOrders(account.id);
    expect(sends).toBe(2);
    const detail = await ledger.getOrderDetail({ orderId: first.id });
    expect([found?.id, detail.order.status, detail.order.qtyFilled.toFixed(), detail.order.brokerOrderId]).toEqual([first.id, 'partially_filled', '3', expect.stringMatching(/^P-/)]);
    expect(detail.fills.map((f) => [f.quantity.toFixed(), f.price.toFixed(), f.source])).toEqual([['3', '99.5', 'broker_poll']]);
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'failed', 'status_checked', 'accepted', 'filled']);
    expect(await ledger.listQuarantinedFills(account.id)).toEqual([]);
    // The ledger now holds what the venue holds: both entries, 20 against a target of 10.
    const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
    expect((await paper.listOpenOrders()).map((o) => o.clientOrderId).sort()).toEqual(['first', 'second']);
    now = new Date(now.getTime() + 60_000);
    expect(await stack.router.retryFailedOrders(account.id)).toEqual([]);
    expect(sends).toBe(2);
  });

  it('stops retrying after retryAttemptsMax', async () => {
    const { ledger } = h();
    let now = new Date(); // the ledger's clock stamps the failure; the router's runs on from there
    stack = trading(ledger, { retryDelayMs: 1, retryAttemptsMax: 2, now: () => now }, paperPlacing(async () => {
      throw new VenueError('unavailable', 'connection refused');
    }));
    const account = await paperAccount({ fillMode: 'manual' });
    const order = await stack.router.placeOrder(buy(account));
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 60_000);
      await stack.router.retryFailedOrders(account.id);
    }
    const final = await ledger.getOrder({ orderId: order.id });
    expect([final.status, final.retryCount]).toEqual(['failed', 2]);
  });

  it('resolves an unknown outcome by looking the order up by client order id, never by resending', async () => {
    const { ledger } = h();
    let sends = 0;
    stack = trading(ledger, {}, paperPlacing(async (request, place) => {
      sends++;
      await place(request); // it reached the venue…
      throw new VenueError('unknown_outcome', 'timed out waiting for the answer'); // …but the answer was lost
    }));
    const account = await paperAccount({ fillMode: 'manual' });
    const order = await stack.router.placeOrder(buy(account));
    expect(order.status).toBe('pending_submit');
    const [resolved] = await stack.router.resolveStuckSubmissions(account.id, 0);
    expect([resolved?.status, resolved?.brokerOrderId]).toEqual(['open', expect.stringMatching(/^P-/)]);
    expect(sends).toBe(1);
    // A replay of the same request does not send it again either.
    await stack.router.placeOrder(buy(account, { clientOrderId: order.clientOrderId }));
    expect(sends).toBe(1);
  });

  it('cancels through the venue, and a silent venue change is not seen by the ledger', async () => {
    const { ledger } = h();
    stack = trading(ledger);
    const account = await paperAccount({ fillMode: 'manual', latencyMs: 0 });
    const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
    const a = await stack.router.placeOrder(buy(account));
    const canceled = await stack.router.cancelOrder({ orderId: a.id });
    expect([canceled.status, canceled.canceledAt === null]).toEqual(['canceled', false]);

    const b = await stack.router.placeOrder(buy(account));
    await paper.fill(b.brokerOrderId!, new Decimal(4), new Decimal('101.5'), { silent: true });
    await paper.fill(b.brokerOrderId!, new Decimal(1), new Decimal('101.5'));
    await eventually(async () => expect((await ledger.getOrder({ orderId: b.id })).qtyFilled.toFixed()).toBe('1'));
    expect((await paper.getOrder(b.brokerOrderId!))?.filledQuantity.toFixed()).toBe('5');

    const external = await paper.placeExternal({ symbol: 'MSFT', side: 'sell', type: 'limit', quantity: '3', limitPrice: '400' }, { silent: true });
    expect((await paper.listOpenOrders()).map((o) => o.venueOrderId)).toContain(external.venueOrderId);
    expect((await ledger.listOrders(account.id)).map((o) => o.brokerOrderId)).not.toContain(external.venueOrderId);
  });

  it('keeps the paper venue state in the database across a restart, and resumes auto fills', async () => {
    const { ledger, db } = h();
    const account = await paperAccount({ fillMode: 'manual' });
    const first = new PaperVenue(db, account.id, { fillMode: 'manual' });
    const placed = await first.placeOrder({ clientOrderId: 'restart-1', symbol: 'AAPL', assetClass: 'equity', side: 'buy', type: 'limit', timeInForce: 'day', quantity: new Decimal(2), limitPrice: new Decimal('99.5'), stopPrice: null });
    await first.close();
    const second = new PaperVenue(db, account.id, { fillMode: 'auto', latencyMs: 0 });
    expect((await second.getOrderByClientId('restart-1'))?.venueOrderId).toBe(placed.venueOrderId);
    await second.resume();
    await eventually(async () => expect((await second.getOrder(placed.venueOrderId))?.status).toBe('filled'));
    expect((await second.listPositions()).map((p) => [p.symbol, p.netQuantity.toFixed()])).toEqual([['AAPL', '2']]);
    await second.close();
  });

  it('refuses to submit for an account without an adapter, and records nothing', async () => {
    const { ledger } = h();
    stack = trading(ledger);
    const account = await ledger.createAccount({ name: 'manual', venue: 'manual' });
    await expect(stack.router.placeOrder(buy(account))).rejects.toThrow(/submit: false/);
    expect(await ledger.listOrders(account.id)).toEqual([]);
    const reported = await stack.router.placeOrder(buy(account, { submit: false }));
    expect(reported.status).toBe('pending_submit');
  });
});
