import type { VenueAdapter } from '../venue.js';
import { parseTastytradeConfig, type TastytradeCredentials, tastytradeCredentialsFromEnv } from './tastytrade-config.js';
import { TastytradeVenue } from './tastytrade-adapter.js';

export { TastytradeVenue, type TastytradeVenueOptions } from './tastytrade-adapter.js';
export { parseTastytradeConfig, tastytradeCredentialsFromEnv, tastytradeUrls, type TastytradeConfig, type TastytradeCredentials } from './tastytrade-config.js';
export { mapTastytradeStatus, tastytradeStatuses, type TastytradeStatus } from './tastytrade-mapping.js';

export interface CreateTastytradeVenueOptions {
  /** Where credentials are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Credentials given directly (tests, embedding); otherwise read from `env`. */
  credentials?: TastytradeCredentials;
  onError?: (error: unknown) => void;
}

/**
 * The adapter of a `tastytrade` account: settings from `account.venueConfig`, credentials from the
 * environment (`TASTYTRADE_CLIENT_SECRET` + `TASTYTRADE_REFRESH_TOKEN`, or `TASTYTRADE_USERNAME` +
 * `TASTYTRADE_PASSWORD`; the prefix is `venue_config.credentialsEnvPrefix`). Fits `VenueFactory`.
 */
export function createTastytradeVenue(account: { venueConfig: Record<string, unknown> }, options: CreateTastytradeVenueOptions = {}): VenueAdapter {
  const config = parseTastytradeConfig(account.venueConfig);
  const credentials = options.credentials ?? tastytradeCredentialsFromEnv(config.credentialsEnvPrefix, options.env ?? process.env);
  return new TastytradeVenue(account.venueConfig, { credentials, ...(options.onError === undefined ? {} : { onError: options.onError }) });
}
