import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

describeEachEngine('HTTP API: an order with its quarantined fills', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice } = harness);
  });
  afterAll(async () => harness.close());

  it('shows the fills kept aside for the order (overfill, conflicting redelivery), and not another order\'s', async () => {
    const accountId = ((await alice.post('/v1/accounts', { name: 'main', venue: 'manual' })).json() as { id: string }).id;
    const place = async () => ((await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '2.50', submit: false })).json() as { id: string }).id;
    const [orderId, otherId] = [await place(), await place()];
    expect((await alice.post('/v1/fills', { order_id: orderId, exec_id: 'E1', quantity: '8', price: '2.50' })).statusCode).toBe(201);
    expect((await alice.post('/v1/fills', { order_id: orderId, exec_id: 'E2', quantity: '3', price: '2.40' })).statusCode).toBe(409);
    expect((await alice.post('/v1/fills', { order_id: orderId, exec_id: 'E1', quantity: '8', price: '2.60' })).statusCode).toBe(409);
    expect((await alice.post('/v1/fills', { order_id: otherId, exec_id: 'X1', quantity: '11', price: '2.50' })).statusCode).toBe(409);
    const detail = (await alice.get(`/v1/orders/${orderId}`)).json() as { fills: unknown[]; quarantined_fills: { kind: string; exec_id: string; quantity: string; price: string; reason: string }[] };
    expect(detail.fills).toHaveLength(1);
    expect(detail.quarantined_fills.map((q) => [q.kind, q.exec_id, q.quantity, q.price])).toEqual([
      ['overfill', 'E2', '3', '2.4'],
      ['conflicting_duplicate', 'E1', '8', '2.6'],
    ]);
    expect(detail.quarantined_fills[0]?.reason).toMatch(/.+/);
    const other = (await alice.get(`/v1/orders/${otherId}`)).json() as { quarantined_fills: { exec_id: string }[] };
    expect(other.quarantined_fills.map((q) => q.exec_id)).toEqual(['X1']);
  });
});
