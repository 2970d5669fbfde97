import { describe, expect, it } from 'vitest';
import { parseAlpacaFeeActivities, parseAlpacaFeeActivity } from '../../src/venues/alpaca/alpaca-fees.js';
import { parseJsonLossless } from '../../src/venues/wire.js';
import { describeEachEngine } from '../support/backends.js';

// Alpaca's own example of a crypto fee (docs.alpaca.markets/docs/crypto-fees), verbatim.
const cfeeNonUsd = `{
    "id": "20220812000000000::53be51ba-46f9-43de-b81f-576f241dc680",
    "activity_type": "CFEE",
    "date": "2022-08-12",
    "net_amount": "0",
    "description": "Coin Pair Transaction Fee (Non USD)",
    "symbol": "ETHUSD",
    "qty": "-0.000195",
    "price": "1884.5",
    "status": "executed"
}`;
// The USD form the same page describes (the fee in net_amount); ids and amounts made up.
const cfeeUsd = { id: '20220812000000000::0b7c1f52-0000-4000-8000-000000000001', activity_type: 'CFEE', date: '2022-08-12', net_amount: '-0.25', description: 'Coin Pair Transaction Fee (USD)', symbol: 'ETHUSD', qty: '0', status: 'executed' };
// A regulatory fee tied to an order (made up; the order id field is read when present).
const regFee = (orderId: string) => ({ id: '20261120000000000::0f9e7a52-2d0c-4c55-9d6b-7a3c1b2e4f60', activity_type: 'FEE', date: '2026-11-20', net_amount: '-0.02', description: 'REG fee', symbol: 'AAPL', order_id: orderId, status: 'executed' });

describe('Alpaca fee activities', () => {
  it('reads the documented crypto fee as the base asset it took, and a USD fee as cash', () => {
    const [nonUsd, usd] = parseAlpacaFeeActivities([parseJsonLossless(cfeeNonUsd), cfeeUsd]);
    expect(nonUsd?.kind === 'fee' && { ...nonUsd.report, amount: nonUsd.report.amount.toFixed(), raw: undefined }).toEqual({
      feeId: 'alpaca:20220812000000000::53be51ba-46f9-43de-b81f-576f241dc680', venueOrderId: null, execId: null, symbol: 'ETH/USD', assetClass: 'crypto',
      amount: '0.000195', currency: 'ETH', kind: 'CFEE', chargedAt: '2022-08-12T00:00:00.000Z', raw: undefined,
    });
    expect(usd?.kind === 'fee' && [usd.report.amount.toFixed(), usd.report.currency, usd.report.symbol]).toEqual(['0.25', 'USD', 'ETH/USD']);
  });

  it('never guesses: an asset fee of a crypto-quoted pair without its currency, a pending fee and a malformed one are unreadable; a zero fee is nothing', () => {
    const ethBtc = parseAlpacaFeeActivity({ ...parseJsonLossless(cfeeNonUsd) as object, symbol: 'ETHBTC' });
    expect(ethBtc.kind === 'unreadable' && ethBtc.reason).toMatch(/without saying in which of its assets/);
    const named = parseAlpacaFeeActivity({ ...parseJsonLossless(cfeeNonUsd) as object, symbol: 'ETHBTC', currency: 'btc' });
    expect(named.kind === 'fee' && [named.report.symbol, named.report.currency]).toEqual(['ETH/BTC', 'BTC']);
    expect(parseAlpacaFeeActivity({ ...cfeeUsd, status: 'pending' }).kind).toBe('unreadable');
    expect(parseAlpacaFeeActivity({ ...cfeeUsd, net_amount: 'lots' }).kind).toBe('unreadable');
    expect(parseAlpacaFeeActivity({ ...cfeeUsd, net_amount: '0' })).toEqual({ kind: 'nothing', id: cfeeUsd.id });
  });
});

describeEachEngine('Alpaca fee activities, applied', (h) => {
  it('a crypto fee of the account and a regulatory fee of an order each land once, redelivered or not', async () => {
    const { ledger } = h();
    const account = await ledger.createAccount({ name: 'alpaca-fees', venue: 'manual' });
    const buy = (await ledger.recordOrder({ accountId: account.id, symbol: 'ETH/USD', assetClass: 'crypto', side: 'buy', type: 'market', quantity: '0.1' })).order;
    await ledger.applyEvent({ orderId: buy.id }, { type: 'submitted', brokerOrderId: 'alp-eth' });
    await ledger.recordFill({ order: { orderId: buy.id }, execId: 'alpaca:alp-eth:0.1', quantity: '0.1', price: '1884.5', feeCurrency: 'USD' });

    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'aapl-1', symbol: 'AAPL', side: 'long', targetQuantity: '5' });
    const entry = (await ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'entry', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' })).order;
    await ledger.applyEvent({ orderId: entry.id }, { type: 'submitted', brokerOrderId: 'alp-aapl-1' });
    await ledger.recordFill({ order: { orderId: entry.id }, execId: 'E', quantity: '5', price: '190' });
    const exit = (await ledger.recordOrder({ accountId: account.id, positionId: position.id, role: 'exit', symbol: 'AAPL', side: 'sell', type: 'market', quantity: '5' })).order;
    await ledger.applyEvent({ orderId: exit.id }, { type: 'submitted', brokerOrderId: 'alp-aapl-2' });
    await ledger.recordFill({ order: { orderId: exit.id }, execId: 'X', quantity: '5', price: '191' });

    const page = parseAlpacaFeeActivities([parseJsonLossless(cfeeNonUsd), regFee('alp-aapl-2')]);
    for (let delivery = 0; delivery < 2; delivery++) {
      const outcomes = [];
      for (const p of page) if (p.kind === 'fee') outcomes.push((await ledger.applyVenueFee(account.id, p.report)).outcome);
      expect(outcomes).toEqual(delivery === 0 ? ['recorded', 'recorded'] : ['duplicate', 'duplicate']);
    }
    // 0.1 - 0.000195 ETH held; (191 - 190) x 5 - 0.02 = 4.98 realized.
    expect((await ledger.getHoldings(account.id)).map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual([['AAPL', '0'], ['ETH/USD', '0.099805']]);
    const p = await ledger.getPosition({ positionId: position.id });
    expect([p.realizedPnl.toFixed(), p.fees.toFixed()]).toEqual(['4.98', '0.02']);
    expect((await ledger.listRecordedFees(account.id)).map((f) => [f.feeId, f.orderId, f.source])).toEqual([
      ['alpaca:20220812000000000::53be51ba-46f9-43de-b81f-576f241dc680', null, 'broker_poll'],
      ['alpaca:20261120000000000::0f9e7a52-2d0c-4c55-9d6b-7a3c1b2e4f60', exit.id, 'broker_poll'],
    ]);
  });
});
