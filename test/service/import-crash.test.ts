import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { selectImports, selectOpeningBalances } from '../../src/storage/index.js';
import { PaperVenue } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { repoRoot } from '../support/process.js';

const worker = new URL('../support/import-crash-worker.ts', import.meta.url).pathname;
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const d = (v: string) => new Decimal(v);

function crashAt(storage: object, accountId: string, since: string, point: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    // Node itself runs the worker (tsx as a loader), so the SIGKILL lands on the process we wait for.
    execFile(process.execPath, ['--import', 'tsx', worker, JSON.stringify(storage), accountId, since, point], (error) => {
      resolve((error as { signal?: NodeJS.Signals } | null)?.signal ?? null);
    });
  });
}

function runCli(args: string[], storage: { dataDir?: string; databaseUrl?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...(storage.databaseUrl !== undefined ? { FILLBOOK_DATABASE_URL: storage.databaseUrl } : {}) };
  const where = storage.dataDir !== undefined ? ['--data-dir', storage.dataDir] : [];
  return new Promise((resolve) => {
    execFile(process.execPath, [...cli, ...args, ...where], { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: (error as { code?: number } | null)?.code ?? 0, stdout, stderr });
    });
  });
}

/**
 * Kill the importing process (SIGKILL) just after a committed page, and again in the middle of a
 * page of fills; the CLI then resumes the same import. Nothing is duplicated and nothing is missing.
 */
for (const engine of engines) {
  describe(`crash during a history import [${engine}]`, () => {
    it('resumes after SIGKILLs, from the CLI, with nothing duplicated or missing', { timeout: 300_000 }, async () => {
      // PGlite is one process's database: the test process lets go of the data directory while a worker runs.
      const dir = engine === 'pglite' ? await mkdtemp(join(tmpdir(), 'fillbook-import-crash-')) : undefined;
      const server = engine === 'postgres' ? await freshDatabase('postgres') : undefined;
      const storage = dir !== undefined ? { dataDir: join(dir, 'data') } : { databaseUrl: server!.url };
      try {
        let ledger = await Ledger.open(storage);
        const account = await ledger.createAccount({ name: 'import-crash', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
        const paper = new PaperVenue(ledger.db, account.id, account.venueConfig);
        const old = await paper.placeExternal({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' });
        await paper.fill(old.venueOrderId, d('10'), d('100'));
        await sleep(20);
        const since = new Date().toISOString();
        await sleep(20);
        const fills: string[] = [];
        for (let i = 1; i <= 4; i++) {
          const o = await paper.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '4', limitPrice: '300' });
          for (let k = 0; k < i; k++) if (k < 4) fills.push((await paper.fill(o.venueOrderId, d('1'), d('299'))).execId);
        }
        await paper.close();
        await ledger.close();

        expect(await crashAt(storage, account.id, since, 'afterPage')).toBe('SIGKILL');
        expect(await crashAt(storage, account.id, since, 'midFills')).toBe('SIGKILL');

        ledger = await Ledger.open(storage);
        const [crashed] = await selectImports(ledger.db, account.id, 10);
        expect([crashed!.status, crashed!.phase, crashed!.counts.adopted]).toEqual(['running', 'fills', 4]);
        await ledger.close();

        const resumed = await runCli(['import', '--account', account.id, '--since', since, '--json'], storage);
        expect(resumed.code, resumed.stderr).toBe(0);
        const job = JSON.parse(resumed.stdout) as { id: string; status: string; counts: Record<string, number> };
        expect([job.id, job.status, job.counts.adopted, job.counts.openingBalances]).toEqual([crashed!.id, 'completed', 4, 1]);

        ledger = await Ledger.open(storage);
        try {
          const orders = await ledger.listOrders(account.id);
          expect(orders.map((o) => o.qtyFilled.toFixed()).sort()).toEqual(['1', '2', '3', '4']);
          const details = await Promise.all(orders.map((o) => ledger.getOrderDetail({ orderId: o.id })));
          expect(details.flatMap((x) => x.fills.map((f) => f.execId)).sort()).toEqual([...fills].sort());
          expect((await ledger.getHoldings(account.id)).map((h) => [h.symbol, h.netQuantity.toFixed()])).toEqual([['AAPL', '10'], ['MSFT', '10']]);
          expect((await selectOpeningBalances(ledger.db, account.id)).map((b) => [b.symbol, b.quantity.toFixed()])).toEqual([['AAPL', '10']]);
          expect(await selectImports(ledger.db, account.id, 10)).toHaveLength(1);
        } finally {
          await ledger.close();
        }

        // Bad input from the CLI is refused with a message, nothing started.
        const future = await runCli(['import', '--account', account.id, '--since', '2999-01-01'], storage);
        expect([future.code, future.stderr]).toEqual([1, expect.stringContaining('in the future')]);
      } finally {
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
        await server?.drop();
      }
    });
  });
}
