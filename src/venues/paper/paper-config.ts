import { FillbookError, parseDecimal } from '../../domain/index.js';

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

export function parsePaperConfig(raw: Record<string, unknown> = {}): PaperConfig {
  const config = { ...paperConfigDefault, ...raw } as PaperConfig;
  const fail = (field: string, message: string) =>
    new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `venue_config.${field} ${message}`, { field: `venue_config.${field}` });
  if (config.fillMode !== 'auto' && config.fillMode !== 'manual') throw fail('fillMode', 'must be auto or manual');
  const wholeNumber = (field: 'latencyMs' | 'partialFills' | 'reorderWindowMs', min: number, max: number) => {
    const value = config[field];
    if (!Number.isInteger(value) || value < min || value > max) throw fail(field, `must be a whole number from ${min} to ${max}`);
  };
  wholeNumber('latencyMs', 0, latencyMsMax);
  wholeNumber('reorderWindowMs', 0, latencyMsMax);
  wholeNumber('partialFills', 1, partialFillsMax);
  if (!Array.isArray(config.rejectSymbols) || !config.rejectSymbols.every((s) => typeof s === 'string')) throw fail('rejectSymbols', 'must be a list of symbols');
  if (typeof config.duplicateDelivery !== 'boolean') throw fail('duplicateDelivery', 'must be true or false');
  if (config.delivery !== 'stream' && config.delivery !== 'webhook') throw fail('delivery', 'must be stream or webhook');
  if (config.delivery === 'webhook' && (typeof config.webhookUrl !== 'string' || !/^https?:\/\/\S{1,500}$/.test(config.webhookUrl))) {
    throw fail('webhookUrl', 'must be an http(s) URL when delivery is webhook');
  }
  parseDecimal(config.defaultPrice, 'venue_config.defaultPrice');
  parseDecimal(config.feePerFill, 'venue_config.feePerFill');
  for (const [symbol, price] of Object.entries(config.prices ?? {})) parseDecimal(price, `venue_config.prices.${symbol}`);
  return config;
}
