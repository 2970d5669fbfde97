import type { VenueAdapter } from '../venue.js';
import { AlpacaAdapter, type AlpacaAdapterOptions } from './alpaca-adapter.js';
import { alpacaCredentialsFromEnv, parseAlpacaConfig } from './alpaca-config.js';

export { AlpacaAdapter, type AlpacaAdapterOptions } from './alpaca-adapter.js';
export { type AlpacaConfig, type AlpacaCredentials, alpacaCredentialsFromEnv, alpacaHosts, parseAlpacaConfig } from './alpaca-config.js';
export { alpacaExecId, alpacaOrderStatuses, mapAlpacaStatus } from './alpaca-payloads.js';

/** The little of a ledger account the factory reads. */
export interface VenueAccount {
  id: string;
  venueConfig: Record<string, unknown>;
}

/**
 * A `VenueFactory` for accounts with `venue: 'alpaca'`: the config from `account.venueConfig`,
 * the key pair from the environment (`ALPACA_API_KEY_ID`, `ALPACA_API_SECRET_KEY`, or the variables
 * `keyIdEnv`/`secretKeyEnv` name).
 */
export function createAlpacaVenue(account: VenueAccount, _db?: unknown, options: AlpacaAdapterOptions & { env?: NodeJS.ProcessEnv } = {}): VenueAdapter {
  const config = parseAlpacaConfig(account.venueConfig);
  return new AlpacaAdapter(config, alpacaCredentialsFromEnv(config, options.env ?? process.env), options);
}
