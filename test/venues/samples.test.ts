import { describe, expect, it } from 'vitest';
import type { UnparsedVenueItem } from '../../src/venues/index.js';
import { parseAlpacaFillActivities, parseAlpacaOrder, parseAlpacaOrders } from '../../src/venues/alpaca/alpaca-payloads.js';
import { parseAlpacaFeeActivities } from '../../src/venues/alpaca/alpaca-fees.js';
import { parseTastyTransactionFee } from '../../src/venues/tastytrade/tastytrade-fees.js';
import { parseTradierOrders } from '../../src/venues/tradier/tradier-payloads.js';
import { tastyOrderReport } from '../../src/venues/tastytrade/tastytrade-mapping.js';
import { tastyList, tastyOrderSchema } from '../../src/venues/tastytrade/tastytrade-schemas.js';
import { sample, sampleNames, samplePlain, sourcesOf } from './samples/load.js';

/**
 * Every sample of the corpus goes through the parsers; each formerly failing row of issue 12 has
 * its real payload here. A file the venue's SOURCES.md does not name is refused: no sample without
 * its source.
 */
const venues = ['alpaca', 'tradier', 'tastytrade'] as const;

describe('sample corpus', () => {
  for (const venue of venues) {
    it(`names the source of every ${venue} sample`, () => {
      const sources = sourcesOf(venue);
      const names = sampleNames(venue);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(sources, `${venue}/${name} has no source in SOURCES.md`).toContain(`\`${name}\``);
    });
  }
});

describe('alpaca samples', () => {
  const skipped: UnparsedVenueItem[] = [];
  const skip = (item: UnparsedVenueItem) => skipped.push(item);

  it('reads the SDK order list (a stop order without a stop price, numbers as JSON numbers, a placeholder hwm)', () => {
    const [order] = parseAlpacaOrders(sample('alpaca', 'orders-list-sdk.json'), skip);
    expect(skipped).toEqual([]);
    expect([order!.report.symbol, order!.report.type, order!.report.status, order!.report.quantity.toFixed(), order!.report.trail]).toEqual(['SPY', 'stop', 'open', '1', undefined]);
  });

  it('reads a notional order (qty null): quantity is what has filled, the notional is kept', () => {
    const { report } = parseAlpacaOrder(sample('alpaca', 'order-notional.json'));
    expect([report.quantity.toFixed(), report.notional?.toFixed(), report.status, report.type]).toEqual(['0', '500', 'submitted', 'market']);
  });

  it('reads a trailing stop as an order of its own type, with its trail', () => {
    const { report } = parseAlpacaOrder(sample('alpaca', 'order-trailing-stop.json'));
    expect([report.type, report.side, report.quantity.toFixed(), report.stopPrice?.toFixed(), report.limitPrice]).toEqual(['trailing_stop', 'sell', '10', '178.2', null]);
    expect([report.trail?.percent?.toFixed(), report.trail?.price, report.trail?.highWaterMark?.toFixed()]).toEqual(['1', null, '180']);
  });

  it('reads an mleg order as a multi-leg order: units, legs with ratios and intents, the underlying as symbol', () => {
    const { report } = parseAlpacaOrder(sample('alpaca', 'order-mleg.json'));
    expect([report.symbol, report.assetClass, report.side, report.quantity.toFixed(), report.limitPrice?.toFixed(), report.type]).toEqual(['AAPL', 'option', 'buy', '2', '1.25', 'limit']);
    expect(report.legs?.map((l) => [l.symbol, l.side, l.ratio.toFixed(), l.positionEffect])).toEqual([
      ['AAPL250620C00200000', 'buy', '1', 'open'],
      ['AAPL250620C00210000', 'sell', '1', 'open'],
    ]);
  });

  it('reads the SDK FILL activities, fractional cumulative quantities exactly', () => {
    const { activities, rawIds } = parseAlpacaFillActivities(sample('alpaca', 'fill-activities.json'), skip);
    expect(skipped).toEqual([]);
    expect(rawIds).toHaveLength(activities.length);
    expect(activities[0]!.fill.execId).toBe('alpaca:cddf433b-1a41-497d-ae31-50b1fee56fff:1.792161878');
    expect(activities[0]!.fill.quantity.toFixed()).toBe('1.792161878');
  });

  it('keeps an unknown order class raw and reads the rest of the page', () => {
    const mleg = sample('alpaca', 'order-mleg.json') as Record<string, unknown>;
    const unknownStatus = { ...(sample('alpaca', 'order-trailing-stop.json') as Record<string, unknown>), id: 'c6a4a1a9-3b9e-4f8a-9d3e-2f1b7d6e5a42', status: 'teleported' };
    const mine: UnparsedVenueItem[] = [];
    const orders = parseAlpacaOrders([mleg, unknownStatus, sample('alpaca', 'order-notional.json')], (i) => mine.push(i));
    expect(orders.map((o) => o.report.venueOrderId)).toEqual([mleg.id, '61e69015-8549-4bfd-b9c3-01e75843f47d']);
    expect(mine.map((i) => [i.kind, i.venueItemId])).toEqual([['order', 'c6a4a1a9-3b9e-4f8a-9d3e-2f1b7d6e5a42']]);
    expect(mine[0]!.reason).toMatch(/unknown order status "teleported"/);
    expect(mine[0]!.payload).toBe(unknownStatus);
  });
});

