import { Decimal, priceDecimalPlaces, zero } from './decimal.js';
import type { AssetClass, OrderSide } from './vocabulary.js';

/** A fill with what the holding needs from its order. */
export interface HoldingFill {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  quantity: Decimal;
  price: Decimal;
  executedAt: string;
  execId: string;
}

/** The net quantity of an instrument in an account (what a broker calls a position). */
export interface Holding {
  symbol: string;
  assetClass: AssetClass;
  /** Signed: negative is short. */
  netQuantity: Decimal;
  /** Average cost of the net quantity (average-cost method); null when flat. */
  avgCost: Decimal | null;
}

/**
 * Folds all fills of an account in execution order. Adding to the net position moves the average
 * cost; reducing it leaves the average; crossing through zero starts a new average at the fill price.
 */
export function deriveHoldings(fills: readonly HoldingFill[]): Holding[] {
  const sorted = [...fills].sort((a, b) => (a.executedAt < b.executedAt ? -1 : a.executedAt > b.executedAt ? 1 : a.execId < b.execId ? -1 : 1));
  const book = new Map<string, { symbol: string; assetClass: AssetClass; net: Decimal; cost: Decimal | null }>();
  for (const fill of sorted) {
    const key = `${fill.assetClass}:${fill.symbol}`;
    const h = book.get(key) ?? { symbol: fill.symbol, assetClass: fill.assetClass, net: zero, cost: null };
    const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
    const next = h.net.plus(signed);
    if (h.net.isZero() || h.net.isNegative() === signed.isNegative()) {
      h.cost = (h.cost ?? zero).times(h.net.abs()).plus(fill.price.times(fill.quantity)).div(next.abs());
    } else if (next.isZero()) {
      h.cost = null;
    } else if (next.isNegative() !== h.net.isNegative()) {
      h.cost = fill.price;
    }
    h.net = next;
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
