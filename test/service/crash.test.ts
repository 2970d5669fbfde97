import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import type { PaperVenue } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { trading } from '../support/trading.js';

const worker = new URL('../support/crash-worker.ts', import.meta.url).pathname;

function crashAt(storage: object, accountId: string, point: string, clientOrderId: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    // Node itself runs the worker (tsx as a loader), so the SIGKILL lands on the process we wait for.
    execFile(process.execPath, ['--import', 'tsx', worker, JSON.stringify(storage), accountId, point, clientOrderId], (error) => {
      resolve((error as { signal?: NodeJS.Signals } | null)?.signal ?? null);
    });
  });
}

/**
 * Kill the process (SIGKILL) between the write-ahead commit and the venue call, and between the
 * venue's acknowledgement and the ledger's update. After a restart, resolution and retry, there is
 * exactly one order at the venue and the ledger agrees with it.
 */
for (const engine of engines) {
  describe(`crash during submission [${engine}]`, () => {
    for (const point of ['afterWriteAhead', 'afterVenueAck'] as const) {
      it(`recovers from a crash ${point === 'afterWriteAhead' ? 'between the write-ahead commit and the venue call' : "between the venue's acknowledgement and the ledger update"}`, async () => {
        // PGlite is one process's database: the test process lets go of the data directory while the worker runs.
        const dir = engine === 'pglite' ? await mkdtemp(join(tmpdir(), 'fillbook-crash-')) : undefined;
        const server = engine === 'postgres' ? await freshDatabase('postgres') : undefined;
        const storage = dir !== undefined ? { dataDir: join(dir, 'data') } : { databaseUrl: server!.url };
        try {
          let ledger = await Ledger.open(storage);
          const account = await ledger.createAccount({ name: 'crash', venue: 'paper', venueConfig: { fillMode: 'manual' } });
          await ledger.close();

          expect(await crashAt(storage, account.id, point, 'crash-1')).toBe('SIGKILL');

          ledger = await Ledger.open(storage);
          const stack = trading(ledger, { retryDelayMs: 0 });
          try {
            const stranded = await ledger.getOrder({ accountId: account.id, clientOrderId: 'crash-1' });
            expect(stranded.status).toBe('pending_submit');
            await stack.router.resolveStuckSubmissions(account.id, 0);
            await stack.router.retryFailedOrders(account.id);
            const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
            const atVenue = await paper.listOpenOrders();
            expect(atVenue).toHaveLength(1);
            const order = await ledger.getOrder({ accountId: account.id, clientOrderId: 'crash-1' });
            expect([order.status, order.brokerOrderId]).toEqual(['open', atVenue[0]!.venueOrderId]);
            expect(order.retryCount).toBe(point === 'afterWriteAhead' ? 1 : 0);
            // A second pass changes nothing.
            await stack.router.resolveStuckSubmissions(account.id, 0);
            await stack.router.retryFailedOrders(account.id);
            expect(await paper.listOpenOrders()).toHaveLength(1);
            expect(await ledger.getOrder({ orderId: order.id })).toEqual(order);
          } finally {
            await stack.close();
            await ledger.close();
          }
        } finally {
          if (dir !== undefined) await rm(dir, { recursive: true, force: true });
          await server?.drop();
        }
      });
    }
  });
}
