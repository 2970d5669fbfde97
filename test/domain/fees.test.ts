import { describe, expect, it } from 'vitest';
import {
  Decimal,
  describesSameExecution,
  deriveHoldings,
  derivePosition,
  type Fill,
  type HoldingFill,
  instrumentCurrencies,
  type Order,
  performanceMetrics,
  type PositionSpec,
  type RecordedFee,
  reportingCurrency,
} from '../../src/domain/index.js';
import { at, created } from '../support/orders.js';

const accountId = '00000000-0000-4000-8000-0000000000aa';
const d = (v: string) => new Decimal(v);
const text = (m: Readonly<Record<string, Decimal>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toFixed()]));

function positionSpec(overrides: Partial<PositionSpec> = {}): PositionSpec {
  return { id: 'p-1', accountId, signalId: 's-1', symbol: 'BTC/USDT', assetClass: 'crypto', side: 'long', targetQuantity: d('2'), multiplier: d('1'), createdAt: at(0), ...overrides };
}

/** A filled order of the position (the fold reads its id, role and status). */
function order(id: string, role: Order['role'], side: Order['side'], quantity: string, symbol = 'BTC/USDT', assetClass: Order['assetClass'] = 'crypto'): Order {
  return { ...created({ id, role, side, symbol, assetClass, quantity: d(quantity), positionId: 'p-1' }), status: 'filled' };
}

function fill(orderId: string, execId: string, quantity: string, price: string, seconds: number, fee: string, feeCurrency: string | null): Fill {
  return { id: `f-${execId}`, accountId, orderId, execId, leg: null, quantity: d(quantity), price: d(price), fee: d(fee), feeCurrency, liquidity: null, executedAt: at(seconds), receivedAt: at(seconds), source: 'broker_stream' };
}

function recorded(feeId: string, overrides: Partial<RecordedFee>): RecordedFee {
  return { accountId, feeId, orderId: null, execId: null, symbol: 'BTC/USDT', assetClass: 'crypto', amount: d('0'), currency: 'USDT', kind: null, source: 'api', chargedAt: at(100), recordedAt: at(100), ...overrides };
}

describe('quote currency and base asset', () => {
  it('a spot pair is quoted in its second currency and delivers its first; a derivative settles after the colon; the rest is the account currency', () => {
    expect(instrumentCurrencies('BTC/USDT', 'crypto', 'USD')).toEqual({ quote: 'USDT', baseAsset: 'BTC' });
    expect(instrumentCurrencies('BTC/USDT:USDT', 'future', 'USD')).toEqual({ quote: 'USDT', baseAsset: null });
    expect(instrumentCurrencies('BTC/USD:BTC', 'future', 'USD')).toEqual({ quote: 'BTC', baseAsset: null });
    expect(instrumentCurrencies('AAPL', 'equity', 'eur')).toEqual({ quote: 'EUR', baseAsset: null });
    expect(instrumentCurrencies('SPY   261218C00100000', 'option', 'USD')).toEqual({ quote: 'USD', baseAsset: null });
    // A share class written with a slash is not a currency pair.
    expect(instrumentCurrencies('BRK/B', 'equity', 'USD')).toEqual({ quote: 'USD', baseAsset: null });
  });
});

