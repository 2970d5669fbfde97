import { Decimal, type OrderSide, priceDecimalPlaces, zero } from '../../domain/index.js';
import type { VenueFillReport } from '../venue.js';
import { remember } from '../wire.js';

/**
 * Fills derived from Tradier's order snapshots. Tradier reports no executions, only the order after
 * each change: its executed quantity (cumulative), the last fill's quantity and price, the average
 * price. A fill is named by its order and the cumulative quantity it brought the order to,
 * `tradier:<order id>:<cumulative quantity>`, so whoever derives it from the same snapshot (the
 * stream, a REST read, another instance) names it the same and the ledger counts it once.
 *
 * What a snapshot proves: the last fill (`last_fill_quantity` at `last_fill_price`, ending at the
 * executed quantity). What came before it is known only to an observer that saw the order from
 * nothing: the journal derives the rest (a gap left by a lost snapshot) only then, at the price that
 * makes the average come out right. Otherwise the gap is left to reconciliation, which infers it
 * against the ledger's own fills rather than guessing here.
 */
export function tradierExecId(orderId: string, cumulativeQuantity: Decimal): string {
  return `tradier:${orderId}:${cumulativeQuantity.toFixed()}`;
}

export interface FillObservation {
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: OrderSide;
  createdAt: string;
  executed: Decimal;
  lastFillQuantity: Decimal | null;
  lastFillPrice: Decimal | null;
  avgFillPrice: Decimal | null;
  at: string;
}

interface OrderFills {
  createdAt: string;
  /** The executed quantity the journal has accounted for. */
  executed: Decimal;
  /** Every fill from nothing to `executed` was derived here (so their notional is known). */
  complete: boolean;
  notional: Decimal;
  fills: VenueFillReport[];
}

export class TradierFillJournal {
  private readonly orders = new Map<string, OrderFills>();

  constructor(private readonly ordersMax: number) {}

  /** An order just placed has executed nothing: every later fill of it can be derived. */
  begin(orderId: string, createdAt: string): void {
    if (!this.orders.has(orderId)) remember(this.orders, orderId, { createdAt, executed: zero, complete: true, notional: zero, fills: [] }, this.ordersMax);
  }

  executedOf(orderId: string): Decimal | undefined {
    return this.orders.get(orderId)?.executed;
  }

  /** The fills a snapshot reveals that the journal had not derived; none for an old or repeated one. */
  observe(o: FillObservation): VenueFillReport[] {
    const known = this.orders.get(o.orderId);
    const base = known?.executed ?? null;
    if (!o.executed.gt(base ?? zero)) return [];
    const last = o.lastFillQuantity !== null && o.lastFillQuantity.gt(0) && o.lastFillQuantity.lte(o.executed) ? o.lastFillQuantity : null;
    const complete = known?.complete ?? false;
    const notional = known?.notional ?? zero;
    const fill = (cumulative: Decimal, quantity: Decimal, price: Decimal): VenueFillReport => ({
      execId: tradierExecId(o.orderId, cumulative),
      venueOrderId: o.orderId,
      clientOrderId: o.clientOrderId,
      leg: null,
      symbol: o.symbol,
      side: o.side,
      quantity,
      price,
      // Tradier's order carries no commission; its fees appear in the account history only.
      fee: zero,
      feeCurrency: 'USD',
      liquidity: null,
      executedAt: o.at,
    });
    /** The price of `quantity` ending the order's notional at average x executed, after `before` and `after`. */
    const derived = (quantity: Decimal, before: Decimal, after: Decimal): Decimal | null => {
      if (o.avgFillPrice === null) return null;
      const price = o.avgFillPrice.times(o.executed).minus(before).minus(after).div(quantity).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);
      return price.gt(0) ? price : null;
    };

    const found: VenueFillReport[] = [];
    let nowComplete = false;
    const from = base ?? zero;
    if (last !== null && o.executed.minus(last).eq(from) && (base !== null || from.isZero())) {
      // The last fill is all that is new.
      const price = o.lastFillPrice ?? (from.isZero() ? o.avgFillPrice : complete ? derived(last, notional, zero) : null);
      if (price !== null) found.push(fill(o.executed, last, price));
      nowComplete = price !== null && (from.isZero() || complete);
    } else if (last !== null && o.lastFillPrice !== null) {
      // More is new than the last fill: a snapshot was missed, or the order was never seen before.
      const gapEnd = o.executed.minus(last);
      const lastNotional = last.times(o.lastFillPrice);
      const gapPrice = base !== null && complete && gapEnd.gt(from) ? derived(gapEnd.minus(from), notional, lastNotional) : null;
      if (gapPrice !== null) found.push(fill(gapEnd, gapEnd.minus(from), gapPrice));
      found.push(fill(o.executed, last, o.lastFillPrice));
      nowComplete = gapPrice !== null;
    } else if (base !== null && complete) {
      // No word of the last fill: the whole step at the average's price.
      const price = derived(o.executed.minus(from), notional, zero);
      if (price !== null) found.push(fill(o.executed, o.executed.minus(from), price));
      nowComplete = price !== null;
    }
    remember(
      this.orders,
      o.orderId,
      {
        createdAt: known?.createdAt ?? o.createdAt,
        executed: o.executed,
        complete: nowComplete,
        notional: found.reduce((sum, f) => sum.plus(f.quantity.times(f.price)), nowComplete ? notional : zero),
        fills: [...(known?.fills ?? []), ...found],
      },
      this.ordersMax,
    );
    return found;
  }

  /** Every fill derived, with the order's creation time (for paging by creation window). */
  *entries(): Iterable<{ createdAt: string; fills: readonly VenueFillReport[] }> {
    for (const o of this.orders.values()) yield o;
  }

  fillsOf(orderId: string): readonly VenueFillReport[] {
    return this.orders.get(orderId)?.fills ?? [];
  }
}
