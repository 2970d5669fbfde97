import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

describeEachEngine('HTTP API: fees in every currency', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
  });
  afterAll(async () => harness.close());

  const error = (res: { json(): unknown }) => (res.json() as { error: { code: string; details: Record<string, unknown> } }).error;

  it('fees per currency on positions, orders and metrics; a late fee is 201 once, then 200, and a different body 409', async () => {
    const { id: accountId } = (await alice.post('/v1/accounts', { name: 'spot', venue: 'manual' })).json() as { id: string };
    const position = (await alice.post('/v1/positions', { account_id: accountId, signal_id: 'btc-1', symbol: 'BTC/USDT', side: 'long', target_quantity: '1', asset_class: 'crypto' })).json() as { id: string };
    const order = async (role: 'entry' | 'exit', side: 'buy' | 'sell', quantity: string) => {
      const o = (await alice.post('/v1/orders', { account_id: accountId, position_id: position.id, role, symbol: 'BTC/USDT', asset_class: 'crypto', side, type: 'market', quantity, submit: false })).json() as { id: string };
      await alice.post(`/v1/orders/${o.id}/events`, { type: 'submitted', broker_order_id: `B-${role}` });
      return o;
    };
    const entry = await order('entry', 'buy', '1');
    expect((await alice.post('/v1/fills', { order_id: entry.id, exec_id: 'E-1', quantity: '1', price: '40000', fee: '0.001', fee_currency: 'BTC' })).statusCode).toBe(201);
    const exit = await order('exit', 'sell', '0.999');
    expect((await alice.post('/v1/fills', { order_id: exit.id, exec_id: 'X-1', quantity: '0.999', price: '41000', fee: '20', fee_currency: 'USDT' })).statusCode).toBe(201);

    const fee = { account_id: accountId, fee_id: 'act-1', broker_order_id: 'B-exit', exec_id: 'X-1', amount: '0.3', currency: 'BNB', kind: 'commission' };
    const first = await alice.post('/v1/fees', fee);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ outcome: 'recorded', fee: { fee_id: 'act-1', order_id: exit.id, exec_id: 'X-1', symbol: 'BTC/USDT', amount: '0.3', currency: 'BNB', kind: 'commission' } });
    const again = await alice.post('/v1/fees', fee);
    expect([again.statusCode, (again.json() as { outcome: string }).outcome]).toEqual([200, 'duplicate']);
    const different = await alice.post('/v1/fees', { ...fee, amount: '0.4' });
    expect([different.statusCode, error(different).code, error(different).details.fields]).toEqual([409, 'FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT', ['amount']]);
    expect(error(await alice.post('/v1/fees', { ...fee, fee_id: 'act-2', amount: '1e3' })).code).toBe('FILLBOOK_ERR_VALIDATION');
    expect((await alice.post('/v1/fees', { ...fee, fee_id: 'act-2', broker_order_id: 'unknown' })).statusCode).toBe(404);
    expect((await bob.post('/v1/fees', { ...fee, fee_id: 'act-3' })).statusCode).toBe(404);

    // (41000 - 40000) x 0.999 = 999 USDT, less the 20 USDT fee: 979. The BTC and BNB fees are beside it.
    const p = (await alice.get(`/v1/positions/${position.id}`)).json();
    expect(p).toMatchObject({ status: 'closed', qty_entered: '1', qty_exited: '0.999', qty_open: '0', quote_currency: 'USDT', realized_pnl: '979', fees: '20', fees_by_currency: { BNB: '0.3', BTC: '0.001', USDT: '20' } });

    const detail = (await alice.get(`/v1/orders/${exit.id}`)).json() as { recorded_fees: { fee_id: string }[] };
    expect(detail).toMatchObject({ quote_currency: 'USDT', fees: '20', fees_by_currency: { BNB: '0.3', USDT: '20' } });
    expect(detail.recorded_fees.map((f) => f.fee_id)).toEqual(['act-1']);
    const list = (await alice.get(`/v1/orders?account_id=${accountId}`)).json() as { data: { id: string; fees_by_currency: Record<string, string> }[] };
    expect(Object.fromEntries(list.data.map((o) => [o.id, o.fees_by_currency]))).toEqual({ [entry.id]: { BTC: '0.001' }, [exit.id]: { BNB: '0.3', USDT: '20' } });

    const metrics = (await alice.get(`/v1/metrics/performance?account_id=${accountId}`)).json();
    expect(metrics).toMatchObject({ currency: 'USDT', closed_positions: 1, realized_pnl: '979', total_fees: '20', realized_pnl_by_currency: { USDT: '979' }, fees_by_currency: { BNB: '0.3', BTC: '0.001', USDT: '20' } });
    const inUsd = (await alice.get(`/v1/metrics/performance?account_id=${accountId}&currency=USD`)).json();
    expect(inUsd).toMatchObject({ currency: 'USD', closed_positions: 0, realized_pnl: '0', realized_pnl_by_currency: { USDT: '979' } });

    const holdings = (await alice.get(`/v1/holdings?account_id=${accountId}`)).json() as { data: { symbol: string; net_quantity: string }[] };
    expect(holdings.data.map((x) => [x.symbol, x.net_quantity])).toEqual([['BTC/USDT', '0']]);
    expect((await alice.get('/openapi.json')).statusCode).toBe(200);
  });

  it('a fee of the account (no order) moves the holding it names', async () => {
    const { id: accountId } = (await alice.post('/v1/accounts', { name: 'cfee', venue: 'manual' })).json() as { id: string };
    const o = (await alice.post('/v1/orders', { account_id: accountId, symbol: 'ETH/USD', asset_class: 'crypto', side: 'buy', type: 'market', quantity: '2', submit: false })).json() as { id: string };
    await alice.post(`/v1/orders/${o.id}/events`, { type: 'submitted', broker_order_id: 'B-eth' });
    await alice.post('/v1/fills', { order_id: o.id, exec_id: 'ETH-1', quantity: '2', price: '1884.5' });
    const res = await alice.post('/v1/fees', { account_id: accountId, fee_id: '20220812000000000::53be51ba', symbol: 'ETH/USD', asset_class: 'crypto', amount: '0.000195', currency: 'ETH', kind: 'CFEE', charged_at: '2022-08-12T00:00:00Z' });
    expect(res.statusCode).toBe(201);
    const holdings = (await alice.get(`/v1/holdings?account_id=${accountId}`)).json() as { data: { symbol: string; net_quantity: string }[] };
    expect(holdings.data.map((x) => [x.symbol, x.net_quantity])).toEqual([['ETH/USD', '1.999805']]);
    expect(error(await alice.post('/v1/fees', { account_id: accountId, fee_id: 'x', amount: '1', currency: 'USD' })).code).toBe('FILLBOOK_ERR_VALIDATION');
  });
});
