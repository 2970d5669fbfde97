import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal, isFillbookError, orderStatuses } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { Reconciler } from '../../src/service/index.js';
import { isVenueError, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import {
  createTradierVenue,
  mapTradierStatus,
  parseTradierConfig,
  TradierAdapter,
  tradierAccessTokenFromEnv,
  tradierOrderStatuses,
  tradierTag,
} from '../../src/venues/tradier/index.js';
import type { VenueFactory } from '../../src/service/index.js';
import { TradierFillJournal } from '../../src/venues/tradier/tradier-fills.js';
import { parseJsonLossless } from '../../src/venues/wire.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { venueContract } from './contract.js';
import { samplePlain, sampleText } from './samples/load.js';
import { FakeTradierServer } from './fakes/tradier-server.js';

/** Fast timings for a local fake: the defaults wait seconds. */
const quick = { retryDelayMs: 5, retryDelayMaxMs: 2_000, reconnectDelayMs: 10, reconnectDelayMaxMs: 50, timeoutMs: 2_000, requestsPerMinute: 6_000 };

async function start(config: Record<string, unknown> = {}) {
  const fake = await FakeTradierServer.start();
  const events: VenueEvent[] = [];
  const errors: unknown[] = [];
  const adapter = new TradierAdapter(parseTradierConfig({ accountId: fake.accountId, baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick, ...config }), fake.accessToken, { onError: (e) => errors.push(e) });
  adapter.subscribe((e) => events.push(e));
  await eventually(async () => expect([adapter.streaming, fake.listeners]).toEqual([true, 1]));
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
const triples = (fills: { execId: string; quantity: Decimal; price: Decimal }[]) => fills.map((f) => [f.execId, f.quantity.toFixed(), f.price.toFixed()]);

venueContract('tradier (fake server)', async () => {
  const s = await start();
  return { adapter: s.adapter, symbol: 'AAPL', restingPrice: '100', fillAtVenue: async (id, q, p) => s.fake.fill(id, q, p), close: s.close };
});

describe('tradier adapter', () => {
  let s: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  describe('status table', () => {
    it('maps every Tradier status onto a Fillbook status and refuses one it does not know', () => {
      const [ten, none] = [new Decimal(10), new Decimal(0)];
      expect(Object.fromEntries(tradierOrderStatuses.map((st) => [st, mapTradierStatus(st, ten, none)]))).toEqual({
        pending: 'submitted', open: 'open', partially_filled: 'partially_filled', filled: 'filled', expired: 'expired', canceled: 'canceled',
        rejected: 'rejected', calculated: 'open', accepted_for_bidding: 'open', error: 'rejected', held: 'open',
      });
      for (const status of tradierOrderStatuses) expect(orderStatuses).toContain(mapTradierStatus(status, ten, none));
      expect(mapTradierStatus('open', ten, new Decimal(3))).toBe('partially_filled');
      expect(() => mapTradierStatus('pending_cancel', ten, none)).toThrow(/unknown order status "pending_cancel"/);
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
      const open = (await s.adapter.listOpenOrders()).map((o) => o.venueOrderId);
      expect([open.includes(other.venueOrderId), open.includes(placed.venueOrderId)]).toEqual([true, false]);
    });
  });

  describe('the sample corpus, served by the fake', () => {
    it('reads combo and multileg orders among the account\'s orders as multi-leg orders, with each leg\'s fills', async () => {
      s = await start();
      // The documentation's page, its condor replaced by the filled variant (order-multileg-filled.json: the same order, filled).
      const listed = samplePlain<{ orders: { order: { id: number }[] } }>('tradier', 'orders-multileg-combo.json').orders.order.filter((o) => o.id !== 229123);
      for (const order of listed) s.fake.addRawOrder(String(order.id), JSON.stringify(order));
      s.fake.addRawOrder('229123', sampleText('tradier', 'order-multileg-filled.json'));
      const since = '2018-06-01T00:00:00.000Z';
      const orders = (await s.adapter.listOrders!(since)).orders.filter((o) => ['228175', '228749', '229063', '229123'].includes(o.venueOrderId));
      expect(orders.map((o) => [o.venueOrderId, o.type, o.side, o.status, o.legs?.length ?? null])).toEqual([
        ['228175', 'limit', 'buy', 'expired', null],
        ['228749', 'market', 'buy', 'expired', null],
        ['229063', 'limit', 'buy', 'canceled', 2],
        ['229123', 'limit', 'sell', 'filled', 4],
      ]);
      expect(unparsedOf(s.events, '229123')).toEqual([]);
      const fills = (await s.adapter.listFills(since)).fills.filter((f) => f.venueOrderId === '229123');
      expect(fills.map((f) => [f.leg, f.symbol, f.side, f.quantity.toFixed(), f.price.toFixed()])).toEqual([
        [1, 'SPY180720C00274000', 'buy', '1', '2.5'],
        [2, 'SPY180720C00275000', 'sell', '1', '2.1'],
        [3, 'SPY180720C00276000', 'sell', '1', '1.75'],
        [4, 'SPY180720C00277000', 'buy', '1', '0.55'],
      ]);
      expect((await s.adapter.getOrder('229063'))?.legs?.map((l) => [l.symbol, l.assetClass, l.ratio.toFixed(), l.positionEffect])).toEqual([
        ['SPY', 'equity', '100', null],
        ['SPY180720C00274000', 'option', '1', 'close'],
      ]);
    });
  });

  describe('equity sides', () => {
    it('sends sell_short when nothing is held, buy_to_cover against the short, and refuses an order that would cross zero', async () => {
      s = await start();
      const short = await s.adapter.placeOrder(request({ side: 'sell', quantity: new Decimal(5) }));
      expect(s.fake.orders.get(Number(short.venueOrderId))?.side).toBe('sell_short');
      s.fake.fill(short.venueOrderId, '5', '100');
      await eventually(async () => expect((await s!.adapter.listPositions()).map((p) => p.netQuantity.toFixed())).toEqual(['-5']));
      const cover = await s.adapter.placeOrder(request({ side: 'buy', quantity: new Decimal(5) }));
      expect(s.fake.orders.get(Number(cover.venueOrderId))?.side).toBe('buy_to_cover');
      const crossing = await s.adapter.placeOrder(request({ side: 'buy', quantity: new Decimal(8) })).catch((e: unknown) => e);
      expect(isVenueError(crossing, 'rejected')).toBe(true);
      expect(String(crossing)).toMatch(/cover the short and go long/);
      s.fake.fill(cover.venueOrderId, '5', '100');
      await eventually(async () => expect(await s!.adapter.listPositions()).toEqual([]));
      const plain = await s.adapter.placeOrder(request({ side: 'buy', quantity: new Decimal(3) }));
      expect(s.fake.orders.get(Number(plain.venueOrderId))?.side).toBe('buy');
    });
  });

  describe('fills derived from order snapshots', () => {
    it('names each fill by (order, cumulative quantity), the same on the stream and in the fill history', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      const id = placed.venueOrderId;
      await eventually(async () => expect(ordersOf(s!.events, id)).toHaveLength(1));
      s.fake.fill(id, '3', '100.5');
      await eventually(async () => expect(fillsOf(s!.events, id)).toHaveLength(1));
      s.fake.fill(id, '7', '100.25');
      await eventually(async () => expect(ordersOf(s!.events, id).at(-1)?.status).toBe('filled'));
      expect(triples(fillsOf(s.events, id))).toEqual([[`tradier:${id}:3`, '3', '100.5'], [`tradier:${id}:10`, '7', '100.25']]);
      expect(ordersOf(s.events, id).map((o) => [o.status, o.filledQuantity.toFixed(), o.symbol, o.side, o.clientOrderId])).toEqual([
        ['open', '0', 'AAPL', 'buy', placed.clientOrderId],
        ['partially_filled', '3', 'AAPL', 'buy', placed.clientOrderId],
        ['filled', '10', 'AAPL', 'buy', placed.clientOrderId],
      ]);
      const listed = (await s.adapter.listFills(new Date(Date.now() - 60_000).toISOString())).fills.filter((f) => f.venueOrderId === id);
      expect(triples(listed)).toEqual(triples(fillsOf(s.events, id)));
    });

    it('reads Tradier JSON numbers digit for digit', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request({ quantity: new Decimal(3), limitPrice: new Decimal('123456789.123456789') }));
      s.fake.fill(placed.venueOrderId, '1', '123456789.123456789');
      s.fake.fill(placed.venueOrderId, '2', '0.30000000000000004441');
      await eventually(async () => expect(fillsOf(s!.events, placed.venueOrderId)).toHaveLength(2));
      expect(fillsOf(s.events, placed.venueOrderId).map((f) => f.price.toFixed())).toEqual(['123456789.123456789', '0.30000000000000004441']);
      expect((await s.adapter.getOrder(placed.venueOrderId))?.limitPrice?.toFixed()).toBe('123456789.123456789');
    });

    it('fills a gap left by a lost snapshot at the price the average implies, and a restart derives the same ids', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      const id = placed.venueOrderId;
      s.fake.fill(id, '2', '101');
      await eventually(async () => expect(fillsOf(s!.events, id)).toHaveLength(1));
      s.fake.fill(id, '3', '102', { silent: true });
      s.fake.fill(id, '5', '103');
      await eventually(async () => expect(fillsOf(s!.events, id)).toHaveLength(3));
      expect(triples(fillsOf(s.events, id))).toEqual([[`tradier:${id}:2`, '2', '101'], [`tradier:${id}:5`, '3', '102'], [`tradier:${id}:10`, '5', '103']]);

      // A new process knows nothing: it proves only each snapshot's last fill, named as before; reconciliation infers the rest.
      const fresh = new TradierAdapter(s.adapter.config, s.fake.accessToken);
      const listed = (await fresh.listFills(new Date(Date.now() - 60_000).toISOString())).fills.filter((f) => f.venueOrderId === id);
      expect(triples(listed)).toEqual([[`tradier:${id}:10`, '5', '103']]);
      await fresh.close();
    });
  });

  describe('wire', () => {
    it('reads every JSON number as its digits and leaves strings alone', () => {
      expect(parseJsonLossless('{"id":228175,"tag":"a\\"1.5","q":[1.50,-0.0,1e-7,2E+3],"s":"x 12 y","n":null}')).toEqual({ id: '228175', tag: 'a"1.5', q: ['1.50', '-0.0', '1e-7', '2E+3'], s: 'x 12 y', n: null });
    });

    it('derives fills from snapshots: the last fill always, what came before only from a known start', () => {
      const journal = new TradierFillJournal(100);
      const at = '2026-11-20T14:30:00.000Z';
      const seen = (orderId: string, executed: string, last: string | null, lastPrice: string | null, avg: string) =>
        journal.observe({ orderId, clientOrderId: null, symbol: 'AAPL', side: 'buy', createdAt: at, executed: new Decimal(executed), lastFillQuantity: last === null ? null : new Decimal(last), lastFillPrice: lastPrice === null ? null : new Decimal(lastPrice), avgFillPrice: new Decimal(avg), at }).map((f) => [f.execId, f.quantity.toFixed(), f.price.toFixed()]);
      journal.begin('1', at);
      expect(seen('1', '2', '2', null, '10')).toEqual([['tradier:1:2', '2', '10']]); // the first fill's price is the average
      expect(seen('1', '2', '2', '10', '10')).toEqual([]); // seen before
      expect(seen('1', '6', '1', '13', '11.5')).toEqual([['tradier:1:5', '3', '12'], ['tradier:1:6', '1', '13']]); // a gap, priced by the average
      expect(seen('1', '5', '3', '12', '11')).toEqual([]); // older than what is known
      // Never seen from the start (another process placed it): only what the snapshot proves.
      expect(seen('2', '6', '1', '13', '11.5')).toEqual([['tradier:2:6', '1', '13']]);
      expect(seen('2', '8', '2', '14', '12.125')).toEqual([['tradier:2:8', '2', '14']]);
      expect(seen('2', '9', null, null, '12.3')).toEqual([]); // no word of the last fill, no known start: left to reconciliation
    });
  });

  describe('stream', () => {
    it('delivers each fill once and never an order snapshot older than one delivered', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      const id = placed.venueOrderId;
      await eventually(async () => expect(ordersOf(s!.events, id)).toHaveLength(1));
      s.fake.holdStream();
      s.fake.fill(id, '1', '100');
      s.fake.fill(id, '2', '100');
      s.fake.releaseStream({ reverse: true, duplicate: true });
      s.fake.replay(2);
      await eventually(async () => expect(fillsOf(s!.events, id)).toHaveLength(2));
      await new Promise((r) => setTimeout(r, 100));
      expect(fillsOf(s.events, id).map((f) => f.execId)).toEqual([`tradier:${id}:1`, `tradier:${id}:3`]);
      expect(ordersOf(s.events, id).map((o) => o.filledQuantity.toFixed())).toEqual(['0', '3']);
    });

    it('reconnects with a new session after the connection drops, and after a silence, and says so', async () => {
      s = await start({ streamIdleTimeoutMs: 300 });
      s.fake.dropStreams();
      await eventually(async () => expect(s!.events.filter((e) => e.kind === 'reconnected')).toHaveLength(1));
      // Each drop of an open stream is said first (the service's stream alerts start from it).
      expect(s.events.filter((e) => e.kind === 'disconnected')).toHaveLength(1);
      s.fake.heartbeats = false;
      await eventually(async () => expect(s!.events.filter((e) => e.kind === 'reconnected')).toHaveLength(2));
      expect(s.events.filter((e) => e.kind === 'disconnected').map((e) => (e as { reason: string | null }).reason)).toEqual([null, expect.stringMatching(/no heartbeat/)]);
      s.fake.heartbeats = true;
      expect(s.fake.connections).toBe(3);
      expect(s.fake.count('POST', '/v1/accounts/events/session')).toBe(3);
      expect(s.errors.map(String).join()).toMatch(/no heartbeat/);
      await eventually(async () => expect(s!.fake.listeners).toBe(1));
      const placed = await s.adapter.placeOrder(request());
      s.fake.fill(placed.venueOrderId, '10', '100');
      await eventually(async () => expect(fillsOf(s!.events, placed.venueOrderId)).toHaveLength(1));
    });
  });

  describe('submission', () => {
    it('never resends an order after a lost answer: it looks the order up by tag, now and before any resubmission', async () => {
      s = await start();
      // Not there: the outcome is unknown, and nothing was sent twice.
      s.fake.failNext({ times: 1, status: 500, method: 'POST', path: '/v1/accounts/' });
      const lost = request();
      expect(isVenueError(await s.adapter.placeOrder(lost).catch((e: unknown) => e), 'unknown_outcome')).toBe(true);
      expect([s.fake.count('POST', `/v1/accounts/${s.fake.accountId}/orders`), s.fake.orders.size]).toEqual([1, 0]);

      // There, found at once by its tag.
      s.fake.failNext({ times: 1, status: 'drop', method: 'POST', path: '/v1/accounts/', afterProcessing: true });
      const arrived = request();
      const found = await s.adapter.placeOrder(arrived);
      expect([found.clientOrderId, s.fake.orders.size]).toEqual([arrived.clientOrderId, 1]);

      // There, but the lookup fails too: unknown; the next placeOrder of it looks first and sends nothing.
      s.fake.failNext({ times: 1, status: 502, method: 'POST', path: '/v1/accounts/', afterProcessing: true });
      s.fake.failNext({ times: 8, status: 503, method: 'GET', path: `/v1/accounts/${s.fake.accountId}/orders` });
      const unseen = request();
      expect(isVenueError(await s.adapter.placeOrder(unseen).catch((e: unknown) => e), 'unknown_outcome')).toBe(true);
      const again = await s.adapter.placeOrder(unseen);
      expect(again.clientOrderId).toBe(unseen.clientOrderId);
      expect([s.fake.count('POST', `/v1/accounts/${s.fake.accountId}/orders`), s.fake.orders.size]).toEqual([3, 2]);
    });

    it('carries a client order id Tradier would refuse as a tag as a hashed tag, and finds it by it', async () => {
      s = await start();
      const odd = request({ clientOrderId: 'bot_1/order#42' });
      expect(tradierTag(odd.clientOrderId)).toMatch(/^fbh-[0-9a-f]{40}$/);
      const placed = await s.adapter.placeOrder(odd);
      expect(placed.clientOrderId).toBe('bot_1/order#42');
      expect((await s.adapter.getOrderByClientId('bot_1/order#42'))?.venueOrderId).toBe(placed.venueOrderId);
      expect(s.fake.orderByTag(tradierTag(odd.clientOrderId))?.id).toBe(Number(placed.venueOrderId));
    });

    it('does not deduplicate: Tradier makes a second order of a second submit (idempotentSubmit: false)', async () => {
      s = await start();
      expect(s.adapter.capabilities.idempotentSubmit).toBe(false);
      const r = request();
      await s.adapter.placeOrder(r);
      await s.adapter.placeOrder(r);
      expect(s.fake.orders.size).toBe(2);
    });

    it('refuses what Tradier cannot take before sending, and reports the venue refusals', async () => {
      s = await start();
      const code = async (r: VenuePlaceRequest) => {
        const e = await s!.adapter.placeOrder(r).catch((error: unknown) => error);
        return isVenueError(e) ? `${e.kind}: ${e.message}` : 'placed';
      };
      expect(await code(request({ timeInForce: 'ioc' }))).toMatch(/^rejected: .*day or gtc/);
      expect(await code(request({ quantity: new Decimal('1.5') }))).toMatch(/^rejected: .*whole shares/);
      expect(await code(request({ assetClass: 'option' }))).toMatch(/^rejected: .*equity orders only/);
      expect(s.fake.count('POST', '/v1/accounts/VA')).toBe(0);
      s.fake.failNext({ times: 1, status: 400, method: 'POST', path: '/v1/accounts/', body: { errors: { error: ['Backoffice rejected override of the order.', 'DayTradingBuyingPowerExceeded'] } } });
      expect(await code(request())).toMatch(/^rejected: .*DayTradingBuyingPowerExceeded/);
      s.fake.rejectSymbols.add('GME');
      expect(await code(request({ symbol: 'GME' }))).toMatch(/^rejected: .*DayTradingBuyingPowerExceeded/);
    });

    it('reports a bad token and an unreachable venue as unavailable, without the token', async () => {
      s = await start();
      const bad = new TradierAdapter(s.adapter.config, 'token-that-must-not-leak');
      const e = await bad.placeOrder(request()).catch((error: unknown) => error);
      expect([isVenueError(e, 'unavailable'), String(e)]).toEqual([true, expect.stringMatching(/Invalid Access Token/)]);
      expect(String(e)).not.toContain('token-that-must-not-leak');
      await bad.close();
      const nowhere = new TradierAdapter(parseTradierConfig({ accountId: 'VA1', baseUrl: `http://127.0.0.1:${await closedPort()}`, ...quick }), 't');
      expect(isVenueError(await nowhere.placeOrder(request()).catch((error: unknown) => error), 'unavailable')).toBe(true);
      await nowhere.close();
    });

    it('cancels: pending or canceled, and a second cancel is rejected', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      expect(['pending_cancel', 'canceled']).toContain((await s.adapter.cancelOrder(placed.venueOrderId)).status);
      expect(isVenueError(await s.adapter.cancelOrder(placed.venueOrderId).catch((e: unknown) => e), 'rejected')).toBe(true);
      expect(await s.adapter.getOrder('P-ghost')).toBeUndefined();
    });
  });

  describe('rate limits and failures', () => {
    it('waits as a 429 asks (Retry-After, X-Ratelimit-Expiry) and then reads', async () => {
      s = await start();
      const placed = await s.adapter.placeOrder(request());
      const path = `/v1/accounts/${s.fake.accountId}/orders/${placed.venueOrderId}`;
      await eventually(async () => expect(ordersOf(s!.events, placed.venueOrderId)).toHaveLength(1));
      s.fake.failNext({ times: 1, status: 429, method: 'GET', path, headers: { 'retry-after': '1' } });
      let [t0, before] = [Date.now(), s.fake.count('GET', path)];
      await s.adapter.getOrder(placed.venueOrderId);
      expect([Date.now() - t0 >= 950, s.fake.count('GET', path) - before]).toEqual([true, 2]);
      s.fake.failNext({ times: 1, status: 429, method: 'GET', path, headers: { 'x-ratelimit-available': '0', 'x-ratelimit-expiry': String(Date.now() + 600) } });
      [t0, before] = [Date.now(), s.fake.count('GET', path)];
      await s.adapter.getOrder(placed.venueOrderId);
      expect([Date.now() - t0 >= 550, s.fake.count('GET', path) - before]).toEqual([true, 2]);
    });

    it('retries a read after a 5xx a bounded number of times, and a new order only after a 429', async () => {
      s = await start({ retriesMax: 2 });
      const placed = await s.adapter.placeOrder(request());
      const path = `/v1/accounts/${s.fake.accountId}/orders/${placed.venueOrderId}`;
      s.fake.failNext({ times: 2, status: 503, method: 'GET', path });
      expect((await s.adapter.getOrder(placed.venueOrderId))?.status).toBe('open');
      s.fake.failNext({ times: 5, status: 500, method: 'GET', path });
      const before = s.fake.count('GET', path);
      expect(isVenueError(await s.adapter.getOrder(placed.venueOrderId).catch((e: unknown) => e), 'unavailable')).toBe(true);
      expect(s.fake.count('GET', path) - before).toBe(3);
      s.fake.failNext({ times: 1, status: 429, method: 'POST', path: `/v1/accounts/${s.fake.accountId}/orders`, headers: { 'retry-after': '0' } });
      const orders = s.fake.orders.size;
      await s.adapter.placeOrder(request());
      expect(s.fake.orders.size).toBe(orders + 1);
    });

    it('keeps under requestsPerMinute', async () => {
      s = await start({ requestsPerMinute: 600 }); // a bucket of 100, then 10 a second
      const t0 = Date.now();
      await Promise.all(Array.from({ length: 105 }, () => s!.adapter.listPositions()));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    });
  });

  describe('config', () => {
    it('defaults to the sandbox, names the hosts and its rate limit, and requires the account number', () => {
      const c = parseTradierConfig({ accountId: 'VA000000' });
      expect([c.sandbox, c.baseUrl, c.streamUrl, c.requestsPerMinute]).toEqual([true, 'https://sandbox.tradier.com', null, 60]);
      expect(parseTradierConfig({ accountId: 'VA000000', sandbox: false }).requestsPerMinute).toBe(120);
      const code = (raw: Record<string, unknown>) => {
        try {
          parseTradierConfig(raw);
          return 'parsed';
        } catch (error) {
          return isFillbookError(error) ? `${error.code} ${String(error.details.field)} ${error.message}` : String(error);
        }
      };
      expect(code({})).toMatch(/^FILLBOOK_ERR_INVALID_INPUT venue_config.accountId .*is required/);
      expect(code({ accountId: 'VA1', accesToken: 'x' })).toMatch(/^FILLBOOK_ERR_INVALID_INPUT venue_config.accesToken/);
      expect(code({ accountId: 'VA1', streamUrl: 'ws://example.com/x' })).toMatch(/^FILLBOOK_ERR_INVALID_INPUT venue_config.streamUrl/);
      expect(code({ accountId: 'VA1', lookbackDays: 90 })).toMatch(/^FILLBOOK_ERR_INVALID_INPUT venue_config.lookbackDays/);
    });

    it('takes the token from the environment and names what is missing', () => {
      expect(tradierAccessTokenFromEnv(parseTradierConfig({ accountId: 'VA1' }), { TRADIER_ACCESS_TOKEN: 'x' })).toBe('x');
      expect(() => createTradierVenue({ id: 'a', venueConfig: { accountId: 'VA1', accessTokenEnv: 'BOT2_TRADIER' } }, undefined, { env: {} })).toThrow(/set BOT2_TRADIER in the environment/);
    });
  });

  it('makes VenueFactory-shaped factories', () => {
    const factory: VenueFactory = createTradierVenue;
    expect(typeof factory).toBe('function');
  });

  it('reconciliation finds a fill the stream dropped and imports it with import_fills, under the derived fill id', async () => {
    const fake = await FakeTradierServer.start();
    const ledger = await Ledger.open({});
    const env = { TRADIER_ACCESS_TOKEN: fake.accessToken };
    const stack = trading(ledger, {}, { tradier: (account) => createTradierVenue(account, undefined, { env }) });
    try {
      const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
      const account = await ledger.createAccount({ name: 'tradier', venue: 'tradier', venueConfig: { accountId: fake.accountId, baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, ...quick } });
      const adapter = (await stack.venues.forAccount(account.id)) as TradierAdapter;
      await eventually(async () => expect([adapter.streaming, fake.listeners]).toEqual([true, 1]));
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
        [`tradier:${order.brokerOrderId}:4`, '4', '99.5', 'broker_stream'],
        [`tradier:${order.brokerOrderId}:7`, '3', '99.25', 'reconciliation'],
        [`tradier:${order.brokerOrderId}:10`, '3', '99', 'broker_stream'],
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
