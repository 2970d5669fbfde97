import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  Decimal,
  decodeOrderEvent,
  encodeOrderEvent,
  type FillbookError,
  isFillbookError,
  type Order,
  type OrderEvent,
  type OrderLeg,
  orderFingerprint,
  planFillImport,
  replayOrder,
  type VenueFillReport,
  type VenueOrderReport,
  validateOrderRequest,
} from '../../src/domain/index.js';
import { created, event, fillEvent, spec } from '../support/orders.js';

const leg = (symbol: string, side: 'buy' | 'sell', ratio = '1'): OrderLeg => ({ symbol, assetClass: 'option', side, ratio: new Decimal(ratio), positionEffect: 'open' });

/** A bull call spread: buy the 100 call, sell the 110 call, 2 units at a net debit of 3.00. */
const vertical = () => created({ symbol: 'SPY', assetClass: 'option', quantity: new Decimal(2), limitPrice: new Decimal('3.00'), legs: [leg('SPY C100', 'buy'), leg('SPY C110', 'sell')] });

/** An iron condor: sell the 95 put and 105 call, buy the 90 put and 110 call, 3 units at a net credit. */
const condor = () =>
  created({
    symbol: 'SPY',
    assetClass: 'option',
    side: 'sell',
    quantity: new Decimal(3),
    limitPrice: new Decimal('1.20'),
    legs: [leg('SPY P90', 'buy'), leg('SPY P95', 'sell'), leg('SPY C105', 'sell'), leg('SPY C110', 'buy')],
  });

function legFill(execId: string, legNo: number | null, quantity: string, price: string, seconds = 1, fee = '0'): OrderEvent {
  const e = fillEvent(execId, quantity, price, seconds, fee);
  if (e.type !== 'filled') throw new Error('unreachable');
  return { ...e, fill: { ...e.fill, leg: legNo } };
}

function applyAll(order: Order, events: readonly OrderEvent[]): Order {
  return events.reduce((o, e) => applyOrderEvent(o, e), order);
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'accepted';
  } catch (error) {
    if (!isFillbookError(error)) throw error;
    return `${error.code}${error.details.field === undefined ? '' : ` ${String(error.details.field)}`}`;
  }
}

/** The stored encoding of events, decoded, replays to the order that folding them gave. */
function expectReplayEqualsFold(start: Order, events: readonly OrderEvent[], folded: Order): void {
  const createdEvent: OrderEvent = { type: 'created', at: start.createdAt, recordedAt: start.updatedAt, source: 'api', order: start };
  const stored = [createdEvent, ...events].map((e) => decodeOrderEvent(JSON.parse(JSON.stringify(encodeOrderEvent(e)))));
  expect(JSON.stringify(replayOrder(stored))).toBe(JSON.stringify(folded));
}

