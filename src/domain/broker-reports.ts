import type { Decimal } from './decimal.js';
import type { OrderLeg } from './order-legs.js';
import type { OrderStatus } from './order-status.js';
import type { AssetClass, LiquiditySide, OrderSide, OrderType, TimeInForce } from './vocabulary.js';

/**
 * What a venue reports, already parsed at the adapter's edge into Fillbook's terms. Reconciliation
 * and the stream consumer work on these; the adapters produce them.
 */
export interface VenueOrderReport {
  venueOrderId: string;
  clientOrderId: string | null;
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: Decimal;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  /** A multi-leg order's legs (then `quantity` counts units and `filledQuantity` complete units); null for one instrument. */
  legs: readonly OrderLeg[] | null;
  /** The venue's status mapped onto Fillbook's. */
  status: OrderStatus;
  filledQuantity: Decimal;
  /** The venue's average fill price, when it reports one. */
  avgFillPrice: Decimal | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * A trailing stop's trail, as the venue reports it: a percent or an amount away from the high
   * (low) water mark, and that mark. `stopPrice` is the trigger the venue computes from them.
   */
  trail?: TrailReport | null;
  /**
   * An order for an amount of money (Alpaca's notional orders): `quantity` is then what has filled
   * so far, since the quantity is known only once it has traded.
   */
  notional?: Decimal | null;
}

export interface TrailReport {
  percent: Decimal | null;
  price: Decimal | null;
  highWaterMark: Decimal | null;
}

export interface VenueFillReport {
  execId: string;
  venueOrderId: string;
  clientOrderId: string | null;
  /** 1-based leg of a multi-leg order (then symbol, side, quantity and price are the leg's); null for one instrument. */
  leg: number | null;
  symbol: string;
  side: OrderSide;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  feeCurrency: string | null;
  liquidity: LiquiditySide | null;
  executedAt: string;
}

export interface VenuePositionReport {
  symbol: string;
  assetClass: AssetClass;
  /** Signed: negative is short. */
  netQuantity: Decimal;
}

