import { expect, it } from 'vitest';
import { isFillbookError } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import type { Database, SqlClient } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * The ledger writes an order of a position, and a fill, without holding a lock across its read
 * and its write: the write succeeds only if the row it read is unchanged (compare-and-set). These
 * tests force the race the concurrency suites only make likely: another writer commits between the
 * read and the write.
 */

/** The database, with `between` run once, just before the first statement that starts with `marker`. */
function interleaved(db: Database, marker: string, between: () => Promise<void>): { db: Database; fired: () => boolean } {
  let fired = false;
  const intercept = (sql: SqlClient): SqlClient['query'] =>
    async function query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      if (!fired && text.trimStart().startsWith(marker)) {
        fired = true;
        await between();
      }
      return sql.query<Row>(text, params);
    };
  return {
    db: {
      engine: db.engine,
      query: intercept(db),
      exec: (script) => db.exec(script),
      transaction: (work) => db.transaction((tx) => work({ query: intercept(tx), exec: (s) => tx.exec(s) })),
      withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    copyRows: (select, onRows) => db.copyRows(select, onRows),
      close: async () => {},
    },
    fired: () => fired,
  };
}

describeEachEngine('compare-and-set writes', (h) => {
  it('an entry placed between the guard read and its write is seen: the second entry is refused', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'cas guard', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'cas', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = { accountId: account.id, positionId: position.id, role: 'entry' as const, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, quantity: '6' };

    // The other instance places 6 after this one has read the position (0 working) and decided.
    const race = interleaved(db, 'with claim as', async () => {
      await ledger.recordOrder({ ...entry, clientOrderId: 'other-instance' });
    });
    const racing = await Ledger.open({ database: race.db });
    const error = await racing.recordOrder({ ...entry, clientOrderId: 'this-instance' }).then(() => undefined, (e: unknown) => e);

    expect(race.fired()).toBe(true);
    expect(isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')).toBe(true);
    const orders = await ledger.listOrders(account.id);
    expect(orders.map((o) => o.clientOrderId)).toEqual(['other-instance']);
  });

  it('a fill recorded between the read of its order and its write is not lost', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'cas fill', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });

    const race = interleaved(db, 'with changed as', async () => {
      await ledger.recordFill({ order: { orderId: order.id }, execId: 'other-channel', quantity: '4', price: '100' });
    });
    const racing = await Ledger.open({ database: race.db });
    const result = await racing.recordFill({ order: { orderId: order.id }, execId: 'this-channel', quantity: '3', price: '101' });

    expect(race.fired()).toBe(true);
    expect(result.outcome).toBe('recorded');
    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect(detail.fills.map((f) => f.execId).sort()).toEqual(['other-channel', 'this-channel']);
    expect(detail.order.qtyFilled.toFixed()).toBe('7');
    expect(detail.order.status).toBe('partially_filled');
    // The audit trail has both fills, in the order they committed, and the row is its fold.
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'filled', 'filled']);
    expect(await ledger.replayOrder({ orderId: order.id })).toEqual(detail.order);
  });

  it('a fill that would overfill only after a racing fill is quarantined, not applied', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'cas overfill', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });

    const race = interleaved(db, 'with changed as', async () => {
      await ledger.recordFill({ order: { orderId: order.id }, execId: 'first', quantity: '8', price: '100' });
    });
    const racing = await Ledger.open({ database: race.db });
    const error = await racing.recordFill({ order: { orderId: order.id }, execId: 'second', quantity: '5', price: '100' }).then(() => undefined, (e: unknown) => e);

    expect(isFillbookError(error, 'FILLBOOK_ERR_OVERFILL')).toBe(true);
    expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe('8');
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => [q.execId, q.kind])).toEqual([['second', 'overfill']]);
  });

  it('two instances filling one order: a recent copy made stale by the other instance is never written over', async () => {
    const { ledger, db } = h();
    const other = await Ledger.open({ database: db });
    const account = await ledger.createAccount({ name: 'two instances', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });

    // Each instance keeps the order as it last wrote it; every fill below starts from a stale copy
    // in one of them, except the very first.
    const fillsBy = [ledger, other, ledger, other, ledger];
    for (const [i, instance] of fillsBy.entries()) {
      const result = await instance.recordFill({ order: { orderId: order.id }, execId: `e${i}`, quantity: '2', price: String(100 + i) });
      expect(result.outcome).toBe('recorded');
      expect(result.order.qtyFilled.toFixed()).toBe(String(2 * (i + 1)));
    }
    // The other instance's copy says partially filled; the stored order is filled: a sixth fill is
    // refused on the stored row, and kept in quarantine.
    const error = await other.recordFill({ order: { orderId: order.id }, execId: 'e5', quantity: '1', price: '100' }).then(() => undefined, (e: unknown) => e);
    expect(isFillbookError(error, 'FILLBOOK_ERR_INVALID_TRANSITION')).toBe(true);
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => [q.execId, q.kind])).toEqual([['e5', 'refused_transition']]);

    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect(detail.order.status).toBe('filled');
    expect(detail.order.avgFillPrice?.toFixed()).toBe('102');
    expect(detail.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await ledger.replayOrder({ orderId: order.id })).toEqual(detail.order);
  });

  it('two instances placing entries on one position: a recent copy made stale by the other instance is caught', async () => {
    const { ledger, db } = h();
    const other = await Ledger.open({ database: db });
    const account = await ledger.createAccount({ name: 'two guards', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'two-guards', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = (quantity: string) => ({ accountId: account.id, positionId: position.id, role: 'entry' as const, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, quantity });

    await ledger.recordOrder(entry('4')); // this instance now knows the position's guard version
    await other.recordOrder(entry('4')); // ... which the other instance moves on
    const error = await ledger.recordOrder(entry('4')).then(() => undefined, (e: unknown) => e);
    expect(isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')).toBe(true);
    expect((error as { details: Record<string, string> }).details).toMatchObject({ target: '10', working: '8', requested: '4' });
    expect((await ledger.recordOrder(entry('2'))).created).toBe(true);
    expect((await ledger.listOrders(account.id)).map((o) => o.quantity.toFixed())).toEqual(['4', '4', '2']);
  });
});
