import { expect, it } from 'vitest';
import { adoptedOrderIdFor, Decimal, isFillbookError, type VenueOrderReport } from '../../src/domain/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import { describeEachEngine } from '../support/backends.js';

const c100 = 'SPY   261218C00100000';
const c110 = 'SPY   261218C00110000';

/** A bull call spread on SPY: buy the 100 call and sell the 110 call to open; the mirror to close. */
const spread = (accountId: string, positionId: string | null, role: 'entry' | 'exit', quantity: string, limitPrice: string) => ({
  accountId,
  positionId,
  role,
  symbol: 'SPY',
  side: role === 'entry' ? ('buy' as const) : ('sell' as const),
  type: 'limit' as const,
  quantity,
  limitPrice,
  legs: [
    { symbol: c100, assetClass: 'option' as const, side: role === 'entry' ? ('buy' as const) : ('sell' as const), ratio: '1', positionEffect: role === 'entry' ? ('open' as const) : ('close' as const) },
    { symbol: c110, assetClass: 'option' as const, side: role === 'entry' ? ('sell' as const) : ('buy' as const), ratio: '1', positionEffect: role === 'entry' ? ('open' as const) : ('close' as const) },
  ],
});

async function legFill(ledger: Ledger, orderId: string, execId: string, leg: number, quantity: string, price: string, at: string) {
  return ledger.recordFill({ order: { orderId }, execId, leg, quantity, price, fee: '0.65', executedAt: at });
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describeEachEngine('multi-leg orders', (h) => {
  it('records a spread and its leg fills, reads them back, and replays to the stored row', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'legs', venue: 'paper' });
    const { order } = await ledger.recordOrder({ ...spread(account.id, null, 'entry', '2', '3.00'), role: 'manual' });
    expect([order.assetClass, order.legs?.length, order.legFills?.map((p) => p.qtyFilled.toFixed())]).toEqual(['option', 2, ['0', '0']]);
    // The same request again is the same order; other legs under that client order id conflict.
    const again = await ledger.recordOrder({ ...spread(account.id, null, 'entry', '2', '3.00'), role: 'manual', clientOrderId: order.clientOrderId });
    expect(again.created).toBe(false);
    const changed = spread(account.id, null, 'entry', '2', '3.00');
    changed.legs[1]!.ratio = '2';
    const conflict = await ledger.recordOrder({ ...changed, role: 'manual', clientOrderId: order.clientOrderId }).catch((e: unknown) => e);
    expect(isFillbookError(conflict, 'FILLBOOK_ERR_IDEMPOTENCY_CONFLICT')).toBe(true);

    await ledger.applyEvent({ orderId: order.id }, { type: 'accepted', brokerOrderId: 'TT-1' });
    await legFill(ledger, order.id, 'F1', 1, '2', '5.00', '2026-11-20T15:00:01.000Z');
    const half = await legFill(ledger, order.id, 'F2', 2, '1', '2.00', '2026-11-20T15:00:02.000Z');
    expect([half.order.status, half.order.qtyFilled.toFixed(), half.order.avgFillPrice?.toFixed(), half.fill.leg]).toEqual(['partially_filled', '1', '3', 2]);
    // A redelivery is a duplicate; the same exec id on another leg is a conflict; no leg is refused.
    expect((await legFill(ledger, order.id, 'F2', 2, '1', '2.00', '2026-11-20T15:00:02.000Z')).outcome).toBe('duplicate');
    expect(isFillbookError(await legFill(ledger, order.id, 'F2', 1, '1', '2.00', '2026-11-20T15:00:02.000Z').catch((e: unknown) => e), 'FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT')).toBe(true);
    const noLeg = await ledger.recordFill({ order: { orderId: order.id }, execId: 'F9', quantity: '1', price: '2' }).catch((e: unknown) => e);
    expect(isFillbookError(noLeg, 'FILLBOOK_ERR_INVALID_INPUT')).toBe(true);
    expect(isFillbookError(await legFill(ledger, order.id, 'F3', 2, '2', '2.00', '2026-11-20T15:00:03.000Z').catch((e: unknown) => e), 'FILLBOOK_ERR_OVERFILL')).toBe(true);
    const done = await legFill(ledger, order.id, 'F4', 2, '1', '2.50', '2026-11-20T15:00:04.000Z');
    expect([done.order.status, done.order.qtyFilled.toFixed(), done.order.avgFillPrice?.toFixed(), done.order.fees.toFixed()]).toEqual(['filled', '2', '2.75', '1.95']);

    const detail = await ledger.getOrderDetail({ orderId: order.id });
    expect(json(detail.order)).toEqual(json(done.order));
    expect(detail.fills.map((f) => [f.execId, f.leg])).toEqual([['F1', 1], ['F2', 2], ['F4', 2]]);
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json(detail.order));
    expect((await ledger.listQuarantinedFills(account.id)).map((q) => q.kind).sort()).toEqual(['conflicting_duplicate', 'overfill']);
  });

  it('accounts a bull call spread per leg: open, a partial close, the close; holdings per leg symbol', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'spreads', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'bcs-1', symbol: 'SPY', side: 'long', targetQuantity: '2', assetClass: 'option' });
    const { order: entry } = await ledger.recordOrder(spread(account.id, position.id, 'entry', '2', '3.00'));
    await legFill(ledger, entry.id, 'E1', 1, '2', '5.00', '2026-11-20T15:00:00.000Z');
    await legFill(ledger, entry.id, 'E2', 2, '2', '2.00', '2026-11-20T15:00:01.000Z');

    const opened = await ledger.getPosition({ positionId: position.id });
    expect([opened.status, opened.qtyOpen.toFixed(), opened.avgEntryPrice?.toFixed(), opened.realizedPnl.toFixed()]).toEqual(['open', '2', '3', '-1.3']);
    const holdings = await ledger.getHoldings(account.id);
    expect(holdings.map((x) => [x.symbol, x.assetClass, x.netQuantity.toFixed(), x.avgCost?.toFixed()])).toEqual([
      [c100, 'option', '2', '5'],
      [c110, 'option', '-2', '2'],
    ]);

    // More than the open units may not be closed; two may, one unit filled first.
    const tooMany = await ledger.recordOrder(spread(account.id, position.id, 'exit', '3', '4.00')).catch((e: unknown) => e);
    expect(isFillbookError(tooMany, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')).toBe(true);
    const { order: exit } = await ledger.recordOrder(spread(account.id, position.id, 'exit', '2', '4.00'));
    await legFill(ledger, exit.id, 'X1', 1, '1', '7.00', '2026-11-20T16:00:00.000Z');
    await legFill(ledger, exit.id, 'X2', 2, '1', '3.00', '2026-11-20T16:00:01.000Z');
    // Half closed: C100 +(7 - 5) x 1 x 100 = +200; C110 -(3 - 2) x 1 x 100 = -100; fees 4 x 0.65 = 2.60.
    const partial = await ledger.getPosition({ positionId: position.id });
    expect([partial.status, partial.qtyOpen.toFixed(), partial.qtyExited.toFixed(), partial.realizedPnl.toFixed()]).toEqual(['closing', '1', '1', '97.4']);
    expect(partial.legs?.map((l) => [l.symbol, l.side, l.qtyOpen.toFixed(), l.realizedPnl.toFixed()])).toEqual([
      [c100, 'buy', '1', '200'],
      [c110, 'sell', '1', '-100'],
    ]);

    await legFill(ledger, exit.id, 'X3', 2, '1', '3.00', '2026-11-20T16:00:02.000Z');
    await legFill(ledger, exit.id, 'X4', 1, '1', '7.00', '2026-11-20T16:00:03.000Z');
    // Closed: C100 +(7 - 5) x 2 x 100 = +400; C110 -(3 - 2) x 2 x 100 = -200; total 200 - 6 fills x 0.65 = 196.10.
    const closed = await ledger.getPosition({ positionId: position.id });
    expect([closed.status, closed.qtyOpen.toFixed(), closed.avgExitPrice?.toFixed(), closed.fees.toFixed(), closed.realizedPnl.toFixed(), closed.closedAt]).toEqual([
      'closed', '0', '4', '3.9', '196.1', '2026-11-20T16:00:03.000Z',
    ]);
    expect(closed.legs?.map((l) => [l.symbol, l.side, l.qtyOpened.toFixed(), l.qtyClosed.toFixed(), l.avgOpenPrice?.toFixed(), l.avgClosePrice?.toFixed(), l.realizedPnl.toFixed()])).toEqual([
      [c100, 'buy', '2', '2', '5', '7', '400'],
      [c110, 'sell', '2', '2', '2', '3', '-200'],
    ]);
    expect((await ledger.getHoldings(account.id)).map((x) => [x.symbol, x.netQuantity.toFixed(), x.avgCost])).toEqual([
      [c100, '0', null],
      [c110, '0', null],
    ]);
    // A single-instrument position has no legs.
    const { position: plain } = await ledger.createPosition({ accountId: account.id, signalId: 'plain', symbol: 'AAPL', side: 'long', targetQuantity: '1' });
    expect(plain.legs).toBeNull();
  });

  it('adopts a spread found at the venue with its legs, once', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'adopt', venue: 'manual' });
    const report: VenueOrderReport = {
      venueOrderId: 'TT-9',
      clientOrderId: null,
      symbol: 'SPY',
      assetClass: 'option',
      side: 'sell',
      type: 'limit',
      timeInForce: 'day',
      quantity: new Decimal(1),
      limitPrice: new Decimal('1.20'),
      stopPrice: null,
      legs: [
        { symbol: c100, assetClass: 'option', side: 'sell', ratio: new Decimal(1), positionEffect: 'open' },
        { symbol: c110, assetClass: 'option', side: 'buy', ratio: new Decimal(1), positionEffect: 'open' },
      ],
      status: 'open',
      filledQuantity: new Decimal(0),
      avgFillPrice: null,
      reason: null,
      createdAt: '2026-11-20T14:30:00.000Z',
      updatedAt: '2026-11-20T14:30:00.000Z',
    };
    const id = adoptedOrderIdFor(account.id, report.venueOrderId);
    const { order, created } = await ledger.adoptOrder(account.id, report, id);
    expect([created, order.origin, order.legs?.map((l) => [l.symbol, l.side])]).toEqual([true, 'reconciliation', [[c100, 'sell'], [c110, 'buy']]]);
    expect((await ledger.adoptOrder(account.id, report, id)).created).toBe(false);
    await legFill(ledger, order.id, 'A1', 2, '1', '0.80', '2026-11-20T14:30:01.000Z');
    const done = await legFill(ledger, order.id, 'A2', 1, '1', '2.00', '2026-11-20T14:30:02.000Z');
    // Net credit per unit: |-2.00 + 0.80| = 1.20.
    expect([done.order.status, done.order.avgFillPrice?.toFixed()]).toEqual(['filled', '1.2']);
    expect(json(await ledger.replayOrder({ orderId: order.id }))).toEqual(json((await ledger.getOrderDetail({ orderId: order.id })).order));
  });
});