describe('multi-leg orders', () => {
  it('counts complete units: one leg filled is partially_filled with no unit; both legs make units and a net price', () => {
    const start = vertical();
    const longLeg = applyAll(start, [event({ type: 'accepted', brokerOrderId: 'B-1' }), legFill('L1', 1, '2', '5.00')]);
    // A filled leg with its partner unfilled is held exposure: partially filled, zero complete units.
    expect([longLeg.status, longLeg.qtyFilled.toFixed(), longLeg.avgFillPrice]).toEqual(['partially_filled', '0', null]);
    const half = applyOrderEvent(longLeg, legFill('S1', 2, '1', '2.00', 2));
    // Net per unit: +1 x 5.00 - 1 x 2.00 = 3.00; one complete unit of two.
    expect([half.status, half.qtyFilled.toFixed(), half.qtyRemaining.toFixed(), half.avgFillPrice?.toFixed()]).toEqual(['partially_filled', '1', '1', '3']);
    const done = applyOrderEvent(half, legFill('S2', 2, '1', '2.50', 3));
    // Short leg average 2.25: net 5.00 - 2.25 = 2.75; notional 10 + 2 + 2.5.
    expect([done.status, done.qtyFilled.toFixed(), done.avgFillPrice?.toFixed(), done.filledNotional.toFixed()]).toEqual(['filled', '2', '2.75', '14.5']);
    expect(done.legFills?.map((p) => [p.qtyFilled.toFixed(), p.filledNotional.toFixed()])).toEqual([['2', '10'], ['2', '4.5']]);
    expectReplayEqualsFold(start, [event({ type: 'accepted', brokerOrderId: 'B-1' }), legFill('L1', 1, '2', '5.00'), legFill('S1', 2, '1', '2.00', 2), legFill('S2', 2, '1', '2.50', 3)], done);
  });

  it('fills an iron condor leg by leg with fractional units only where the legs are fractional, and sums fees', () => {
    const start = condor();
    const events = [
      legFill('A', 1, '3', '0.50', 1, '0.65'),
      legFill('B', 2, '3', '1.40', 2, '0.65'),
      legFill('C', 3, '1.5', '1.10', 3, '0.65'),
      legFill('D', 4, '3', '0.40', 4, '0.65'),
    ];
    const order = applyAll(start, events);
    // Units: min(3, 3, 1.5, 3) = 1.5. Net: |+0.50 - 1.40 - 1.10 + 0.40| = 1.60 credit per unit.
    expect([order.status, order.qtyFilled.toFixed(), order.avgFillPrice?.toFixed(), order.fees.toFixed()]).toEqual(['partially_filled', '1.5', '1.6', '2.6']);
    expectReplayEqualsFold(start, events, order);
  });

  it('quarantines a leg fill beyond ratio x quantity as an overfill, naming the leg', () => {
    const ratioTwo = created({ symbol: 'SPY', quantity: new Decimal(2), legs: [leg('SPY C100', 'buy'), leg('SPY C110', 'sell', '2')] });
    const filled = applyAll(ratioTwo, [legFill('S1', 2, '4', '2.00')]);
    expect(filled.legFills?.[1]?.qtyFilled.toFixed()).toBe('4');
    let error: FillbookError | undefined;
    try {
      applyOrderEvent(filled, legFill('S2', 2, '0.5', '2.00'));
    } catch (e) {
      error = e as FillbookError;
    }
    expect([error?.code, error?.details.leg]).toEqual(['FILLBOOK_ERR_OVERFILL', 2]);
    expect(codeOf(() => applyOrderEvent(filled, legFill('L1', 1, '3', '5.00')))).toBe('FILLBOOK_ERR_OVERFILL');
  });

  it('refuses a fill without a leg, with a leg the order lacks, and a leg on a single-instrument order', () => {
    expect(codeOf(() => applyOrderEvent(vertical(), legFill('X', null, '1', '5')))).toBe('FILLBOOK_ERR_INVALID_INPUT leg');
    expect(codeOf(() => applyOrderEvent(vertical(), legFill('X', 3, '1', '5')))).toBe('FILLBOOK_ERR_INVALID_INPUT leg');
    expect(codeOf(() => applyOrderEvent(vertical(), legFill('X', 0, '1', '5')))).toBe('FILLBOOK_ERR_INVALID_INPUT leg');
    expect(codeOf(() => applyOrderEvent(created(), legFill('X', 1, '1', '5')))).toBe('FILLBOOK_ERR_INVALID_INPUT leg');
  });

  it('refuses an amendment that would leave a leg overfilled', () => {
    const order = applyAll(vertical(), [event({ type: 'accepted', brokerOrderId: null }), legFill('L1', 1, '2', '5.00')]);
    expect(codeOf(() => applyOrderEvent(order, event({ type: 'amended', quantity: new Decimal(1), limitPrice: null, stopPrice: null }, 2)))).toBe('FILLBOOK_ERR_INVALID_AMENDMENT');
    expect(applyOrderEvent(order, event({ type: 'amended', quantity: new Decimal(3), limitPrice: null, stopPrice: null }, 2)).quantity.toFixed()).toBe('3');
  });

  it('gives the same figures whatever order the legs fills arrive in (property)', () => {
    const qty = fc.integer({ min: 1, max: 40 }).map((n) => new Decimal(n).div(10).toFixed());
    const price = fc.integer({ min: 0, max: 50_000 }).map((n) => new Decimal(n).div(100).toFixed());
    const fillArb = fc.record({ leg: fc.integer({ min: 1, max: 4 }), quantity: qty, price, second: fc.integer({ min: 1, max: 3600 }) });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 16 }), fc.infiniteStream(fc.nat()), (fills, seeds) => {
        const start = created({ symbol: 'SPY', quantity: new Decimal(100), legs: [leg('P90', 'buy'), leg('P95', 'sell', '2'), leg('C105', 'sell', '2'), leg('C110', 'buy')] });
        const events = fills.map((f, i) => legFill(`e${i}`, f.leg, f.quantity, f.price, f.second));
        const shuffled = events.map((e) => ({ e, k: seeds.next().value })).sort((a, b) => a.k - b.k).map(({ e }) => e);
        const a = applyAll(start, events);
        const b = applyAll(start, shuffled);
        for (const field of ['status', 'qtyFilled', 'qtyRemaining', 'filledNotional', 'avgFillPrice', 'fees', 'legFills', 'firstFillAt', 'lastFillAt'] as const) {
          expect(JSON.stringify(a[field])).toBe(JSON.stringify(b[field]));
        }
        // Complete units never exceed what any leg holds, and the row replays from its events.
        for (const [i, l] of (start.legs ?? []).entries()) expect(a.qtyFilled.times(l.ratio).lte(a.legFills![i]!.qtyFilled)).toBe(true);
        expectReplayEqualsFold(start, shuffled, b);
      }),
      { numRuns: 200 },
    );
  });
});

