import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, isFillbookError } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { Reconciler } from '../../src/service/index.js';
import { isVenueError, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import {
  createTastytradeVenue,
  mapTastytradeStatus,
  parseTastytradeConfig,
  type TastytradeCredentials,
  tastytradeCredentialsFromEnv,
  tastytradeStatuses,
  TastytradeVenue,
} from '../../src/venues/tastytrade/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { venueContract } from './contract.js';
import { samplePlain } from './samples/load.js';
import { FakeTastytrade } from './fakes/tastytrade-server.js';

const oauth: TastytradeCredentials = { kind: 'oauth', clientSecret: 'fake-client-secret', refreshToken: 'fake-refresh-token' };

/** Settings that point the adapter at the fake and keep every wait short. */
const fastConfig = (fake: FakeTastytrade, extra: Record<string, unknown> = {}) => ({
  accountNumber: fake.accountNumber,
  environment: 'sandbox',
  apiBaseUrl: fake.apiBaseUrl,
  streamerUrl: fake.streamerUrl,
  requestsPerSecondMax: 100,
  requestTimeoutMs: 2_000,
  retryBaseDelayMs: 5,
  retryDelayMsMax: 40,
  reconnectDelayMs: 10,
  heartbeatIntervalMs: 1_000,
  ...extra,
});

venueContract('tastytrade (local fake server)', async () => {
  const fake = await FakeTastytrade.start();
  const adapter = new TastytradeVenue(fastConfig(fake), { credentials: oauth, onError: () => {} });
  return {
    adapter,
    symbol: 'AAPL',
    restingPrice: '100',
    fillAtVenue: async (id, quantity, price) => {
      fake.fill(id, quantity, price);
    },
    close: async () => {
      await adapter.close();
      await fake.close();
    },
  };
});

describe('tastytrade adapter specifics', () => {
  let fake: FakeTastytrade;
  let adapter: TastytradeVenue;
  let events: VenueEvent[];
  let errors: unknown[];
  let unsubscribe: () => void;

  beforeAll(async () => {
    fake = await FakeTastytrade.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(async () => {
    unsubscribe?.();
    await adapter?.close();
  });

  const open = async (extra: Record<string, unknown> = {}, credentials: TastytradeCredentials = oauth) => {
    events = [];
    errors = [];
    // The previous test's adapter is closed; wait until the fake has let go of its stream.
    await eventually(async () => expect(fake.subscriberCount).toBe(0));
    adapter = new TastytradeVenue(fastConfig(fake, extra), { credentials, onError: (e) => errors.push(e) });
    unsubscribe = adapter.subscribe((e) => events.push(e));
    await eventually(async () => expect(fake.subscriberCount).toBe(1));
  };
  const request = (clientOrderId: string, quantity = '6'): VenuePlaceRequest => ({
    clientOrderId,
    symbol: 'AAPL',
    assetClass: 'equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    quantity: new Decimal(quantity),
    limitPrice: new Decimal('100'),
    stopPrice: null,
  });
  const unique = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const fillsOf = (id: string) => events.flatMap((e) => (e.kind === 'fill' && e.fill.venueOrderId === id ? [e.fill] : []));
  const ordersOf = (id: string) => events.flatMap((e) => (e.kind === 'order' && e.order.venueOrderId === id ? [e.order] : []));

  it('sends a dasherized single-leg order with the external identifier and the position effect', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('shape')));
    const sent = fake.orders.get(placed.venueOrderId)!.json;
    expect(sent).toMatchObject({ 'order-type': 'Limit', 'time-in-force': 'Day', price: '100', 'price-effect': 'Debit', legs: [{ 'instrument-type': 'Equity', symbol: 'AAPL', action: 'Buy to Open' }] });
    expect(placed).toMatchObject({ clientOrderId: sent['external-identifier'], status: 'pending_submit', symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day' });
    expect(placed.quantity.toFixed()).toBe('6');
  });

  it('derives partially_filled from the fills of a Live order and emits each fill once though every update resends them all', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('partial')));
    fake.fill(placed.venueOrderId, '2', '99.5');
    fake.fill(placed.venueOrderId, '1', '99.75');
    fake.resend(placed.venueOrderId);
    fake.resend(placed.venueOrderId);
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(2));
    await eventually(async () => expect(ordersOf(placed.venueOrderId).at(-1)?.filledQuantity.toFixed()).toBe('3'));
    // The resent copies carried nothing new: no further events once the last state is known.
    const seen = events.length;
    fake.resend(placed.venueOrderId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.length).toBe(seen);
    expect(fillsOf(placed.venueOrderId).map((f) => [f.quantity.toFixed(), f.price.toFixed()])).toEqual([['2', '99.5'], ['1', '99.75']]);
    const report = await adapter.getOrder(placed.venueOrderId);
    expect([report?.status, report?.filledQuantity.toFixed(), report?.avgFillPrice?.toFixed()]).toEqual(['partially_filled', '3', '99.583333333333']);
  });

  it('drops an out-of-order (older) state of an order and never repeats its fills', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('reorder'), '2'));
    fake.fill(placed.venueOrderId, '1', '100');
    fake.fill(placed.venueOrderId, '1', '100');
    await eventually(async () => expect(ordersOf(placed.venueOrderId).at(-1)?.status).toBe('filled'));
    fake.pushStale(placed.venueOrderId, 1); // the partially filled state, late
    fake.pushStale(placed.venueOrderId, 3); // the order before any fill, later still
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ordersOf(placed.venueOrderId).at(-1)?.status).toBe('filled');
    expect(fillsOf(placed.venueOrderId)).toHaveLength(2);
  });

  it('reconnects a dropped account streamer, says so, and streams again', async () => {
    await open();
    fake.dropStreams();
    await eventually(async () => expect(events.some((e) => e.kind === 'reconnected')).toBe(true));
    expect(events.filter((e) => e.kind === 'disconnected').length).toBe(1);
    await eventually(async () => expect(fake.subscriberCount).toBeGreaterThan(0));
    const placed = await adapter.placeOrder(request(unique('after-reconnect'), '1'));
    fake.fill(placed.venueOrderId, '1', '100');
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(1));
  });

  it('backs off and retries reads refused with 429 or failing with 5xx, within a bound', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('retry-read')));
    fake.failNext(2, { status: 429, method: 'GET', path: /\/orders\/\d+$/ });
    fake.failNext(1, { status: 503, method: 'GET', path: /\/orders\/\d+$/ });
    expect((await adapter.getOrder(placed.venueOrderId))?.venueOrderId).toBe(placed.venueOrderId);
    fake.failNext(10, { status: 500, method: 'GET', path: /\/orders\/\d+$/ });
    const error = await adapter.getOrder(placed.venueOrderId).catch((e: unknown) => e);
    expect(isVenueError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/after 5 attempts/);
  });

  it('retries an order POST refused with 429: nothing was placed, so it is sent again once', async () => {
    await open();
    const clientOrderId = unique('post-429');
    fake.failNext(2, { status: 429, method: 'POST', path: /\/orders$/ });
    const placed = await adapter.placeOrder(request(clientOrderId));
    expect(fake.ordersWithExternalId(clientOrderId)).toHaveLength(1);
    expect(placed.clientOrderId).toBe(clientOrderId);
  });

  it('never resends an order after a 5xx: it finds the order the venue made by its external identifier', async () => {
    await open();
    const clientOrderId = unique('post-500');
    fake.failNext(1, { status: 500, method: 'POST', path: /\/orders$/, afterProcessing: true });
    const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/orders')).length;
    const before = posts();
    const placed = await adapter.placeOrder(request(clientOrderId));
    expect(placed.clientOrderId).toBe(clientOrderId);
    expect(posts() - before).toBe(1);
    expect(fake.ordersWithExternalId(clientOrderId)).toHaveLength(1);
  });

  it('says unknown_outcome when the connection drops and the order is not found; a later send looks it up first', async () => {
    await open();
    const clientOrderId = unique('post-drop');
    fake.failNext(1, { drop: true, method: 'POST', path: /\/orders$/ });
    const error = await adapter.placeOrder(request(clientOrderId)).catch((e: unknown) => e);
    expect(isVenueError(error, 'unknown_outcome')).toBe(true);
    expect(fake.ordersWithExternalId(clientOrderId)).toHaveLength(0);

    // The same id after a dropped answer that did create the order: found, not sent again.
    const second = unique('post-drop-made');
    fake.failNext(1, { drop: true, method: 'POST', path: /\/orders$/, afterProcessing: true });
    const found = await adapter.placeOrder(request(second));
    expect(found.clientOrderId).toBe(second);
    expect(fake.ordersWithExternalId(second)).toHaveLength(1);

    // The first id, sent again: the adapter looks before it sends, then sends once.
    const placed = await adapter.placeOrder(request(clientOrderId));
    expect(placed.clientOrderId).toBe(clientOrderId);
    expect(fake.ordersWithExternalId(clientOrderId)).toHaveLength(1);
  });

  it('rejects what tastytrade refuses and what it cannot express', async () => {
    await open();
    const fok = await adapter.placeOrder({ ...request(unique('fok')), timeInForce: 'fok' }).catch((e: unknown) => e);
    expect(isVenueError(fok, 'rejected')).toBe(true);
    const bad = await adapter.placeOrder({ ...request(unique('bad')), quantity: new Decimal('-1') }).catch((e: unknown) => e);
    expect(isVenueError(bad, 'rejected')).toBe(true);
    expect((bad as Error).message).toMatch(/quantity must be positive/);
    const placed = await adapter.placeOrder(request(unique('cancel-twice')));
    await adapter.cancelOrder(placed.venueOrderId);
    await eventually(async () => expect((await adapter.getOrder(placed.venueOrderId))?.status).toBe('canceled'));
    expect(isVenueError(await adapter.cancelOrder(placed.venueOrderId).catch((e: unknown) => e), 'rejected')).toBe(true);
  });

  it('treats an unknown status as an error, on a read and on the stream, never as a default', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('weird')));
    await eventually(async () => expect(ordersOf(placed.venueOrderId).at(-1)?.status).toBe('open'));
    const before = ordersOf(placed.venueOrderId).length;
    fake.setRawStatus(placed.venueOrderId, 'Frozen');
    await expect(adapter.getOrder(placed.venueOrderId)).rejects.toThrow(/unknown order status "Frozen"/);
    // Kept raw, on the read and on the stream; the stream goes on.
    await eventually(async () => expect(events.filter((e) => e.kind === 'unparsed' && e.item.venueItemId === placed.venueOrderId && /unknown order status "Frozen"/.test(e.item.reason)).length).toBeGreaterThanOrEqual(2));
    expect(ordersOf(placed.venueOrderId)).toHaveLength(before);
    const other = await adapter.placeOrder(request(unique('after-weird')));
    const open_ = (await adapter.listOpenOrders()).map((o) => o.venueOrderId);
    expect([open_.includes(other.venueOrderId), open_.includes(placed.venueOrderId)]).toEqual([true, false]);
    fake.setRawStatus(placed.venueOrderId, 'Cancelled', { silent: true }); // out of the other tests' way
    for (const status of tastytradeStatuses) expect(typeof mapTastytradeStatus({ id: '1', status, 'replacing-order-id': null }, new Decimal(0))).toBe('string');
    expect(mapTastytradeStatus({ id: '1', status: 'Live', 'replacing-order-id': null }, new Decimal(1))).toBe('partially_filled');
    expect(mapTastytradeStatus({ id: '1', status: 'Cancelled', 'replacing-order-id': '2' }, new Decimal(0))).toBe('replaced');
  });

  it('places a vertical spread with its legs, net price and price effect, and reports each leg and its fills once', async () => {
    await open();
    const c200 = 'AAPL  261218C00200000';
    const c210 = 'AAPL  261218C00210000';
    const placed = await adapter.placeOrder({
      ...request(unique('spread'), '2'),
      symbol: 'AAPL',
      assetClass: 'option',
      limitPrice: new Decimal('3.00'),
      legs: [
        { symbol: c200, assetClass: 'option', side: 'buy', ratio: new Decimal(1), positionEffect: 'open' },
        // No position effect given: nothing is held, so a sell opens.
        { symbol: c210, assetClass: 'option', side: 'sell', ratio: new Decimal(1), positionEffect: null },
      ],
    });
    const sent = fake.orders.get(placed.venueOrderId)!.json;
    expect(sent).toMatchObject({ 'order-type': 'Limit', price: '3', 'price-effect': 'Debit', size: '2' });
    expect((sent.legs as Record<string, unknown>[]).map((l) => [l.symbol, l.quantity, l.action])).toEqual([[c200, 2, 'Buy to Open'], [c210, 2, 'Sell to Open']]);
    expect([placed.symbol, placed.side, placed.quantity.toFixed(), placed.legs?.map((l) => [l.symbol, l.side, l.ratio.toFixed(), l.positionEffect])]).toEqual([
      'AAPL', 'buy', '2', [[c200, 'buy', '1', 'open'], [c210, 'sell', '1', 'open']],
    ]);

    fake.fill(placed.venueOrderId, '2', '5.00', { leg: 1 });
    fake.fill(placed.venueOrderId, '1', '2.00', { leg: 2 });
    fake.resend(placed.venueOrderId);
    fake.resend(placed.venueOrderId);
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(2));
    await eventually(async () => expect(ordersOf(placed.venueOrderId).at(-1)?.filledQuantity.toFixed()).toBe('1'));
    expect(fillsOf(placed.venueOrderId).map((f) => [f.leg, f.symbol, f.side, f.quantity.toFixed(), f.price.toFixed()])).toEqual([
      [1, c200, 'buy', '2', '5'],
      [2, c210, 'sell', '1', '2'],
    ]);
    const half = await adapter.getOrder(placed.venueOrderId);
    expect([half?.status, half?.filledQuantity.toFixed(), half?.avgFillPrice?.toFixed()]).toEqual(['partially_filled', '1', '3']);
    fake.fill(placed.venueOrderId, '1', '2.50', { leg: 2 });
    await eventually(async () => expect(ordersOf(placed.venueOrderId).at(-1)?.status).toBe('filled'));
    expect(fillsOf(placed.venueOrderId)).toHaveLength(3);
    const done = await adapter.getOrder(placed.venueOrderId);
    // Net per unit: 5.00 - average(2.00, 2.50) = 2.75.
    expect([done?.filledQuantity.toFixed(), done?.avgFillPrice?.toFixed()]).toEqual(['2', '2.75']);
  });

  it('reads a spread of another ratio as tastytrade sends it (size counts units)', async () => {
    await open();
    const placed = await adapter.placeOrder({
      ...request(unique('ratio'), '3'),
      symbol: 'AAPL',
      assetClass: 'option',
      side: 'sell',
      limitPrice: new Decimal('0.40'),
      legs: [
        { symbol: 'AAPL  261218C00200000', assetClass: 'option', side: 'buy', ratio: new Decimal(1), positionEffect: 'open' },
        { symbol: 'AAPL  261218C00210000', assetClass: 'option', side: 'sell', ratio: new Decimal(2), positionEffect: 'open' },
      ],
    });
    expect(fake.orders.get(placed.venueOrderId)!.json['price-effect']).toBe('Credit');
    expect([placed.side, placed.quantity.toFixed(), placed.legs?.map((l) => l.ratio.toFixed())]).toEqual(['sell', '3', ['1', '2']]);
  });

  it('authenticates with OAuth2 only: never the decommissioned password login, and refuses a wrong refresh token without quoting it', async () => {
    await open();
    expect(await adapter.listOpenOrders()).toEqual(expect.any(Array));
    expect(fake.requests.some((r) => r.path.includes('/sessions'))).toBe(false);
    expect(() => tastytradeCredentialsFromEnv('TASTYTRADE', { TASTYTRADE_USERNAME: 'bot', TASTYTRADE_PASSWORD: 'hunter2' })).toThrow(/CLIENT_SECRET and TASTYTRADE_REFRESH_TOKEN \(OAuth2\).*decommissioned/);
    const wrong = new TastytradeVenue(fastConfig(fake), { credentials: { kind: 'oauth', clientSecret: 'nope', refreshToken: 'nope' }, onError: () => {} });
    const error = await wrong.listPositions().catch((e: unknown) => e);
    expect(isVenueError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).not.toMatch(/nope/);
    await wrong.close();
  });

  it('serves the documentation\'s orders/live example: read with tastytrade\'s own time, never the local clock', async () => {
    await open();
    await adapter.close();
    adapter = new TastytradeVenue(fastConfig(fake), { credentials: oauth, onError: (e) => errors.push(e), clock: () => new Date('1990-01-01T00:00:00.000Z') });
    const items = samplePlain<{ data: { items: unknown[] } }>('tastytrade', 'orders-live-doc.json').data.items;
    fake.rawLiveItems.push(...items);
    try {
      const before = Date.now() - 5_000;
      const live = (await adapter.listOpenOrders()).find((o) => o.venueOrderId === '54758826');
      expect(live?.status).toBe('open');
      // The answer's Date header (second precision), not 1990.
      expect(Date.parse(live!.updatedAt)).toBeGreaterThanOrEqual(before - 1_000);
      expect(live!.updatedAt).toBe(live!.createdAt);
    } finally {
      fake.rawLiveItems.length = 0;
    }
  });

  it('refuses numbers it cannot read exactly', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('float')));
    const leg = (fake.orders.get(placed.venueOrderId)!.json.legs as Record<string, unknown>[])[0]!;
    leg.quantity = 0.1 + 0.2; // 0.30000000000000004: not what any venue meant
    await expect(adapter.getOrder(placed.venueOrderId)).rejects.toThrow(/at most 15 significant digits/);
  });
});

