import type { VenueAdapter } from '../venue.js';
import { BinanceDialect } from './binance-dialect.js';
import { BybitDialect } from './bybit-dialect.js';
import { CcxtVenue } from './ccxt-adapter.js';
import { OkxDialect } from './okx-dialect.js';
import { type CcxtCredentials, ccxtCredentialsFromEnv, parseCcxtConfig } from './ccxt-config.js';

export { CcxtVenue, type CcxtVenueOptions } from './ccxt-adapter.js';
export { BinanceDialect, isBinanceDuplicateIdError } from './binance-dialect.js';
export { OkxDialect, isOkxDuplicateIdError } from './okx-dialect.js';
export { okxClientOrderIdOf, okxClOrdIdFor, readOkxFill, readOkxOrder } from './okx-mapping.js';
export { readBinanceOrder, readBinanceTrade, splitBinanceOrderId } from './binance-mapping.js';
export { BybitDialect, bybitDuplicateIdCodes, isBybitDuplicateIdError } from './bybit-dialect.js';
export type { CcxtDialect, DialectStreamHandlers } from './ccxt-dialect.js';
export { binanceUrls, bybitUrls, ccxtCredentialsFromEnv, ccxtDialects, ccxtExchangeOf, parseCcxtConfig, type CcxtConfig, type CcxtCredentials } from './ccxt-config.js';
export { bybitOrderStatuses, clientOrderIdOf, mapBybitStatus, orderLinkIdFor, readBybitExecution, readBybitOrder, type BybitOrderStatus } from './bybit-mapping.js';

export interface CreateCcxtVenueOptions {
  /** Where credentials are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Credentials given directly (tests, embedding); otherwise read from `env`. */
  credentials?: CcxtCredentials;
  onError?: (error: unknown) => void;
}

/**
 * The adapter of a `ccxt:<exchange>` account (`ccxt:bybit`, `ccxt:binance`, `ccxt:binanceusdm`, `ccxt:okx`): settings from
 * `account.venueConfig`, credentials from the environment (`BYBIT_API_KEY`, `BYBIT_API_SECRET`;
 * the prefix is `venue_config.credentialsEnvPrefix`). ccxt is loaded on first use, not at start-up.
 * Fits `VenueFactory`.
 */
export async function createCcxtVenue(account: { venue: string; venueConfig: Record<string, unknown> }, options: CreateCcxtVenueOptions = {}): Promise<VenueAdapter> {
  const config = parseCcxtConfig(account.venue, account.venueConfig);
  const credentials = options.credentials ?? ccxtCredentialsFromEnv(config.credentialsEnvPrefix, options.env ?? process.env, config.exchange === 'okx');
  const ccxt = await import('ccxt');
  const dialect =
    config.exchange === 'bybit' ? BybitDialect.create(ccxt, config, credentials) : config.exchange === 'okx' ? OkxDialect.create(ccxt, config, credentials) : BinanceDialect.create(ccxt, config, credentials);
  return new CcxtVenue(account.venue, dialect, ccxt, config, { redact: [credentials.apiKey, credentials.secret, ...(credentials.password ? [credentials.password] : [])], ...(options.onError === undefined ? {} : { onError: options.onError }) });
}