describe('multi-leg requests', () => {
  const request = (legs: unknown, extra: Record<string, unknown> = {}) =>
    validateOrderRequest({ accountId: spec().accountId, symbol: 'SPY', side: 'buy', type: 'limit', quantity: '2', limitPrice: '3.00', legs: legs as never, ...extra });
  const legReq = (symbol: string, side = 'buy', ratio = '1', extra: Record<string, unknown> = {}) => ({ symbol, assetClass: 'option', side, ratio, ...extra });

  it('validates legs with coded errors naming the field', () => {
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'sell')]))).toBe('accepted');
    expect(codeOf(() => request([legReq('C100')]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs');
    expect(codeOf(() => request(['A', 'B', 'C', 'D', 'E'].map((s) => legReq(s))))).toBe('FILLBOOK_ERR_INVALID_INPUT legs');
    expect(codeOf(() => request([legReq('C100'), legReq('C100', 'sell')]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs[1].symbol');
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'sell', '0')]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs[1].ratio');
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'sell', '1e2')]))).toBe('FILLBOOK_ERR_INVALID_DECIMAL legs[1].ratio');
    expect(codeOf(() => request([legReq('C100'), { ...legReq('C110', 'sell'), assetClass: 'bond' }]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs[1].asset_class');
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'short')]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs[1].side');
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'sell', '1', { positionEffect: 'roll' })]))).toBe('FILLBOOK_ERR_INVALID_INPUT legs[1].position_effect');
    expect(codeOf(() => request([legReq('C100'), legReq('C110', 'sell')], { type: 'stop_limit', stopPrice: '2' }))).toBe('FILLBOOK_ERR_INVALID_INPUT type');
  });

  it('takes the legs asset class and fingerprints the legs; a single-instrument fingerprint is unchanged', () => {
    const a = request([legReq('C100'), legReq('C110', 'sell')]);
    expect(a.assetClass).toBe('option');
    const fingerprint = (r: ReturnType<typeof request>) => orderFingerprint({ ...r, assetClass: r.assetClass ?? 'equity' });
    expect(fingerprint(request([legReq('C100'), legReq('C110', 'sell', '1.0')]))).toBe(fingerprint(a));
    expect(fingerprint(request([legReq('C100'), legReq('C110', 'sell', '2')]))).not.toBe(fingerprint(a));
    const single = { ...spec(), legs: null };
    expect(orderFingerprint(single)).toBe(JSON.stringify(['AAPL', 'equity', 'buy', 'limit', '10', '2.5', null, 'day', null, 'entry']));
  });
});

describe('multi-leg fill import', () => {
  const report = (legs: OrderLeg[] | null, filled: string): VenueOrderReport => ({
    venueOrderId: 'V-1',
    clientOrderId: 'c-1',
    symbol: 'SPY',
    assetClass: 'option',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    quantity: new Decimal(2),
    limitPrice: new Decimal(3),
    stopPrice: null,
    legs,
    status: 'partially_filled',
    filledQuantity: new Decimal(filled),
    avgFillPrice: new Decimal(3),
    reason: null,
    createdAt: '2026-11-20T14:30:00.000Z',
    updatedAt: '2026-11-20T14:30:00.000Z',
  });
  const venueFill = (execId: string, legNo: number, symbol: string): VenueFillReport => ({
    execId,
    venueOrderId: 'V-1',
    clientOrderId: 'c-1',
    leg: legNo,
    symbol,
    side: legNo === 1 ? 'buy' : 'sell',
    quantity: new Decimal(1),
    price: new Decimal(legNo === 1 ? 5 : 2),
    fee: new Decimal(0),
    feeCurrency: null,
    liquidity: null,
    executedAt: '2026-11-20T14:30:01.000Z',
  });

  it('imports the missing leg fills with their legs and infers nothing for a spread', () => {
    const legs = [leg('SPY C100', 'buy'), leg('SPY C110', 'sell')];
    const plan = planFillImport(new Decimal(0), new Decimal(0), new Set(['F1']), report(legs, '2'), [venueFill('F1', 1, 'SPY C100'), venueFill('F2', 2, 'SPY C110')]);
    expect(plan.missing.map((f) => [f.execId, f.leg, f.symbol])).toEqual([['F2', 2, 'SPY C110']]);
    // Units do not say which leg lacks contracts: nothing is inferred (a single order would infer).
    expect(plan.inferred).toBeNull();
    expect(planFillImport(new Decimal(0), new Decimal(0), new Set(), report(null, '2'), []).inferred?.quantity.toFixed()).toBe('2');
  });
});
