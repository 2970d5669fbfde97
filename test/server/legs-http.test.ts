import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

const c100 = 'SPY   261218C00100000';
const c110 = 'SPY   261218C00110000';

describeEachEngine('HTTP API: multi-leg orders', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice } = harness);
  });
  afterAll(async () => harness.close());

  const account = async (venue = 'manual') => (await alice.post('/v1/accounts', { name: 'spreads', venue })).json() as { id: string };
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string; details: { field?: string } } }).error;
  const spread = (accountId: string, extra: Record<string, unknown> = {}) => ({
    account_id: accountId,
    symbol: 'SPY',
    side: 'buy',
    type: 'limit',
    quantity: '2',
    limit_price: '3.00',
    submit: false,
    legs: [
      { symbol: c100, asset_class: 'option', side: 'buy', ratio: '1', position_effect: 'open' },
      { symbol: c110, asset_class: 'option', side: 'sell', ratio: '1', position_effect: 'open' },
    ],
    ...extra,
  });

  it('creates a spread, takes its leg fills and reports legs on the order, its fills and its position', async () => {
    const { id: accountId } = await account();
    const position = (await alice.post('/v1/positions', { account_id: accountId, signal_id: 'bcs', symbol: 'SPY', side: 'long', target_quantity: '2', asset_class: 'option' })).json() as { id: string; legs: unknown };
    expect(position.legs).toBeNull();
    const created = await alice.post('/v1/orders', spread(accountId, { position_id: position.id, role: 'entry' }));
    expect(created.statusCode).toBe(201);
    const order = created.json() as { id: string; asset_class: string; legs: unknown[] };
    expect(order.asset_class).toBe('option');
    expect(order.legs).toEqual([
      { symbol: c100, asset_class: 'option', side: 'buy', ratio: '1', position_effect: 'open', qty_filled: '0', avg_fill_price: null },
      { symbol: c110, asset_class: 'option', side: 'sell', ratio: '1', position_effect: 'open', qty_filled: '0', avg_fill_price: null },
    ]);
    const first = await alice.post('/v1/fills', { order_id: order.id, exec_id: 'L1', leg: 1, quantity: '2', price: '5.00', fee: '0.65' });
    expect(first.statusCode).toBe(201);
    expect((first.json() as { fill: { leg: number }; order: { status: string; qty_filled: string } }).fill.leg).toBe(1);
    await alice.post('/v1/fills', { order_id: order.id, exec_id: 'S1', leg: 2, quantity: '2', price: '2.00', fee: '0.65' });
    const detail = (await alice.get(`/v1/orders/${order.id}`)).json() as Record<string, unknown> & { fills: { exec_id: string; leg: number }[]; legs: { qty_filled: string; avg_fill_price: string }[] };
    expect(detail).toMatchObject({ status: 'filled', qty_filled: '2', avg_fill_price: '3', fees: '1.3' });
    expect(detail.legs.map((l) => [l.qty_filled, l.avg_fill_price])).toEqual([['2', '5'], ['2', '2']]);
    expect(detail.fills.map((f) => [f.exec_id, f.leg])).toEqual([['L1', 1], ['S1', 2]]);
    const derived = (await alice.get(`/v1/positions/${position.id}`)).json() as { qty_open: string; legs: { symbol: string; side: string; qty_open: string; avg_open_price: string }[] };
    expect(derived.qty_open).toBe('2');
    expect(derived.legs.map((l) => [l.symbol, l.side, l.qty_open, l.avg_open_price])).toEqual([[c100, 'buy', '2', '5'], [c110, 'sell', '2', '2']]);
    const holdings = (await alice.get(`/v1/holdings?account_id=${accountId}`)).json() as { symbol: string; net_quantity: string }[] | { data: { symbol: string; net_quantity: string }[] };
    const rows = Array.isArray(holdings) ? holdings : holdings.data;
    expect(rows.map((x) => [x.symbol, x.net_quantity])).toEqual([[c100, '2'], [c110, '-2']]);
  });

  it('answers bad legs and bad leg fills with a coded error and records nothing', async () => {
    const { id: accountId } = await account();
    const legs = spread(accountId).legs;
    const cases: [unknown, number, string][] = [
      [spread(accountId, { legs: [legs[0]] }), 422, 'FILLBOOK_ERR_VALIDATION'],
      [spread(accountId, { legs: [legs[0], { ...legs[1], ratio: '0' }] }), 422, 'FILLBOOK_ERR_VALIDATION'],
      [spread(accountId, { legs: [legs[0], { ...legs[1], ratio: 1 }] }), 422, 'FILLBOOK_ERR_VALIDATION'],
      [spread(accountId, { legs: [legs[0], { ...legs[1], asset_class: 'bond' }] }), 422, 'FILLBOOK_ERR_VALIDATION'],
      [spread(accountId, { legs: [legs[0], { ...legs[1], surprise: true }] }), 422, 'FILLBOOK_ERR_VALIDATION'],
      [spread(accountId, { legs: [legs[0], { ...legs[1], symbol: c100 }] }), 422, 'FILLBOOK_ERR_INVALID_INPUT'],
      [spread(accountId, { type: 'stop_limit', stop_price: '2' }), 422, 'FILLBOOK_ERR_INVALID_INPUT'],
    ];
    for (const [body, status, errorCode] of cases) {
      const res = await alice.post('/v1/orders', body);
      expect([res.statusCode, code(res).code], JSON.stringify(body).slice(0, 200)).toEqual([status, errorCode]);
    }
    expect(((await alice.get(`/v1/orders?account_id=${accountId}`)).json() as { data: unknown[] }).data).toEqual([]);

    const order = (await alice.post('/v1/orders', spread(accountId))).json() as { id: string };
    const single = (await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false })).json() as { id: string };
    const noLeg = await alice.post('/v1/fills', { order_id: order.id, exec_id: 'X1', quantity: '1', price: '5' });
    expect([noLeg.statusCode, code(noLeg).code, code(noLeg).details.field]).toEqual([422, 'FILLBOOK_ERR_INVALID_INPUT', 'leg']);
    const wrongLeg = await alice.post('/v1/fills', { order_id: order.id, exec_id: 'X2', leg: 3, quantity: '1', price: '5' });
    expect([wrongLeg.statusCode, code(wrongLeg).code]).toEqual([422, 'FILLBOOK_ERR_INVALID_INPUT']);
    expect((await alice.post('/v1/fills', { order_id: order.id, exec_id: 'X3', leg: 5, quantity: '1', price: '5' })).statusCode).toBe(422);
    const legOnSingle = await alice.post('/v1/fills', { order_id: single.id, exec_id: 'X4', leg: 1, quantity: '1', price: '5' });
    expect([legOnSingle.statusCode, code(legOnSingle).code]).toEqual([422, 'FILLBOOK_ERR_INVALID_INPUT']);
    expect(((await alice.get(`/v1/orders/${order.id}`)).json() as { fills: unknown[] }).fills).toEqual([]);
  });

  it('refuses to send a spread to a venue without multi-leg orders, before recording it', async () => {
    const { id: accountId } = await account('paper');
    const res = await alice.post('/v1/orders', spread(accountId, { submit: true }));
    expect([res.statusCode, code(res).code]).toEqual([422, 'FILLBOOK_ERR_VENUE_UNSUPPORTED']);
    expect(((await alice.get(`/v1/orders?account_id=${accountId}`)).json() as { data: unknown[] }).data).toEqual([]);
    // Recorded only, for a bot that places it itself, it is accepted.
    expect((await alice.post('/v1/orders', spread(accountId))).statusCode).toBe(201);
    const doc = (await harness.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { components: { schemas: Record<string, unknown> } };
    expect(JSON.stringify(doc.components.schemas.OrderLegCreate)).toContain('position_effect');
    expect(JSON.stringify(doc.components.schemas.FillCreate)).toContain('"leg"');
  });
});
