import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { Reconciler } from '../../src/service/index.js';
import { createCcxtVenue } from '../../src/venues/ccxt/index.js';
import type { VenueEvent } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { trading } from '../support/trading.js';
import { FakeBinance } from './fakes/binance-server.js';
import { FakeOkx } from './fakes/okx-server.js';
import { payloadOf } from './samples/samples.js';

/**
 * Per exchange: the account holds, besides the ledger's own order, one of each item Fillbook has
 * no word for (real payloads from the corpus). Everything else reconciles; those are kept raw.
 */

interface Case {
  venue: string;
  symbol: string;
  assetClass: 'crypto' | 'future';
  start(): Promise<{ restBaseUrl: string; fill(id: string, q: string, p: string): unknown; addRawOrder(o: Record<string, unknown>): void; close(): Promise<void> }>;
  config: (restBaseUrl: string) => Record<string, unknown>;
  /** Raw orders the account holds that cannot be read, and their venue ids. */
  odd: () => { raw: Record<string, unknown>; id: string }[];
  credentials: { apiKey: string; secret: string; password?: string };
}

const now = () => Date.now();
const cases: Case[] = [
  ...(['spot', 'usdm'] as const).map((market): Case => ({
    venue: market === 'spot' ? 'ccxt:binance' : 'ccxt:binanceusdm',
    symbol: 'BTCUSDT',
    assetClass: market === 'spot' ? 'crypto' : 'future',
    start: () => FakeBinance.start(market),
    config: (restBaseUrl) => ({ environment: market === 'spot' ? 'testnet' : 'demo', symbols: ['BTCUSDT'], restBaseUrl, rateLimitMs: 1, retryBaseDelayMs: 5, retryDelayMsMax: 40 }),
    odd: () =>
      market === 'spot'
        ? [{ raw: { ...payloadOf('binance', 'order-spot-new'), symbol: 'BTCUSDT', orderId: 91, status: 'NEW_INSURANCE', time: now(), updateTime: now() }, id: '91' }]
        : [
            { raw: { ...payloadOf('binance', 'order-usdm-take-profit'), orderId: 92, time: now(), updateTime: now() }, id: '92' },
            { raw: { ...payloadOf('binance', 'order-usdm-new-adl'), orderId: 93, time: now(), updateTime: now() }, id: '93' },
          ],
    credentials: { apiKey: 'fake-api-key', secret: 'fake-api-secret' },
  })),
  {
    venue: 'ccxt:okx',
    symbol: 'BTC-USDT-SWAP',
    assetClass: 'future',
    start: () => FakeOkx.start('SWAP'),
    config: (restBaseUrl) => ({ environment: 'demo', instType: 'SWAP', symbols: ['BTC-USDT-SWAP'], restBaseUrl, rateLimitMs: 1, retryBaseDelayMs: 5, retryDelayMsMax: 40 }),
    odd: () => [
      { raw: { ...payloadOf('okx', 'order-swap-mmp'), instId: 'BTC-USDT-SWAP', state: 'live', cTime: String(now()), uTime: String(now()) }, id: '2657625147249614850' },
      { raw: { ...payloadOf('okx', 'order-swap-effective'), instId: 'BTC-USDT-SWAP', cTime: String(now()), uTime: String(now()) }, id: '2657625147249614851' },
    ],
    credentials: { apiKey: 'fake-api-key', secret: 'fake-api-secret', password: 'fake-passphrase' },
  },
];

describe('ccxt reconciliation with unreadable items at the venue', () => {
  for (const c of cases) {
    it(`${c.venue}: imports the fill it missed, reconciles, and keeps the unreadable orders raw`, async () => {
      const fake = await c.start();
      const fresh = await freshDatabase(engines.includes('postgres') ? 'postgres' : 'pglite');
      const ledger = await Ledger.open({ database: fresh.db });
      const unparsed: VenueEvent[] = [];
      const stack = trading(ledger, {}, {
        [c.venue]: async (account) => {
          const adapter = await createCcxtVenue(account, { credentials: c.credentials, onError: () => {} });
          adapter.subscribe((e) => e.kind === 'unparsed' && unparsed.push(e));
          return adapter;
        },
      });
      try {
        const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0 });
        const account = await ledger.createAccount({ name: c.venue, venue: c.venue, venueConfig: c.config(fake.restBaseUrl) });
        const order = await stack.router.placeOrder({ accountId: account.id, symbol: c.symbol, assetClass: c.assetClass, side: 'buy', type: 'limit', quantity: '2', limitPrice: '20000' });
        await eventually(async () => expect(['submitted', 'open']).toContain((await ledger.getOrder({ orderId: order.id })).status));
        const brokerOrderId = (await ledger.getOrder({ orderId: order.id })).brokerOrderId!;
        fake.fill(brokerOrderId, '1', '20000'); // no stream for these venues: only reconciliation can see it
        for (const { raw } of c.odd()) fake.addRawOrder(raw);

        const summary = async (actions: 'import_fills'[] = []) => {
          const run = await reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
          return Object.fromEntries(Object.entries(run.summary).filter(([k, v]) => v !== 0 && !['matched', 'deferred', 'repaired'].includes(k)));
        };
        expect(await summary()).toMatchObject({ fill_mismatch: 1 });
        await summary(['import_fills']);
        const detail = await ledger.getOrderDetail({ orderId: order.id });
        expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.fills.length]).toEqual(['partially_filled', '1', 1]);
        // What is left is the unreadable items, kept raw and reported as their own category.
        await eventually(async () => expect(await summary()).toEqual({ unparsed_venue_item: new Set(c.odd().map((o) => o.id)).size }));
        const kept = new Set(unparsed.map((e) => (e.kind === 'unparsed' ? e.item.venueItemId : null)));
        expect([...kept].sort()).toEqual(c.odd().map((o) => o.id).sort());
        expect(stack.errors).toEqual([]);
      } finally {
        await stack.close();
        await fresh.drop();
        await fake.close();
      }
    });
  }
});
