import { averagePrice, Decimal, formatDecimal, priceDecimalPlaces, zero } from './decimal.js';
import { FillbookError } from './errors.js';
import type { Fill } from './fill.js';
import type { AssetClass, OrderSide } from './vocabulary.js';

/**
 * Multi-leg orders (option spreads): one order at the venue whose legs each trade their own
 * instrument. The order's quantity counts units (spreads); a leg trades `ratio` contracts per unit.
 * The order's side says which way the net price goes (`buy` a net debit, `sell` a net credit), its
 * limit price is the net price per unit and its symbol a label the caller chooses (the underlying).
 */
export const legsMin = 2;
export const legsMax = 4;

export const positionEffects = ['open', 'close'] as const;
export type PositionEffect = (typeof positionEffects)[number];

export interface OrderLeg {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  /** Contracts of this leg per unit of the order; positive. */
  ratio: Decimal;
  /** What the leg does to the holding, when the venue wants to be told (tastytrade does). */
  positionEffect: PositionEffect | null;
}

/** What has filled of one leg, in the leg's own contracts: the fold of its fills. */
export interface LegProgress {
  qtyFilled: Decimal;
  /** Sum of quantity x price over the leg's fills, exact. */
  filledNotional: Decimal;
}

export const emptyLegProgress = (legs: readonly OrderLeg[]): LegProgress[] => legs.map(() => ({ qtyFilled: zero, filledNotional: zero }));

/** The leg a fill belongs to; a coded error when the fill names none, or one the order does not have. */
export function legOfFill(orderId: string, legs: readonly OrderLeg[] | null, fill: Pick<Fill, 'execId' | 'leg'>): number | null {
  if (legs === null) {
    if (fill.leg === null) return null;
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `fill ${fill.execId} names leg ${fill.leg} but order ${orderId} has no legs; leave leg out`, {
      field: 'leg',
      order_id: orderId,
      exec_id: fill.execId,
    });
  }
  if (fill.leg === null || !Number.isInteger(fill.leg) || fill.leg < 1 || fill.leg > legs.length) {
    throw new FillbookError(
      'FILLBOOK_ERR_INVALID_INPUT',
      `order ${orderId} has ${legs.length} legs; fill ${fill.execId} must name one of them as leg 1 to ${legs.length} (got ${fill.leg === null ? 'none' : String(fill.leg)})`,
      { field: 'leg', order_id: orderId, exec_id: fill.execId },
    );
  }
  return fill.leg - 1;
}

/** Decimal places of complete units when a ratio does not divide a leg's quantity exactly. */
export const unitDecimalPlaces = 12;

/**
 * Complete units: the fewest units any leg has filled (leg quantity / ratio). Units are fractional
 * only when a leg's fills are, since the quotient is exact for the ratios venues allow (integers);
 * any other quotient is cut to `unitDecimalPlaces`, rounding down so a unit is never overstated.
 */
export function completeUnits(legs: readonly OrderLeg[], progress: readonly LegProgress[]): Decimal {
  let units: Decimal | null = null;
  for (let i = 0; i < legs.length; i++) {
    const leg = progress[i]!.qtyFilled.div(legs[i]!.ratio).toDecimalPlaces(unitDecimalPlaces, Decimal.ROUND_DOWN);
    units = units === null || leg.lt(units) ? leg : units;
  }
  return units ?? zero;
}

/**
 * The net price per unit once every leg has a fill: |sum of (buy +1, sell -1) x ratio x the leg's
 * average price|, rounded once, half to even at the price precision. Null before that.
 */
export function netUnitPrice(legs: readonly OrderLeg[], progress: readonly LegProgress[]): Decimal | null {
  let net = zero;
  for (let i = 0; i < legs.length; i++) {
    const p = progress[i]!;
    if (p.qtyFilled.isZero()) return null;
    const leg = legs[i]!;
    const perUnit = p.filledNotional.div(p.qtyFilled).times(leg.ratio);
    net = leg.side === 'buy' ? net.plus(perUnit) : net.minus(perUnit);
  }
  return net.abs().toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);
}

/** A leg's average fill price, or null before its first fill. */
export function legAveragePrice(p: LegProgress): Decimal | null {
  return p.qtyFilled.isZero() ? null : averagePrice(p.filledNotional, p.qtyFilled);
}

/** The canonical text of legs for the request fingerprint. */
export function legsFingerprint(legs: readonly OrderLeg[]): unknown[] {
  return legs.map((l) => [l.symbol, l.assetClass, l.side, formatDecimal(l.ratio), l.positionEffect]);
}
