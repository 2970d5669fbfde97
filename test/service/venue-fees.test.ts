import { afterEach, expect, it } from 'vitest';
import { type VenueFactory, VenueFeePoller } from '../../src/service/index.js';
import { AlpacaAdapter, parseAlpacaConfig } from '../../src/venues/alpaca/index.js';
import { TastytradeVenue } from '../../src/venues/tastytrade/tastytrade-adapter.js';
import { describeEachEngine } from '../support/backends.js';
import { trading } from '../support/trading.js';
import { FakeAlpacaServer } from '../venues/fakes/alpaca-server.js';
import { FakeTastytrade } from '../venues/fakes/tastytrade-server.js';
import { samplePlain } from '../venues/samples/load.js';

/**
 * The fee poll against each venue's fake serving the sample corpus: every fee lands once, the cursor
 * lives in the database (a new poller, as after a restart, goes on from it), and a fee for an order
 * the ledger does not know yet waits and lands when the order is there.
 * The samples are dated 2022 and 2023; the fakes filter by date as the venues do, so each sample
 * is served with its date moved to today (only the date fields change) to fall in the poll's window.
 */
const quick = { retryDelayMs: 5, retryDelayMaxMs: 2_000, reconnectDelayMs: 10, reconnectDelayMaxMs: 50, timeoutMs: 2_000 };
const today = new Date().toISOString().slice(0, 10);

