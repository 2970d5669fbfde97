import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';
import { changedTables, tableFingerprints } from '../support/tables.js';

/** Issue 13, item 6: the paper venue takes only what a venue would, and says why not with a coded error. */
describeEachEngine('the paper venue validates like a venue', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let account: string;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, { reconcileAtStart: false, reconcileIntervalMs: 0 });
    ({ alice } = harness);
    account = ((await alice.post('/v1/accounts', { name: 'p', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string }).id;
  });
  afterAll(async () => harness.close());
  const errorOf = (res: { statusCode: number; json(): unknown }) => [res.statusCode, (res.json() as { error: { code: string; details: { field?: string } } }).error];

  it('refuses a venue_config a venue could not honour, naming the field, and creates no account', async () => {
    const before = await tableFingerprints(h().db);
    const bad: [Record<string, unknown>, string][] = [
      [{ fillmode: 'manual' }, 'venue_config.fillmode'],
      [{ prices: null }, 'venue_config.prices'],
      [{ prices: { AAPL: '-5' } }, 'venue_config.prices.AAPL'],
      [{ prices: { AAPL: '0' } }, 'venue_config.prices.AAPL'],
      [{ prices: { AAPL: 5 } }, 'venue_config.prices.AAPL'],
      [{ defaultPrice: '-0' }, 'venue_config.defaultPrice'],
      [{ defaultPrice: '1e3' }, 'venue_config.defaultPrice'],
      [{ feePerFill: '-0.5' }, 'venue_config.feePerFill'],
      [{ feePerFill: '-0' }, 'venue_config.feePerFill'],
      [{ latencyMs: 1.5 }, 'venue_config.latencyMs'],
      [{ partialFills: 0 }, 'venue_config.partialFills'],
      [{ rejectSymbols: 'AAPL' }, 'venue_config.rejectSymbols'],
      [{ delivery: 'webhook' }, 'venue_config.webhookUrl'],
    ];
    for (const [config, field] of bad) {
      const res = await alice.post('/v1/accounts', { name: 'bad', venue: 'paper', venue_config: config });
      expect([JSON.stringify(config), ...errorOf(res)]).toEqual([JSON.stringify(config), 422, expect.objectContaining({ code: 'FILLBOOK_ERR_INVALID_INPUT', details: { field } })]);
    }
    expect(changedTables(before, await tableFingerprints(h().db))).toEqual([]);
  });

  it('refuses by hand an order or a fill a venue would refuse, and changes nothing', async () => {
    const order = (await alice.post('/v1/orders', { account_id: account, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '5', limit_price: '10' })).json() as { broker_order_id: string };
    const before = await tableFingerprints(h().db);
    const limitWithoutPrice = await alice.post(`/v1/paper/${account}/orders`, { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1' });
    expect(errorOf(limitWithoutPrice)).toEqual([422, expect.objectContaining({ code: 'FILLBOOK_ERR_INVALID_INPUT' })]);
    const stopWithoutPrice = await alice.post(`/v1/paper/${account}/orders`, { symbol: 'AAPL', side: 'sell', type: 'stop', quantity: '1' });
    expect(errorOf(stopWithoutPrice)).toEqual([422, expect.objectContaining({ code: 'FILLBOOK_ERR_INVALID_INPUT' })]);
    for (const price of ['0', '-1']) {
      const fill = await alice.post(`/v1/paper/${account}/orders/${order.broker_order_id}/fill`, { quantity: '1', price });
      expect(errorOf(fill)).toEqual([422, expect.objectContaining({ code: 'FILLBOOK_ERR_VENUE_REJECTED' })]);
    }
    expect(changedTables(before, await tableFingerprints(h().db))).toEqual([]);
  });

  it('an account with valid settings still reconciles cleanly afterwards', async () => {
    const run = await alice.post('/v1/reconciliations', { account_id: account });
    expect(run.statusCode).toBe(201);
  });
});
