import { expect, it } from 'vitest';
import { Decimal, deriveHoldings, instrumentCurrencies, isFillbookError, type VenuePositionReport } from '../../src/domain/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import { builtInVenueFactories, type VenueFactory } from '../../src/service/index.js';
import { baseAssetSql, selectHoldingFills, selectNetBySymbol, selectRecordedFees } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';
import { reconciling } from '../support/reconciling.js';

/** A recorded-only order (the bot talks to its venue), brought to `open` so fills may land. */
async function openOrder(ledger: Ledger, accountId: string, o: { symbol: string; side: 'buy' | 'sell'; quantity: string; assetClass?: 'crypto' | 'future' | 'equity'; positionId?: string; role?: 'entry' | 'exit' }) {
  const { order } = await ledger.recordOrder({ accountId, type: 'market', assetClass: o.assetClass ?? 'crypto', ...o });
  await ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: `B-${order.id}` });
  return order;
}

describeEachEngine('fees in every currency', (h) => {
  it('spot buys with base-asset fees: holdings equal the venue balance, in the domain and in SQL, and reconciliation finds no holding mismatch', async () => {
    const { ledger, db } = h();
    // The venue's balance after the trades below, as the venue reports it: 1 + 0.5 bought,
    // 0.001 BTC taken on the first fill, 0.0005 BTC charged later for the second order (an Alpaca
    // CFEE), the 16 USDT fee takes no BTC: 1.5 - 0.001 - 0.0005 = 1.4985.
    const venueBalance: VenuePositionReport[] = [{ symbol: 'BTC/USDT', assetClass: 'crypto', netQuantity: new Decimal('1.4985') }];
    const factories: Record<string, VenueFactory> = {
      ...builtInVenueFactories,
      paper: async (account, database) => Object.assign(await builtInVenueFactories.paper!(account, database), { listPositions: async () => venueBalance }),
    };
    const r = await reconciling(ledger, {}, factories);
    try {
      const accountId = r.account.id;
      const first = await openOrder(ledger, accountId, { symbol: 'BTC/USDT', side: 'buy', quantity: '1' });
      await ledger.recordFill({ order: { orderId: first.id }, execId: 'S-1', quantity: '1', price: '30000', fee: '0.001', feeCurrency: 'BTC' });
      const second = await openOrder(ledger, accountId, { symbol: 'BTC/USDT', side: 'buy', quantity: '0.5' });
      await ledger.recordFill({ order: { orderId: second.id }, execId: 'S-2', quantity: '0.5', price: '32000', fee: '16', feeCurrency: 'USDT' });

      // Before the late fee, the ledger holds 0.0005 BTC more than the venue.
      expect((await selectNetBySymbol(db, accountId)).get('BTC/USDT')?.toFixed()).toBe('1.499');
      expect((await r.run()).summary.holding_mismatch).toBe(1);

      await ledger.recordFee({ accountId, feeId: 'CFEE-1', order: { orderId: second.id }, amount: '0.0005', currency: 'BTC', kind: 'CFEE', chargedAt: '2026-11-20T23:59:59.000Z' });
      const holdings = await ledger.getHoldings(accountId);
      expect(holdings.map((x) => [x.symbol, x.netQuantity.toFixed()])).toEqual([['BTC/USDT', '1.4985']]);
      expect((await selectNetBySymbol(db, accountId)).get('BTC/USDT')?.toFixed()).toBe('1.4985');
      const run = await r.run();
      expect(run.summary.holding_mismatch).toBe(0);
      expect(run.findings.filter((f) => f.category === 'holding_mismatch')).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('a long that sold all it received after a base-asset fee is closed, and reconciliation finds it neither unprotected nor mismatched', async () => {
    const { ledger } = h();
    const factories: Record<string, VenueFactory> = {
      ...builtInVenueFactories,
      // Bought 1, 0.001 taken as the fee, sold the 0.999 received: the venue holds no BTC.
      paper: async (account, database) => Object.assign(await builtInVenueFactories.paper!(account, database), { listPositions: async () => [] }),
    };
    const r = await reconciling(ledger, {}, factories);
    try {
      const accountId = r.account.id;
      const { position } = await ledger.createPosition({ accountId, signalId: 'btc-round-trip', symbol: 'BTC/USDT', assetClass: 'crypto', side: 'long', targetQuantity: '1' });
      const entry = await openOrder(ledger, accountId, { symbol: 'BTC/USDT', side: 'buy', quantity: '1', positionId: position.id, role: 'entry' });
      await ledger.recordFill({ order: { orderId: entry.id }, execId: 'RT-1', quantity: '1', price: '30000', fee: '0.001', feeCurrency: 'BTC' });
      const halfway = await r.run();
      expect([halfway.summary.unprotected_position, halfway.summary.holding_mismatch]).toEqual([1, 1]);
      const exit = await openOrder(ledger, accountId, { symbol: 'BTC/USDT', side: 'sell', quantity: '0.999', positionId: position.id, role: 'exit' });
      await ledger.recordFill({ order: { orderId: exit.id }, execId: 'RT-2', quantity: '0.999', price: '31000', fee: '3', feeCurrency: 'USDT' });
      const p = await ledger.getPosition({ positionId: position.id });
      // (31000 - 30000) x 0.999 - 3 = 996 USDT; 0.001 BTC beside it.
      expect([p.status, p.qtyOpen.toFixed(), p.realizedPnl.toFixed()]).toEqual(['closed', '0', '996']);
      const run = await r.run();
      expect([run.summary.unprotected_position, run.summary.holding_mismatch]).toEqual([0, 0]);
    } finally {
      await r.close();
    }
  });

  it('the SQL base-asset rule gives the domain answer for every kind of symbol', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'symbols', venue: 'manual' });
    const cases = [
      { symbol: 'ETH/BTC', assetClass: 'crypto', feeCurrency: 'ETH' },
      { symbol: 'ETH/USDC', assetClass: 'crypto', feeCurrency: 'eth' },
      { symbol: 'BTC/USDT:USDT', assetClass: 'future', feeCurrency: 'BTC' },
      { symbol: 'BTC/USD:BTC', assetClass: 'future', feeCurrency: 'BTC' },
      { symbol: 'SOLUSD', assetClass: 'crypto', feeCurrency: 'SOL' },
      { symbol: 'BRK/B', assetClass: 'equity', feeCurrency: 'BRK' },
      { symbol: 'AAPL', assetClass: 'equity', feeCurrency: null },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const order = await openOrder(ledger, account.id, { symbol: c.symbol, side: 'buy', quantity: '2', assetClass: c.assetClass });
      await ledger.recordFill({ order: { orderId: order.id }, execId: `R-${i}`, quantity: '2', price: '10', fee: '0.25', ...(c.feeCurrency === null ? {} : { feeCurrency: c.feeCurrency }) });
      await ledger.recordFee({ accountId: account.id, feeId: `L-${i}`, order: { orderId: order.id }, amount: '0.5', currency: c.feeCurrency ?? 'USD' });
    }
    const sql = await selectNetBySymbol(db, account.id);
    const domain = deriveHoldings(await selectHoldingFills(db, account.id), await selectRecordedFees(db, account.id));
    expect(Object.fromEntries(domain.map((x) => [x.symbol, x.netQuantity.toFixed()]))).toEqual(Object.fromEntries([...sql].map(([k, v]) => [k, v.toFixed()])));
    // Spot pairs lose 0.25 + 0.5 of the base asset; nothing else does.
    expect(Object.fromEntries([...sql].map(([k, v]) => [k, v.toFixed()]))).toEqual({
      'ETH/BTC': '1.25', 'ETH/USDC': '1.25', 'BTC/USDT:USDT': '2', 'BTC/USD:BTC': '2', SOLUSD: '2', 'BRK/B': '2', AAPL: '2',
    });
    // The SQL expression alone, against the domain rule.
    for (const c of cases) {
      const [row] = await db.query<{ base: string | null }>(`select ${baseAssetSql('$1::text', '$2::text')} as base`, [c.symbol, c.assetClass]);
      expect(row?.base ?? null).toBe(instrumentCurrencies(c.symbol, c.assetClass, 'USD').baseAsset);
    }
  });

  it('a fee reported later lands once on its fill: a redelivery changes nothing, a different body is a coded conflict', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'late', venue: 'manual' });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'late-1', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = await openOrder(ledger, account.id, { symbol: 'AAPL', side: 'buy', quantity: '10', assetClass: 'equity', positionId: position.id, role: 'entry' });
    await ledger.recordFill({ order: { orderId: entry.id }, execId: 'A-1', quantity: '10', price: '100', fee: '1' });
    const exit = await openOrder(ledger, account.id, { symbol: 'AAPL', side: 'sell', quantity: '10', assetClass: 'equity', positionId: position.id, role: 'exit' });
    await ledger.recordFill({ order: { orderId: exit.id }, execId: 'A-2', quantity: '10', price: '103', fee: '1' });
    // (103 - 100) x 10 - 2 = 28 before the regulatory fee Alpaca posts later for the sale.
    expect((await ledger.getPosition({ positionId: position.id })).realizedPnl.toFixed()).toBe('28');

    const fee = { accountId: account.id, feeId: '20261120000000000::taf-1', order: { brokerOrderId: `B-${exit.id}` }, execId: 'A-2', amount: '0.17', currency: 'USD', kind: 'FEE' };
    expect((await ledger.recordFee(fee)).outcome).toBe('recorded');
    expect((await ledger.recordFee(fee)).outcome).toBe('duplicate');
    expect((await ledger.recordFee({ ...fee, source: 'broker_poll' })).outcome).toBe('duplicate');
    const conflict = await ledger.recordFee({ ...fee, amount: '0.18', currency: 'usd' }).catch((e: unknown) => e);
    expect(isFillbookError(conflict, 'FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT') && conflict.details).toEqual({ fee_id: fee.feeId, fields: ['amount'] });

    const p = await ledger.getPosition({ positionId: position.id });
    // 30 - 1 - 1 - 0.17, the late fee once.
    expect([p.realizedPnl.toFixed(), p.fees.toFixed(), p.status]).toEqual(['27.83', '2.17', 'closed']);
    expect(Object.fromEntries(Object.entries(p.feesByCurrency).map(([k, v]) => [k, v.toFixed()]))).toEqual({ USD: '2.17' });
    const fees = (await ledger.orderFees([exit])).get(exit.id)!;
    expect([fees.quoteCurrency, fees.fees.toFixed()]).toEqual(['USD', '1.17']);
    expect((await selectRecordedFees(db, account.id)).length).toBe(1);

    // An exec id the order does not have, and an order the account does not have, are refused.
    const wrongFill = await ledger.recordFee({ ...fee, feeId: 'other', execId: 'A-1' }).catch((e: unknown) => e);
    expect(isFillbookError(wrongFill, 'FILLBOOK_ERR_INVALID_INPUT')).toBe(true);
    const noOrder = await ledger.recordFee({ ...fee, feeId: 'other', order: { brokerOrderId: 'nope' }, execId: null }).catch((e: unknown) => e);
    expect(isFillbookError(noOrder, 'FILLBOOK_ERR_ORDER_NOT_FOUND')).toBe(true);

    // Recorded fees are append-only, like fills.
    const update = await db.query(`update fill_fees set amount = 0 where account_id = $1`, [account.id]).catch((e: unknown) => e);
    expect(String(update)).toMatch(/append-only/);
  });
});
