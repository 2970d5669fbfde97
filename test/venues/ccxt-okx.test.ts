import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { createCcxtVenue, okxClientOrderIdOf, okxClOrdIdFor } from '../../src/venues/ccxt/index.js';
import { isVenueError, type VenueAdapter, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import { orderHistory, venueContract } from './contract.js';
import { FakeOkx, type OkxFakeInstType } from './fakes/okx-server.js';
import { payloadOf } from './samples/samples.js';

const credentials = { apiKey: 'fake-api-key', secret: 'fake-api-secret', password: 'fake-passphrase' };
const symbolOf = (instType: OkxFakeInstType) => (instType === 'SPOT' ? 'BTC-USDT' : 'BTC-USDT-SWAP');
const account = (fake: FakeOkx) => ({
  venue: 'ccxt:okx',
  venueConfig: { environment: 'demo', instType: fake.instType, symbols: ['ETH-USDT' + (fake.instType === 'SWAP' ? '-SWAP' : ''), symbolOf(fake.instType)], restBaseUrl: fake.restBaseUrl, requestTimeoutMs: 2_000, rateLimitMs: 1, retryBaseDelayMs: 5, retryDelayMsMax: 40 },
});

for (const instType of ['SPOT', 'SWAP'] as const) {
  venueContract(`ccxt:okx ${instType} (local fake server)`, async () => {
    const fake = await FakeOkx.start(instType);
    const adapter = await createCcxtVenue(account(fake), { credentials, onError: () => {} });
    return {
      adapter,
      symbol: symbolOf(instType),
      restingPrice: '20000',
      assetClass: instType === 'SPOT' ? 'crypto' : 'future',
      fillAtVenue: async (id, quantity, price) => {
        fake.fill(id, quantity, price);
      },
      close: async () => {
        await adapter.close();
        await fake.close();
      },
    };
  });
}

describe('ccxt:okx adapter specifics', () => {
  let fake: FakeOkx;
  let adapter: VenueAdapter;
  const events: VenueEvent[] = [];
  beforeAll(async () => {
    fake = await FakeOkx.start('SWAP');
    adapter = await createCcxtVenue(account(fake), { credentials, onError: () => {} });
    adapter.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await adapter.close();
    await fake.close();
  });
  const request = (clientOrderId: string, quantity = '3'): VenuePlaceRequest => ({
    clientOrderId,
    symbol: 'BTC-USDT-SWAP',
    assetClass: 'future',
    side: 'buy',
    type: 'limit',
    timeInForce: 'gtc',
    quantity: new Decimal(quantity),
    limitPrice: new Decimal('20000.5'),
    stopPrice: null,
  });
  const unique = (label: string) => `${label}${crypto.randomUUID().slice(0, 8)}`;

  it('lists orders-history alone with closedOnly, never the pending orders', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const resting = await adapter.placeOrder(request(unique('rest')));
    const canceled = await adapter.placeOrder(request(unique('gone')));
    await adapter.cancelOrder(canceled.venueOrderId);
    const before = fake.requests.length;
    const seen = await orderHistory(adapter, since, { closedOnly: true });
    expect(seen.get(canceled.venueOrderId)?.status).toBe('canceled');
    expect(seen.has(resting.venueOrderId)).toBe(false);
    const asked = fake.requests.slice(before).map((r) => r.path.split('?')[0]);
    expect(asked).toContain('/api/v5/trade/orders-history');
    expect(asked).not.toContain('/api/v5/trade/orders-pending');
  });

  it('packs Fillbook ids into 24 alphanumerics reversibly and hashes what OKX refuses', async () => {
    const fillbookId = `fb-${crypto.randomUUID()}`;
    const packed = okxClOrdIdFor(fillbookId);
    expect([packed.length, /^fb[0-9A-Za-z]{22}$/.test(packed), okxClientOrderIdOf(packed, new Map())]).toEqual([24, true, fillbookId]);
    const placed = await adapter.placeOrder(request(fillbookId));
    expect(fake.orders.get(placed.venueOrderId)?.clOrdId).toBe(packed);
    expect((await adapter.getOrder(placed.venueOrderId))?.clientOrderId).toBe(fillbookId);
    const odd = 'strategy-7/entry_1';
    const hashed = okxClOrdIdFor(odd);
    expect([hashed.length, /^fbh[0-9a-f]{29}$/.test(hashed)]).toEqual([32, true]);
    const oddPlaced = await adapter.placeOrder(request(odd));
    expect((await adapter.getOrderByClientId(odd))?.venueOrderId).toBe(oddPlaced.venueOrderId);
  });

  it('reads fills with OKX fees turned into costs, and answers a pending duplicate clOrdId with the first order', async () => {
    const clientOrderId = unique('twice');
    const first = await adapter.placeOrder(request(clientOrderId));
    expect((await adapter.placeOrder(request(clientOrderId))).venueOrderId).toBe(first.venueOrderId);
    expect(fake.ordersWithClOrdId(clientOrderId)).toHaveLength(1);
    fake.fill(first.venueOrderId, '1', '20000');
    const fills = (await adapter.listFills(new Date(Date.now() - 60_000).toISOString())).fills.filter((f) => f.venueOrderId === first.venueOrderId);
    expect(fills.map((f) => [f.quantity.toFixed(), f.fee.toFixed(), f.feeCurrency, f.liquidity])).toEqual([['1', '4', 'USDT', 'maker']]);
  });

  it('keeps an order of a type it has no word for raw, and lists the others', async () => {
    const placed = await adapter.placeOrder(request(unique('neighbour')));
    fake.addRawOrder({ ...payloadOf('okx', 'order-swap-mmp'), state: 'live', cTime: String(Date.now()) });
    const open = (await adapter.listOpenOrders()).map((o) => o.venueOrderId);
    expect(open).toContain(placed.venueOrderId);
    const kept = events.flatMap((e) => (e.kind === 'unparsed' ? [e.item] : []));
    expect(kept.map((i) => [i.kind, i.venueItemId, i.reason])).toEqual([['order', '2657625147249614850', expect.stringMatching(/unknown order type "mmp"/)]]);
  });

  it('never resends after a 5xx, and refuses stops before sending them', async () => {
    const clientOrderId = unique('made500');
    fake.failNext(1, { status: 500, path: /\/trade\/order$/, afterProcessing: true });
    const found = await adapter.placeOrder(request(clientOrderId));
    expect([found.clientOrderId, fake.ordersWithClOrdId(clientOrderId).length]).toEqual([clientOrderId, 1]);
    const stop = await adapter.placeOrder({ ...request(unique('stop')), type: 'stop', stopPrice: new Decimal('21000') }).catch((e: unknown) => e);
    expect([isVenueError(stop, 'rejected'), String(stop)]).toEqual([true, expect.stringMatching(/algo order/)]);
  });
});
