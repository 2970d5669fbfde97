import type { VenueAdapter } from '../venue.js';
import { TradierAdapter, type TradierAdapterOptions } from './tradier-adapter.js';
import { parseTradierConfig, tradierAccessTokenFromEnv } from './tradier-config.js';

export { TradierAdapter, type TradierAdapterOptions } from './tradier-adapter.js';
export { parseTradierConfig, type TradierConfig, tradierAccessTokenFromEnv, tradierHosts } from './tradier-config.js';
export { tradierExecId } from './tradier-fills.js';
export { mapTradierStatus, tradierOrderStatuses, tradierTag } from './tradier-payloads.js';

/** The little of a ledger account the factory reads. */
export interface VenueAccount {
  id: string;
  venueConfig: Record<string, unknown>;
}

/**
 * A `VenueFactory` for accounts with `venue: 'tradier'`: the config from `account.venueConfig`
 * (`accountId` is required), the access token from the environment (`TRADIER_ACCESS_TOKEN`, or the
 * variable `accessTokenEnv` names).
 */
export function createTradierVenue(account: VenueAccount, _db?: unknown, options: TradierAdapterOptions & { env?: NodeJS.ProcessEnv } = {}): VenueAdapter {
  const config = parseTradierConfig(account.venueConfig);
  return new TradierAdapter(config, tradierAccessTokenFromEnv(config, options.env ?? process.env), options);
}
