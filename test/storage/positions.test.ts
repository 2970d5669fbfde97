import { expect, it } from 'vitest';
import { type FillbookError, isFillbookError } from '../../src/domain/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import { describeEachEngine } from '../support/backends.js';

async function refused(promise: Promise<unknown>): Promise<FillbookError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) throw new Error(`expected an exposure refusal, got ${String(error)}`);
  return error;
}

async function filledOrder(ledger: Ledger, accountId: string, positionId: string, role: 'entry' | 'exit', side: 'buy' | 'sell', quantity: string, price: string, fee: string, at: string, symbol = 'AAPL') {
  const { order } = await ledger.recordOrder({ accountId, positionId, role, symbol, side, type: 'limit', quantity, limitPrice: price });
  await ledger.recordFill({ order: { orderId: order.id }, execId: `${order.id}-1`, quantity, price, fee, executedAt: at });
  return order;
}

describeEachEngine('positions and the exposure guard', (h) => {
  it('the seed incident: 102, 9 filled, second entry refused, 113 refused, 93 accepted, 8 refused', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'meridian', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'position-2', symbol: 'SPY', side: 'long', targetQuantity: '102', assetClass: 'option' });
    const entry = (quantity: string) =>
      ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'SPY', side: 'buy', type: 'limit', quantity, limitPrice: '2.50' });

    const first = (await entry('102')).order;
    await ledger.applyEvent({ orderId: first.id }, { type: 'submitted', brokerOrderId: 'T-1' });
    await ledger.recordFill({ order: { orderId: first.id }, execId: 'T-1-9', quantity: '9', price: '2.50' });

    const whileWorking = await refused(entry('9'));
    expect(whileWorking.message).toBe(`entry refused for position ${position.id}: target 102, filled 9, working 93, requested 9; at most 0 more may be entered`);
    expect(whileWorking.httpStatus).toBe(409);

    await ledger.applyEvent({ orderId: first.id }, { type: 'canceled' });
    expect((await refused(entry('113'))).details).toEqual({ position_id: position.id, role: 'entry', target: '102', filled: '9', working: '0', requested: '113' });
    const accepted = (await entry('93')).order;
    expect(accepted.status).toBe('pending_submit');
    expect((await refused(entry('8'))).message).toContain('target 102, filled 9, working 93, requested 8');

    const derived = await ledger.getPosition({ positionId: position.id });
    expect([derived.status, derived.qtyEntered.toFixed(), derived.qtyOpen.toFixed()]).toEqual(['open', '9', '9']);
  });

  it('exits and protective orders never exceed the open quantity, one kind at a time', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 's', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const order = (role: 'exit' | 'stop_loss' | 'take_profit', quantity: string) =>
      ledger.recordOrder({ accountId: account.id, positionId: position.id, role, symbol: 'AAPL', side: 'sell', type: role === 'stop_loss' ? 'stop' : 'limit', quantity, ...(role === 'stop_loss' ? { stopPrice: '90' } : { limitPrice: '110' }) });
    await refused(order('stop_loss', '1')); // nothing is open yet
    await filledOrder(ledger, account.id, position.id, 'entry', 'buy', '6', '100', '1', '2026-11-20T15:00:00.000Z');
    await order('stop_loss', '6');
    await order('take_profit', '4');
    await order('take_profit', '2');
    await refused(order('take_profit', '1'));
    expect((await refused(order('stop_loss', '0.5'))).message).toContain('open 6, working stop_loss 6, requested 0.5');
    await order('exit', '6');
    await refused(order('exit', '1'));
    expect((await ledger.getPosition({ positionId: position.id })).status).toBe('closing');
    // The wrong side is refused as bad input, not as exposure.
    const wrongSide = await ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'AAPL', side: 'sell', type: 'market', quantity: '1' }).catch((e: unknown) => e);
    expect(isFillbookError(wrongSide, 'FILLBOOK_ERR_INVALID_INPUT')).toBe(true);
  });

  it('guards a retry and an amendment that would grow an entry', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 's', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = (quantity: string) => ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'AAPL', side: 'buy', type: 'market', quantity });
    const failed = (await entry('6')).order;
    await ledger.applyEvent({ orderId: failed.id }, { type: 'failed', reason: 'connection refused' });
    const replacement = (await entry('6')).order;
    await refused(ledger.applyEvent({ orderId: failed.id }, { type: 'retried' }));
    await refused(ledger.applyEvent({ orderId: replacement.id }, { type: 'amended', quantity: '11' }));
    const amended = await ledger.applyEvent({ orderId: replacement.id }, { type: 'amended', quantity: '10' });
    expect(amended.quantity.toFixed()).toBe('10');
  });

  it('creates positions idempotently on signal_id', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const input = { accountId: account.id, signalId: 'sig-1', symbol: 'AAPL', side: 'long' as const, targetQuantity: '10' };
    const first = await ledger.createPosition(input);
    const again = await ledger.createPosition({ ...input, targetQuantity: '10.00' });
    expect([first.created, again.created, again.position.id]).toEqual([true, false, first.position.id]);
    const conflict = await ledger.createPosition({ ...input, targetQuantity: '11' }).catch((e: unknown) => e);
    expect(isFillbookError(conflict, 'FILLBOOK_ERR_POSITION_CONFLICT')).toBe(true);
  });

  it('derives P&L net of fees for a long with a partial exit, against hand-computed figures', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'long', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    await filledOrder(ledger, account.id, position.id, 'entry', 'buy', '4', '100', '1', '2026-11-20T15:00:00.000Z');
    await filledOrder(ledger, account.id, position.id, 'entry', 'buy', '6', '105', '1', '2026-11-20T15:01:00.000Z');
    await filledOrder(ledger, account.id, position.id, 'exit', 'sell', '5', '110', '1', '2026-11-20T15:02:00.000Z');
    // avg entry = (400 + 630) / 10 = 103; partial exit realizes (110 - 103) x 5 = 35; fees 3 → 32.
    const partial = await ledger.getPosition({ positionId: position.id });
    expect([partial.status, partial.qtyOpen.toFixed(), partial.avgEntryPrice?.toFixed(), partial.realizedPnl.toFixed(), partial.fees.toFixed()]).toEqual(['open', '5', '103', '32', '3']);
    await filledOrder(ledger, account.id, position.id, 'exit', 'sell', '5', '101', '1', '2026-11-20T15:03:00.000Z');
    // second exit realizes (101 - 103) x 5 = -10; total gross 25; fees 4 → 21. avg exit = 105.5.
    const closed = await ledger.getPosition({ positionId: position.id });
    expect([closed.status, closed.qtyOpen.toFixed(), closed.avgExitPrice?.toFixed(), closed.realizedPnl.toFixed(), closed.openedAt, closed.closedAt]).toEqual([
      'closed', '0', '105.5', '21', '2026-11-20T15:00:00.000Z', '2026-11-20T15:03:00.000Z',
    ]);
  });

  it('derives P&L for a short and for an option with its multiplier', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const short = (await ledger.createPosition({ accountId: account.id, signalId: 'short', symbol: 'TSLA', side: 'short', targetQuantity: '3' })).position;
    await filledOrder(ledger, account.id, short.id, 'entry', 'sell', '3', '250', '0.5', '2026-11-20T15:00:00.000Z', 'TSLA');
    await filledOrder(ledger, account.id, short.id, 'exit', 'buy', '3', '240.25', '0.5', '2026-11-20T15:05:00.000Z', 'TSLA');
    // (250 - 240.25) x 3 = 29.25; fees 1 → 28.25.
    expect((await ledger.getPosition({ positionId: short.id })).realizedPnl.toFixed()).toBe('28.25');

    const option = (await ledger.createPosition({ accountId: account.id, signalId: 'opt', symbol: 'SPY 261218C00600000', side: 'long', targetQuantity: '2', assetClass: 'option' })).position;
    expect(option.multiplier.toFixed()).toBe('100');
    await filledOrder(ledger, account.id, option.id, 'entry', 'buy', '2', '2.50', '1.30', '2026-11-20T15:00:00.000Z', 'SPY 261218C00600000');
    await filledOrder(ledger, account.id, option.id, 'exit', 'sell', '2', '2.05', '1.30', '2026-11-20T16:00:00.000Z', 'SPY 261218C00600000');
    // (2.05 - 2.50) x 2 x 100 = -90; fees 2.60 → -92.6.
    expect((await ledger.getPosition({ positionId: option.id })).realizedPnl.toFixed()).toBe('-92.6');

    const metrics = await ledger.getPerformance(account.id);
    expect([metrics.closedPositions, metrics.wins, metrics.losses, metrics.winRate?.toFixed(), metrics.realizedPnl.toFixed()]).toEqual([2, 1, 1, '0.5', '-64.35']);
    expect([metrics.profitFactor?.toFixed(), metrics.avgWin?.toFixed(), metrics.avgLoss?.toFixed(), metrics.expectancy?.toFixed(), metrics.totalFees.toFixed()]).toEqual([
      '0.305075593952', '28.25', '-92.6', '-32.175', '3.6',
    ]);
    // Equity: +28.25 at 15:05, then -64.35 at 16:00: drawdown from the 28.25 peak is 92.6.
    expect(metrics.maxDrawdown.toFixed()).toBe('92.6');

    const holdings = await ledger.getHoldings(account.id);
    expect(holdings.map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual([['SPY 261218C00600000', '0'], ['TSLA', '0']]);
  });

  it('marks a position failed when every entry ended unfilled', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'f', symbol: 'AAPL', side: 'long', targetQuantity: '1' });
    expect(position.status).toBe('pending_entry');
    const { order } = await ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' });
    await ledger.applyEvent({ orderId: order.id }, { type: 'rejected', reason: 'no buying power' });
    expect((await ledger.getPosition({ positionId: position.id })).status).toBe('failed');
  });

  it('derives holdings with average cost across buys, sells and a flip', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'p', venue: 'paper' });
    const trade = async (side: 'buy' | 'sell', quantity: string, price: string, minute: number) => {
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'BTC/USDT', assetClass: 'crypto', side, type: 'market', quantity });
      await ledger.recordFill({ order: { orderId: order.id }, execId: `h-${minute}`, quantity, price, executedAt: `2026-11-20T15:${String(minute).padStart(2, '0')}:00.000Z` });
    };
    await trade('buy', '1', '100', 1);
    await trade('buy', '3', '120', 2);
    expect((await ledger.getHoldings(account.id)).map((x) => [x.netQuantity.toFixed(), x.avgCost?.toFixed()])).toEqual([['4', '115']]);
    await trade('sell', '2', '130', 3);
    expect((await ledger.getHoldings(account.id)).map((x) => [x.netQuantity.toFixed(), x.avgCost?.toFixed()])).toEqual([['2', '115']]);
    await trade('sell', '3', '90', 4);
    expect((await ledger.getHoldings(account.id)).map((x) => [x.netQuantity.toFixed(), x.avgCost?.toFixed()])).toEqual([['-1', '90']]);
  });
});
