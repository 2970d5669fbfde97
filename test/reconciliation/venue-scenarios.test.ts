import { afterEach, expect, it } from 'vitest';
import { Reconciler, type VenueFactory } from '../../src/service/index.js';
import { AlpacaAdapter, parseAlpacaConfig } from '../../src/venues/alpaca/index.js';
import { TastytradeVenue } from '../../src/venues/tastytrade/index.js';
import { parseTradierConfig, TradierAdapter } from '../../src/venues/tradier/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { FakeAlpacaServer } from '../venues/fakes/alpaca-server.js';
import { FakeTastytrade } from '../venues/fakes/tastytrade-server.js';
import { FakeTradierServer } from '../venues/fakes/tradier-server.js';
import { samplePlain } from '../venues/samples/load.js';

/**
 * Per venue, an account at a real adapter (against its fake, serving the sample corpus) that holds
 * one item the adapter cannot read beside orders it can: the item is kept raw and reported as
 * `unparsed_venue_item`, and everything else still reconciles (a formerly unreadable kind, now
 * understood, is adopted; the ledger's own filled order matches).
 */
const quick = { retryDelayMs: 5, retryDelayMaxMs: 2_000, reconnectDelayMs: 10, reconnectDelayMaxMs: 50, timeoutMs: 2_000 };
const categories = (run: { summary: Record<string, number> }) => Object.fromEntries(Object.entries(run.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k)));

