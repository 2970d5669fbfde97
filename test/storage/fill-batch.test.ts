import { expect, it } from 'vitest';
import { FillbookError, isFillbookError } from '../../src/domain/index.js';
import { type FillResult, Ledger, type RecordFillInput } from '../../src/ledger/index.js';
import type { Database, SqlClient } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * The database, counting the statements that start with `marker`, running `before` ahead of the
 * first of them, and telling `seen` of each one (its text and parameters).
 */
function watched(db: Database, marker: string, before?: () => Promise<void>, seen?: (text: string, params: readonly unknown[]) => void): { db: Database; count: () => number } {
  let count = 0;
  const intercept = (sql: SqlClient): SqlClient['query'] =>
    async function query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      if (text.trimStart().startsWith(marker)) {
        count++;
        seen?.(text, params ?? []);
        if (count === 1) await before?.();
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
    count: () => count,
  };
}

const outcomes = (results: readonly FillResult[]) => results.map((r) => [r.execId, r.outcome]);
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const buy = (accountId: string, quantity = '10') => ({ accountId, symbol: 'AAPL', side: 'buy' as const, type: 'limit' as const, quantity, limitPrice: '100' });

describeEachEngine('fill batches', (h) => {
  it('folds several fills of one order, in orders of several statuses and two accounts, with one write per account', async () => {
    const { ledger, db } = h();
    const a = await ledger.createAccount({ name: 'batch a', venue: 'manual' });
    const b = await ledger.createAccount({ name: 'batch b', venue: 'manual' });
    const pending = (await ledger.recordOrder(buy(a.id))).order;
    const open = (await ledger.recordOrder(buy(a.id))).order;
    await ledger.applyEvent({ orderId: open.id }, { type: 'accepted', brokerOrderId: 'BRK-1' });
    const partly = (await ledger.recordOrder(buy(b.id))).order;
    await ledger.recordFill({ order: { orderId: partly.id }, execId: 'b-0', quantity: '4', price: '99' });

    const counted = watched(db, 'with changed as');
    const batching = await Ledger.open({ database: counted.db });
    const fills: RecordFillInput[] = [
      { order: { orderId: pending.id }, execId: 'a-1', quantity: '3', price: '100', executedAt: '2026-12-01T10:00:02.000Z' },
      { order: { accountId: b.id, clientOrderId: partly.clientOrderId }, execId: 'b-1', quantity: '6', price: '101' },
      { order: { orderId: pending.id }, execId: 'a-2', quantity: '7', price: '101', fee: '0.5', executedAt: '2026-12-01T10:00:01.000Z' },
      { order: { accountId: a.id, brokerOrderId: 'BRK-1' }, execId: 'a-3', quantity: '2', price: '102.5' },
      { order: { orderId: open.id }, execId: 'a-4', quantity: '1', price: '102.5' },
    ];
    const results = await batching.recordFills(fills);

    expect(outcomes(results)).toEqual([['a-1', 'recorded'], ['b-1', 'recorded'], ['a-2', 'recorded'], ['a-3', 'recorded'], ['a-4', 'recorded']]);
    expect(counted.count()).toBe(2); // one statement per account
    // Each result carries its order as that fill left it.
    expect(results.map((r) => ('order' in r ? [r.order.status, r.order.qtyFilled.toFixed()] : null))).toEqual([
      ['partially_filled', '3'], ['filled', '10'], ['filled', '10'], ['partially_filled', '2'], ['partially_filled', '3'],
    ]);

    const first = await ledger.getOrderDetail({ orderId: pending.id });
    expect([first.order.status, first.order.qtyFilled.toFixed(), first.order.avgFillPrice?.toFixed(), first.order.fees.toFixed(), first.order.version]).toEqual(['filled', '10', '100.7', '0.5', 3]);
    expect([first.order.firstFillAt, first.order.lastFillAt]).toEqual(['2026-12-01T10:00:01.000Z', '2026-12-01T10:00:02.000Z']);
    expect(first.events.map((e) => [e.seq, e.type])).toEqual([[1, 'created'], [2, 'filled'], [3, 'filled']]);
    expect(json(await ledger.replayOrder({ orderId: pending.id }))).toEqual(json(first.order));
    for (const order of [open, partly]) {
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(detail.order));
    }
    expect((await ledger.getOrder({ orderId: partly.id })).avgFillPrice?.toFixed()).toBe('100.2');
  });

  it('gives each fill its own outcome, in request order: a bad fill never fails its neighbours', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'mixed', venue: 'manual' });
    const order = (await ledger.recordOrder(buy(account.id))).order;
    const rejected = (await ledger.recordOrder(buy(account.id))).order;
    await ledger.applyEvent({ orderId: rejected.id }, { type: 'rejected', reason: 'insufficient buying power' });
    await ledger.recordFill({ order: { orderId: order.id }, execId: 'old', quantity: '2', price: '100' });

    const results = await ledger.recordFills([
      { order: { orderId: order.id }, execId: 'new-1', quantity: '3', price: '100' },
      { order: { orderId: order.id }, execId: 'old', quantity: '2', price: '100' }, // redelivered, same data
      { order: { orderId: order.id }, execId: 'old', quantity: '2', price: '100.5', fee: '1' }, // redelivered, different data
      { order: { orderId: order.id }, execId: 'bad', quantity: 'ten', price: '100' },
      { order: { orderId: crypto.randomUUID() }, execId: 'nowhere', quantity: '1', price: '100' },
      { order: { orderId: rejected.id }, execId: 'late', quantity: '1', price: '100' },
      { order: { orderId: order.id }, execId: 'new-2', quantity: '4', price: '100' },
      { order: { orderId: order.id }, execId: 'new-2', quantity: '4', price: '100' }, // twice in the batch
      { order: { orderId: order.id }, execId: 'too-much', quantity: '2', price: '100' }, // 9 filled: overfills
      { order: { orderId: order.id }, execId: 'last', quantity: '1', price: '100' },
    ]);

    expect(outcomes(results)).toEqual([
      ['new-1', 'recorded'], ['old', 'duplicate'], ['old', 'conflict'], ['bad', 'refused'], ['nowhere', 'refused'],
      ['late', 'refused'], ['new-2', 'recorded'], ['new-2', 'duplicate'], ['too-much', 'overfill'], ['last', 'recorded'],
    ]);
    const errors = results.map((r) => ('error' in r ? [r.error.code, r.quarantine] : null));
    expect(errors).toEqual([
      null, null, ['FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT', 'conflicting_duplicate'], ['FILLBOOK_ERR_INVALID_DECIMAL', null],
      ['FILLBOOK_ERR_ORDER_NOT_FOUND', null], ['FILLBOOK_ERR_INVALID_TRANSITION', 'refused_transition'], null, null,
      ['FILLBOOK_ERR_OVERFILL', 'overfill'], null,
    ]);
    const conflict = results[2]!;
    expect('error' in conflict && conflict.error.details.differs).toEqual(['price', 'fee']);

    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect([detail.order.status, detail.order.qtyFilled.toFixed()]).toEqual(['filled', '10']);
    expect(detail.fills.map((f) => f.execId).sort()).toEqual(['last', 'new-1', 'new-2', 'old']);
    expect(detail.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(detail.order));
    expect((await ledger.getOrder({ orderId: rejected.id })).version).toBe(2);
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => [q.execId, q.kind]).sort()).toEqual([
      ['late', 'refused_transition'], ['old', 'conflicting_duplicate'], ['too-much', 'overfill'],
    ]);
  });

  it('loses nothing when another writer fills one of the batch orders between its read and its write', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'race', venue: 'manual' });
    const a = (await ledger.recordOrder(buy(account.id))).order;
    const b = (await ledger.recordOrder(buy(account.id))).order;
    const race = watched(db, 'with changed as', async () => {
      await ledger.recordFill({ order: { orderId: b.id }, execId: 'other', quantity: '8', price: '100' });
    });
    const racing = await Ledger.open({ database: race.db });
    const results = await racing.recordFills([
      { order: { orderId: a.id }, execId: 'a-1', quantity: '5', price: '100' },
      { order: { orderId: b.id }, execId: 'b-1', quantity: '1', price: '100' },
      { order: { orderId: b.id }, execId: 'b-2', quantity: '2', price: '100' }, // fits before the race, overfills after it
      { order: { orderId: b.id }, execId: 'other', quantity: '8', price: '100' }, // the racing writer's fill, redelivered
    ]);

    expect(race.count()).toBe(2); // the stale write changed nothing, the second applied all
    expect(outcomes(results)).toEqual([['a-1', 'recorded'], ['b-1', 'recorded'], ['b-2', 'overfill'], ['other', 'duplicate']]);
    expect((await ledger.getOrder({ orderId: a.id })).qtyFilled.toFixed()).toBe('5');
    const detail = await ledger.getOrderDetail({ orderId: b.id });
    expect([detail.order.qtyFilled.toFixed(), detail.events.map((e) => e.seq)]).toEqual(['9', [1, 2, 3]]);
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => q.execId)).toEqual(['b-2']);
  });

  it('folds leg fills of a spread in one batch, and quarantines a leg overfill alone', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'legs', venue: 'manual' });
    const leg = (symbol: string, side: 'buy' | 'sell') => ({ symbol, assetClass: 'option' as const, side, ratio: '1', positionEffect: 'open' as const });
    const { order } = await ledger.recordOrder({
      accountId: account.id, symbol: 'SPY', side: 'buy', type: 'limit', quantity: '2', limitPrice: '3.00',
      legs: [leg('SPY   261218C00100000', 'buy'), leg('SPY   261218C00110000', 'sell')],
    });
    const results = await ledger.recordFills([
      { order: { orderId: order.id }, execId: 'L1', leg: 1, quantity: '2', price: '5.00' },
      { order: { orderId: order.id }, execId: 'L2', leg: 2, quantity: '1', price: '2.00' },
      { order: { orderId: order.id }, execId: 'nolegs', quantity: '1', price: '2.00' },
      { order: { orderId: order.id }, execId: 'L1b', leg: 1, quantity: '1', price: '5.00' },
      { order: { orderId: order.id }, execId: 'L2b', leg: 2, quantity: '1', price: '2.00' },
    ]);
    expect(outcomes(results)).toEqual([['L1', 'recorded'], ['L2', 'recorded'], ['nolegs', 'refused'], ['L1b', 'overfill'], ['L2b', 'recorded']]);
    const refused = results[2]!;
    expect('error' in refused && refused.error.code).toBe('FILLBOOK_ERR_INVALID_INPUT');
    const stored = await ledger.getOrder({ orderId: order.id });
    expect([stored.status, stored.qtyFilled.toFixed(), stored.avgFillPrice?.toFixed()]).toEqual(['filled', '2', '3']);
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(stored));
  });

  it('stores each fill exactly as recorded, every column (it travels once, in its event), and its event with it', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'columns', venue: 'manual' });
    const single = (await ledger.recordOrder(buy(account.id, '100'))).order;
    const leg = (symbol: string, side: 'buy' | 'sell') => ({ symbol, assetClass: 'option' as const, side, ratio: '1', positionEffect: 'open' as const });
    const spread = (await ledger.recordOrder({
      accountId: account.id, symbol: 'SPY', side: 'buy', type: 'limit', quantity: '2', limitPrice: '3.00',
      legs: [leg('SPY   261218C00100000', 'buy'), leg('SPY   261218C00110000', 'sell')],
    })).order;
    const results = await ledger.recordFills([
      { order: { orderId: single.id }, execId: 'c-1', quantity: '0.000000001', price: '123456789.123456789', fee: '-0.0025', feeCurrency: 'BNB', liquidity: 'maker', executedAt: '2026-12-01T10:00:00.123Z' },
      { order: { orderId: spread.id }, execId: 'c-"2"\\', leg: 2, quantity: '1', price: '0', executedAt: '2026-12-01T10:00:01.000Z' },
      { order: { orderId: single.id }, execId: 'c-3', quantity: '7', price: '99.5' },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['recorded', 'recorded', 'recorded']);
    const recorded = results.map((r) => ('fill' in r ? json(r.fill) : null));
    const stored = [...(await ledger.getOrderDetail({ orderId: single.id })).fills, ...(await ledger.getOrderDetail({ orderId: spread.id })).fills].map(json);
    const byExecId = (x: unknown, y: unknown) => String((x as { execId: string }).execId).localeCompare(String((y as { execId: string }).execId));
    expect(stored.sort(byExecId)).toEqual(recorded.sort(byExecId));
    // The event's payload carries the fill under the fills table's own column names, but for the
    // five its row holds (account, order, times, source); read back, the fill is whole again.
    const columns = (await db.query<{ name: string }>(`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'fills' order by column_name`)).map((c) => c.name);
    const rowHeld = ['account_id', 'executed_at', 'order_id', 'received_at', 'source'];
    for (const order of [single, spread]) {
      const events = await db.query<{ payload: { fill: Record<string, unknown> } }>(`select payload from order_events where account_id = $1 and type = 'filled' and order_id = $2`, [account.id, order.id]);
      for (const e of events) expect(Object.keys(e.payload.fill).sort()).toEqual(columns.filter((c) => !rowHeld.includes(c) && (c !== 'leg' || order === spread)));
      const detail = await ledger.getOrderDetail({ orderId: order.id });
      const read = detail.events.filter((e) => e.type === 'filled').map((e) => e.payload.fill as Record<string, unknown>);
      expect(read.map((f) => Object.keys(f).sort())).toEqual(read.map(() => columns.filter((c) => c !== 'leg' || order === spread)));
      expect(read.map((f) => [f.exec_id, f.account_id, f.order_id, f.source])).toEqual(detail.fills.map((f) => [f.execId, account.id, order.id, 'api']));
      expect(read.map((f) => [f.executed_at, f.received_at, f.fee])).toEqual(detail.fills.map((f) => [f.executedAt, f.receivedAt, f.fee.toFixed()]));
    }
    expect(json(await ledger.replayOrder({ orderId: single.id }))).toEqual(json(await ledger.getOrder({ orderId: single.id })));
  });

  it('reads a fill stored whole, as every fill was before its row held five of its fields, as one stored now', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'whole', venue: 'manual' });
    const order = (await ledger.recordOrder(buy(account.id))).order;
    await ledger.recordFills([
      { order: { orderId: order.id }, execId: 'w-1', quantity: '2', price: '99.5', fee: '0.1', feeCurrency: 'USD', liquidity: 'taker', executedAt: '2026-12-01T10:00:00.123Z' },
      { order: { orderId: order.id }, execId: 'w-2', quantity: '3', price: '100.25' },
    ]);
    const before = await ledger.getOrderDetail({ orderId: order.id });
    // The stored fills made whole, as an older Fillbook wrote them (past the append-only trigger).
    await db.transaction(async (tx) => {
      await tx.query(`set local session_replication_role = replica`);
      await tx.query(
        `update order_events set payload = jsonb_set(payload, '{fill}', (payload->'fill') || jsonb_build_object('account_id', account_id, 'order_id', order_id,
           'executed_at', to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'received_at', to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', source))
         where account_id = $1 and order_id = $2 and type = 'filled'`,
        [account.id, order.id],
      );
    });
    const [whole] = await db.query<{ keys: number }>(`select count(*)::int as keys from order_events, jsonb_object_keys(payload->'fill') where account_id = $1 and order_id = $2 and type = 'filled'`, [account.id, order.id]);
    expect(whole?.keys).toBe(24);
    const after = await ledger.getOrderDetail({ orderId: order.id });
    expect(json(after.events)).toEqual(json(before.events));
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(await ledger.getOrder({ orderId: order.id })));
  });

  it('two batches filling the same orders in opposite orders at once both land, every round', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'crossing', venue: 'manual' });
    const a = (await ledger.recordOrder(buy(account.id, '1000'))).order;
    const b = (await ledger.recordOrder(buy(account.id, '1000'))).order;
    const other = await Ledger.open({ database: db });
    const rounds = 25;
    for (let r = 0; r < rounds; r++) {
      const fill = (orderId: string, tag: string) => ({ order: { orderId }, execId: `${tag}-${r}-${orderId.slice(0, 8)}`, quantity: '1', price: '100' });
      const [one, two] = await Promise.all([
        ledger.recordFills([fill(a.id, 'x'), fill(b.id, 'x')]),
        other.recordFills([fill(b.id, 'y'), fill(a.id, 'y')]),
      ]);
      expect([...one, ...two].map((x) => x.outcome)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    }
    for (const order of [a, b]) expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe(String(2 * rounds));
  });

  it('refuses a batch over the limit before anything is written, and the fills of an account the caller may not write', async () => {
    const { ledger } = h();
    const mine = await ledger.createAccount({ name: 'mine', venue: 'manual' });
    const theirs = await ledger.createAccount({ name: 'theirs', venue: 'manual' });
    const own = (await ledger.recordOrder(buy(mine.id))).order;
    const other = (await ledger.recordOrder(buy(theirs.id))).order;
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ order: { orderId: own.id }, execId: `x${i}`, quantity: '0.001', price: '1' }));
    const error = await ledger.recordFills(tooMany).catch((e: unknown) => e);
    expect(isFillbookError(error, 'FILLBOOK_ERR_INVALID_INPUT')).toBe(true);

    const results = await ledger.recordFills(
      [
        { order: { orderId: other.id }, execId: 'theirs', quantity: '1', price: '1' },
        { order: { orderId: own.id }, execId: 'mine', quantity: '1', price: '1' },
      ],
      {
        authorize: async (accountId) => {
          if (accountId !== mine.id) throw new FillbookError('FILLBOOK_ERR_NOT_FOUND', 'not yours');
        },
      },
    );
    expect(outcomes(results)).toEqual([['theirs', 'refused'], ['mine', 'recorded']]);
    expect((await ledger.getOrder({ orderId: other.id })).version).toBe(1);
    expect((await ledger.getOrder({ orderId: own.id })).qtyFilled.toFixed()).toBe('1');
  });

  it('writes the same rows for a fill whichever statement carries it: the one-fill statement or the records of a batch', async () => {
    const { db } = h();
    const clock = new Date('2026-12-01T10:00:00.000Z');
    const statements: string[] = [];
    const watching = watched(db, 'with changed as', undefined, (text) => statements.push(text));
    const ledger = await Ledger.open({ database: watching.db, now: () => clock });
    const account = await ledger.createAccount({ name: 'shapes', venue: 'manual' });
    const spread = (quantity: string) => ({
      ...buy(account.id, quantity),
      symbol: 'SPY',
      legs: [
        { symbol: 'SPY   261218C00100000', assetClass: 'option' as const, side: 'buy' as const, ratio: '1', positionEffect: 'open' as const },
        { symbol: 'SPY   261218C00110000', assetClass: 'option' as const, side: 'sell' as const, ratio: '1', positionEffect: 'open' as const },
      ],
    });
    // Pairs of like orders: the first of each filled in a batch with another order's fill (the
    // records' statement), the second alone (the one-fill statement). Both fills of a pair alike.
    const pairs = [
      { request: buy(account.id, '10'), fill: { quantity: '10', price: '100.25', fee: '0.5', feeCurrency: 'USD', liquidity: 'maker' as const } },
      { request: buy(account.id, '10'), fill: { quantity: '4', price: '99', executedAt: '2026-12-01T09:59:59.000Z' } },
      { request: spread('2'), fill: { leg: 2, quantity: '2', price: '1.35', fee: '0.65' } },
    ];
    const other = (await ledger.recordOrder(buy(account.id))).order;
    let n = 0;
    for (const { request, fill } of pairs) {
      const batched = (await ledger.recordOrder(request)).order;
      const single = (await ledger.recordOrder(request)).order;
      statements.length = 0;
      const [inBatch] = await ledger.recordFills([
        { order: { orderId: batched.id, accountId: account.id }, execId: `batched-${n}`, ...fill },
        { order: { orderId: other.id, accountId: account.id }, execId: `other-${n}`, quantity: '1', price: '100' },
      ]);
      const alone = await ledger.recordFill({ order: { orderId: single.id, accountId: account.id }, execId: `single-${n}`, ...fill });
      n++;
      expect([inBatch?.outcome, alone.outcome]).toEqual(['recorded', 'recorded']);
      // Two statements of different shapes: the records' and the plain parameters'.
      expect(statements.map((text) => text.includes('jsonb_to_recordset'))).toEqual([true, false]);

      // The rows but their ids (and the exec id) are equal, column for column.
      const rows = async (orderId: string) => ({
        order: (await db.query(`select to_jsonb(o) - array['id', 'client_order_id'] as row from orders o where account_id = $1 and id = $2`, [account.id, orderId]))[0]!.row,
        fills: (await db.query(`select to_jsonb(f) - array['id', 'order_id', 'exec_id'] as row from fills f where account_id = $1 and order_id = $2`, [account.id, orderId])).map((r) => r.row),
        events: (
          await db.query(
            `select to_jsonb(e) - array['order_id', 'payload'] as row, e.payload #- '{fill,id}' #- '{fill,order_id}' #- '{fill,exec_id}' #- '{order,id}' #- '{order,client_order_id}' as payload
             from order_events e where account_id = $1 and order_id = $2 order by seq`,
            [account.id, orderId],
          )
        ).map((r) => [r.row, r.payload]),
      });
      const [a, b] = [await rows(batched.id), await rows(single.id)];
      expect(b).toEqual(a);
      expect(a.fills).toHaveLength(1);
      expect(a.events).toHaveLength(2);
      // And the stored fill is the one the event carries: the payload's fill, with the five fields
      // its row holds, is the fills row.
      const [stored] = await db.query<{ same: boolean }>(
        `select f is not distinct from jsonb_populate_record(null::fills, e.payload->'fill' || jsonb_build_object(
             'account_id', e.account_id, 'order_id', e.order_id, 'executed_at', e.occurred_at, 'received_at', e.recorded_at, 'source', e.source)) as same
         from fills f join order_events e on e.account_id = f.account_id and e.order_id = f.order_id and e.type = 'filled' where f.account_id = $1 and f.exec_id = $2`,
        [account.id, `single-${n - 1}`],
      );
      expect(stored?.same).toBe(true);
    }
  });

  it('answers stale from the one-fill statement when its order moved, and writes nothing', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'stale one', venue: 'manual' });
    const order = (await ledger.recordOrder(buy(account.id))).order;
    await ledger.recordFill({ order: { orderId: order.id, accountId: account.id }, execId: 'first', quantity: '1', price: '100' });
    // The racing ledger reads the order for its first fill, and another writer fills it before the
    // write: the one-fill statement finds the version moved, changes nothing, and the fill is decided
    // again. Its next fill then goes from its recent copy, current again.
    const race = watched(db, 'with changed as', async () => {
      await ledger.recordFill({ order: { orderId: order.id, accountId: account.id }, execId: 'between', quantity: '2', price: '100' });
    });
    const racing = await Ledger.open({ database: race.db });
    await racing.recordFill({ order: { orderId: order.id, accountId: account.id }, execId: 'warm', quantity: '1', price: '100' });
    const result = await racing.recordFill({ order: { orderId: order.id, accountId: account.id }, execId: 'late', quantity: '3', price: '101' });

    expect(result.outcome).toBe('recorded');
    expect(race.count()).toBeGreaterThanOrEqual(3); // the racing write, stale, then again
    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect(detail.fills.map((f) => f.execId).sort()).toEqual(['between', 'first', 'late', 'warm']);
    expect([detail.order.qtyFilled.toFixed(), detail.order.version]).toEqual(['7', 5]);
    expect(detail.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(detail.order));
  });

  it("finds each order of a batch by its key in an account of thousands, whatever the plan (no scan of the account's orders)", async () => {
    const { ledger, db } = h();
    const a = await ledger.createAccount({ name: 'big', venue: 'manual' });
    const model = (await ledger.recordOrder(buy(a.id, '1000'))).order;
    // 4,000 more orders of the account, copies of the first under new ids, and fresh statistics.
    const columns = (await db.query<{ name: string }>(`select column_name as name from information_schema.columns where table_name = 'orders' and table_schema = current_schema() order by ordinal_position`)).map((c) => c.name);
    const copied = columns.map((c) => (c === 'id' ? 'gen_random_uuid()' : c === 'client_order_id' ? `'copy-' || n` : c));
    await db.query(`insert into orders (${columns.join(', ')}) select ${copied.join(', ')} from orders, generate_series(1, 4000) as n where account_id = $1 and id = $2`, [a.id, model.id]);
    await db.exec('analyze orders');
    const some = await db.query<{ id: string }>(`select id from orders where account_id = $1 and client_order_id like 'copy-%' order by client_order_id limit 50`, [a.id]);

    const statements: { text: string; params: readonly unknown[] }[] = [];
    const watching = watched(db, 'with changed as', undefined, (text, params) => statements.push({ text, params }));
    const seeing = await Ledger.open({ database: watching.db });
    const results = await seeing.recordFills(some.map((o, i) => ({ order: { orderId: o.id, accountId: a.id }, execId: `big-${i}`, quantity: '1', price: '100' })));
    expect(results.every((r) => r.outcome === 'recorded')).toBe(true);
    expect(statements).toHaveLength(1);

    // The plan the server makes for those parameters (a custom plan: the one that once read the
    // whole account for each import page); the orders are found by account and id, never scanned.
    const explained = await db.transaction((tx) => tx.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${statements[0]!.text}`, statements[0]!.params));
    const plan = explained[0]!['QUERY PLAN'];
    const scans: { type: string; cond: string }[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'orders') scans.push({ type: String(node['Node Type']), cond: String(node['Index Cond'] ?? node['Recheck Cond'] ?? '') });
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((plan as { Plan: Record<string, unknown> }[])[0]!.Plan);
    const reads = scans.filter((s) => s.type !== 'ModifyTable');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((s) => !/Index|Bitmap/.test(s.type) || !/\bid\b/.test(s.cond))).toEqual([]);
  });
});
