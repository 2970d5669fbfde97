import { beforeAll, expect, it } from 'vitest';
import { adoptedOrderIdFor, Decimal, type VenueFillReport, type VenueOrderReport } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { builtInVenueFactories, HistoryImport, Venues, VenueSync } from '../../src/service/index.js';
import { openDatabase } from '../../src/storage/index.js';
import type { VenueAdapter } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * The batched paths of the history import: `Ledger.adoptOrders` (a page of venue orders adopted by
 * one statement), `VenueSync.applyOrderReports` and `VenueSync.applyFills` (a page applied at once).
 * Each must answer as its one-at-a-time counterpart does (`adoptOrder`, `applyOrderReport`,
 * `applyFill`), and adopting the same venue order twice, at once or one after the other, by either
 * path, must leave one order.
 */
const d = (v: string) => new Decimal(v);
const t0 = Date.parse('2026-11-20T14:30:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();

function report(n: number, overrides: Partial<VenueOrderReport> = {}): VenueOrderReport {
  return {
    venueOrderId: `V-${n}`,
    clientOrderId: `c-${n}`,
    symbol: 'AAPL',
    assetClass: 'equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    quantity: d('10'),
    limitPrice: d('100'),
    stopPrice: null,
    legs: null,
    status: 'open',
    filledQuantity: d('0'),
    avgFillPrice: null,
    reason: null,
    createdAt: at(n),
    updatedAt: at(n),
    ...overrides,
  };
}

function fill(n: number, i: number, overrides: Partial<VenueFillReport> = {}): VenueFillReport {
  return {
    execId: `V-${n}-F${i}`,
    venueOrderId: `V-${n}`,
    clientOrderId: `c-${n}`,
    leg: null,
    symbol: 'AAPL',
    side: 'buy',
    quantity: d('2'),
    price: d('100'),
    fee: d('0'),
    feeCurrency: null,
    liquidity: null,
    executedAt: at(n * 10 + i),
    ...overrides,
  };
}

/**
 * A venue of `orders` filled orders of 3 fills each, listed 4 orders or 5 fills a page, so that an
 * order's fills straddle pages (two pages in flight write the same order). Without `ordersSince` the
 * import finds the orders behind the fills by `getOrder`, in the fills phase.
 */
function smallPageVenue(orders: number, ordersSince: boolean): VenueAdapter {
  const filled = (n: number) => report(n, { status: 'filled', quantity: d('6'), filledQuantity: d('6'), avgFillPrice: d('100') });
  const fills = Array.from({ length: orders * 3 }, (_, k) => fill(Math.floor(k / 3) + 1, (k % 3) + 1));
  const refuse = () => Promise.reject(new Error('listing only'));
  return {
    venue: 'paper',
    capabilities: { clientOrderId: true, idempotentSubmit: true, getByClientOrderId: false, cancel: false, fillsSince: true, ordersSince, positions: true, stream: false, multiLeg: false, feesSince: false },
    placeOrder: refuse,
    cancelOrder: refuse,
    getOrder: (id) => Promise.resolve(Number(id.slice(2)) <= orders ? filled(Number(id.slice(2))) : undefined),
    getOrderByClientId: () => Promise.resolve(undefined),
    listOpenOrders: () => Promise.resolve([]),
    ...(ordersSince
      ? {
          listOrders: (_since: string, cursor?: string | null) => {
            const from = Number(cursor ?? 1);
            const to = Math.min(orders, from + 3);
            return Promise.resolve({ orders: Array.from({ length: to - from + 1 }, (_, i) => filled(from + i)), cursor: to < orders ? String(to + 1) : null });
          },
        }
      : {}),
    listFills: (_since, cursor) => {
      const from = Number(cursor ?? 0);
      return Promise.resolve({ fills: fills.slice(from, from + 5), cursor: from + 5 < fills.length ? String(from + 5) : null });
    },
    listPositions: () => Promise.resolve([{ symbol: 'AAPL', assetClass: 'equity', netQuantity: d(String(orders * 6)) }]),
    subscribe: () => () => {},
    close: () => Promise.resolve(),
  };
}

describeEachEngine('batched history import paths', (h, engine) => {
  const ledger = () => h().ledger;
  let sync: VenueSync;
  beforeAll(() => {
    sync = new VenueSync(ledger());
  });
  const account = async () => (await ledger().createAccount({ name: 'batched', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } })).id;
  const countRows = async (table: 'orders' | 'order_events' | 'fills' | 'fill_quarantine', accountId: string) =>
    Number((await h().db.query<{ n: string }>(`select count(*) as n from ${table} where account_id = $1`, [accountId]))[0]!.n);
  /** What the ledger holds of an account's orders, without its clock's times (each path stamps its own). */
  const book = async (accountId: string) => {
    const orders = await ledger().listOrders(accountId);
    const details = await Promise.all(orders.map((o) => ledger().getOrderDetail({ orderId: o.id, accountId })));
    return details
      .map(({ order, events, fills }) => ({
        client: order.clientOrderId,
        broker: order.brokerOrderId,
        status: order.status,
        filled: order.qtyFilled.toFixed(),
        version: order.version,
        events: events.map((e) => [e.seq, e.type, e.source]),
        fills: fills.map((f) => [f.execId, f.quantity.toFixed()]),
      }))
      .sort((a, b) => a.client.localeCompare(b.client));
  };

  it('adoptOrders adopts under the ids adoptOrder uses, once: a second call, and adoptOrder, find the orders there', async () => {
    const accountId = await account();
    const reports = [report(1), report(2, { clientOrderId: null }), report(3)];
    const first = await ledger().adoptOrders(accountId, reports, 'import');
    expect(first.map((r) => r.created)).toEqual([true, true, true]);
    expect(first.map((r) => r.order.id)).toEqual(reports.map((r) => adoptedOrderIdFor(accountId, r.venueOrderId)));
    expect(first.map((r) => [r.order.clientOrderId, r.order.brokerOrderId, r.order.origin, r.order.sentBy, r.order.status])).toEqual([
      ['c-1', 'V-1', 'import', 'bot', 'pending_submit'],
      ['adopted-V-2', 'V-2', 'import', 'bot', 'pending_submit'],
      ['c-3', 'V-3', 'import', 'bot', 'pending_submit'],
    ]);
    for (const r of first) expect(r.order.detectedAt).not.toBeNull();
    // What adoptOrder would have written: the same rows, read back.
    for (const r of first) expect(await ledger().getOrder({ orderId: r.order.id, accountId })).toEqual(r.order);
    expect(await countRows('order_events', accountId)).toBe(3);

    const again = await ledger().adoptOrders(accountId, [report(3), report(4), report(1)], 'import');
    expect(again.map((r) => [r.order.id, r.created])).toEqual([
      [first[2]!.order.id, false],
      [adoptedOrderIdFor(accountId, 'V-4'), true],
      [first[0]!.order.id, false],
    ]);
    const one = await ledger().adoptOrder(accountId, report(4), adoptedOrderIdFor(accountId, 'V-4'), 'import');
    expect([one.created, one.order]).toEqual([false, again[1]!.order]);
    expect([await countRows('orders', accountId), await countRows('order_events', accountId)]).toEqual([4, 4]);
  });

  it('adoptOrders: a venue order listed twice, or two venue orders with one client order id, make one order, as one adoptOrder after another would', async () => {
    const accountId = await account();
    const results = await ledger().adoptOrders(accountId, [report(1), report(1), report(2, { clientOrderId: 'c-1' })], 'import');
    expect(results.map((r) => [r.order.brokerOrderId, r.created])).toEqual([['V-1', true], ['V-1', false], ['V-1', false]]);
    expect(await countRows('orders', accountId)).toBe(1);
  });

  it('adoptOrders with then: the orders it creates are brought to the venue state in the same write; an order already there is left as it is', async () => {
    const accountId = await account();
    await ledger().adoptOrders(accountId, [report(1)], 'import');
    const results = await ledger().adoptOrders(accountId, [report(1, { status: 'canceled' }), report(2, { status: 'canceled', reason: 'user' })], 'import', (r) => sync.reportEvents(r, 'import'));
    expect(results.map((r) => [r.created, r.order.status, r.order.version])).toEqual([[false, 'pending_submit', 1], [true, 'canceled', 3]]);
    const detail = await ledger().getOrderDetail({ orderId: results[1]!.order.id, accountId });
    expect(detail.order).toEqual(results[1]!.order);
    expect(detail.events.map((e) => [e.seq, e.type, e.source])).toEqual([[1, 'created', 'import'], [2, 'submitted', 'import'], [3, 'canceled', 'import']]);
    expect(detail.order.statusReason).toBe('user');
  });

  it('two adopters of the same venue orders at once, through two ledgers, create each order once', async () => {
    const accountId = await account();
    // A second ledger with its own connections (on the server; PGlite has one connection), as a second instance would.
    const db2 = engine === 'postgres' ? await openDatabase({ databaseUrl: h().url! }) : h().db;
    const other = engine === 'postgres' ? await Ledger.open({ database: db2 }) : ledger();
    try {
      const reports = Array.from({ length: 200 }, (_, i) => report(i + 1));
      const rounds = await Promise.all([
        ledger().adoptOrders(accountId, reports, 'import'),
        other.adoptOrders(accountId, [...reports].reverse(), 'reconciliation'),
        ledger().adoptOrders(accountId, reports.slice(50, 150), 'import'),
        ...reports.slice(0, 20).map((r) => other.adoptOrder(accountId, r, adoptedOrderIdFor(accountId, r.venueOrderId), 'reconciliation')),
      ]);
      expect(await countRows('orders', accountId)).toBe(200);
      expect(await countRows('order_events', accountId)).toBe(200);
      // Each venue order was created by exactly one of the calls, and every call got that order.
      for (const r of reports) {
        const answers = rounds.flat().filter((a) => a.order.brokerOrderId === r.venueOrderId);
        expect(answers.filter((a) => a.created)).toHaveLength(1);
        expect(new Set(answers.map((a) => a.order.id))).toEqual(new Set([adoptedOrderIdFor(accountId, r.venueOrderId)]));
      }
    } finally {
      if (engine === 'postgres') {
        await other.close();
        await db2.close();
      }
    }
  });

  it('applyOrderReports leaves the book and answers as applyOrderReport one at a time does', async () => {
    const [batched, single] = [await account(), await account()];
    // In each account: orders adopted, one the bot recorded and never sent, one known by client order id only, one closed.
    const statuses: VenueOrderReport['status'][] = ['open', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected', 'pending_cancel', 'replaced'];
    const reports = statuses.map((status, i) => report(i + 1, { status, reason: status === 'rejected' ? 'no funds' : null }));
    for (const accountId of [batched, single]) {
      await ledger().adoptOrders(accountId, reports, 'import');
      await ledger().recordOrder({ accountId, clientOrderId: 'bot-1', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '100', sentBy: 'bot' }, 'api');
      const known = (await ledger().recordOrder({ accountId, clientOrderId: 'bot-2', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '100' }, 'api')).order;
      await ledger().applyEvent({ orderId: known.id, accountId }, { type: 'submitted', source: 'api' });
      const closed = (await ledger().adoptOrders(accountId, [report(50)], 'import'))[0]!.order;
      await ledger().applyEvent({ orderId: closed.id, accountId }, { type: 'submitted', brokerOrderId: 'V-50', source: 'api' });
      await ledger().applyEvent({ orderId: closed.id, accountId }, { type: 'canceled', source: 'api' });
      // One Fillbook sends whose send was reported as failed, and which the venue has after all.
      const failed = (await ledger().recordOrder({ accountId, clientOrderId: 'fb-1', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '100', sentBy: 'fillbook' }, 'api')).order;
      await ledger().applyEvent({ orderId: failed.id, accountId }, { type: 'failed', reason: 'connection reset', source: 'api' });
    }
    const page = [
      ...reports,
      report(90, { venueOrderId: 'V-90', clientOrderId: 'bot-1', status: 'filled' }),
      report(91, { venueOrderId: 'V-91', clientOrderId: 'bot-2', status: 'canceled' }),
      report(50, { status: 'open' }), // stale: the ledger closed it
      report(99), // unknown
      report(98, { clientOrderId: 'bot-2' }), // another venue order reusing a client id: not that order
      report(92, { venueOrderId: 'V-92', clientOrderId: 'fb-1', status: 'partially_filled' }), // the failed send: the venue has it
    ];
    const outcomes = await sync.applyOrderReports(batched, page, 'import');
    const expected = [];
    for (const r of page) expected.push(await sync.applyOrderReport(single, r, 'import'));
    expect(outcomes).toEqual(expected);
    expect(outcomes.filter((o) => o.skipped === 'stale')).toHaveLength(1);
    expect(outcomes.filter((o) => o.skipped === 'unknown_order')).toHaveLength(2);
    expect(await book(batched)).toEqual(await book(single));
    expect((await book(batched)).find((o) => o.client === 'fb-1')).toMatchObject({ broker: 'V-92', status: 'open', events: [[1, 'created', 'api'], [2, 'failed', 'api'], [3, 'status_checked', 'import'], [4, 'accepted', 'import']] });
    // A second time changes nothing, as one at a time.
    const before = await book(batched);
    const twice = await sync.applyOrderReports(batched, page, 'import');
    const twiceSingle = [];
    for (const r of page) twiceSingle.push(await sync.applyOrderReport(single, r, 'import'));
    expect(twice).toEqual(twiceSingle);
    expect(await book(batched)).toEqual(before);
  });

  it('applyOrderReports: two reports of one order in a page are applied one at a time, in order', async () => {
    const accountId = await account();
    await ledger().adoptOrders(accountId, [report(1)], 'import');
    const outcomes = await sync.applyOrderReports(accountId, [report(1, { status: 'open' }), report(1, { status: 'canceled' })], 'import');
    expect(outcomes).toEqual([{ applied: true }, { applied: true }]);
    expect((await ledger().getOrder({ brokerOrderId: 'V-1', accountId })).status).toBe('canceled');
  });

  it('applyFills records a page as applyFill one at a time does: recorded, duplicate, quarantined, unknown; learns broker order ids', async () => {
    const [batched, single] = [await account(), await account()];
    for (const accountId of [batched, single]) {
      await ledger().adoptOrders(accountId, [report(1), report(2, { quantity: d('3') })], 'import', (r) => sync.reportEvents(r, 'import'));
      // Known by client order id only (the bot recorded it and never reported its broker order id).
      await ledger().recordOrder({ accountId, clientOrderId: 'c-3', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', sentBy: 'bot' }, 'api');
      await ledger().recordFill({ order: { accountId, brokerOrderId: 'V-1' }, execId: 'V-1-F1', quantity: '2', price: '100', executedAt: at(11), source: 'import' });
    }
    const page = [
      fill(1, 1), // duplicate
      fill(1, 2),
      fill(2, 1),
      fill(2, 2), // overfill: 2 + 2 of 3
      fill(1, 1, { quantity: d('3') }), // conflict: same exec id, other data
      fill(3, 1),
      fill(3, 2),
      fill(4, 1), // unknown order
      fill(1, 3),
    ];
    const outcomes = await sync.applyFills(batched, page, 'import');
    const expected = [];
    for (const f of page) expected.push(await sync.applyFill(single, f, 'import'));
    expect(outcomes).toEqual(expected);
    expect(outcomes.map((o) => o.skipped ?? 'applied')).toEqual(['duplicate', 'applied', 'applied', 'quarantined', 'quarantined', 'applied', 'applied', 'unknown_order', 'applied']);
    expect(await book(batched)).toEqual(await book(single));
    expect((await ledger().getOrder({ clientOrderId: 'c-3', accountId: batched })).brokerOrderId).toBe('V-3');
    expect([await countRows('fill_quarantine', batched), await countRows('fill_quarantine', single)]).toEqual([2, 2]);
    // A page redone changes nothing but the quarantine, which keeps each redelivery, as one at a time.
    const redone = await sync.applyFills(batched, page, 'import');
    const redoneSingle = [];
    for (const f of page) redoneSingle.push(await sync.applyFill(single, f, 'import'));
    expect(redone).toEqual(redoneSingle);
    expect(await book(batched)).toEqual(await book(single));
  });

  for (const ordersSince of [true, false]) {
    it(`an import over many small pages (${ordersSince ? 'orders listed' : 'orders looked up behind their fills'}), interrupted and resumed, stores every fill once and counts each once`, async () => {
      const accountId = await account();
      const orders = 23;
      const venues = new Venues(ledger(), { ...builtInVenueFactories, paper: () => smallPageVenue(orders, ordersSince) });
      const imports = new HistoryImport(ledger(), venues, new VenueSync(ledger()));
      const since = at(-60_000);
      const abort = new AbortController();
      let committed = 0;
      const first = await imports.start({ accountId, since, startedBy: 'test' }, { signal: abort.signal, afterPage: () => (++committed === (ordersSince ? 8 : 4) ? abort.abort() : undefined) });
      const interrupted = await first.done;
      expect([interrupted.status, interrupted.phase]).toEqual(['interrupted', 'fills']);
      const resumed = await (await imports.start({ accountId, since, startedBy: 'test' })).done;
      expect(resumed.id).toBe(interrupted.id);
      expect(resumed.status).toBe('completed');
      const orderPages = ordersSince ? Math.ceil(orders / 4) : 0;
      // The page in flight when it was stopped was committed first: nothing is read twice.
      expect(resumed.counts).toEqual({ pages: orderPages + Math.ceil((orders * 3) / 5), ordersSeen: ordersSince ? orders : 0, fillsSeen: orders * 3, adopted: orders, imported: orders * 3, quarantined: 0, openingBalances: 0 });
      expect([await countRows('orders', accountId), await countRows('fills', accountId), await countRows('order_events', accountId)]).toEqual([orders, orders * 3, orders * 6]);
      for (const o of await ledger().listOrders(accountId)) expect([o.status, o.qtyFilled.toFixed(), o.version]).toEqual(['filled', '6', 6]);
      await venues.closeAll();
    });
  }
});