describe('P&L with fees in three currencies', () => {
  // Long BTC/USDT. Entry 1: buy 1 at 30000, fee 0.001 BTC (the base asset: 0.999 BTC received).
  // Entry 2: buy 1 at 31000, fee 12 USDT. Exit: sell 1.999 at 32000, fee 0.5 BNB, and 3.2 USDT
  // reported later for the exit order.
  //   average cost = (30000 x 0.999 + 31000 x 1) / 1.999 = 60970 / 1.999
  //   gross        = (32000 - 60970 / 1.999) x 1.999 = 63968 - 60970 = 2998
  //   USDT fees    = 12 + 3.2 = 15.2          realized = 2998 - 15.2 = 2982.8
  //   beside it    : 0.001 BTC and 0.5 BNB, never converted, never subtracted.
  const orders = [order('o-e1', 'entry', 'buy', '1'), order('o-e2', 'entry', 'buy', '1'), order('o-x1', 'exit', 'sell', '1.999')];
  const fills = [
    fill('o-e1', 'E1', '1', '30000', 1, '0.001', 'BTC'),
    fill('o-e2', 'E2', '1', '31000', 2, '12', 'USDT'),
    fill('o-x1', 'X1', '1.999', '32000', 3, '0.5', 'bnb'),
  ];
  const late = [recorded('fee-1', { orderId: 'o-x1', amount: d('3.2'), currency: 'USDT', chargedAt: at(50) })];

  it('realized P&L is net of the quote-currency fees only; the others are beside it', () => {
    const p = derivePosition(positionSpec(), orders, fills, { accountCurrency: 'USD', recordedFees: late });
    expect(p.quoteCurrency).toBe('USDT');
    expect(p.realizedPnl.toFixed()).toBe('2982.8');
    expect(p.fees.toFixed()).toBe('15.2');
    expect(text(p.feesByCurrency)).toEqual({ BNB: '0.5', BTC: '0.001', USDT: '15.2' });
    expect([p.qtyEntered.toFixed(), p.qtyExited.toFixed(), p.qtyOpen.toFixed(), p.status]).toEqual(['2', '1.999', '0', 'closed']);
    expect([p.avgEntryPrice!.toFixed(), p.avgExitPrice!.toFixed()]).toEqual(['30500', '32000']);
    expect(p.closedAt).toBe(at(3));
  });

  it('without the late fee the P&L is 3 USDT higher and nothing else moves', () => {
    const p = derivePosition(positionSpec(), orders, fills, { accountCurrency: 'USD', recordedFees: [] });
    expect([p.realizedPnl.toFixed(), p.fees.toFixed()]).toEqual(['2986', '12']);
  });

  it('a fee with no currency is in the quote currency: the account currency for shares', () => {
    const orders = [order('o-a', 'entry', 'buy', '10', 'AAPL', 'equity'), order('o-b', 'exit', 'sell', '10', 'AAPL', 'equity')];
    const fills = [fill('o-a', 'A', '10', '100', 1, '1', null), fill('o-b', 'B', '10', '110', 2, '0.25', 'USD')];
    const p = derivePosition(positionSpec({ symbol: 'AAPL', assetClass: 'equity' }), orders, fills, { accountCurrency: 'USD', recordedFees: [] });
    // (110 - 100) x 10 - (1 + 0.25) = 98.75
    expect([p.quoteCurrency, p.realizedPnl.toFixed(), p.fees.toFixed(), p.qtyOpen.toFixed()]).toEqual(['USD', '98.75', '1.25', '0']);
    expect(text(p.feesByCurrency)).toEqual({ USD: '1.25' });
  });

  it('a short that pays its fee in the base asset owes that much more', () => {
    const orders = [order('o-s', 'entry', 'sell', '2')];
    const p = derivePosition(positionSpec({ side: 'short' }), orders, [fill('o-s', 'S', '2', '100', 1, '0.01', 'BTC')], { accountCurrency: 'USD', recordedFees: [] });
    expect([p.qtyOpen.toFixed(), p.status]).toEqual(['2.01', 'open']);
  });

  it('a base-asset fee of a derivative does not change the contracts held (it settles in the quote)', () => {
    const orders = [order('o-f', 'entry', 'buy', '1', 'BTC/USD:BTC', 'future')];
    const p = derivePosition(positionSpec({ symbol: 'BTC/USD:BTC', assetClass: 'future' }), orders, [fill('o-f', 'F', '1', '100', 1, '0.0001', 'BTC')], { accountCurrency: 'USD', recordedFees: [] });
    expect([p.quoteCurrency, p.qtyOpen.toFixed(), p.fees.toFixed(), p.realizedPnl.toFixed()]).toEqual(['BTC', '1', '0.0001', '-0.0001']);
  });

  it('a base-asset fee reported later closes what it leaves at zero, at its fill', () => {
    // Buy 1 at 100 (the venue says nothing of the fee yet), sell 0.998 at 110: 0.002 looks open.
    const orders = [order('o-e', 'entry', 'buy', '1'), order('o-x', 'exit', 'sell', '0.998')];
    const fills = [fill('o-e', 'E', '1', '100', 1, '0', null), fill('o-x', 'X', '0.998', '110', 2, '0', null)];
    const before = derivePosition(positionSpec(), orders, fills, { accountCurrency: 'USD', recordedFees: [] });
    expect([before.qtyOpen.toFixed(), before.status]).toEqual(['0.002', 'open']);
    const fee = recorded('cfee-1', { orderId: 'o-e', execId: 'E', amount: d('0.002'), currency: 'BTC', chargedAt: at(500) });
    const after = derivePosition(positionSpec(), orders, fills, { accountCurrency: 'USD', recordedFees: [fee] });
    // (110 - 100) x 0.998 = 9.98 USDT; the 0.002 BTC is beside it.
    expect([after.qtyOpen.toFixed(), after.status, after.closedAt, after.realizedPnl.toFixed()]).toEqual(['0', 'closed', at(2), '9.98']);
    expect(text(after.feesByCurrency)).toEqual({ BTC: '0.002' });
  });
});

