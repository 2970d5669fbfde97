import { expect, it } from 'vitest';
import { type FillbookError, isFillbookError, type Order } from '../../src/domain/index.js';
import type { Ledger, RecordFillInput } from '../../src/ledger/index.js';
import { describeEachEngine } from '../support/backends.js';

async function expectCode(promise: Promise<unknown>, code: FillbookError['code']): Promise<FillbookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFillbookError(error)) throw new Error(`expected ${code}, got ${String(error)}`);
  expect(error.code).toBe(code);
  return error;
}

async function newAccount(ledger: Ledger) {
  return ledger.createAccount({ name: 'test', venue: 'paper' });
}

const limitBuy = (accountId: string, extra: Record<string, unknown> = {}) => ({
  accountId,
  symbol: 'AAPL',
  side: 'buy' as const,
  type: 'limit' as const,
  quantity: '10',
  limitPrice: '2.50',
  ...extra,
});

function expectReplayMatches(stored: Order, replayed: Order) {
  expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(stored)));
}

describeEachEngine('ledger', (h) => {
  it('records an order write-ahead as pending_submit with a generated client order id and its created event', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order, created } = await ledger.recordOrder(limitBuy(account.id));
    expect(created).toBe(true);
    expect(order.status).toBe('pending_submit');
    expect(order.clientOrderId).toMatch(/^fb-[0-9a-f-]{36}$/);
    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect(detail.order).toEqual(order);
    expect(detail.events.map((e) => [e.seq, e.type, e.source])).toEqual([[1, 'created', 'api']]);
  });

  it('is idempotent on client_order_id: same body returns the original, a different body conflicts', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const first = await ledger.recordOrder(limitBuy(account.id, { clientOrderId: 'bot-1' }));
    const again = await ledger.recordOrder(limitBuy(account.id, { clientOrderId: 'bot-1', quantity: '10.0' }));
    expect(again).toEqual({ order: first.order, created: false });
    const error = await expectCode(ledger.recordOrder(limitBuy(account.id, { clientOrderId: 'bot-1', quantity: '11' })), 'FILLBOOK_ERR_IDEMPOTENCY_CONFLICT');
    expect(error.message).toContain(first.order.id);
    // The same client order id in another account is another order.
    const other = await newAccount(ledger);
    expect((await ledger.recordOrder(limitBuy(other.id, { clientOrderId: 'bot-1' }))).created).toBe(true);
  });

  it('refuses bad input with a coded error and records nothing', async () => {
    const { ledger, db } = h();
    const account = await newAccount(ledger);
    await expectCode(ledger.recordOrder(limitBuy(account.id, { quantity: '-1' })), 'FILLBOOK_ERR_INVALID_INPUT');
    await expectCode(ledger.recordOrder(limitBuy(account.id, { quantity: '1e3' })), 'FILLBOOK_ERR_INVALID_DECIMAL');
    await expectCode(ledger.recordOrder(limitBuy(account.id, { limitPrice: undefined })), 'FILLBOOK_ERR_INVALID_INPUT');
    await expectCode(ledger.recordOrder(limitBuy(account.id, { side: 'long' })), 'FILLBOOK_ERR_INVALID_INPUT');
    await expectCode(ledger.recordOrder(limitBuy(crypto.randomUUID())), 'FILLBOOK_ERR_ACCOUNT_NOT_FOUND');
    const rows = await db.query<{ n: number }>('select count(*)::int as n from orders where account_id = $1', [account.id]);
    expect(rows[0]?.n).toBe(0);
  });

  it('walks the lifecycle and keeps every timestamp from the events', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    const ref = { orderId: order.id };
    await ledger.applyEvent(ref, { type: 'submitted', brokerOrderId: 'B-1', at: '2026-11-20T14:30:01.000Z', source: 'api' });
    await ledger.applyEvent(ref, { type: 'accepted', at: '2026-11-20T14:30:02.000Z', source: 'broker_stream' });
    await ledger.applyEvent(ref, { type: 'status_checked', at: '2026-11-20T14:30:03.000Z', source: 'broker_poll' });
    await ledger.recordFill({ order: { accountId: account.id, brokerOrderId: 'B-1' }, execId: 'X1', quantity: '4', price: '2.50', fee: '0.65', executedAt: '2026-11-20T14:30:04.000Z' });
    await ledger.applyEvent(ref, { type: 'amended', limitPrice: '2.55', at: '2026-11-20T14:30:05.000Z' });
    await ledger.applyEvent(ref, { type: 'cancel_requested', at: '2026-11-20T14:30:06.000Z' });
    const canceled = await ledger.applyEvent(ref, { type: 'canceled', reason: 'user asked', at: '2026-11-20T14:30:07.000Z' });
    expect(canceled).toMatchObject({
      status: 'canceled',
      statusReason: 'user asked',
      brokerOrderId: 'B-1',
      submittedAt: '2026-11-20T14:30:01.000Z',
      acceptedAt: '2026-11-20T14:30:02.000Z',
      lastStatusCheckAt: '2026-11-20T14:30:03.000Z',
      firstFillAt: '2026-11-20T14:30:04.000Z',
      lastFillAt: '2026-11-20T14:30:04.000Z',
      amendedAt: '2026-11-20T14:30:05.000Z',
      canceledAt: '2026-11-20T14:30:07.000Z',
      completedAt: '2026-11-20T14:30:07.000Z',
      version: 8,
    });
    expect([canceled.qtyFilled.toFixed(), canceled.qtyRemaining.toFixed(), canceled.fees.toFixed(), canceled.limitPrice?.toFixed()]).toEqual(['4', '0', '0.65', '2.55']);
    const detail = await ledger.getOrderDetail(ref);
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'submitted', 'accepted', 'status_checked', 'filled', 'amended', 'cancel_requested', 'canceled']);
    expect(detail.events.map((e) => e.source)).toEqual(['api', 'api', 'broker_stream', 'broker_poll', 'api', 'api', 'api', 'api']);
    expectReplayMatches(detail.order, await ledger.replayOrder(ref));
  });

  it('refuses a transition the table does not allow, naming the order, status and event, and changes nothing', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    await ledger.applyEvent({ orderId: order.id }, { type: 'rejected', reason: 'no buying power' });
    const error = await expectCode(ledger.applyEvent({ orderId: order.id }, { type: 'accepted' }), 'FILLBOOK_ERR_INVALID_TRANSITION');
    expect(error.message).toBe(`order ${order.id} is rejected; the event 'accepted' is not allowed in that status`);
    expect((await ledger.getOrderDetail({ orderId: order.id })).events).toHaveLength(2);
  });

  it('does not record a repeated report that changes nothing, but records a status check', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    const ref = { orderId: order.id };
    await ledger.applyEvent(ref, { type: 'submitted', brokerOrderId: 'B-R', source: 'api' });
    const open = await ledger.applyEvent(ref, { type: 'accepted', source: 'broker_stream' });
    expect(await ledger.applyEvent(ref, { type: 'accepted', source: 'broker_poll' })).toEqual(open);
    expect(await ledger.applyEvent(ref, { type: 'submitted', brokerOrderId: 'B-R', source: 'broker_poll' })).toEqual(open);
    await ledger.applyEvent(ref, { type: 'status_checked', source: 'broker_poll' });
    expect((await ledger.getOrderDetail(ref)).events.map((e) => e.type)).toEqual(['created', 'submitted', 'accepted', 'status_checked']);
  });

  it('keeps broker order ids unique per account', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const a = (await ledger.recordOrder(limitBuy(account.id))).order;
    const b = (await ledger.recordOrder(limitBuy(account.id))).order;
    await ledger.applyEvent({ orderId: a.id }, { type: 'submitted', brokerOrderId: 'B-7' });
    await expectCode(ledger.applyEvent({ orderId: b.id }, { type: 'submitted', brokerOrderId: 'B-7' }), 'FILLBOOK_ERR_BROKER_ORDER_ID_CONFLICT');
    expect((await ledger.getOrder({ orderId: b.id })).status).toBe('pending_submit');
  });

  it('records a fill addressed by order id, client order id or broker order id, once per exec id', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id, { clientOrderId: 'c-9' }));
    await ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: 'B-9' });
    const fill = (order: RecordFillInput['order'], execId: string, quantity: string, price: string) =>
      ledger.recordFill({ order, execId, quantity, price, fee: '0.10' });
    await fill({ orderId: order.id }, 'X1', '2', '2.50');
    await fill({ accountId: account.id, clientOrderId: 'c-9' }, 'X2', '3', '2.40');
    const third = await fill({ accountId: account.id, brokerOrderId: 'B-9' }, 'X3', '5', '2.52');
    expect(third.outcome).toBe('recorded');
    expect(third.order.status).toBe('filled');
    expect(third.order.avgFillPrice?.toFixed()).toBe('2.48'); // (2*2.50 + 3*2.40 + 5*2.52) / 10
    expect(third.order.fees.toFixed()).toBe('0.3');

    const replay = await fill({ orderId: order.id }, 'X2', '3', '2.40');
    expect(replay.outcome).toBe('duplicate');
    expect(replay.order).toEqual(third.order);
    expect((await ledger.getOrderDetail({ orderId: order.id })).fills).toHaveLength(3);
  });

  it('quarantines a conflicting redelivery and an overfill, applies neither and reports both', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    await ledger.recordFill({ order: { orderId: order.id }, execId: 'X1', quantity: '6', price: '2.50' });
    const conflict = await expectCode(
      ledger.recordFill({ order: { orderId: order.id }, execId: 'X1', quantity: '7', price: '2.50' }),
      'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT',
    );
    expect(conflict.message).toContain('X1');
    const overfill = await expectCode(
      ledger.recordFill({ order: { orderId: order.id }, execId: 'X2', quantity: '5', price: '2.50' }),
      'FILLBOOK_ERR_OVERFILL',
    );
    expect(overfill.message).toContain('quantity 10, filled 6');
    const after = await ledger.getOrderDetail({ orderId: order.id });
    expect(after.order.qtyFilled.toFixed()).toBe('6');
    expect(after.fills.map((f) => f.execId)).toEqual(['X1']);
    const quarantined = await ledger.listQuarantinedFills(account.id);
    expect(quarantined.map((q) => [q.kind, q.execId, q.payload.quantity])).toEqual([
      ['conflicting_duplicate', 'X1', '7'],
      ['overfill', 'X2', '5'],
    ]);
  });

  it('quarantines a fill for a rejected order instead of applying it', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    await ledger.applyEvent({ orderId: order.id }, { type: 'rejected', reason: 'halted' });
    await expectCode(ledger.recordFill({ order: { orderId: order.id }, execId: 'X1', quantity: '1', price: '2.5' }), 'FILLBOOK_ERR_INVALID_TRANSITION');
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => q.kind)).toEqual(['refused_transition']);
  });

  it('lets the database enforce what it can: filled <= quantity, unique ids, append-only audit trail', async () => {
    const { ledger, db } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder(limitBuy(account.id));
    await ledger.recordFill({ order: { orderId: order.id }, execId: 'X1', quantity: '1', price: '2.5' });
    const refused = async (sql: string, params: unknown[] = []) => {
      await expect(db.query(sql, params)).rejects.toThrow();
    };
    await refused('update orders set qty_filled = 11, qty_remaining = -1 where id = $1', [order.id]);
    await refused('update orders set qty_remaining = 3 where id = $1', [order.id]);
    await refused('update order_events set type = $2 where order_id = $1', [order.id, 'canceled']);
    await refused('delete from order_events where order_id = $1', [order.id]);
    await refused('delete from fills where order_id = $1', [order.id]);
    await refused(
      `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
       values ($1, $2, $3, 'X1', 1, 1, 0, now(), now(), 'api')`,
      [account.id, crypto.randomUUID(), order.id],
    );
    await refused(
      `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
       values ($1, $2, $3, 'X9', 1, 1, 0, now(), now(), 'api')`,
      [account.id, crypto.randomUUID(), crypto.randomUUID()],
    );
    expect((await ledger.getOrder({ orderId: order.id })).qtyFilled.toFixed()).toBe('1');
  });

  it('keeps exact decimals: no binary float creeps into quantities, prices or fees', async () => {
    const { ledger } = h();
    const account = await newAccount(ledger);
    const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.3', assetClass: 'crypto' });
    await ledger.recordFill({ order: { orderId: order.id }, execId: 'a', quantity: '0.1', price: '0.1', fee: '0.000000000000000001' });
    await ledger.recordFill({ order: { orderId: order.id }, execId: 'b', quantity: '0.2', price: '0.2', fee: '0.000000000000000002' });
    const done = await ledger.getOrder({ orderId: order.id });
    expect([done.status, done.qtyFilled.toFixed(), done.filledNotional.toFixed(), done.fees.toFixed()]).toEqual(['filled', '0.3', '0.05', '0.000000000000000003']);
    // 0.05 / 0.3 = 0.1666…, rounded half to even at 12 places.
    expect(done.avgFillPrice?.toFixed()).toBe('0.166666666667');
  });
});
