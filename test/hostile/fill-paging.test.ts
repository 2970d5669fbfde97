import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

/** Issue 13, item 16: an order's fills are paged, so an order with thousands of fills is not one huge answer. */
describeEachEngine("an order's fills, paged", (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, { reconcileAtStart: false, reconcileIntervalMs: 0 });
    ({ alice } = harness);
  });
  afterAll(async () => harness.close());

  it('GET /v1/orders/{id} shows the first 100 fills and a cursor; /fills pages through all of them once, in order', async () => {
    const account = ((await alice.post('/v1/accounts', { name: 'm', venue: 'manual' })).json() as { id: string }).id;
    const fillsCount = 230;
    const order = (await alice.post('/v1/orders', { account_id: account, symbol: 'AAPL', side: 'buy', type: 'market', quantity: String(fillsCount), submit: false })).json() as { id: string };
    const start = Date.UTC(2026, 0, 2);
    for (let i = 0; i < fillsCount; i++) {
      const res = await alice.post('/v1/fills', { order_id: order.id, exec_id: `E-${String(i).padStart(4, '0')}`, quantity: '1', price: '2', executed_at: new Date(start + Math.floor(i / 3) * 1000).toISOString() });
      expect(res.statusCode).toBe(201);
    }
    const detail = (await alice.get(`/v1/orders/${order.id}`)).json() as { fills: { exec_id: string }[]; fills_next_cursor: string | null; qty_filled: string };
    expect(detail.qty_filled).toBe(String(fillsCount));
    expect(detail.fills).toHaveLength(100);
    expect(detail.fills_next_cursor).not.toBeNull();
    const seen = detail.fills.map((f) => f.exec_id);
    let cursor: string | null = detail.fills_next_cursor;
    for (let pages = 0; cursor !== null && pages < 10; pages++) {
      const page = (await alice.get(`/v1/orders/${order.id}/fills?limit=50&cursor=${cursor}`)).json() as { data: { exec_id: string }[]; next_cursor: string | null };
      seen.push(...page.data.map((f) => f.exec_id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(Array.from({ length: fillsCount }, (_, i) => `E-${String(i).padStart(4, '0')}`));
    const first = (await alice.get(`/v1/orders/${order.id}/fills?limit=500`)).json() as { data: unknown[]; next_cursor: string | null };
    expect([first.data.length, first.next_cursor]).toEqual([fillsCount, null]);
    // Someone else's order is not found, and a forged cursor is a 422.
    expect((await harness.bob.get(`/v1/orders/${order.id}/fills`)).statusCode).toBe(404);
    expect((await alice.get(`/v1/orders/${order.id}/fills?cursor=${Buffer.from('[1,2]').toString('base64url')}`)).statusCode).toBe(422);
    expect((await alice.get(`/v1/orders/${order.id}/fills?limit=501`)).statusCode).toBe(422);
  }, 120_000);
});
