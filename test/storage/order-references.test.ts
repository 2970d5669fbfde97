import { expect, it } from 'vitest';
import { sqlState, sqlStateOf, type SqlClient } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * Fills and order events belong to an order of their account, orders to an account, and neither
 * orders nor accounts are ever deleted or re-keyed: migration 017 enforces that once a statement (a
 * trigger over the statement's new rows) instead of a foreign key's check of every row. Written here
 * in plain SQL, past the ledger, since the ledger's own statements never try.
 */
async function refusal(write: Promise<unknown>): Promise<{ state: string | undefined; message: string }> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('expected the database to refuse the write');
  return { state: sqlStateOf(error), message: error instanceof Error ? error.message : String(error) };
}

const insertFill = (sql: SqlClient, accountId: string, orderId: string, execId: string) =>
  sql.query(
    `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
     values ($1, $2, $3, $4, 1, 100, 0, now(), now(), 'api')`,
    [accountId, crypto.randomUUID(), orderId, execId],
  );

const count = async (sql: SqlClient, table: string, accountId: string) =>
  (await sql.query<{ n: number }>(`select count(*)::int as n from ${table} where account_id = $1`, [accountId]))[0]!.n;

describeEachEngine('order references', (h) => {
  it('refuses a fill or an event whose order is not in its account, and writes nothing of the statement', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'refs', venue: 'manual' });
    const other = await ledger.createAccount({ name: 'other', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' });

    const missing = await refusal(insertFill(db, account.id, crypto.randomUUID(), 'X-missing'));
    expect(missing.state).toBe(sqlState.foreignKeyViolation);
    expect(missing.message).toContain('not in orders');
    // The order's id in another account is not its order.
    expect((await refusal(insertFill(db, other.id, order.id, 'X-other'))).state).toBe(sqlState.foreignKeyViolation);

    // One statement, one good row and one orphan: the statement fails whole.
    const twoEvents = db.query(
      `insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
       values ($1, $2, 2, 'note', 'user', now(), now(), '{}'), ($1, $3, 1, 'note', 'user', now(), now(), '{}')`,
      [account.id, order.id, crypto.randomUUID()],
    );
    expect((await refusal(twoEvents)).state).toBe(sqlState.foreignKeyViolation);
    expect(await count(db, 'fills', account.id)).toBe(0);
    expect(await count(db, 'order_events', account.id)).toBe(1); // the order's created event alone
    expect(await count(db, 'fills', other.id)).toBe(0);

    // A row of an order that is there goes in, in the same statement form.
    await insertFill(db, account.id, order.id, 'X-1');
    expect(await count(db, 'fills', account.id)).toBe(1);
  });

  it('never deletes an order nor changes its key, and still updates everything else', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'stay', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' });

    const deleted = await refusal(db.query('delete from orders where account_id = $1 and id = $2', [account.id, order.id]));
    expect(deleted.state).toBe('23001');
    expect(deleted.message).toContain('never deleted');
    const rekeyed = await refusal(db.query('update orders set id = $3 where account_id = $1 and id = $2', [account.id, order.id, crypto.randomUUID()]));
    expect(rekeyed.state).toBe('23001');
    expect(await count(db, 'orders', account.id)).toBe(1);

    // Setting the key to itself changes nothing and is let through; other columns update as ever.
    await db.query('update orders set account_id = account_id, id = id where account_id = $1 and id = $2', [account.id, order.id]);
    await ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: 'B-1', at: '2026-11-20T14:30:01.000Z', source: 'api' });
    expect((await ledger.getOrderDetail({ orderId: order.id })).order.status).toBe('submitted');
  });

  it('refuses an order of an account that is not there, and never deletes an account nor changes its id', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'kept', venue: 'manual' });
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' });
    // The order's row as it is, under another id and client order id, in an account that does not exist.
    const missingAccount = crypto.randomUUID();
    const copy = db.query(
      `insert into orders select (r).* from (
         select jsonb_populate_record(o, jsonb_build_object('account_id', $2::uuid, 'id', $3::uuid, 'client_order_id', 'copy')) as r
         from orders o where o.account_id = $1 and o.id = $4) s`,
      [account.id, missingAccount, crypto.randomUUID(), order.id],
    );
    const refused = await refusal(copy);
    expect(refused.state).toBe(sqlState.foreignKeyViolation);
    expect(refused.message).toContain('not in accounts');
    expect(await count(db, 'orders', missingAccount)).toBe(0);
    expect(await count(db, 'orders', account.id)).toBe(1);
    // Through the ledger an unknown account is its coded error, as ever.
    const unknown = await ledger.recordOrder({ accountId: crypto.randomUUID(), symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' }).catch((e: unknown) => e);
    expect((unknown as { code?: string }).code).toBe('FILLBOOK_ERR_ACCOUNT_NOT_FOUND');

    expect((await refusal(db.query('delete from accounts where account_id = $1', [account.id]))).message).toContain('never deleted');
    expect((await refusal(db.query('update accounts set account_id = $2 where account_id = $1', [account.id, crypto.randomUUID()]))).state).toBe('23001');
    expect((await ledger.getAccount(account.id)).id).toBe(account.id);
  });
});