describe('tradier samples', () => {
  it('reads combo and multileg orders in the account\'s order list (the page used to throw)', () => {
    const skipped: UnparsedVenueItem[] = [];
    const { snapshots, count } = parseTradierOrders(sample('tradier', 'orders-multileg-combo.json'), (i) => skipped.push(i));
    expect([skipped, count]).toEqual([[], 3]);
    const [equity, combo, multileg] = snapshots;
    expect([equity!.details?.legs, combo!.details?.type, combo!.details?.side, combo!.details?.limitPrice?.toFixed()]).toEqual([null, 'limit', 'buy', '42']);
    expect(combo!.details?.legs?.map((l) => [l.symbol, l.side, l.ratio.toFixed(), l.positionEffect])).toEqual([
      ['SPY', 'buy', '100', null],
      ['SPY180720C00274000', 'sell', '1', 'open'],
    ]);
    expect([multileg!.details?.side, multileg!.legs?.map((l) => [l.legId, l.executed.toFixed(), l.lastFillPrice?.toFixed()])]).toEqual(['sell', [['229124', '1', '1.15'], ['229125', '1', '1.95']]]);
  });

  it('keeps an order of a class it does not know raw and reads the rest of the page', () => {
    const page = sample('tradier', 'orders-multileg-combo.json') as { orders: { order: Record<string, unknown>[] } };
    const odd = { ...page.orders.order[0]!, id: '999001', class: 'oto' };
    const skipped: UnparsedVenueItem[] = [];
    const { snapshots } = parseTradierOrders({ orders: { order: [odd, ...page.orders.order] } }, (i) => skipped.push(i));
    expect(snapshots.map((o) => o.orderId)).toEqual(['228175', '229063', '229123']);
    expect(skipped.map((i) => [i.kind, i.venueItemId, i.payload === odd])).toEqual([['order', '999001', true]]);
    expect(skipped[0]!.reason).toMatch(/class "oto"/);
  });
});

