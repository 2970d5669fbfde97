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
/**
 * The fields in which a second delivery of an `execId` differs from the recorded fill, in the API's
 * words; none when it describes the same execution. Venues redeliver the same execution through
 * different channels (stream, poll, webhook) with different receive times and sometimes without the
 * fee, so only the order, leg, quantity, price and a fee both sides state are compared; a fee's
 * currency too when both state one (0.001 BTC is not 0.001 BNB).
 */
export function differingFields(recorded: Fill, delivered: Fill, deliveredHasFee: boolean): string[] {
  const differs: string[] = [];
  if (recorded.orderId !== delivered.orderId) differs.push('order_id');
  if (recorded.leg !== delivered.leg) differs.push('leg');
  if (!recorded.quantity.eq(delivered.quantity)) differs.push('quantity');
  if (!recorded.price.eq(delivered.price)) differs.push('price');
  if (deliveredHasFee && !recorded.fee.eq(delivered.fee)) differs.push('fee');
  const sameCurrency = recorded.feeCurrency === null || delivered.feeCurrency === null || recorded.feeCurrency.toUpperCase() === delivered.feeCurrency.toUpperCase();
  if (deliveredHasFee && !sameCurrency) differs.push('fee_currency');
  return differs;
}

/** Whether a second delivery of an `execId` describes the same execution (see `differingFields`). */
export function describesSameExecution(recorded: Fill, delivered: Fill, deliveredHasFee: boolean): boolean {
  return differingFields(recorded, delivered, deliveredHasFee).length === 0;
}
