import type { Decimal } from './decimal.js';
import type { EventSource, LiquiditySide } from './vocabulary.js';

/** One execution at the venue. `execId` is unique per account: the venue's id or one derived from its data. */
export interface Fill {
  id: string;
  accountId: string;
  orderId: string;
  execId: string;
  /** 1-based index into the order's legs for a multi-leg order's fill; null otherwise. Quantity and price are the leg's. */
  leg: number | null;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  feeCurrency: string | null;
  liquidity: LiquiditySide | null;
  executedAt: string;
  receivedAt: string;
  source: EventSource;
}

/**
 * Whether a second delivery of an `execId` describes the same execution. Venues redeliver the same
 * execution through different channels (stream, poll, webhook) with different receive times and
 * sometimes without the fee, so only the order, quantity, price and a fee both sides state are
 * compared; a fee's currency too when both state one (0.001 BTC is not 0.001 BNB).
 */
export function describesSameExecution(recorded: Fill, delivered: Fill, deliveredHasFee: boolean): boolean {
  const sameCurrency = recorded.feeCurrency === null || delivered.feeCurrency === null || recorded.feeCurrency.toUpperCase() === delivered.feeCurrency.toUpperCase();
  return (
    recorded.orderId === delivered.orderId &&
    recorded.leg === delivered.leg &&
    recorded.quantity.eq(delivered.quantity) &&
    recorded.price.eq(delivered.price) &&
    (!deliveredHasFee || (recorded.fee.eq(delivered.fee) && sameCurrency))
  );
}
