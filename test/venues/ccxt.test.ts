import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, isFillbookError } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { Reconciler } from '../../src/service/index.js';
import {
  bybitOrderStatuses,
  clientOrderIdOf,
  createCcxtVenue,
  mapBybitStatus,
  orderLinkIdFor,
  parseCcxtConfig,
} from '../../src/venues/ccxt/index.js';
import { isVenueError, type VenueAdapter, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { orderHistory, venueContract } from './contract.js';
import { FakeBybit } from './fakes/bybit-server.js';
import { payloadOf } from './samples/samples.js';

const credentials = { apiKey: 'fake-api-key', secret: 'fake-api-secret' };

/** Settings that point the adapter at the fake and keep every wait short. */
const fastConfig = (fake: FakeBybit, extra: Record<string, unknown> = {}) => ({
  environment: 'testnet',
  category: 'linear',
  restBaseUrl: fake.restBaseUrl,
  wsPrivateUrl: fake.wsPrivateUrl,
  requestTimeoutMs: 2_000,
  rateLimitMs: 1,
  retryBaseDelayMs: 5,
  retryDelayMsMax: 40,
  reconnectDelayMs: 10,
  pingIntervalMs: 1_000,
  ...extra,
});

const bybitAccount = (fake: FakeBybit, extra: Record<string, unknown> = {}) => ({ venue: 'ccxt:bybit', venueConfig: fastConfig(fake, extra) });

venueContract('ccxt:bybit (local fake server)', async () => {
  const fake = await FakeBybit.start();
  const adapter = await createCcxtVenue(bybitAccount(fake), { credentials, onError: () => {} });
  return {
    adapter,
    symbol: 'BTCUSDT',
    restingPrice: '20000',
    assetClass: 'future',
    fillAtVenue: async (id, quantity, price) => {
      fake.fill(id, quantity, price);
    },
    close: async () => {
      await adapter.close();
      await fake.close();
    },
  };
});

describe('ccxt:bybit adapter specifics', () => {
  let fake: FakeBybit;
  let adapter: VenueAdapter;
  let events: VenueEvent[];
  let errors: unknown[];
  let unsubscribe: () => void;

  beforeAll(async () => {
    fake = await FakeBybit.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(async () => {
    unsubscribe?.();
    await adapter?.close();
  });

  const open = async (extra: Record<string, unknown> = {}) => {
    events = [];
    errors = [];
    await eventually(async () => expect(fake.subscriberCount).toBe(0));
    adapter = await createCcxtVenue(bybitAccount(fake, extra), { credentials, onError: (e) => errors.push(e) });
    unsubscribe = adapter.subscribe((e) => events.push(e));
    await eventually(async () => expect(fake.subscriberCount).toBe(1));
  };
  const request = (clientOrderId: string, quantity = '0.006'): VenuePlaceRequest => ({
    clientOrderId,
    symbol: 'BTCUSDT',
    assetClass: 'future',
    side: 'buy',
    type: 'limit',
    timeInForce: 'gtc',
    quantity: new Decimal(quantity),
    limitPrice: new Decimal('20000.5'),
    stopPrice: null,
  });
  const unique = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const fillsOf = (id: string) => events.flatMap((e) => (e.kind === 'fill' && e.fill.venueOrderId === id ? [e.fill] : []));
  const unparsedOf = (id: string) => events.flatMap((e) => (e.kind === 'unparsed' && JSON.stringify(e.item.payload).includes(id) ? [e.item] : []));
  const ordersOf = (id: string) => events.flatMap((e) => (e.kind === 'order' && e.order.venueOrderId === id ? [e.order] : []));

  it('sends exact decimal strings, reads them back exactly, and derives partially_filled from cumExecQty', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('exact'), '0.3'));
    expect(fake.orders.get(placed.venueOrderId)).toMatchObject({ qty: '0.3', price: '20000.5', orderLinkId: expect.stringMatching(/^exact-/) });
    fake.fill(placed.venueOrderId, '0.1', '20000.1');
    fake.fill(placed.venueOrderId, '0.1', '20000.2');
    const partial = await adapter.getOrder(placed.venueOrderId);
    // 0.1 + 0.1 is 0.2 here, not 0.2000000000000000111: no binary float ever held these.
    expect([partial?.status, partial?.filledQuantity.toFixed(), partial?.avgFillPrice?.toFixed()]).toEqual(['partially_filled', '0.2', '20000.15']);
    await eventually(async () => expect(fillsOf(placed.venueOrderId).map((f) => [f.quantity.toFixed(), f.price.toFixed(), f.fee.toFixed(), f.feeCurrency, f.liquidity])).toEqual([
      ['0.1', '20000.1', '0.400002', 'USDT', 'maker'],
      ['0.1', '20000.2', '0.400004', 'USDT', 'maker'],
    ]));
    fake.setRawStatus(placed.venueOrderId, 'New'); // a working order with fills is partially filled whatever Bybit calls it
    expect((await adapter.getOrder(placed.venueOrderId))?.status).toBe('partially_filled');
  });

  it('emits each execution once and drops duplicated and out-of-order order updates', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('dupes'), '0.002'));
    await eventually(async () => expect(ordersOf(placed.venueOrderId)).toHaveLength(1));
    fake.hold();
    fake.fill(placed.venueOrderId, '0.001', '20000');
    fake.fill(placed.venueOrderId, '0.001', '20000');
    fake.release({ reverse: true }); // newest first: Filled arrives before PartiallyFilled
    fake.replay(4); // and everything once more
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(new Set(fillsOf(placed.venueOrderId).map((f) => f.execId)).size).toBe(2);
    expect(ordersOf(placed.venueOrderId).map((o) => o.status)).toEqual(['open', 'filled']);
  });

  it('reconnects a dropped private stream, re-authenticates, says so, and streams again', async () => {
    await open();
    fake.dropStreams();
    await eventually(async () => expect(events.some((e) => e.kind === 'reconnected')).toBe(true));
    expect(events.filter((e) => e.kind === 'disconnected').length).toBe(1);
    const placed = await adapter.placeOrder(request(unique('after-reconnect'), '0.001'));
    fake.fill(placed.venueOrderId, '0.001', '20000');
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(1));
    expect(errors.filter((e) => !/stream/.test(String(e)))).toEqual([]);
  });

  it('backs off on HTTP 429 and retCode 10006, retries reads through 5xx, and gives up after a bound', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('retry-read')));
    fake.failNext(1, { status: 429, path: /\/v5\/order\/realtime$/ });
    fake.failNext(1, { retCode: 10006, path: /\/v5\/order\/realtime$/ });
    fake.failNext(1, { status: 502, path: /\/v5\/order\/realtime$/ });
    fake.failNext(1, { retCode: 10016, path: /\/v5\/order\/realtime$/ });
    expect((await adapter.getOrder(placed.venueOrderId))?.venueOrderId).toBe(placed.venueOrderId);
    fake.failNext(10, { status: 503, path: /\/v5\/order\/realtime$/ });
    const error = await adapter.getOrder(placed.venueOrderId).catch((e: unknown) => e);
    expect(isVenueError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/after 5 attempts/);
  });

  it('sends an order again after 10006 (refused unseen), never after a 5xx: it looks the order up instead', async () => {
    await open();
    const creates = () => fake.requests.filter((r) => r.path === '/v5/order/create').length;
    const refused = unique('refused');
    fake.failNext(2, { retCode: 10006, path: /\/v5\/order\/create$/ });
    let before = creates();
    expect((await adapter.placeOrder(request(refused))).clientOrderId).toBe(refused);
    expect([creates() - before, fake.ordersWithLinkId(refused).length]).toEqual([3, 1]);

    const failed = unique('made-then-500');
    fake.failNext(1, { status: 500, path: /\/v5\/order\/create$/, afterProcessing: true });
    before = creates();
    const found = await adapter.placeOrder(request(failed));
    expect([found.clientOrderId, creates() - before, fake.ordersWithLinkId(failed).length]).toEqual([failed, 1, 1]);

    const dropped = unique('dropped');
    fake.failNext(1, { drop: true, path: /\/v5\/order\/create$/ });
    const error = await adapter.placeOrder(request(dropped)).catch((e: unknown) => e);
    expect(isVenueError(error, 'unknown_outcome')).toBe(true);
    expect(fake.ordersWithLinkId(dropped)).toHaveLength(0);
  });

  it('answers a repeated client order id with the first order (orderLinkId is unique at Bybit)', async () => {
    await open();
    const clientOrderId = unique('twice');
    const first = await adapter.placeOrder(request(clientOrderId));
    const second = await adapter.placeOrder(request(clientOrderId));
    expect(second.venueOrderId).toBe(first.venueOrderId);
    expect(fake.ordersWithLinkId(clientOrderId)).toHaveLength(1);
  });

  it('packs Fillbook ids and hashes long ones into a 36-character orderLinkId, deterministically', async () => {
    await open();
    const fillbookId = `fb-${crypto.randomUUID()}`;
    const packed = orderLinkIdFor(fillbookId);
    expect(packed).toMatch(/^fb_[0-9a-f]{32}$/);
    expect(clientOrderIdOf(packed, new Map())).toBe(fillbookId);
    const placed = await adapter.placeOrder(request(fillbookId));
    expect((await adapter.getOrder(placed.venueOrderId))?.clientOrderId).toBe(fillbookId);

    const long = `strategy:mean-reversion/BTCUSDT/${crypto.randomUUID()}`;
    const hashed = orderLinkIdFor(long);
    expect([hashed.length <= 36, hashed === orderLinkIdFor(long), /^fbh_[A-Za-z0-9_-]{32}$/.test(hashed)]).toEqual([true, true, true]);
    expect(orderLinkIdFor('fb_chosen-by-a-user')).toMatch(/^fbh_/); // the derived namespace is never a chosen id
    const longPlaced = await adapter.placeOrder(request(long));
    expect(fake.orders.get(longPlaced.venueOrderId)?.orderLinkId).toBe(hashed);
    expect((await adapter.getOrderByClientId(long))?.venueOrderId).toBe(longPlaced.venueOrderId);
    expect((await adapter.getOrder(longPlaced.venueOrderId))?.clientOrderId).toBe(long);
  });

  it('rejects what Bybit refuses, and cancels with pending_cancel or canceled', async () => {
    await open();
    const bad = await adapter.placeOrder({ ...request(unique('bad')), quantity: new Decimal('-1') }).catch((e: unknown) => e);
    expect(isVenueError(bad, 'rejected')).toBe(true);
    const opg = await adapter.placeOrder({ ...request(unique('opg')), timeInForce: 'opg' }).catch((e: unknown) => e);
    expect(isVenueError(opg, 'rejected')).toBe(true);
    const placed = await adapter.placeOrder(request(unique('cancel')));
    expect((await adapter.cancelOrder(placed.venueOrderId)).status).toBe('canceled');
    expect(isVenueError(await adapter.cancelOrder(placed.venueOrderId).catch((e: unknown) => e), 'rejected')).toBe(true);
    expect(isVenueError(await adapter.cancelOrder('42').catch((e: unknown) => e), 'rejected')).toBe(true);
  });

  it('refuses day orders when told to, and sends them as GTC by default', async () => {
    await open({ dayTimeInForce: 'reject' });
    const day = await adapter.placeOrder({ ...request(unique('day')), timeInForce: 'day' }).catch((e: unknown) => e);
    expect(isVenueError(day, 'rejected')).toBe(true);
  });

  it('treats an unknown status as an error on a read, and as an unparsed item in a list and on the stream, never as a default', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('weird')));
    const other = await adapter.placeOrder(request(unique('weird-neighbour')));
    await eventually(async () => expect(ordersOf(placed.venueOrderId)).toHaveLength(1));
    fake.setRawStatus(placed.venueOrderId, 'Frozen');
    await expect(adapter.getOrder(placed.venueOrderId)).rejects.toThrow(/unknown order status "Frozen"/);
    await eventually(async () => expect(unparsedOf(placed.venueOrderId).map((i) => [i.kind, i.reason])).toEqual([['order', expect.stringMatching(/unknown order status "Frozen"/)]]));
    expect(ordersOf(placed.venueOrderId)).toHaveLength(1);
    // In a list, the one order is kept raw and the others are read.
    const openIds = (await adapter.listOpenOrders()).map((o) => o.venueOrderId);
    expect([openIds.includes(other.venueOrderId), openIds.includes(placed.venueOrderId)]).toEqual([true, false]);
    await eventually(async () => expect(unparsedOf(placed.venueOrderId)).toHaveLength(2));
    expect((unparsedOf(placed.venueOrderId)[1]!.payload as { orderStatus: string }).orderStatus).toBe('Frozen');
    expect(errors).toEqual([]);
    fake.setRawStatus(placed.venueOrderId, 'Cancelled', { silent: true }); // out of the other tests' way
    for (const status of bybitOrderStatuses) expect(typeof mapBybitStatus({ orderId: '1', orderStatus: status, cumExecQty: new Decimal(0) })).toBe('string');
  });

  it('reads an execution/list page item by item: real payloads of every execType, the unreadable ones kept raw', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('exec-types'), '0.01'));
    const since = new Date(Date.now() - 1_000).toISOString();
    const time = String(Date.now());
    // Real Bybit executions from the sample corpus, stamped now and tied to this order.
    const raw = (name: string) => ({ ...payloadOf('bybit', name), execTime: time, orderId: placed.venueOrderId, category: 'linear' });
    const samples = ['execution-futurespread', 'execution-unknown', 'execution-dividend', 'execution-forwardsplitsettle', 'execution-funding', 'execution-unheard-of', 'execution-stream-trade'];
    for (const name of samples) fake.addRawExecution(raw(name), { silent: true });
    const page = await adapter.listFills(since);
    const mine = page.fills.filter((f) => f.venueOrderId === placed.venueOrderId);
    expect(mine.map((f) => [f.execId, f.feeCurrency]).sort()).toEqual([
      [payloadOf<{ execId: string }>('bybit', 'execution-stream-trade').execId, 'USDT'],
      [payloadOf<{ execId: string }>('bybit', 'execution-futurespread').execId, 'USDT'],
    ].sort());
    // UNKNOWN and a type Bybit adds later are kept raw; dividends, splits and funding are not fills.
    const kept = events.flatMap((e) => (e.kind === 'unparsed' ? [e.item] : []));
    expect(kept.map((i) => [i.kind, i.venueItemId]).sort()).toEqual([
      ['fill', payloadOf<{ execId: string }>('bybit', 'execution-unknown').execId],
      ['fill', payloadOf<{ execId: string }>('bybit', 'execution-unheard-of').execId],
    ].sort());
  });

  it('keeps an unreadable streamed execution raw and streams the next fill', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('stream-unknown'), '0.002'));
    fake.addRawExecution({ ...payloadOf('bybit', 'execution-unknown'), execId: `unk-${placed.venueOrderId}`, orderId: placed.venueOrderId, category: 'linear' });
    fake.fill(placed.venueOrderId, '0.001', '20000');
    await eventually(async () => expect(fillsOf(placed.venueOrderId)).toHaveLength(1));
    expect(unparsedOf(placed.venueOrderId).map((i) => [i.kind, i.venueItemId])).toEqual([['fill', `unk-${placed.venueOrderId}`]]);
  });

  it('reads the fee coin from feeCoin, and a time in force of RPI as a resting order', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('rpi'), '0.002'));
    fake.setRaw(placed.venueOrderId, { timeInForce: 'RPI' });
    expect((await adapter.listOpenOrders()).find((o) => o.venueOrderId === placed.venueOrderId)?.timeInForce).toBe('gtc');
    fake.addRawExecution({ ...payloadOf('bybit', 'execution-stream-trade'), execId: `btc-fee-${placed.venueOrderId}`, orderId: placed.venueOrderId, feeCoin: 'BTC', feeCurrency: undefined });
    await eventually(async () => expect(fillsOf(placed.venueOrderId).map((f) => f.feeCurrency)).toEqual(['BTC']));
  });

  for (const code of [12141, 170141]) {
    it(`answers a repeated client order id refused with ${code} with the first order`, async () => {
      await open();
      fake.duplicateRetCode = code;
      try {
        const clientOrderId = unique(`twice-${code}`);
        const first = await adapter.placeOrder(request(clientOrderId));
        const second = await adapter.placeOrder(request(clientOrderId));
        expect(second.venueOrderId).toBe(first.venueOrderId);
        expect(fake.ordersWithLinkId(clientOrderId)).toHaveLength(1);
      } finally {
        fake.duplicateRetCode = 110072;
      }
    });
  }

  it('lists the order history alone with closedOnly: order/history, never order/realtime', async () => {
    await open();
    const since = new Date(Date.now() - 60_000).toISOString();
    const canceled = await adapter.placeOrder(request(unique('closed-only')));
    await adapter.cancelOrder(canceled.venueOrderId);
    const before = fake.requests.length;
    const seen = await orderHistory(adapter, since, { closedOnly: true });
    expect(seen.get(canceled.venueOrderId)?.status).toBe('canceled');
    const asked = fake.requests.slice(before).map((r) => r.path.split('?')[0]);
    expect(asked).toContain('/v5/order/history');
    expect(asked).not.toContain('/v5/order/realtime');
    // Without the hint the open orders come first, as before.
    const all = fake.requests.length;
    await adapter.listOrders!(since, null);
    expect(fake.requests.slice(all).map((r) => r.path.split('?')[0])).toEqual(['/v5/order/realtime']);
  });

  it('lists fills page by page across Bybit cursors and 7-day windows', async () => {
    await open();
    const placed = await adapter.placeOrder(request(unique('many'), '1.2'));
    for (let i = 0; i < 120; i++) fake.fill(placed.venueOrderId, '0.01', '20000', { silent: true });
    const since = new Date(Date.now() - 20 * 24 * 60 * 60 * 1000).toISOString();
    const ids: string[] = [];
    let pages = 0;
    for (let cursor: string | null = null; ; ) {
      const page = await adapter.listFills(since, cursor);
      ids.push(...page.fills.filter((f) => f.venueOrderId === placed.venueOrderId).map((f) => f.execId));
      pages++;
      cursor = page.cursor;
      if (cursor === null) break;
    }
    expect(new Set(ids).size).toBe(120);
    expect(pages).toBeGreaterThanOrEqual(4); // two empty past windows, then 100 + 20 (plus earlier tests' fills)
    const windows = fake.requests.filter((r) => r.path.startsWith('/v5/execution/list')).map((r) => new URL(r.path, 'http://x').searchParams);
    expect(windows.every((q) => Number(q.get('endTime')) - Number(q.get('startTime')) < 7 * 24 * 60 * 60 * 1000)).toBe(true);
  });
});

