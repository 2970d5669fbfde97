import { Decimal, priceDecimalPlaces, zero } from './decimal.js';
import { baseAssetFee, baseAssetOf, type FeeCharge, type RecordedFee } from './fees.js';
import type { AssetClass, OrderSide } from './vocabulary.js';

/** A fill with what the holding needs from its order. */
export interface HoldingFill {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  quantity: Decimal;
  /** Null for an opening balance (from a history import): the venue does not say what it cost. */
  price: Decimal | null;
  /** The fill's own fee: taken in the base asset of a spot pair, it leaves the holding. */
  fee: Decimal;
  feeCurrency: string | null;
  executedAt: string;
  execId: string;
}

/** The net quantity of an instrument in an account (what a broker calls a position). */
export interface Holding {
  symbol: string;
  assetClass: AssetClass;
  /** Signed: negative is short. Net of fees taken in the base asset, so it is the venue's balance. */
  netQuantity: Decimal;
  /** Average cost of the net quantity (average-cost method); null when flat. */
  avgCost: Decimal | null;
}

type Step = { at: string; key: string; symbol: string; assetClass: AssetClass; fill: HoldingFill | null; baseFee: Decimal };

/** Fees in the base asset, whatever the account's currency: only the pair decides. */
const baseFeeOf = (fee: FeeCharge, symbol: string, assetClass: AssetClass) => baseAssetFee(fee, { quote: '', baseAsset: baseAssetOf(symbol, assetClass) });

/**
 * Folds all fills of an account in execution order. Adding to the net position moves the average
 * cost; reducing it leaves the average; crossing through zero starts a new average at the fill price.
 * A fee taken in the base asset of a spot pair (on the fill, or reported later: `recordedFees`)
 * takes that much of the asset away and leaves the average; a fee reported later for a fill counts
 * at that fill, any other at the time it was charged. Storage sums the same net quantity in SQL
 * (`selectNetBySymbol`); a test holds the two together.
 */
export function deriveHoldings(fills: readonly HoldingFill[], recordedFees: readonly RecordedFee[]): Holding[] {
  const fillAt = new Map(fills.map((f) => [f.execId, f.executedAt]));
  const steps: Step[] = [
    ...fills.map((fill) => ({ at: fill.executedAt, key: fill.execId, symbol: fill.symbol, assetClass: fill.assetClass, fill, baseFee: baseFeeOf({ amount: fill.fee, currency: fill.feeCurrency }, fill.symbol, fill.assetClass) })),
    // A fee of the whole account (no instrument) holds nothing: it is in no holding.
    ...recordedFees.flatMap((fee) => {
      if (fee.symbol === null || fee.assetClass === null) return [];
      const at = fee.execId === null ? undefined : fillAt.get(fee.execId);
      return [{ at: at ?? fee.chargedAt, key: at === undefined ? `~${fee.feeId}` : `${fee.execId}\u0000${fee.feeId}`, symbol: fee.symbol, assetClass: fee.assetClass, fill: null, baseFee: baseFeeOf(fee, fee.symbol, fee.assetClass) }];
    }),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const book = new Map<string, { symbol: string; assetClass: AssetClass; net: Decimal; cost: Decimal | null; costUnknown: boolean }>();
  for (const step of steps) {
    const key = `${step.assetClass}:${step.symbol}`;
    const h = book.get(key) ?? { symbol: step.symbol, assetClass: step.assetClass, net: zero, cost: null, costUnknown: false };
    const fill = step.fill;
    if (fill !== null) {
      const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
      const next = h.net.plus(signed);
      // Quantity of unknown cost (an opening balance) leaves the average unknown until the holding is flat or crosses zero.
      if (next.isZero() || (!h.net.isZero() && next.isNegative() !== h.net.isNegative())) h.costUnknown = false;
      if (fill.price === null) {
        h.costUnknown = !next.isZero();
        h.cost = null;
      } else if (h.net.isZero() || h.net.isNegative() === signed.isNegative()) {
        h.cost = h.costUnknown ? null : (h.cost ?? zero).times(h.net.abs()).plus(fill.price.times(fill.quantity)).div(next.abs());
      } else if (next.isZero()) {
        h.cost = null;
      } else if (next.isNegative() !== h.net.isNegative()) {
        h.cost = fill.price;
      }
      h.net = next;
    }
    if (!step.baseFee.isZero()) {
      h.net = h.net.minus(step.baseFee);
      if (h.net.isZero()) h.cost = null;
    }
    book.set(key, h);
  }
  return [...book.values()]
    .map((h) => ({
      symbol: h.symbol,
      assetClass: h.assetClass,
      netQuantity: h.net,
      avgCost: h.net.isZero() || h.cost === null ? null : h.cost.toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN),
    }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