describeEachEngine('reconciliation with a venue item the adapter cannot read', (h) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  async function stack(venue: string, factory: VenueFactory) {
    const t = trading(h().ledger, {}, { [venue]: factory });
    cleanup.push(() => t.close());
    const reconciler = new Reconciler(h().ledger, t.venues, t.sync, { quietPeriodMs: 0 });
    const account = await h().ledger.createAccount({ name: `recon-${venue}`, venue });
    const run = (actions: ('adopt_orphaned' | 'import_fills')[] = []) => reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
    const place = () => t.router.placeOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });
    return { t, account, run, place };
  }

  /** The item is stored by the stream consumer as the adapter emits it: wait for it, then the run reports it. */
  async function runUntilReported<R extends { summary: Record<string, number> }>(run: () => Promise<R>): Promise<R> {
    return eventually(async () => {
      const r = await run();
      expect(r.summary.unparsed_venue_item).toBe(1);
      return r;
    });
  }

  it('alpaca: a trailing stop (once unreadable) is adopted, an order of an unknown class is kept raw, the rest matches', async () => {
    const fake = await FakeAlpacaServer.start();
    cleanup.push(() => fake.close());
    const s = await stack('alpaca', () => new AlpacaAdapter(parseAlpacaConfig({ baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick }), { keyId: fake.keyId, secretKey: fake.secretKey }));
    const order = await s.place();
    await eventually(async () => expect(fake.listeners).toBe(1));
    fake.fill(order.brokerOrderId!, '10', '100');
    await eventually(async () => expect((await h().ledger.getOrder({ orderId: order.id })).status).toBe('filled'));
    const now = new Date(Date.now() - 60_000).toISOString();
    fake.addRawOrder({ ...samplePlain<Record<string, unknown>>('alpaca', 'order-trailing-stop.json'), symbol: 'MSFT', submitted_at: now, created_at: now, updated_at: now });
    fake.addRawOrder({ ...samplePlain<Record<string, unknown>>('alpaca', 'order-notional.json'), id: '5c4b3a29-1807-4f6e-9d5c-4b3a29180700', client_order_id: 'hand-1', order_class: 'oto_with_a_twist', submitted_at: now, created_at: now, updated_at: now });
    const dry = await runUntilReported(() => s.run());
    expect(categories(dry)).toEqual({ orphaned_at_broker: 1, unparsed_venue_item: 1 });
    expect(dry.findings.find((f) => f.category === 'unparsed_venue_item')).toMatchObject({ brokerOrderId: '5c4b3a29-1807-4f6e-9d5c-4b3a29180700', details: { venue: 'alpaca', kind: 'order' } });
    expect(dry.findings.find((f) => f.category === 'orphaned_at_broker')).toMatchObject({ brokerOrderId: 'c6a4a1a9-3b9e-4f8a-9d3e-2f1b7d6e5a41', symbol: 'MSFT' });
    await s.run(['adopt_orphaned']);
    const adopted = (await h().ledger.listOrders(s.account.id)).find((o) => o.brokerOrderId === 'c6a4a1a9-3b9e-4f8a-9d3e-2f1b7d6e5a41');
    expect([adopted?.type, adopted?.stopPrice?.toFixed(), adopted?.origin]).toEqual(['trailing_stop', '178.2', 'reconciliation']);
    expect(categories(await s.run())).toEqual({ unparsed_venue_item: 1 });
  });

  it('tradier: combo and multileg orders (once unreadable) read, an order of an unknown class kept raw, the rest matches', async () => {
    const fake = await FakeTradierServer.start();
    cleanup.push(() => fake.close());
    const s = await stack('tradier', () => new TradierAdapter(parseTradierConfig({ accountId: fake.accountId, baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick, requestsPerMinute: 6_000 }), fake.accessToken));
    const order = await s.place();
    await eventually(async () => expect(fake.listeners).toBe(1));
    fake.fill(order.brokerOrderId!, '10', '100');
    await eventually(async () => expect((await h().ledger.getOrder({ orderId: order.id })).status).toBe('filled'));
    // The documentation's combo (canceled) and the filled variant of its condor, created today so the window reads them; one more of a class no adapter knows.
    const today = new Date(Date.now() - 60_000).toISOString();
    const listed = samplePlain<{ orders: { order: Record<string, unknown>[] } }>('tradier', 'orders-multileg-combo.json').orders.order;
    const combo = listed.find((o) => o.id === 229063)!;
    const condor = samplePlain<Record<string, unknown> & { leg: Record<string, unknown>[] }>('tradier', 'order-multileg-filled.json');
    fake.addRawOrder('229063', JSON.stringify({ ...combo, create_date: today, transaction_date: today }));
    fake.addRawOrder('229123', JSON.stringify({ ...condor, create_date: today, transaction_date: today, leg: condor.leg.map((l) => ({ ...l, create_date: today, transaction_date: today })) }));
    // The condor's legs, held at the venue: +1, -1, -1, +1.
    fake.extraPositions.push(
      { symbol: 'SPY180720C00274000', quantity: '1' },
      { symbol: 'SPY180720C00275000', quantity: '-1' },
      { symbol: 'SPY180720C00276000', quantity: '-1' },
      { symbol: 'SPY180720C00277000', quantity: '1' },
    );
    fake.addRawOrder('777001', JSON.stringify({ ...listed[0]!, id: 777001, class: 'oto', status: 'open', create_date: today, transaction_date: today }));
    const dry = await runUntilReported(() => s.run());
    // The combo and the filled condor are orders the ledger never knew, closed at the venue (read
    // through listOrders); the condor's legs' holdings differ until it is adopted.
    expect(categories(dry)).toEqual({ orphaned_at_broker: 2, holding_mismatch: 4, unparsed_venue_item: 1 });
    expect(dry.findings.find((f) => f.category === 'unparsed_venue_item')).toMatchObject({ brokerOrderId: '777001', details: { venue: 'tradier', reason: expect.stringMatching(/class "oto"/) } });
    expect(dry.findings.filter((f) => f.category === 'orphaned_at_broker').map((f) => f.brokerOrderId).sort()).toEqual(['229063', '229123']);
    await s.run(['adopt_orphaned', 'import_fills']);
    const spread = (await h().ledger.listOrders(s.account.id)).find((o) => o.brokerOrderId === '229123')!;
    expect([spread.status, spread.legs?.length, spread.qtyFilled.toFixed()]).toEqual(['filled', 4, '1']);
    const detail = await h().ledger.getOrderDetail({ orderId: spread.id });
    expect(detail.fills.map((f) => [f.leg, f.price.toFixed()]).sort()).toEqual([[1, '2.5'], [2, '2.1'], [3, '1.75'], [4, '0.55']]);
    expect(categories(await s.run())).toEqual({ unparsed_venue_item: 1 });
  });
  it('tastytrade: the documentation\'s orders/live items (no instant of their own, once stamped with the local clock) read with tastytrade\'s time, one of an unknown status kept raw, the rest matches', async () => {
    const fake = await FakeTastytrade.start();
    cleanup.push(() => fake.close());
    const config = { accountNumber: fake.accountNumber, environment: 'sandbox', apiBaseUrl: fake.apiBaseUrl, streamerUrl: fake.streamerUrl, requestsPerSecondMax: 100, requestTimeoutMs: 2_000, retryBaseDelayMs: 5, retryDelayMsMax: 40, reconnectDelayMs: 10, heartbeatIntervalMs: 1_000 };
    // A local clock far off: nothing read from tastytrade may carry its time.
    const s = await stack('tastytrade', () => new TastytradeVenue(config, { credentials: { kind: 'oauth', clientSecret: 'fake-client-secret', refreshToken: 'fake-refresh-token' }, onError: () => {}, clock: () => new Date('1990-01-01T00:00:00.000Z') }));
    const order = await s.place();
    await eventually(async () => expect(fake.subscriberCount).toBe(1));
    fake.fill(order.brokerOrderId!, '10', '100');
    await eventually(async () => expect((await h().ledger.getOrder({ orderId: order.id })).status).toBe('filled'));
    const [live, spread] = samplePlain<{ data: { items: Record<string, unknown>[] } }>('tastytrade', 'orders-live-doc.json').data.items;
    fake.rawLiveItems.push(live!, spread!, { ...live!, id: 54758899, status: 'Teleported' });
    const dry = await runUntilReported(() => s.run());
    // The documentation's Live order is one the ledger never knew; its cancelled spread is done and owes nothing.
    expect(categories(dry)).toEqual({ orphaned_at_broker: 1, unparsed_venue_item: 1 });
    expect(dry.findings.find((f) => f.category === 'unparsed_venue_item')).toMatchObject({ brokerOrderId: '54758899', details: { venue: 'tastytrade', kind: 'order', reason: expect.stringMatching(/unknown order status "Teleported"/) } });
    expect(dry.findings.find((f) => f.category === 'orphaned_at_broker')).toMatchObject({ brokerOrderId: '54758826' });
    await s.run(['adopt_orphaned']);
    const adopted = (await h().ledger.listOrders(s.account.id)).find((o) => o.brokerOrderId === '54758826')!;
    expect([adopted.symbol, adopted.status, adopted.limitPrice?.toFixed(), adopted.origin]).toEqual(['QQQ 191115C00187000', 'open', '3', 'reconciliation']);
    expect(Date.parse(adopted.createdAt)).toBeGreaterThan(Date.parse('2020-01-01T00:00:00.000Z'));
    expect(categories(await s.run())).toEqual({ unparsed_venue_item: 1 });
  });
});