describe('tastytrade configuration', () => {
  it('refuses bad settings with coded errors naming the field', () => {
    const codeOf = (raw: Record<string, unknown>) => {
      try {
        parseTastytradeConfig(raw);
        return 'accepted';
      } catch (error) {
        return isFillbookError(error) ? `${error.code} ${String(error.details.field)}` : String(error);
      }
    };
    expect(codeOf({})).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.accountNumber');
    expect(codeOf({ accountNumber: '5WT00001' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.environment');
    expect(codeOf({ accountNumber: '5WT00001', environment: 'sandbox', password: 'hunter2' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.password');
    expect(codeOf({ accountNumber: '5WT00001', environment: 'sandbox', apiBaseUrl: 'ftp://x' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.apiBaseUrl');
    expect(codeOf({ accountNumber: '5WT00001', environment: 'production' })).toBe('accepted');
  });

  it('reads credentials from the environment and says which variables are missing', () => {
    const account = { venueConfig: { accountNumber: '5WT00001', environment: 'sandbox', credentialsEnvPrefix: 'TT_BOT2' } };
    expect(() => createTastytradeVenue(account, { env: {} })).toThrow(/TT_BOT2_CLIENT_SECRET and TT_BOT2_REFRESH_TOKEN/);
    const adapter = createTastytradeVenue(account, { env: { TT_BOT2_CLIENT_SECRET: 's', TT_BOT2_REFRESH_TOKEN: 'r' } });
    expect(adapter.venue).toBe('tastytrade');
  });
});

describe('tastytrade spreads through the ledger', () => {
  it('places a ratio spread through the router and records the streamed fills of each leg once', async () => {
    const fake = await FakeTastytrade.start();
    const fresh = await freshDatabase(engines.includes('postgres') ? 'postgres' : 'pglite');
    const ledger = await Ledger.open({ database: fresh.db });
    const stack = trading(ledger, {}, { tastytrade: (account) => createTastytradeVenue(account, { credentials: oauth, onError: () => {} }) });
    try {
      const account = await ledger.createAccount({ name: 'tasty', venue: 'tastytrade', venueConfig: fastConfig(fake) });
      await stack.venues.forAccount(account.id);
      await eventually(async () => expect(fake.subscriberCount).toBe(1));
      const c200 = 'AAPL  261218C00200000';
      const c210 = 'AAPL  261218C00210000';
      const order = await stack.router.placeOrder({
        accountId: account.id,
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '2',
        limitPrice: '1.00',
        legs: [
          { symbol: c200, assetClass: 'option', side: 'buy', ratio: '1', positionEffect: 'open' },
          { symbol: c210, assetClass: 'option', side: 'sell', ratio: '2', positionEffect: 'open' },
        ],
      });
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('open'));
      const brokerOrderId = (await ledger.getOrder({ orderId: order.id })).brokerOrderId!;
      expect((fake.orders.get(brokerOrderId)!.json.legs as Record<string, unknown>[]).map((l) => l.quantity)).toEqual([2, 4]);
      fake.fill(brokerOrderId, '2', '5.00', { leg: 1 });
      fake.fill(brokerOrderId, '2', '2.10', { leg: 2 });
      fake.resend(brokerOrderId);
      fake.fill(brokerOrderId, '2', '1.90', { leg: 2 });
      fake.resend(brokerOrderId);
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('filled'));
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      // Net per unit: +1 x 5.00 - 2 x 2.00 = 1.00.
      expect([detail.order.qtyFilled.toFixed(), detail.order.avgFillPrice?.toFixed(), detail.fills.map((f) => [f.leg, f.quantity.toFixed()])]).toEqual(['2', '1', [[1, '2'], [2, '2'], [2, '2']]]);
      expect(JSON.parse(JSON.stringify(await ledger.replayOrder({ orderId: order.id })))).toEqual(JSON.parse(JSON.stringify(detail.order)));
      expect((await ledger.getHoldings(account.id)).map((h) => [h.symbol, h.netQuantity.toFixed()])).toEqual([[c200, '2'], [c210, '-4']]);
      // Reconciliation finds the ledger and tastytrade agreeing, leg by leg.
      const run = await new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 }).run({ accountId: account.id, actions: [], startedBy: 'test' });
      expect(Object.entries(run.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k))).toEqual([]);
      expect(stack.errors).toEqual([]);
    } finally {
      await stack.close();
      await fresh.drop();
      await fake.close();
    }
  });
});

describe('tastytrade reconciliation through the fake', () => {
  it('finds a fill dropped from the stream and imports it with its fill-id', async () => {
    const fake = await FakeTastytrade.start();
    // The scenario needs a ledger, not a particular engine: the server when it is up (fast), else the embedded one.
    const fresh = await freshDatabase(engines.includes('postgres') ? 'postgres' : 'pglite');
    const ledger = await Ledger.open({ database: fresh.db });
    const stack = trading(ledger, {}, { tastytrade: (account) => createTastytradeVenue(account, { credentials: oauth, onError: () => {} }) });
    try {
      const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
      const account = await ledger.createAccount({ name: 'tasty', venue: 'tastytrade', venueConfig: fastConfig(fake) });
      await stack.venues.forAccount(account.id);
      await eventually(async () => expect(fake.subscriberCount).toBe(1));
      const order = await stack.router.placeOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('open'));
      const brokerOrderId = (await ledger.getOrder({ orderId: order.id })).brokerOrderId!;
      const dropped = fake.fill(brokerOrderId, '4', '99.5', { silent: true });

      const summary = async (actions: ('import_fills')[] = []) => {
        const run = await reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
        return Object.fromEntries(Object.entries(run.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k)));
      };
      expect(await summary()).toEqual({ fill_mismatch: 1, holding_mismatch: 1 });
      await summary(['import_fills']);
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.fills.map((f) => [f.execId, f.source])]).toEqual([
        'partially_filled',
        '4',
        [[dropped['fill-id'], 'reconciliation']],
      ]);
      expect(await summary()).toEqual({});
      expect(stack.errors).toEqual([]);
    } finally {
      await stack.close();
      await fresh.drop();
      await fake.close();
    }
  });
});
