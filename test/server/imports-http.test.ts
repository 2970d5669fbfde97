import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { httpHarness } from '../support/http.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of engines) {
  describe(`POST /v1/imports [${engine}]`, () => {
    let drop: () => Promise<void>;
    let ledger: Ledger;
    let harness: Awaited<ReturnType<typeof httpHarness>>;

    beforeEach(async () => {
      const fresh = await freshDatabase(engine);
      drop = fresh.drop;
      ledger = await Ledger.open({ database: fresh.db });
      harness = await httpHarness(ledger);
    });
    afterEach(async () => {
      await harness.close();
      await ledger.close();
      await drop();
    });

    it('imports in the background, shows progress, and keeps other users out', async () => {
      const { alice, bob } = harness;
      const account = (await alice.post('/v1/accounts', { name: 'imported', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string };
      const placed = (await alice.post(`/v1/paper/${account.id}/orders`, { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '3', silent: true })).json() as { broker_order_id: string };
      await sleep(10);
      const since = new Date().toISOString();
      await sleep(10);
      expect((await alice.post(`/v1/paper/${account.id}/orders/${placed.broker_order_id}/fill`, { quantity: '3', price: '10', silent: true })).statusCode).toBe(200);

      const started = await alice.post('/v1/imports', { account_id: account.id, since });
      expect(started.statusCode).toBe(202);
      const job = started.json() as { id: string; status: string; phase: string };
      expect([job.status, job.phase]).toEqual(['running', 'orders']);

      const done = await eventually(async () => {
        const res = await alice.get(`/v1/imports/${job.id}`);
        const body = res.json() as { status: string; counts: Record<string, number>; phase: string };
        expect(body.status).toBe('completed');
        return body;
      });
      expect(done.phase).toBe('done');
      expect(done.counts).toMatchObject({ orders_seen: 1, fills_seen: 1, adopted: 1, imported: 1, opening_balances: 0 });
      expect(((await alice.get(`/v1/imports?account_id=${account.id}`)).json() as { data: { id: string }[] }).data.map((j) => j.id)).toEqual([job.id]);
      expect((await alice.get(`/v1/holdings?account_id=${account.id}`)).json()).toMatchObject({ data: [{ symbol: 'AAPL', net_quantity: '3' }] });

      // Another user's account or import is not found; bad input is a coded 4xx.
      expect((await bob.post('/v1/imports', { account_id: account.id, since })).statusCode).toBe(404);
      expect((await bob.get(`/v1/imports/${job.id}`)).statusCode).toBe(404);
      expect((await bob.get(`/v1/imports?account_id=${account.id}`)).statusCode).toBe(404);
      const future = await alice.post('/v1/imports', { account_id: account.id, since: new Date(Date.now() + 86_400_000).toISOString() });
      expect([future.statusCode, (future.json() as { error: { code: string } }).error.code]).toEqual([422, 'FILLBOOK_ERR_INVALID_INPUT']);
      const yearZero = await alice.post('/v1/imports', { account_id: account.id, since: '0000-01-01' });
      expect([yearZero.statusCode, (yearZero.json() as { error: { code: string } }).error.code]).toEqual([422, 'FILLBOOK_ERR_INVALID_INPUT']);
      expect((await alice.post('/v1/imports', { account_id: account.id })).statusCode).toBe(422);
      expect((await alice.post('/v1/imports', { account_id: account.id, since, extra: 1 })).statusCode).toBe(422);
    });
  });
}
