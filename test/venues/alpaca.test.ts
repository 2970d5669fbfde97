import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal, isFillbookError, orderStatuses } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { Reconciler } from '../../src/service/index.js';
import { type AlpacaConfig, AlpacaAdapter, alpacaCredentialsFromEnv, alpacaOrderStatuses, createAlpacaVenue, mapAlpacaStatus, parseAlpacaConfig } from '../../src/venues/alpaca/index.js';
import { isVenueError, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import type { VenueFactory } from '../../src/service/index.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { venueContract } from './contract.js';
import { samplePlain } from './samples/load.js';
import { FakeAlpacaServer } from './fakes/alpaca-server.js';

/** Fast timings for a local fake: the defaults wait seconds. */
const quick = { retryDelayMs: 5, retryDelayMaxMs: 2_000, reconnectDelayMs: 10, reconnectDelayMaxMs: 50, timeoutMs: 2_000 };

async function start(config: Record<string, unknown> = {}) {
  const fake = await FakeAlpacaServer.start();
  const events: VenueEvent[] = [];
  const errors: unknown[] = [];
  const adapter = new AlpacaAdapter(parseAlpacaConfig({ baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick, ...config }), { keyId: fake.keyId, secretKey: fake.secretKey }, { onError: (e) => errors.push(e) });
  adapter.subscribe((e) => events.push(e));
  await eventually(async () => expect(adapter.streaming).toBe(true));
  return { fake, adapter, events, errors, close: async () => (await adapter.close(), await fake.close()) };
}

const request = (extra: Partial<VenuePlaceRequest> = {}): VenuePlaceRequest => ({
  clientOrderId: `t-${crypto.randomUUID().slice(0, 8)}`,
  symbol: 'AAPL',
  assetClass: 'equity',
  side: 'buy',
  type: 'limit',
  timeInForce: 'day',
  quantity: new Decimal(10),
  limitPrice: new Decimal(100),
  stopPrice: null,
  ...extra,
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const fillsOf = (events: VenueEvent[], orderId: string) => events.flatMap((e) => (e.kind === 'fill' && e.fill.venueOrderId === orderId ? [e.fill] : []));
const unparsedOf = (events: VenueEvent[], itemId: string) => events.flatMap((e) => (e.kind === 'unparsed' && e.item.venueItemId === itemId ? [e.item] : []));
const ordersOf = (events: VenueEvent[], orderId: string) => events.flatMap((e) => (e.kind === 'order' && e.order.venueOrderId === orderId ? [e.order] : []));

venueContract('alpaca (fake server)', async () => {
  const s = await start();
  return { adapter: s.adapter, symbol: 'AAPL', restingPrice: '100', fillAtVenue: async (id, q, p) => void s.fake.fill(id, q, p), close: s.close };
});

describe('alpaca adapter', () => {
  let s: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  describe('status table', () => {
    it('maps every Alpaca status onto a Fillbook status and refuses one it does not know', () => {
      const [ten, none, some] = [new Decimal(10), new Decimal(0), new Decimal(4)];
      for (const status of alpacaOrderStatuses) expect(orderStatuses).toContain(mapAlpacaStatus(status, ten, none));
      expect(Object.fromEntries(alpacaOrderStatuses.map((st) => [st, mapAlpacaStatus(st, ten, none)]))).toEqual({
        new: 'open', partially_filled: 'partially_filled', filled: 'filled', done_for_day: 'open', canceled: 'canceled', expired: 'expired',
        replaced: 'replaced', pending_cancel: 'pending_cancel', pending_replace: 'pending_cancel', accepted: 'submitted', pending_new: 'submitted',
        accepted_for_bidding: 'open', stopped: 'open', rejected: 'rejected', suspended: 'rejected', calculated: 'open', held: 'open',
      });
      // Working statuses that say nothing of fills are read from the quantities.
      expect(mapAlpacaStatus('done_for_day', ten, some)).toBe('partially_filled');
      expect(mapAlpacaStatus('calculated', ten, ten)).toBe('filled');
      expect(() => mapAlpacaStatus('teleported', ten, none)).toThrow(/unknown order status "teleported"/);
    });

    it('treats an unknown status from the venue as an error, on REST and on the stream, never as a default', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      await eventually(async () => expect(ordersOf(s!.events, placed.venueOrderId)).toHaveLength(1));
      s.fake.setStatus(placed.venueOrderId, 'teleported');
      // A lookup fails (it must not answer "no such order") and keeps the item raw; so does the stream.
      await expect(s.adapter.getOrder(placed.venueOrderId)).rejects.toThrow(/unknown order status "teleported"/);
      await eventually(async () => expect(unparsedOf(s!.events, placed.venueOrderId).length).toBeGreaterThanOrEqual(2));
      expect(unparsedOf(s.events, placed.venueOrderId).every((i) => i.kind === 'order' && /unknown order status "teleported"/.test(i.reason))).toBe(true);
      expect(ordersOf(s.events, placed.venueOrderId)).toHaveLength(1);
      // A list goes on past it.
      const other = await s.adapter.placeOrder(request());
      const open = await s.adapter.listOpenOrders();
      expect(open.map((o) => o.venueOrderId)).toContain(other.venueOrderId);
      expect(open.map((o) => o.venueOrderId)).not.toContain(placed.venueOrderId);
    });
  });

  describe('the sample corpus, served by the fake', () => {
    it('lists every sample order through listOrders and the open orders, and keeps an unreadable one raw', async () => {
      s = await start();
      const since = new Date(Date.now() - 60_000).toISOString();
      const now = new Date().toISOString();
      for (const name of ['order-notional.json', 'order-trailing-stop.json', 'order-mleg.json']) {
        s.fake.addRawOrder({ ...samplePlain<Record<string, unknown>>('alpaca', name), submitted_at: now, created_at: now, updated_at: now });
      }
      const strange = { ...samplePlain<Record<string, unknown>>('alpaca', 'order-trailing-stop.json'), id: '0d6e5f4a-3b2c-4d1e-8f9a-0b1c2d3e4f5a', client_order_id: 'x-1', order_class: 'oto_with_a_twist', type: 'teleport', submitted_at: now, created_at: now, updated_at: now };
      s.fake.addRawOrder(strange);
      const listed = (await s.adapter.listOrders!(since)).orders;
      expect(listed.map((o) => o.type).sort()).toEqual(['limit', 'market', 'trailing_stop']);
      expect((await s.adapter.listOpenOrders()).map((o) => o.type).sort()).toEqual(['limit', 'market', 'trailing_stop']);
      expect(unparsedOf(s.events, strange.id as string).map((i) => i.reason)).toEqual([expect.stringMatching(/order type "teleport"/), expect.stringMatching(/order type "teleport"/)]);
      expect((await s.adapter.getOrderByClientId('fb-trail-1'))?.trail?.percent?.toFixed()).toBe('1');
    });
  });

  describe('order history', () => {
    it('lists the closed orders alone with closedOnly (status=closed), and every order without it', async () => {
      s = await start();
      const since = new Date(Date.now() - 60_000).toISOString();
      const open = await s.adapter.placeOrder(request({ clientOrderId: 'h-open' }));
      const filled = await s.adapter.placeOrder(request({ clientOrderId: 'h-filled' }));
      const canceled = await s.adapter.placeOrder(request({ clientOrderId: 'h-canceled' }));
      s.fake.fill(filled.venueOrderId, '10', '100');
      await s.adapter.cancelOrder(canceled.venueOrderId);
      const closed = (await s.adapter.listOrders!(since, null, { closedOnly: true })).orders;
      expect(closed.map((o) => [o.venueOrderId, o.status]).sort()).toEqual([[canceled.venueOrderId, 'canceled'], [filled.venueOrderId, 'filled']].sort());
      expect(s.fake.requests.filter((r) => r.startsWith('GET /v2/orders?')).at(-1)).toContain('status=closed');
      const all = (await s.adapter.listOrders!(since)).orders;
      expect(all.map((o) => o.venueOrderId).sort()).toEqual([open.venueOrderId, filled.venueOrderId, canceled.venueOrderId].sort());
      expect(s.fake.requests.filter((r) => r.startsWith('GET /v2/orders?')).at(-1)).toContain('status=all');
    });
  });

  describe('fills', () => {
    it('reports partial fills with one id per execution, the same on the stream and in the FILL activities', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      s.fake.fill(placed.venueOrderId, '3', '100.5');
      s.fake.fill(placed.venueOrderId, '7', '100.25');
      await eventually(async () => expect(ordersOf(s!.events, placed.venueOrderId).at(-1)?.status).toBe('filled'));
      const streamed = fillsOf(s.events, placed.venueOrderId);
      expect(streamed.map((f) => [f.execId, f.quantity.toFixed(), f.price.toFixed()])).toEqual([
        [`alpaca:${placed.venueOrderId}:3`, '3', '100.5'],
        [`alpaca:${placed.venueOrderId}:10`, '7', '100.25'],
      ]);
      expect(ordersOf(s.events, placed.venueOrderId).map((o) => [o.status, o.filledQuantity.toFixed()])).toEqual([['open', '0'], ['partially_filled', '3'], ['filled', '10']]);
      const listed = (await s.adapter.listFills(new Date(Date.now() - 60_000).toISOString())).fills.filter((f) => f.venueOrderId === placed.venueOrderId);
      expect(listed.map((f) => f.execId)).toEqual(streamed.map((f) => f.execId));
      const order = await s.adapter.getOrder(placed.venueOrderId);
      expect([order?.status, order?.avgFillPrice?.toFixed()]).toEqual(['filled', '100.325']);
    });

    it('pages the FILL activities with the page token', async () => {
      s = await start();
      const since = new Date(Date.now() - 1_000).toISOString();
      const placed = await s.adapter.placeOrder(request({ quantity: new Decimal(150) }));
      for (let i = 0; i < 150; i++) s.fake.fill(placed.venueOrderId, '1', '100', { silent: true });
      const first = await s.adapter.listFills(since);
      expect([first.fills.length, first.cursor]).toEqual([100, s.fake.activities[99]!.id]);
      const second = await s.adapter.listFills(since, first.cursor);
      expect([second.fills.length, second.cursor]).toEqual([50, null]);
      expect(new Set([...first.fills, ...second.fills].map((f) => f.execId)).size).toBe(150);
    });

    it('reads decimals sent as JSON numbers without a binary float in between', async () => {
      s = await start();
      s.fake.decimalsAsNumbers = true;
      const placed = await s.adapter.placeOrder(request({ quantity: new Decimal('0.123456789') }));
      s.fake.fill(placed.venueOrderId, '0.123456789', '187.123456789012345678', { silent: true });
      const [fill] = (await s.adapter.listFills(new Date(Date.now() - 60_000).toISOString())).fills;
      expect([fill?.quantity.toFixed(), fill?.price.toFixed()]).toEqual(['0.123456789', '187.123456789012345678']);
    });
  });

  describe('positions', () => {
    it('writes a crypto position in the slash form its orders use, and leaves equities alone', async () => {
      s = await start();
      // Bought as "BTC/USD"; the fake reports the position as Alpaca does, as "BTCUSD".
      const placed = await s.adapter.placeOrder(request({ symbol: 'BTC/USD', assetClass: 'crypto', timeInForce: 'gtc', quantity: new Decimal('0.5'), limitPrice: new Decimal(64000) }));
      s.fake.fill(placed.venueOrderId, '0.5', '64000', { silent: true });
      s.fake.addPosition('ETHUSDT', 'crypto', '2.25');
      s.fake.addPosition('ETHBTC', 'crypto', '-1');
      s.fake.addPosition('AAPL', 'us_equity', '5');
      const positions = await s.adapter.listPositions();
      expect(positions.map((p) => [p.symbol, p.assetClass, p.netQuantity.toFixed()])).toEqual([
        ['BTC/USD', 'crypto', '0.5'],
        ['ETH/USDT', 'crypto', '2.25'],
        ['ETH/BTC', 'crypto', '-1'],
        ['AAPL', 'equity', '5'],
      ]);
    });

    it('keeps a crypto position whose quote currency it does not know raw, naming the symbol, and lists the others', async () => {
      s = await start();
      s.fake.addPosition('BTCXYZ', 'crypto', '1');
      s.fake.addPosition('ETHUSD', 'crypto', '2');
      expect((await s.adapter.listPositions()).map((p) => p.symbol)).toEqual(['ETH/USD']);
      const kept = s.events.flatMap((e) => (e.kind === 'unparsed' ? [e.item] : []));
      expect(kept.map((i) => [i.kind, i.venueItemId])).toEqual([['position', 'BTCXYZ']]);
      expect(kept[0]!.reason).toMatch(/"BTCXYZ"/);
    });
  });

  describe('stream', () => {
    it('delivers a duplicated fill once and drops an order snapshot that arrives after a newer one', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      await eventually(async () => expect(ordersOf(s!.events, placed.venueOrderId)).toHaveLength(1));
      s.fake.holdStream();
      s.fake.fill(placed.venueOrderId, '1', '100');
      s.fake.fill(placed.venueOrderId, '2', '100');
      s.fake.releaseStream({ reverse: true, duplicate: true });
      s.fake.replay(2);
      await eventually(async () => expect(fillsOf(s!.events, placed.venueOrderId)).toHaveLength(2));
      await new Promise((r) => setTimeout(r, 50));
      expect(fillsOf(s.events, placed.venueOrderId).map((f) => f.execId).sort()).toEqual([`alpaca:${placed.venueOrderId}:1`, `alpaca:${placed.venueOrderId}:3`]);
      // The newer snapshot (3 filled) came first; the older (1 filled) and every copy were dropped.
      expect(ordersOf(s.events, placed.venueOrderId).map((o) => o.filledQuantity.toFixed())).toEqual(['0', '3']);
    });

    it('reconnects after the connection drops and says so, so that the service reconciles', async () => {
      s = await start();
      s.fake.dropStreams();
      await eventually(async () => expect(s!.events.filter((e) => e.kind === 'reconnected')).toHaveLength(1));
      expect(s.events.filter((e) => e.kind === 'disconnected')).toHaveLength(1);
      expect([s.fake.connections, s.adapter.streaming]).toEqual([2, true]);
      const placed = await s.adapter.placeOrder(request());
      s.fake.fill(placed.venueOrderId, '10', '100');
      await eventually(async () => expect(fillsOf(s!.events, placed.venueOrderId)).toHaveLength(1));
    });

    it('reports refused stream credentials without the secret, and keeps trying with backoff', async () => {
      s = await start();
      await s.adapter.close();
      const errors: unknown[] = [];
      const adapter = new AlpacaAdapter(parseAlpacaConfig({ baseUrl: s.fake.baseUrl, streamUrl: s.fake.streamUrl, ...quick }), { keyId: s.fake.keyId, secretKey: 'wrong-secret-xyz' }, { onError: (e) => errors.push(e) });
      adapter.subscribe(() => {});
      await eventually(async () => expect(errors.length).toBeGreaterThanOrEqual(2));
      await adapter.close();
      expect(String(errors[0])).toMatch(/not authorized/);
      expect(errors.map(String).join()).not.toContain('wrong-secret-xyz');
    });
  });

  describe('rate limits and failures', () => {
    it('waits as a 429 asks (Retry-After, X-RateLimit-Reset) and then reads', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      s.fake.failNext({ times: 1, status: 429, method: 'GET', headers: { 'retry-after': '1' }, body: { code: 42910000, message: 'rate limit exceeded' } });
      let t0 = Date.now();
      expect((await s.adapter.getOrder(placed.venueOrderId))?.venueOrderId).toBe(placed.venueOrderId);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      const reset = Math.floor(Date.now() / 1000) + 1;
      s.fake.failNext({ times: 1, status: 429, method: 'GET', headers: { 'x-ratelimit-reset': String(reset), 'x-ratelimit-remaining': '0' } });
      t0 = Date.now();
      await s.adapter.getOrder(placed.venueOrderId);
      expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000 - 50);
      expect(s.fake.count('GET', `/v2/orders/${placed.venueOrderId}`)).toBe(4);
    });

    it('retries a read after a 5xx a bounded number of times', async () => {
      s = await start({ retriesMax: 3 });
      const placed = await s.adapter.placeOrder(request());
      s.fake.failNext({ times: 2, status: 503, method: 'GET' });
      expect((await s.adapter.getOrder(placed.venueOrderId))?.status).toBe('open');
      s.fake.failNext({ times: 10, status: 500, method: 'GET' });
      const before = s.fake.count('GET', '/v2/orders/');
      const error = await s.adapter.getOrder(placed.venueOrderId).catch((e: unknown) => e);
      expect(isVenueError(error, 'unavailable')).toBe(true);
      expect(s.fake.count('GET', '/v2/orders/') - before).toBe(4);
    });

    it('never resends a new order after a 5xx: not there is an unknown outcome; there is the order', async () => {
      s = await start();
      s.fake.failNext({ times: 1, status: 500, method: 'POST' });
      const lost = request();
      const error = await s.adapter.placeOrder(lost).catch((e: unknown) => e);
      expect(isVenueError(error, 'unknown_outcome')).toBe(true);
      expect([s.fake.count('POST', '/v2/orders'), s.fake.orders.size]).toEqual([1, 0]);

      s.fake.failNext({ times: 1, status: 502, method: 'POST', afterProcessing: true });
      const arrived = request();
      expect((await s.adapter.placeOrder(arrived)).clientOrderId).toBe(arrived.clientOrderId);
      s.fake.failNext({ times: 1, status: 'drop', method: 'POST', afterProcessing: true });
      const dropped = request();
      expect((await s.adapter.placeOrder(dropped)).clientOrderId).toBe(dropped.clientOrderId);
      expect([s.fake.count('POST', '/v2/orders'), s.fake.orders.size]).toEqual([3, 2]);
    });

    it('resends a new order after a 429, which Alpaca answers before doing anything', async () => {
      s = await start();
      s.fake.failNext({ times: 1, status: 429, method: 'POST', headers: { 'retry-after': '0' } });
      await s.adapter.placeOrder(request());
      expect([s.fake.count('POST', '/v2/orders'), s.fake.orders.size]).toEqual([2, 1]);
    });

    it('answers a repeated client order id with the first order (idempotent submit)', async () => {
      s = await start();
      const r = request();
      const first = await s.adapter.placeOrder(r);
      const second = await s.adapter.placeOrder(r);
      expect(second.venueOrderId).toBe(first.venueOrderId);
      expect(s.fake.orders.size).toBe(1);
    });

    it('turns refusals into rejected, and an unreachable venue or bad keys into unavailable, without the secret', async () => {
      s = await start();
      s.fake.failNext({ times: 1, status: 403, method: 'POST', body: { code: 40310000, message: 'insufficient buying power' } });
      const refused = await s.adapter.placeOrder(request()).catch((e: unknown) => e);
      expect([isVenueError(refused, 'rejected'), String(refused)]).toEqual([true, expect.stringMatching(/insufficient buying power/)]);
      const future = await s.adapter.placeOrder(request({ assetClass: 'future' })).catch((e: unknown) => e);
      expect(isVenueError(future, 'rejected')).toBe(true);

      const badKeys = new AlpacaAdapter(parseAlpacaConfig({ baseUrl: s.fake.baseUrl, streamUrl: s.fake.streamUrl, ...quick }), { keyId: 'k', secretKey: 'secret-that-must-not-leak' });
      const unauthorized = await badKeys.placeOrder(request()).catch((e: unknown) => e);
      expect(isVenueError(unauthorized, 'unavailable')).toBe(true);
      expect(String(unauthorized)).not.toContain('secret-that-must-not-leak');
      await badKeys.close();

      // A port nothing listens on: the connection is refused, so nothing was sent.
      const port = await closedPort();
      const nowhere = new AlpacaAdapter(parseAlpacaConfig({ baseUrl: `http://127.0.0.1:${port}`, ...quick }), { keyId: 'k', secretKey: 's' });
      expect(isVenueError(await nowhere.placeOrder(request()).catch((e: unknown) => e), 'unavailable')).toBe(true);
      await nowhere.close();
    });

    it('cancels: pending or canceled, and a second cancel is rejected', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      expect(['pending_cancel', 'canceled']).toContain((await s.adapter.cancelOrder(placed.venueOrderId)).status);
      expect(isVenueError(await s.adapter.cancelOrder(placed.venueOrderId).catch((e: unknown) => e), 'rejected')).toBe(true);
      expect(await s.adapter.getOrder('not-a-uuid')).toBeUndefined();
    });
  });

  describe('config', () => {
    it('defaults to paper trading and names the hosts', () => {
      const c: AlpacaConfig = parseAlpacaConfig({});
      expect([c.paper, c.baseUrl, c.streamUrl, c.requestsPerMinute]).toEqual([true, 'https://paper-api.alpaca.markets', 'wss://paper-api.alpaca.markets/stream', 200]);
      expect(parseAlpacaConfig({ paper: false }).baseUrl).toBe('https://api.alpaca.markets');
    });

    it('refuses unknown keys, wrong types and plain http to another host with a coded error', () => {
      const code = (raw: Record<string, unknown>) => {
        try {
          parseAlpacaConfig(raw);
          return 'parsed';
        } catch (error) {
          return isFillbookError(error) ? `${error.code} ${String(error.details.field)}` : String(error);
        }
      };
      expect(code({ basUrl: 'https://x' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.basUrl');
      expect(code({ paper: 'yes' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.paper');
      expect(code({ baseUrl: 'http://example.com' })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.baseUrl');
      expect(code({ requestsPerMinute: 0 })).toBe('FILLBOOK_ERR_INVALID_INPUT venue_config.requestsPerMinute');
      expect(code({ baseUrl: 'http://127.0.0.1:9999' })).toBe('parsed');
    });

    it('takes the key pair from the environment and names what is missing, never the values', () => {
      const c = parseAlpacaConfig({});
      expect(alpacaCredentialsFromEnv(c, { ALPACA_API_KEY_ID: 'a', ALPACA_API_SECRET_KEY: 'b' })).toEqual({ keyId: 'a', secretKey: 'b' });
      expect(alpacaCredentialsFromEnv(c, { APCA_API_KEY_ID: 'a', APCA_API_SECRET_KEY: 'b' })).toEqual({ keyId: 'a', secretKey: 'b' });
      const own = parseAlpacaConfig({ keyIdEnv: 'BOT2_KEY', secretKeyEnv: 'BOT2_SECRET' });
      expect(alpacaCredentialsFromEnv(own, { BOT2_KEY: 'c', BOT2_SECRET: 'd' })).toEqual({ keyId: 'c', secretKey: 'd' });
      expect(() => alpacaCredentialsFromEnv(own, { BOT2_KEY: 'c', ALPACA_API_SECRET_KEY: 'zzz' })).toThrow(/set BOT2_SECRET in the environment/);
      expect(() => createAlpacaVenue({ id: 'a', venueConfig: {} }, undefined, { env: {} })).toThrow(expect.objectContaining({ code: 'FILLBOOK_ERR_VENUE_UNAVAILABLE' }));
    });
  });

  it('makes VenueFactory-shaped factories', () => {
    const factory: VenueFactory = createAlpacaVenue;
    expect(typeof factory).toBe('function');
  });

  it('reconciliation finds a fill the stream dropped and imports it with import_fills, under the venue fill id', async () => {
    const fake = await FakeAlpacaServer.start();
    const ledger = await Ledger.open({});
    const env = { ALPACA_API_KEY_ID: fake.keyId, ALPACA_API_SECRET_KEY: fake.secretKey };
    const stack = trading(ledger, {}, { alpaca: (account) => createAlpacaVenue(account, undefined, { env }) });
    try {
      const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
      const account = await ledger.createAccount({ name: 'alpaca', venue: 'alpaca', venueConfig: { baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick } });
      const adapter = (await stack.venues.forAccount(account.id)) as AlpacaAdapter;
      await eventually(async () => expect(adapter.streaming).toBe(true));
      // A crypto holding the ledger bought as "BTC/USD", which Alpaca reports as the position "BTCUSD":
      // it matches, so no run below finds a holding_mismatch for it.
      const btc = await stack.router.placeOrder({ accountId: account.id, symbol: 'BTC/USD', assetClass: 'crypto', side: 'buy', type: 'limit', timeInForce: 'gtc', quantity: '0.5', limitPrice: '64000' });
      fake.fill(btc.brokerOrderId!, '0.5', '64000');
      await eventually(async () => expect((await ledger.getOrder({ orderId: btc.id })).status).toBe('filled'));
      const order = await stack.router.placeOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });
      expect([order.status, order.brokerOrderId]).toEqual(['open', expect.any(String)]);

      // One fill arrives on the stream; the next is lost with it.
      fake.fill(order.brokerOrderId!, '4', '99.5');
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe('4'));
      fake.fill(order.brokerOrderId!, '3', '99.25', { silent: true });
      const run = (actions: 'import_fills'[] = []) => reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
      const before = await ledger.getOrderDetail({ orderId: order.id });
      const dry = await run();
      expect(dry.summary).toMatchObject({ fill_mismatch: 1, holding_mismatch: 1 });
      expect(dry.findings.filter((f) => f.category === 'holding_mismatch').map((f) => f.symbol)).toEqual(['AAPL']);
      expect(dry.findings.find((f) => f.category === 'fill_mismatch')?.details).toMatchObject({ ledger_filled: '4', venue_filled: '7', venue_status: 'partially_filled' });
      // A dry run reads the venue and changes nothing (the adapter's stream included).
      await new Promise((r) => setTimeout(r, 50));
      expect(await ledger.getOrderDetail({ orderId: order.id })).toEqual(before);

      const fixed = await run(['import_fills']);
      expect(fixed.findings.find((f) => f.category === 'fill_mismatch')?.actionTaken).toBe('imported; imported 1 fill(s)');
      expect(fixed.findings.find((f) => f.category === 'holding_mismatch')?.actionTaken).toBe('resolved by the repairs of this run');
      expect(Object.entries((await run()).summary).filter(([k, v]) => v !== 0 && k !== 'matched')).toEqual([]);

      // The stream goes on; the last fill completes the order.
      fake.fill(order.brokerOrderId!, '3', '99');
      await eventually(async () => expect((await ledger.getOrder({ orderId: order.id })).status).toBe('filled'));
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect(detail.fills.map((f) => [f.execId, f.quantity.toFixed(), f.price.toFixed(), f.source])).toEqual([
        [`alpaca:${order.brokerOrderId}:4`, '4', '99.5', 'broker_stream'],
        [`alpaca:${order.brokerOrderId}:7`, '3', '99.25', 'reconciliation'],
        [`alpaca:${order.brokerOrderId}:10`, '3', '99', 'broker_stream'],
      ]);
      expect(Object.entries((await run()).summary).filter(([k, v]) => v !== 0 && k !== 'matched')).toEqual([]);
      expect(stack.errors).toEqual([]);
    } finally {
      await stack.close();
      await ledger.close();
      await fake.close();
    }
  });
});