describe('ccxt configuration', () => {
  it('refuses bad settings and exchanges without a dialect with coded errors', () => {
    const codeOf = (venue: string, raw: Record<string, unknown>) => {
      try {
        parseCcxtConfig(venue, raw);
        return 'accepted';
      } catch (error) {
        return isFillbookError(error) ? `${error.code} ${String(error.details.field)}` : String(error);
      }
    };
    expect(codeOf('ccxt:bybit', {})).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.environment');
    expect(codeOf('ccxt:kraken', { environment: 'production' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue');
    expect(codeOf('ccxt:bybit', { environment: 'testnet', apiSecret: 'x' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.apiSecret');
    expect(codeOf('ccxt:bybit', { environment: 'testnet', category: 'option' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.category');
    expect(codeOf('ccxt:bybit', { environment: 'production' })).toBe('accepted');
    // Binance and OKX: the symbols are required (their lists and client-id lookups are per symbol).
    expect(codeOf('ccxt:binance', { environment: 'testnet' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.symbols');
    expect(codeOf('ccxt:binance', { environment: 'testnet', symbols: ['BTCUSDT'], category: 'spot' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.category');
    expect(codeOf('ccxt:binance', { environment: 'production', symbols: ['BTCUSDT', 'ETHUSDT'] })).toBe('accepted');
    expect(codeOf('ccxt:binanceusdm', { environment: 'testnet', symbols: ['BTCUSDT'] })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.environment');
    expect(codeOf('ccxt:okx', { environment: 'demo', symbols: ['BTC-USDT-SWAP'], instType: 'FUTURES' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.instType');
    expect(codeOf('ccxt:okx', { environment: 'demo', symbols: ['BTC-USDT-SWAP'], instType: 'SWAP', tdMode: 'isolated' })).toBe('accepted');
  });

  it('reads credentials from the environment and says which variables are missing', async () => {
    const account = { venue: 'ccxt:bybit', venueConfig: { environment: 'testnet' } };
    await expect(createCcxtVenue(account, { env: {} })).rejects.toThrow(/BYBIT_API_KEY and BYBIT_API_SECRET/);
    const adapter = await createCcxtVenue(account, { env: { BYBIT_API_KEY: 'k', BYBIT_API_SECRET: 's' } });
    expect([adapter.venue, adapter.capabilities.idempotentSubmit]).toEqual(['ccxt:bybit', true]);
    await adapter.close();
    const okx = { venue: 'ccxt:okx', venueConfig: { environment: 'demo', symbols: ['BTC-USDT'] } };
    await expect(createCcxtVenue(okx, { env: { OKX_API_KEY: 'k', OKX_API_SECRET: 's' } })).rejects.toThrow(/OKX_API_PASSPHRASE/);
    const okxAdapter = await createCcxtVenue(okx, { env: { OKX_API_KEY: 'k', OKX_API_SECRET: 's', OKX_API_PASSPHRASE: 'p' } });
    expect([okxAdapter.capabilities.idempotentSubmit, okxAdapter.capabilities.ordersSince, okxAdapter.capabilities.stream]).toEqual([false, true, false]);
    await okxAdapter.close();
  });

  it('refuses wrong credentials as unavailable without quoting the secret', async () => {
    const fake = await FakeBybit.start();
    const adapter = await createCcxtVenue(bybitAccount(fake), { credentials: { apiKey: 'fake-api-key', secret: 'wrong-secret' }, onError: () => {} });
    const error = await adapter.listOpenOrders().catch((e: unknown) => e);
    expect(isVenueError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).not.toMatch(/wrong-secret|fake-api-key/);
    await adapter.close();
    await fake.close();
  });
});

describe('ccxt:bybit reconciliation through the fake', () => {
  it('finds an execution dropped from the stream and imports it with its execId', async () => {
    const fake = await FakeBybit.start();
    // The scenario needs a ledger, not a particular engine: the server when it is up (fast), else the embedded one.
    const fresh = await freshDatabase(engines.includes('postgres') ? 'postgres' : 'pglite');
    const ledger = await Ledger.open({ database: fresh.db });
    const stack = trading(ledger, {}, { 'ccxt:bybit': (account) => createCcxtVenue(account, { credentials, onError: () => {} }) });
    try {
      const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
      const account = await ledger.createAccount({ name: 'bybit', venue: 'ccxt:bybit', venueConfig: fastConfig(fake) });
      await stack.venues.forAccount(account.id);
      await eventually(async () => expect(fake.subscriberCount).toBe(1));
      const order = await stack.router.placeOrder({ accountId: account.id, symbol: 'BTCUSDT', assetClass: 'future', side: 'buy', type: 'limit', quantity: '0.01', limitPrice: '20000' });
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('open'));
      const brokerOrderId = (await ledger.getOrder({ orderId: order.id })).brokerOrderId!;
      const dropped = fake.fill(brokerOrderId, '0.004', '19999.5', { silent: true });

      const summary = async (actions: 'import_fills'[] = []) => {
        const run = await reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
        return Object.fromEntries(Object.entries(run.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k)));
      };
      expect(await summary()).toEqual({ fill_mismatch: 1, holding_mismatch: 1 });
      await summary(['import_fills']);
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.fills.map((f) => [f.execId, f.source, f.fee.toFixed()])]).toEqual([
        'partially_filled',
        '0.004',
        [[dropped.execId, 'reconciliation', '0.0159996']],
      ]);
      expect(await summary()).toEqual({});
      expect(stack.errors).toEqual([]);
    } finally {
      await stack.close();
      await fresh.drop();
      await fake.close();
    }
  });

  it('reconciles everything else while the account holds one of each formerly unreadable item', async () => {
    const fake = await FakeBybit.start();
    const fresh = await freshDatabase(engines.includes('postgres') ? 'postgres' : 'pglite');
    const ledger = await Ledger.open({ database: fresh.db });
    const unparsed: VenueEvent[] = [];
    const stack = trading(ledger, {}, {
      'ccxt:bybit': async (account) => {
        const adapter = await createCcxtVenue(account, { credentials, onError: () => {} });
        adapter.subscribe((e) => e.kind === 'unparsed' && unparsed.push(e));
        return adapter;
      },
    });
    try {
      const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
      const account = await ledger.createAccount({ name: 'bybit', venue: 'ccxt:bybit', venueConfig: fastConfig(fake) });
      await stack.venues.forAccount(account.id);
      await eventually(async () => expect(fake.subscriberCount).toBe(1));
      const order = await stack.router.placeOrder({ accountId: account.id, symbol: 'BTCUSDT', assetClass: 'future', side: 'buy', type: 'limit', quantity: '0.01', limitPrice: '20000' });
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('open'));
      const brokerOrderId = (await ledger.getOrder({ orderId: order.id })).brokerOrderId!;
      fake.fill(brokerOrderId, '0.004', '20000');
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe('0.004'));

      // What a real account can hold (payloads from the corpus): an order in a status Bybit may add,
      // executions of types that are not fills (dividends, settlements, splits, delivery, funding) or
      // cannot be read, a spread leg's execution (a fill, of an order not the ledger's), all placed silently.
      const now = String(Date.now());
      fake.addRawOrder({ ...payloadOf('bybit', 'order-unknown-status'), orderId: 'frozen-1', symbol: 'ETHUSDT', createdTime: now, updatedTime: now, category: 'linear' }, { silent: true });
      // A resting RPI order (time in force RPI once made listOpenOrders throw): read, an order the ledger never knew.
      fake.addRawOrder({ ...payloadOf('bybit', 'order-rpi'), orderId: 'rpi-1', symbol: 'ETHUSDT', createdTime: now, updatedTime: now, category: 'linear' }, { silent: true });
      for (const name of ['execution-unknown', 'execution-unheard-of', 'execution-dividend', 'execution-forwardsplitsettle', 'execution-reversesplitsettle', 'execution-settle', 'execution-delivery', 'execution-funding', 'execution-futurespread']) {
        fake.addRawExecution({ ...payloadOf('bybit', name), orderId: 'not-ours', symbol: 'ETHUSDT', execTime: now, category: 'linear' }, { silent: true });
      }
      // The unreadable items are kept as the stream consumer stores them, and reported as their own
      // category (unparsed_venue_item, one per distinct item); nothing else differs.
      const run = await eventually(async () => {
        const r = await reconciler.run({ accountId: account.id, actions: [], startedBy: 'test' });
        const notable = Object.fromEntries(Object.entries(r.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k)));
        expect(notable).toEqual({ orphaned_at_broker: 1, unparsed_venue_item: 3 });
        return r;
      });
      expect(run.summary.matched).toBeGreaterThanOrEqual(1);
      expect(run.findings.find((f) => f.category === 'orphaned_at_broker')).toMatchObject({ brokerOrderId: 'rpi-1', symbol: 'ETHUSDT' });
      // The unreadable ones were kept raw and reported, not defaulted: the order and the two executions.
      expect(unparsed.map((e) => (e.kind === 'unparsed' ? e.item.venueItemId : null)).filter((id, i, all) => all.indexOf(id) === i).sort()).toEqual(
        ['frozen-1', payloadOf<{ execId: string }>('bybit', 'execution-unheard-of').execId, payloadOf<{ execId: string }>('bybit', 'execution-unknown').execId].sort(),
      );
      expect(stack.errors).toEqual([]);
    } finally {
      await stack.close();
      await fresh.drop();
      await fake.close();
    }
  });
});
