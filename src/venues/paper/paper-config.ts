import { z } from 'zod';
import { type Decimal, decimalCharsMax, FillbookError } from '../../domain/index.js';

/** How the simulated broker behaves; stored per account in `venue_config`. */
export interface PaperConfig {
  /** `auto` fills every accepted order by itself; `manual` leaves orders open for the hand controls. */
  fillMode: 'auto' | 'manual';
  /** Delay before the venue's events are delivered and before an auto fill, in milliseconds. */
  latencyMs: number;
  /** An auto fill arrives in this many partial fills. */
  partialFills: number;
  /** Orders for these symbols are rejected. */
  rejectSymbols: string[];
  /** Prices for market orders by symbol; `defaultPrice` otherwise. Limit and stop orders fill at their price. */
  prices: Record<string, string>;
  defaultPrice: string;
  feePerFill: string;
  /** Deliver every event twice, as at-least-once streams do. */
  duplicateDelivery: boolean;
  /** Deliver events out of order: each waits a random extra delay of up to `reorderWindowMs`. */
  reorderWindowMs: number;
  /**
   * `stream`: events go to in-process subscribers; `webhook`: they are POSTed, signed, to `webhookUrl`,
   * in which `{account_id}` stands for the account (e.g. `http://127.0.0.1:7878/v1/webhooks/paper/{account_id}`).
   */
  delivery: 'stream' | 'webhook';
  webhookUrl: string | null;
}

export const paperConfigDefault: PaperConfig = {
  fillMode: 'auto',
  latencyMs: 20,
  partialFills: 1,
  rejectSymbols: [],
  prices: {},
  defaultPrice: '100',
  feePerFill: '0',
  duplicateDelivery: false,
  reorderWindowMs: 0,
  delivery: 'stream',
  webhookUrl: null,
};

const latencyMsMax = 60_000;
const partialFillsMax = 100;
const rejectSymbolsMax = 1_000;
const pricesMax = 10_000;

const decimalPattern = /^(0|[1-9]\d*)(\.\d+)?$/;
const positiveDecimal = z.string().max(decimalCharsMax).regex(decimalPattern, 'must be a decimal string such as "12.5"').refine((v) => /[1-9]/.test(v), 'must be greater than zero');
const nonNegativeDecimal = z.string().max(decimalCharsMax).regex(decimalPattern, 'must be a decimal string such as "0.65", zero or more');
const wholeNumber = (min: number, max: number) => z.number().int(`must be a whole number from ${min} to ${max}`).min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`);

/**
 * The paper venue's `venue_config`, strict as a venue is: an unknown key (the typo `fillmode`) is an
 * error rather than silently ignored, and prices and fees are what a venue could quote (a price above
 * zero, a fee of zero or more, never `null`), so that every order it accepts can fill.
 */
const paperConfigSchema = z.strictObject({
  fillMode: z.enum(['auto', 'manual']),
  latencyMs: wholeNumber(0, latencyMsMax),
  partialFills: wholeNumber(1, partialFillsMax),
  rejectSymbols: z.array(z.string().min(1).max(64)).max(rejectSymbolsMax),
  prices: z.record(z.string().min(1).max(64), positiveDecimal).refine((p) => Object.keys(p).length <= pricesMax, `at most ${pricesMax} symbols`),
  defaultPrice: positiveDecimal,
  feePerFill: nonNegativeDecimal,
  duplicateDelivery: z.boolean(),
  reorderWindowMs: wholeNumber(0, latencyMsMax),
  delivery: z.enum(['stream', 'webhook']),
  webhookUrl: z.string().regex(/^https?:\/\/\S{1,500}$/, 'must be an http(s) URL').nullable(),
});

export function parsePaperConfig(raw: Record<string, unknown> = {}): PaperConfig {
  const parsed = paperConfigSchema.safeParse({ ...paperConfigDefault, ...raw });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.');
    const message = issue.code === 'unrecognized_keys' ? `is not a paper venue setting (they are ${Object.keys(paperConfigDefault).join(', ')})` : issue.message;
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `venue_config.${field} ${message}`, { field: `venue_config.${field}` });
  }
  const config = parsed.data;
  if (config.delivery === 'webhook' && config.webhookUrl === null) {
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', 'venue_config.webhookUrl must be an http(s) URL when delivery is webhook', { field: 'venue_config.webhookUrl' });
  }
  return config;
}

/**
 * Why the paper venue refuses an order, as a venue would (null: it takes it): a quantity above zero,
 * a limit price for limit orders and a stop price for stop orders, both above zero.
 */
export function paperOrderRefusal(order: { type: string; quantity: Decimal; limitPrice: Decimal | null; stopPrice: Decimal | null }): string | null {
  if (!order.quantity.gt(0)) return `quantity must be greater than zero; got ${order.quantity.toFixed()}`;
  if ((order.type === 'limit' || order.type === 'stop_limit') && order.limitPrice === null) return `a ${order.type} order needs a limit price`;
  if ((order.type === 'stop' || order.type === 'stop_limit') && order.stopPrice === null) return `a ${order.type} order needs a stop price`;
  if (order.limitPrice !== null && !order.limitPrice.gt(0)) return `limit price must be greater than zero; got ${order.limitPrice.toFixed()}`;
  if (order.stopPrice !== null && !order.stopPrice.gt(0)) return `stop price must be greater than zero; got ${order.stopPrice.toFixed()}`;
  return null;
}