describe('holdings net of base-asset fees', () => {
  const hf = (execId: string, side: 'buy' | 'sell', quantity: string, price: string, seconds: number, fee: string, feeCurrency: string | null): HoldingFill => ({
    symbol: 'BTC/USDT', assetClass: 'crypto', side, quantity: d(quantity), price: d(price), fee: d(fee), feeCurrency, executedAt: at(seconds), execId,
  });

  it('the holding is what the venue delivered: fills less fees in the base asset, on the fill or reported later', () => {
    // 1 - 0.001 (fee on the fill) + 0.5 (fee in USDT: no BTC leaves) - 0.0005 (a fee of the account) = 1.4985
    const holdings = deriveHoldings([hf('H1', 'buy', '1', '30000', 1, '0.001', 'BTC'), hf('H2', 'buy', '0.5', '32000', 2, '16', 'USDT')], [
      recorded('cfee-2', { amount: d('0.0005'), currency: 'BTC', chargedAt: at(10) }),
      recorded('fee-usdt', { amount: d('5'), currency: 'USDT', chargedAt: at(11) }),
    ]);
    expect(holdings.map((h) => [h.symbol, h.netQuantity.toFixed()])).toEqual([['BTC/USDT', '1.4985']]);
    // (30000 x 0.999 + 32000 x 0.5) / 1.499 = 45970 / 1.499, rounded at 12 places half to even.
    expect(holdings[0]!.avgCost!.toFixed()).toBe(d('45970').div('1.499').toDecimalPlaces(12, Decimal.ROUND_HALF_EVEN).toFixed());
  });
});

describe('performance in one currency at a time', () => {
  it('headline figures are in one quote currency; P&L per currency and fees per currency beside', () => {
    const usdt = derivePosition(positionSpec(), [order('o-e', 'entry', 'buy', '1'), order('o-x', 'exit', 'sell', '1')], [
      fill('o-e', 'E', '1', '100', 1, '0.1', 'USDT'),
      fill('o-x', 'X', '1', '90', 2, '0.01', 'BNB'),
    ], { accountCurrency: 'USD', recordedFees: [] });
    const usd = derivePosition(positionSpec({ id: 'p-2', symbol: 'AAPL', assetClass: 'equity' }), [order('o-a', 'entry', 'buy', '10', 'AAPL', 'equity'), order('o-b', 'exit', 'sell', '10', 'AAPL', 'equity')].map((o) => ({ ...o, positionId: 'p-2' })), [
      fill('o-a', 'A', '10', '100', 3, '1', null),
      fill('o-b', 'B', '10', '105', 4, '1', null),
    ], { accountCurrency: 'USD', recordedFees: [] });
    expect([usdt.realizedPnl.toFixed(), usd.realizedPnl.toFixed()]).toEqual(['-10.1', '48']);
    expect(reportingCurrency([usdt, usd], 'USD')).toBe('USD');
    expect(reportingCurrency([usdt], 'USD')).toBe('USDT');
    const m = performanceMetrics([usdt, usd], 'USD');
    expect([m.currency, m.closedPositions, m.realizedPnl.toFixed(), m.totalFees.toFixed(), m.wins, m.losses]).toEqual(['USD', 1, '48', '2', 1, 0]);
    expect(text(m.realizedPnlByCurrency)).toEqual({ USD: '48', USDT: '-10.1' });
    expect(text(m.feesByCurrency)).toEqual({ BNB: '0.01', USD: '2', USDT: '0.1' });
    const t = performanceMetrics([usdt, usd], 'usdt');
    expect([t.currency, t.realizedPnl.toFixed(), t.totalFees.toFixed(), t.maxDrawdown.toFixed()]).toEqual(['USDT', '-10.1', '0.1', '10.1']);
  });
});

describe('a redelivered fill and its fee currency', () => {
  it('the same fee in another currency is another execution; a delivery that names no currency is the same', () => {
    const recordedFill = fill('o-1', 'E', '1', '100', 1, '0.001', 'BTC');
    expect(describesSameExecution(recordedFill, { ...recordedFill, feeCurrency: 'btc' }, true)).toBe(true);
    expect(describesSameExecution(recordedFill, { ...recordedFill, feeCurrency: null }, true)).toBe(true);
    expect(describesSameExecution(recordedFill, { ...recordedFill, feeCurrency: 'BNB' }, true)).toBe(false);
    expect(describesSameExecution(recordedFill, { ...recordedFill, fee: d('0'), feeCurrency: 'BNB' }, false)).toBe(true);
  });
});
