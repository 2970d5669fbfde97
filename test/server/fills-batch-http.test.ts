import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

describeEachEngine('POST /v1/fills/batch', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
  });
  afterAll(async () => harness.close());

  const account = async (client: Client) => (await client.post('/v1/accounts', { name: 'batch', venue: 'manual' })).json() as { id: string };
  const order = async (client: Client, accountId: string, client_order_id: string) =>
    (await client.post('/v1/orders', { account_id: accountId, client_order_id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '100', submit: false })).json() as { id: string };
  type Results = { results: { exec_id: string; outcome: string; fill?: { exec_id: string; quantity: string }; error?: { code: string; message: string } }[] };

  it('answers every fill in request order with its own outcome; a bad fill never fails its neighbours', async () => {
    const { id: accountId } = await account(alice);
    const a = await order(alice, accountId, 'batch-a');
    const { id: theirs } = await account(bob);
    const b = await order(bob, theirs, 'batch-bob');
    const res = await alice.post('/v1/fills/batch', {
      fills: [
        { order_id: a.id, exec_id: 'E1', quantity: '4', price: '100.25', fee: '0.10' },
        { account_id: accountId, client_order_id: 'batch-a', exec_id: 'E2', quantity: '5', price: '100' },
        { order_id: a.id, exec_id: 'E1', quantity: '4', price: '100.25' }, // a redelivery without its fee: duplicate
        { order_id: a.id, exec_id: 'E1', quantity: '3', price: '100.25' }, // the same exec id, another quantity
        { order_id: a.id, exec_id: 'E3', quantity: 4, price: '100' }, // a number, not a decimal string
        { order_id: a.id, exec_id: 'E4', quantity: '2', price: '100' }, // 9 filled: would overfill
        { order_id: b.id, exec_id: 'E5', quantity: '1', price: '100' }, // another user's order
        { order_id: a.id, exec_id: 'E6', quantity: '1', price: '100' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as Results;
    expect(results.map((r) => [r.exec_id, r.outcome, r.error?.code ?? null])).toEqual([
      ['E1', 'recorded', null],
      ['E2', 'recorded', null],
      ['E1', 'duplicate', null],
      ['E1', 'conflict', 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT'],
      ['E3', 'refused', 'FILLBOOK_ERR_VALIDATION'],
      ['E4', 'overfill', 'FILLBOOK_ERR_OVERFILL'],
      ['E5', 'refused', 'FILLBOOK_ERR_NOT_FOUND'],
      ['E6', 'recorded', null],
    ]);
    expect(results[0]!.fill).toMatchObject({ exec_id: 'E1', quantity: '4' });
    expect(results[3]!.error?.message).toContain('quantity');
    expect(results[4]!.error?.message).toContain('fills.4.quantity');

    const detail = (await alice.get(`/v1/orders/${a.id}`)).json() as { status: string; qty_filled: string; fills: unknown[]; events: unknown[] };
    expect([detail.status, detail.qty_filled, detail.fills.length, detail.events.length]).toEqual(['filled', '10', 3, 4]);
    const untouched = (await bob.get(`/v1/orders/${b.id}`)).json() as { qty_filled: string; fills: unknown[] };
    expect([untouched.qty_filled, untouched.fills.length]).toEqual(['0', 0]);
  });

  it('refuses a body that is not a batch, or more than 1,000 fills, as a whole (422)', async () => {
    const { id: accountId } = await account(alice);
    const a = await order(alice, accountId, 'batch-limit');
    const fill = (i: number) => ({ order_id: a.id, exec_id: `L${i}`, quantity: '0.001', price: '1' });
    expect((await alice.post('/v1/fills/batch', { fills: [] })).statusCode).toBe(422);
    expect((await alice.post('/v1/fills/batch', { fills: [fill(0)], extra: 1 })).statusCode).toBe(422);
    expect((await alice.post('/v1/fills/batch', { fills: Array.from({ length: 1001 }, (_, i) => fill(i)) })).statusCode).toBe(422);
    const full = await alice.post('/v1/fills/batch', { fills: Array.from({ length: 1000 }, (_, i) => fill(i)) });
    expect(full.statusCode).toBe(200);
    expect((full.json() as Results).results.every((r) => r.outcome === 'recorded')).toBe(true);
    expect(((await alice.get(`/v1/orders/${a.id}`)).json() as { qty_filled: string }).qty_filled).toBe('1');
  });
});
