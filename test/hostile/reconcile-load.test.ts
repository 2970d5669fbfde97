import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { httpHarness } from '../support/http.js';
import { freePort, repoRoot, start, stop, waitForHealth } from '../support/process.js';

/** Fewer connections than reconciliations at once: each run's own queries need the pool (issue 13, item 0). */
const poolSize = 4;
const accountsCount = 12;

for (const engine of engines) {
  describe(`more concurrent reconciliations than pool connections [${engine}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let h: Awaited<ReturnType<typeof httpHarness>>;
    beforeAll(async () => {
      fresh = await freshDatabase(engine, poolSize);
      h = await httpHarness(await Ledger.open({ database: fresh.db }), { reconcileAtStart: false, reconcileIntervalMs: 0, quietPeriodMs: 0 });
    });
    afterAll(async () => {
      await h?.close();
      await fresh?.drop();
    });

    it(`${accountsCount} reconciliations at once complete while orders, fills and /healthz keep being answered`, async () => {
      const { alice } = h;
      const accounts: string[] = [];
      for (let i = 0; i < accountsCount; i++) {
        const created = await alice.post('/v1/accounts', { name: `recon-${i}`, venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } });
        expect(created.statusCode).toBe(201);
        accounts.push((created.json() as { id: string }).id);
      }
      // Some working orders at the venue, so each run has work to do against the ledger.
      for (const accountId of accounts) {
        expect((await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '5', limit_price: '10' })).statusCode).toBe(201);
      }
      // Orders and fills flow meanwhile on accounts the bots report on themselves (a recorded-only fill
      // on a paper account would be drift, and the fail-closed guard would halt its entries).
      const manual: string[] = [];
      for (let i = 0; i < 3; i++) manual.push(((await alice.post('/v1/accounts', { name: `flow-${i}`, venue: 'manual' })).json() as { id: string }).id);
      const flowing = manual.map(async (accountId, n) => {
        const answered: number[] = [];
        for (let i = 0; i < 5; i++) {
          const order = await alice.post('/v1/orders', { account_id: accountId, symbol: 'MSFT', side: 'buy', type: 'market', quantity: '2', client_order_id: `flow-${n}-${i}`, submit: false });
          answered.push(order.statusCode);
          const fill = await alice.post('/v1/fills', { order_id: (order.json() as { id: string }).id, exec_id: `flow-${n}-${i}`, quantity: '2', price: '3.25' });
          answered.push(fill.statusCode);
          answered.push((await h.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode);
        }
        return answered;
      });
      const runs = await Promise.all(accounts.map((accountId) => alice.post('/v1/reconciliations', { account_id: accountId })));
      expect(runs.map((r) => r.statusCode)).toEqual(accounts.map(() => 201));
      expect((await Promise.all(flowing)).flat().filter((status) => status !== 200 && status !== 201)).toEqual([]);
      expect((await h.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // The lock of each account is free again: a second round runs too.
      const again = await Promise.all(accounts.map((accountId) => alice.post('/v1/reconciliations', { account_id: accountId })));
      expect(again.map((r) => r.statusCode)).toEqual(accounts.map(() => 201));
    }, 120_000);

    it('one account reconciled twice at once: the second is refused with 409, not queued behind a connection', async () => {
      const { alice } = h;
      const accountId = ((await alice.post('/v1/accounts', { name: 'twice', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string }).id;
      let release!: () => void;
      const held = h.server.service.reconciler['ledger'].db.withAdvisoryLock(`fillbook:reconcile:${accountId}`, () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const refused = await alice.post('/v1/reconciliations', { account_id: accountId });
      expect(refused.statusCode).toBe(409);
      expect((refused.json() as { error: { code: string } }).error.code).toBe('FILLBOOK_ERR_RECONCILIATION_RUNNING');
      release();
      await held;
      expect((await alice.post('/v1/reconciliations', { account_id: accountId })).statusCode).toBe(201);
    });
  });
}

describe.runIf(engines.includes('postgres'))('the service as a process on PostgreSQL, under concurrent reconciliations', () => {
  it('answers 12 reconciliations at once (pool: 10), keeps serving /healthz, and stops on SIGTERM', async () => {
    const fresh = await freshDatabase('postgres');
    const env = { FILLBOOK_DATABASE_URL: fresh.url! };
    const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];
    const port = await freePort();
    const server = start(process.execPath, [...cli, 'serve', '--port', String(port), '--reconcile-interval', '0'], env);
    try {
      await waitForHealth(port);
      const key = /API key \(shown once\):\s+(fbk_\S+)/.exec(server.output())?.[1];
      expect(key).toBeDefined();
      const call = async (path: string, body: unknown) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as { id: string } };
      };
      const accounts = await Promise.all(Array.from({ length: 12 }, (_, i) => call('/v1/accounts', { name: `p-${i}`, venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })));
      const runs = await Promise.all([
        ...accounts.map((a) => call('/v1/reconciliations', { account_id: a.body.id })),
        ...accounts.map((a) => call('/v1/orders', { account_id: a.body.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false })),
      ]);
      expect(runs.map((r) => r.status)).toEqual(runs.map(() => 201));
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      await stop(server.child, 'SIGTERM');
      expect(await exited).toBe(0);
      await fresh.drop();
    }
  }, 120_000);
});