describeEachEngine('venue fee poll', (h) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  async function stack(venue: string, factory: VenueFactory) {
    const t = trading(h().ledger, {}, { [venue]: factory });
    cleanup.push(() => t.close());
    const account = await h().ledger.createAccount({ name: `fees-${venue}`, venue });
    const poller = () => new VenueFeePoller(h().ledger, t.venues, t.sync);
    return { t, account, poller };
  }

  it('alpaca: the documented crypto fee and a daily regulatory fee land once each; the next poll goes on from the cursor kept in the database', async () => {
    const fake = await FakeAlpacaServer.start();
    cleanup.push(() => fake.close());
    const s = await stack('alpaca', () => new AlpacaAdapter(parseAlpacaConfig({ baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick }), { keyId: fake.keyId, secretKey: fake.secretKey }));
    const page = samplePlain<Record<string, unknown>[]>('alpaca', 'fee-activities.json').map((a): Record<string, unknown> => ({ ...a, date: today }));
    fake.nonTradeActivities.push(...page);

    expect(await s.poller().poll(s.account.id)).toEqual({ pages: 1, recorded: 2, duplicates: 0, waiting: 0, conflicts: 0 });
    const fees = await h().ledger.listRecordedFees(s.account.id);
    expect(fees.map((f) => [f.symbol, f.assetClass, f.amount.toFixed(), f.currency, f.kind, f.orderId])).toEqual([
      ['ETH/USD', 'crypto', '0.000195', 'ETH', 'CFEE', null],
      [null, null, '0.01', 'USD', 'FEE/TAF', null],
    ]);
    // The crypto fee takes the asset away from the holding; the account-wide fee is in no holding.
    expect((await h().ledger.getHoldings(s.account.id)).map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual([['ETH/USD', '-0.000195']]);

    // A new poller (another instance, or after a restart) reads from the stored cursor: nothing again.
    fake.requests.length = 0;
    expect(await s.poller().poll(s.account.id)).toEqual({ pages: 1, recorded: 0, duplicates: 0, waiting: 0, conflicts: 0 });
    expect(fake.requests.find((r) => r.startsWith('GET /v2/account/activities?'))).toContain(`page_token=${encodeURIComponent(String(page[1]!.id))}`);

    // The next day's fee is the only one read and recorded.
    fake.nonTradeActivities.push({ ...page[1]!, id: '20220813000000000::53be51ba-46f9-43de-b81f-576f241dc682', net_amount: '-0.02' });
    expect(await s.poller().poll(s.account.id)).toMatchObject({ recorded: 1, duplicates: 0 });
    expect((await h().ledger.listRecordedFees(s.account.id)).length).toBe(3);
  });

  it('alpaca: a pending fee activity is kept raw as unparsed, the others land', async () => {
    const fake = await FakeAlpacaServer.start();
    cleanup.push(() => fake.close());
    const s = await stack('alpaca', () => new AlpacaAdapter(parseAlpacaConfig({ baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick }), { keyId: fake.keyId, secretKey: fake.secretKey }));
    const [cfee, taf] = samplePlain<Record<string, unknown>[]>('alpaca', 'fee-activities.json').map((a): Record<string, unknown> => ({ ...a, date: today }));
    fake.nonTradeActivities.push({ ...taf!, status: 'pending' }, cfee!);
    expect(await s.poller().poll(s.account.id)).toMatchObject({ recorded: 1 });
    const items = (await h().ledger.db.query('select kind, venue_item_id, reason from unparsed_venue_items where account_id = $1', [s.account.id])) as { kind: string; venue_item_id: string; reason: string }[];
    expect(items.map((i) => [i.kind, i.venue_item_id])).toEqual([['activity', taf!.id]]);
    expect(items[0]!.reason).toMatch(/only an executed fee is applied/);
  });

  it('tastytrade: a Trade\'s fees wait for their order and land on it once it is known; a fee of no order lands on its instrument', async () => {
    const fake = await FakeTastytrade.start();
    cleanup.push(() => fake.close());
    const config = { accountNumber: fake.accountNumber, environment: 'sandbox', apiBaseUrl: fake.apiBaseUrl, streamerUrl: fake.streamerUrl, requestsPerSecondMax: 100, requestTimeoutMs: 2_000, retryBaseDelayMs: 5, retryDelayMsMax: 40, reconnectDelayMs: 10, heartbeatIntervalMs: 1_000 };
    const s = await stack('tastytrade', () => new TastytradeVenue(config, { credentials: { kind: 'oauth', clientSecret: 'fake-client-secret', refreshToken: 'fake-refresh-token' }, onError: () => {} }));
    const items = samplePlain<{ data: { items: Record<string, unknown>[] } }>('tastytrade', 'transactions-sdk.json').data.items;
    fake.transactions.push(...items.map((t) => ({ ...t, 'transaction-date': today, 'executed-at': `${today}T13:53:08.199+00:00` })));

    expect(await s.poller().poll(s.account.id)).toEqual({ pages: 1, recorded: 1, duplicates: 0, waiting: 1, conflicts: 0 });
    const [assignment] = await h().ledger.listRecordedFees(s.account.id);
    expect([assignment?.feeId, assignment?.symbol, assignment?.amount.toFixed(), assignment?.orderId]).toEqual(['tastytrade:245478958', 'RIVN', '200', null]);

    // Still unknown: it waits again (never lost, never put elsewhere).
    expect(await s.poller().poll(s.account.id)).toMatchObject({ recorded: 0, waiting: 1 });

    // The bot's order, reported with tastytrade's order id: the waiting fee lands on it, once.
    const { order } = await h().ledger.recordOrder({ accountId: s.account.id, symbol: 'RIVN  230623C00015000', assetClass: 'option', side: 'sell', type: 'limit', quantity: '40', limitPrice: '0.47' });
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: '272610989' });
    expect(await s.poller().poll(s.account.id)).toEqual({ pages: 1, recorded: 1, duplicates: 0, waiting: 0, conflicts: 0 });
    const onOrder = await h().ledger.listRecordedFees(s.account.id, [order.id]);
    expect(onOrder.map((f) => [f.feeId, f.amount.toFixed(), f.currency])).toEqual([['tastytrade:2455333333', '40.442', 'USD']]);
    expect((await h().ledger.orderFees([await h().ledger.getOrder({ orderId: order.id })])).get(order.id)?.fees.toFixed()).toBe('40.442');
    expect(await s.poller().poll(s.account.id)).toEqual({ pages: 1, recorded: 0, duplicates: 0, waiting: 0, conflicts: 0 });
    expect((await h().ledger.db.query('select count(*)::int as n from venue_fees_pending where account_id = $1', [s.account.id]))[0]).toEqual({ n: 0 });
  });
});
