import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { FillbookService } from '../../src/service/index.js';
import type { PaperVenue } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';
import { httpHarness } from '../support/http.js';
import { repoRoot } from '../support/process.js';

const run = promisify(execFile);
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

describeEachEngine('reconciliation over HTTP', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  beforeAll(async () => {
    // No quiet period: the drift planted a moment ago is reconciled at once.
    harness = await httpHarness(h().ledger, { quietPeriodMs: 0 });
  });
  afterAll(async () => harness.close());

  it('runs a dry run, applies a named action, stores both and keeps them to their owner', async () => {
    const { alice, bob } = harness;
    const account = (await alice.post('/v1/accounts', { name: 'r', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string };
    const order = (await alice.post('/v1/orders', { account_id: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '2', limit_price: '10' })).json() as { id: string; broker_order_id: string };
    await alice.post(`/v1/paper/${account.id}/orders/${order.broker_order_id}/cancel`, { silent: true });
    const dry = await alice.post('/v1/reconciliations', { account_id: account.id });
    expect(dry.statusCode).toBe(201);
    const dryRun = dry.json() as { id: string; dry_run: boolean; summary: Record<string, number>; findings: { category: string; order_id: string; action_taken: string | null }[] };
    expect([dryRun.dry_run, dryRun.summary.missing_at_broker, dryRun.findings.map((f) => [f.category, f.order_id, f.action_taken])]).toEqual([true, 1, [['missing_at_broker', order.id, null]]]);
    const applied = (await alice.post('/v1/reconciliations', { account_id: account.id, actions: ['clear_invalid'] })).json() as { id: string; findings: { action_taken: string }[] };
    expect(applied.findings[0]?.action_taken).toMatch(/canceled/);
    expect(((await alice.get(`/v1/orders/${order.id}`)).json() as { status: string }).status).toBe('canceled');
    const stored = (await alice.get(`/v1/reconciliations/${dryRun.id}`)).json() as { id: string; findings: unknown[] };
    expect([stored.id, stored.findings.length]).toEqual([dryRun.id, 1]);
    expect(((await alice.get(`/v1/reconciliations?account_id=${account.id}`)).json() as { data: { id: string }[] }).data.map((r) => r.id)).toEqual([applied.id, dryRun.id]);
    expect((await bob.get(`/v1/reconciliations/${dryRun.id}`)).statusCode).toBe(404);
    expect((await bob.post('/v1/reconciliations', { account_id: account.id })).statusCode).toBe(404);
    expect((await alice.post('/v1/reconciliations', { account_id: account.id, actions: ['delete_everything'] })).statusCode).toBe(422);
  });
});

describeEachEngine('reconciliation in the service', (h, engine) => {
  it('runs at start-up for every account and one instance at a time per account', async () => {
    const { ledger, url } = h();
    const account = await ledger.createAccount({ name: 'startup', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    const runs: { accountId: string; startedBy: string }[] = [];
    const first = new FillbookService(ledger, { quietPeriodMs: 0, reconcileIntervalMs: 0, onReconciled: (r) => runs.push(r) });
    await first.start();
    expect(runs.filter((r) => r.accountId === account.id).map((r) => r.startedBy)).toEqual(['startup']);
    if (engine === 'postgres') {
      // A second instance on the same server: while one holds the account, the other is refused.
      const other = await Ledger.open({ databaseUrl: url! });
      const second = new FillbookService(other, { quietPeriodMs: 0 });
      let release!: () => void;
      const held = ledger.db.withAdvisoryLock(`fillbook:reconcile:${account.id}`, () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(second.reconciler.run({ accountId: account.id, startedBy: 'test' })).rejects.toThrow(/already running/);
      release();
      await held;
      expect((await second.reconciler.run({ accountId: account.id, startedBy: 'test' })).status).toBe('completed');
      await second.stop();
      await other.close();
    }
    await first.stop();
  });
});

describe('fillbook reconcile (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fillbook-reconcile-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('exits 1 on a dry run that finds something, and 0 once --clear-invalid --yes repaired it', async () => {
    const dataDir = join(dir, 'data');
    const ledger = await Ledger.open({ dataDir });
    const service = new FillbookService(ledger);
    const account = await ledger.createAccount({ name: 'cli', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    const order = await service.router.placeOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '5' });
    await ((await service.venues.forAccount(account.id)) as PaperVenue).cancelOrder(order.brokerOrderId!, { silent: true });
    await service.stop();
    await ledger.close();
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // past the quiet period

    const dry = await run(process.execPath, [...cli, 'reconcile', '--account', account.id, '--data-dir', dataDir], { cwd: repoRoot }).catch((e: { code: number; stdout: string }) => e);
    expect((dry as { code: number }).code).toBe(1);
    expect((dry as { stdout: string }).stdout).toMatch(/missing_at_broker\s+1/);
    const fixed = await run(process.execPath, [...cli, 'reconcile', '--account', account.id, '--clear-invalid', '--yes', '--json', '--data-dir', dataDir], { cwd: repoRoot });
    const result = JSON.parse(fixed.stdout) as { dryRun: boolean; findings: { actionTaken: string }[] };
    expect([result.dryRun, result.findings.map((f) => f.actionTaken)]).toEqual([false, [expect.stringMatching(/canceled/)]]);
    const clean = await run(process.execPath, [...cli, 'reconcile', '--account', account.id, '--data-dir', dataDir], { cwd: repoRoot });
    expect(clean.stdout).toMatch(/missing_at_broker\s+0/);
  });
});