describe('tastytrade samples', () => {
  it('reads orders/live items that carry no instant, with the time of the message that carried them, never the local clock', () => {
    // tastytrade's JSON is read with JSON.parse (its numbers are checked for exactness), as the adapter does.
    const page = tastyList(tastyOrderSchema).parse(samplePlain('tastytrade', 'orders-live-doc.json'));
    const carriedAt = '2019-10-01T14:00:00.000Z';
    const reports = page.data.items.map((o) => tastyOrderReport(o, carriedAt));
    expect(reports.map((r) => [r.venueOrderId, r.status, r.legs?.length ?? null, r.createdAt, r.updatedAt])).toEqual([
      ['54758826', 'open', null, carriedAt, carriedAt],
      ['53959020', 'canceled', 2, carriedAt, carriedAt],
    ]);
    expect(() => tastyOrderReport(page.data.items[0]!, null)).toThrow(/no instant in the order and none on the message/);
  });

  it('prefers the order\'s own instants when it has any (a fill\'s time over the message\'s)', () => {
    const page = tastyList(tastyOrderSchema).parse(samplePlain('tastytrade', 'orders-live-doc.json'));
    const order = { ...page.data.items[0]!, legs: [{ ...page.data.items[0]!.legs[0]!, fills: [{ 'fill-id': 'f1', quantity: page.data.items[0]!.legs[0]!.quantity, 'fill-price': page.data.items[0]!.price!, 'filled-at': '2019-10-01T13:30:00.000Z' }] }] };
    expect(tastyOrderReport(order, '2019-10-01T14:00:00.000Z').updatedAt).toBe('2019-10-01T13:30:00.000Z');
  });

  it('reads the fees of the SDK transactions: one fee per transaction, signed by its effects, on its order or, with none, on its instrument', () => {
    const items = (sample('tastytrade', 'transactions-sdk.json') as { data: { items: unknown[] } }).data.items;
    const parsed = items.map(parseTastyTransactionFee);
    expect(parsed.map((p) => p.kind)).toEqual(['fee', 'nothing', 'fee']);
    const [trade, , assignment] = parsed.map((p) => (p.kind === 'fee' ? { ...p.report, amount: p.report.amount.toFixed(), raw: undefined } : null));
    // 0.042 regulatory + 0.40 clearing + 40.0 commission, all Debit; the 0.0 proprietary index fee (None) is not charged.
    expect(trade).toEqual({ feeId: 'tastytrade:2455333333', venueOrderId: '272610989', execId: null, symbol: null, assetClass: null, amount: '40.442', currency: 'USD', kind: 'Trade: commission, clearing-fees, regulatory-fees (estimated)', chargedAt: '2023-06-12T13:53:08.199Z', raw: undefined });
    expect(assignment).toMatchObject({ feeId: 'tastytrade:245478958', venueOrderId: null, symbol: 'RIVN', assetClass: 'equity', amount: '200', currency: 'USD' });
  });

  it('a credit is a refund, and a fee without its effect is unreadable, never guessed', () => {
    const trade = (samplePlain('tastytrade', 'transactions-sdk.json') as { data: { items: Record<string, unknown>[] } }).data.items[0]!;
    const refund = parseTastyTransactionFee({ ...trade, 'commission-effect': 'Credit' });
    expect(refund.kind === 'fee' && refund.report.amount.toFixed()).toBe('-39.558');
    const { 'clearing-fees-effect': _, ...noEffect } = trade;
    const unreadable = parseTastyTransactionFee(noEffect);
    expect(unreadable.kind === 'unreadable' && unreadable.reason).toMatch(/clearing-fees without its effect/);
    expect(parseTastyTransactionFee({ ...trade, 'regulatory-fees-effect': 'Sideways' }).kind).toBe('unreadable');
  });
});

describe('alpaca fee samples', () => {
  it('reads the documented crypto fee as the asset it took, and a daily regulatory fee as the whole account\'s (no order, no instrument)', () => {
    const [cfee, taf] = parseAlpacaFeeActivities(sample('alpaca', 'fee-activities.json'));
    expect(cfee?.kind === 'fee' && [cfee.report.symbol, cfee.report.amount.toFixed(), cfee.report.currency, cfee.report.kind]).toEqual(['ETH/USD', '0.000195', 'ETH', 'CFEE']);
    expect(taf?.kind === 'fee' && { ...taf.report, amount: taf.report.amount.toFixed(), raw: undefined }).toEqual({
      feeId: 'alpaca:20220812000000000::53be51ba-46f9-43de-b81f-576f241dc681', venueOrderId: null, execId: null, symbol: null, assetClass: null,
      amount: '0.01', currency: 'USD', kind: 'FEE/TAF', chargedAt: '2022-08-12T00:00:00.000Z', raw: undefined,
    });
  });
});
