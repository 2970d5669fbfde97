import { expect, it } from 'vitest';
import { exportCsv, exportPageRowsMax, exportRows } from '../../src/exports/index.js';
import { type Database, selectFillPage } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

describeEachEngine('fill pages and export reads', (h) => {
  it('pages fills whose execution times differ by microseconds without losing or repeating one', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'us', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'ETHUSD', side: 'buy', type: 'market', quantity: '10', assetClass: 'crypto' });
    // A venue's microsecond times, written as they came (the API itself keeps milliseconds).
    for (const [i, us] of ['2026-11-20T14:30:00.123001Z', '2026-11-20T14:30:00.123002Z', '2026-11-20T14:30:00.123003Z'].entries()) {
      await db.query(
        `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
         values ($1, $2, $3, $4, 1, 2000, 0, $5, now(), 'api')`,
        [account.id, crypto.randomUUID(), order.id, `US-${i}`, us],
      );
    }
    for (const direction of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let after: { at: string; id: string } | null = null;
      for (let page = 0; page < 10; page++) {
        const fills = await selectFillPage(db, { accountIds: [account.id], since: null, until: null, symbol: null, orderId: null, after, direction, limit: 1 });
        seen.push(...fills.map((f) => f.execId));
        const last = fills.at(-1);
        if (last === undefined) break;
        after = { at: last.keysetAt, id: last.id };
      }
      expect(seen).toEqual(direction === 'asc' ? ['US-0', 'US-1', 'US-2'] : ['US-2', 'US-1', 'US-0']);
    }
  });

  it("pages the fills of several accounts as one list, by each account's index, each fill once", async () => {
    const { ledger, db } = h();
    const accounts = [await ledger.createAccount({ name: 'one', venue: 'manual' }), await ledger.createAccount({ name: 'two', venue: 'manual' })];
    const expected: string[] = [];
    for (const [k, account] of accounts.entries()) {
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '100' });
      // Interleaved times: account one at even seconds, account two at odd ones, and one tie.
      for (let i = 0; i < 7; i++) {
        const at = new Date(Date.parse('2026-11-20T14:30:00Z') + (2 * i + k) * 1000).toISOString();
        await db.query(
          `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
           values ($1, $2, $3, $4, 1, 100, 0, $5, now(), 'api')`,
          [account.id, crypto.randomUUID(), order.id, `A${k}-${i}`, at],
        );
        expected.push(`${at} A${k}-${i}`);
      }
      await db.query(
        `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
         values ($1, $2, $3, $4, 1, 100, 0, '2026-11-20T14:40:00Z', now(), 'api')`,
        [account.id, crypto.randomUUID(), order.id, `tie-${k}`],
      );
    }
    const ids = accounts.map((a) => a.id);
    for (const direction of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let after: { at: string; id: string } | null = null;
      for (let page = 0; page < 20; page++) {
        // An account named twice reads as once.
        const fills = await selectFillPage(db, { accountIds: [...ids, ids[0]!], since: null, until: null, symbol: null, orderId: null, after, direction, limit: 3 });
        seen.push(...fills.map((f) => f.execId));
        const last = fills.at(-1);
        if (last === undefined) break;
        after = { at: last.keysetAt, id: last.id };
      }
      const byTime = expected.sort().map((e) => e.split(' ')[1]!);
      expect(seen.filter((e) => !e.startsWith('tie-'))).toEqual(direction === 'asc' ? byTime : [...byTime].reverse());
      expect(seen.filter((e) => e.startsWith('tie-')).sort()).toEqual(['tie-0', 'tie-1']);
      expect(new Set(seen).size).toBe(16);
    }
  });

  it('reads an export a page at a time, as its reader asks for rows', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'lazy', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'ETHUSD', side: 'buy', type: 'market', quantity: '100000', assetClass: 'crypto' });
    await db.query(
      `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
       select $1, gen_random_uuid(), $2, 'LZ-' || lpad(n::text, 5, '0'), 1, 2000, 0, timestamptz '2026-11-20T00:00:00Z' + n * interval '1 second', now(), 'api'
       from generate_series(1, $3::int) n`,
      [account.id, order.id, exportPageRowsMax * 2 + 1],
    );
    let pageReads = 0;
    const counting: Database = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'query') return (text: string, params?: readonly unknown[]) => ((pageReads += text.includes('from fills f') ? 1 : 0), target.query(text, params));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const rows = exportRows(counting, { kind: 'fills', account, since: null, until: null });
    expect((await rows.next()).value?.[10]).toBe('LZ-00001');
    expect(pageReads).toBe(1);
    let n = 1;
    for await (const _ of rows) n++;
    expect([n, pageReads]).toEqual([exportPageRowsMax * 2 + 1, 3]);

    // A reader that goes away after the first bytes: the reads stop with it.
    pageReads = 0;
    const csv = exportCsv(counting, { kind: 'fills', account, since: null, until: null });
    const first = await new Promise<Buffer>((resolve) => csv.once('data', resolve));
    expect(first.toString()).toMatch(/^time,account_id,/);
    const closed = new Promise((resolve) => csv.once('close', resolve));
    csv.destroy();
    await closed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(pageReads).toBe(1);
  });
});
