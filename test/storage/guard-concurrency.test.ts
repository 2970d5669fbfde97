import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { isFillbookError } from '../../src/domain/index.js';
import { describeEachEngine } from '../support/backends.js';

const run = promisify(execFile);
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const worker = new URL('../support/guard-worker.ts', import.meta.url).pathname;

describeEachEngine('the exposure guard under concurrency', (h, engine) => {
  it('50 concurrent entries for a position of target 10 produce exactly one order', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'race', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'race', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isFillbookError(r.reason, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED'))).toHaveLength(49);
    expect(await ledger.listOrders(account.id)).toHaveLength(1);
  });

  it.runIf(engine === 'postgres')('4 processes racing 20 entries each still produce exactly one order', async () => {
    const { ledger, url } = h();
    const account = await ledger.createAccount({ name: 'race', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'race', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const outputs = await Promise.all(Array.from({ length: 4 }, () => run(tsx, [worker, url!, account.id, position.id, '20'])));
    const counts = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!) as { accepted: number; refused: number; other: number });
    expect(counts.reduce((s, c) => s + c.accepted, 0)).toBe(1);
    expect(counts.reduce((s, c) => s + c.refused, 0)).toBe(79);
    expect(await ledger.listOrders(account.id)).toHaveLength(1);
  });
});
