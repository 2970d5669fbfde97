import { expect, it } from 'vitest';
import { isFillbookError } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { openDatabase } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

describeEachEngine('concurrent fills', (h, engine) => {
  /**
   * On the server, a second ledger with its own connection pool stands in for a second Fillbook
   * instance; on the embedded engine there is only ever one process, so the one ledger serves.
   */
  async function ledgers(): Promise<{ all: Ledger[]; close(): Promise<void> }> {
    const { ledger, url } = h();
    if (engine === 'pglite' || url === undefined) return { all: [ledger], close: async () => {} };
    const second = await Ledger.open({ database: await openDatabase({ databaseUrl: url, poolSize: 8 }) });
    return { all: [ledger, second], close: () => second.db.close() };
  }

  it('counts every one of 40 fills for one order arriving at once (no lost update)', async () => {
    const { ledger } = h();
    const instances = await ledgers();
    try {
      const account = await ledger.createAccount({ name: 'c', venue: 'paper' });
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'ES', side: 'sell', type: 'market', quantity: '40', assetClass: 'future' });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          instances.all[i % instances.all.length]!.recordFill({ order: { orderId: order.id }, execId: `X${i}`, quantity: '1', price: `${100 + (i % 5)}.25` }),
        ),
      );
      expect(results.every((r) => r.outcome === 'recorded')).toBe(true);
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect([detail.order.status, detail.order.qtyFilled.toFixed(), detail.fills.length, detail.events.length, detail.order.version]).toEqual(['filled', '40', 40, 41, 41]);
      expect(detail.order.avgFillPrice?.toFixed()).toBe('102.25');
      expect(detail.events.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    } finally {
      await instances.close();
    }
  });

  it('counts the same exec id delivered 20 times at once exactly once', async () => {
    const { ledger } = h();
    const instances = await ledgers();
    try {
      const account = await ledger.createAccount({ name: 'c', venue: 'paper' });
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          instances.all[i % instances.all.length]!.recordFill({ order: { orderId: order.id }, execId: 'SAME', quantity: '3', price: '190.01' }),
        ),
      );
      expect(results.filter((r) => r.outcome === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(19);
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect([detail.order.qtyFilled.toFixed(), detail.fills.length, detail.events.length]).toEqual(['3', 1, 2]);
    } finally {
      await instances.close();
    }
  });

  it('applies one exec id sent concurrently to two different orders to one of them and quarantines the rest', async () => {
    const { ledger } = h();
    const instances = await ledgers();
    try {
      const account = await ledger.createAccount({ name: 'c', venue: 'paper' });
      const a = (await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' })).order;
      const b = (await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' })).order;
      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          instances.all[i % instances.all.length]!.recordFill({ order: { orderId: i % 2 === 0 ? a.id : b.id }, execId: 'SHARED', quantity: '1', price: '1' }),
        ),
      );
      const applied = settled.filter((s) => s.status === 'fulfilled' && s.value.outcome === 'recorded');
      const conflicts = settled.filter((s) => s.status === 'rejected' && isFillbookError(s.reason, 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT'));
      expect(applied).toHaveLength(1);
      expect(conflicts).toHaveLength(5);
      const filled = (await ledger.getOrder({ orderId: a.id })).qtyFilled.plus((await ledger.getOrder({ orderId: b.id })).qtyFilled);
      expect(filled.toFixed()).toBe('1');
      expect(await ledger.listQuarantinedFills(account.id)).toHaveLength(5);
    } finally {
      await instances.close();
    }
  });
});
