import { FillbookError } from '../../domain/index.js';

/**
 * How a Fillbook account reaches its tastytrade account; stored per account in `venue_config`.
 * Credentials are never part of it: `venue_config` is stored in the database and returned by the
 * API, so secrets come from the environment (see `tastytradeCredentialsFromEnv`).
 */
export interface TastytradeConfig {
  /** The tastytrade account number, e.g. `5WT00001`. */
  accountNumber: string;
  /** `production` (api.tastyworks.com) or `sandbox` (api.cert.tastyworks.com); no default, so live trading is always a choice. */
  environment: 'production' | 'sandbox';
  /** Overrides of the REST base URL and the account streamer URL (tests point these at a local fake). */
  apiBaseUrl: string | null;
  streamerUrl: string | null;
  /** Environment variables are read as `<prefix>_CLIENT_SECRET`, `<prefix>_REFRESH_TOKEN`, `<prefix>_USERNAME`, `<prefix>_PASSWORD`. */
  credentialsEnvPrefix: string;
  /** A request that has not answered after this long is abandoned (for an order: outcome unknown). */
  requestTimeoutMs: number;
  /** tastytrade publishes no quota ("reasonable thresholds"); the adapter spaces its requests at most this many per second. */
  requestsPerSecondMax: number;
  /** Reads and refused requests (429) are retried this many times, waiting a random delay up to `retryBaseDelayMs x 2^n` (full jitter). */
  retryAttemptsMax: number;
  retryBaseDelayMs: number;
  retryDelayMsMax: number;
  /** The account streamer expects heartbeats (about every 20 s by our notes; the Python SDK sends one every 10 s); 15 s leaves margin. */
  heartbeatIntervalMs: number;
  /** First delay before reconnecting the streamer; doubled per failed attempt up to `retryDelayMsMax`. */
  reconnectDelayMs: number;
  /** How far back `getOrderByClientId` searches the order history when the live orders do not have it. */
  clientIdLookbackDays: number;
}

export const tastytradeUrls = {
  production: { api: 'https://api.tastyworks.com', streamer: 'wss://streamer.tastyworks.com' },
  sandbox: { api: 'https://api.cert.tastyworks.com', streamer: 'wss://streamer.cert.tastyworks.com' },
} as const;

const defaults: Omit<TastytradeConfig, 'accountNumber' | 'environment'> = {
  apiBaseUrl: null,
  streamerUrl: null,
  credentialsEnvPrefix: 'TASTYTRADE',
  requestTimeoutMs: 10_000,
  requestsPerSecondMax: 5,
  retryAttemptsMax: 4,
  retryBaseDelayMs: 250,
  retryDelayMsMax: 8_000,
  heartbeatIntervalMs: 15_000,
  reconnectDelayMs: 500,
  clientIdLookbackDays: 3,
};

const knownKeys = new Set<string>(['accountNumber', 'environment', ...Object.keys(defaults)]);
const secretLikeKey = /secret|password|token|credential/i;

const fail = (field: string, message: string) =>
  new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `venue_config.${field} ${message}`, { field: `venue_config.${field}` });

export function parseTastytradeConfig(raw: Record<string, unknown> = {}): TastytradeConfig {
  for (const key of Object.keys(raw)) {
    if (secretLikeKey.test(key) && key !== 'credentialsEnvPrefix') {
      throw fail(key, 'looks like a credential; venue_config is stored and shown in plain text, so set credentials in the environment (<credentialsEnvPrefix>_CLIENT_SECRET and _REFRESH_TOKEN)');
    }
    if (!knownKeys.has(key)) throw fail(key, `is not a tastytrade setting; known settings: ${[...knownKeys].join(', ')}`);
  }
  const config = { ...defaults, ...raw } as TastytradeConfig;
  if (typeof config.accountNumber !== 'string' || !/^[A-Z0-9]{5,16}$/.test(config.accountNumber)) throw fail('accountNumber', 'must be your tastytrade account number, such as 5WT00001');
  if (config.environment !== 'production' && config.environment !== 'sandbox') throw fail('environment', 'must be production or sandbox');
  const url = (field: 'apiBaseUrl' | 'streamerUrl', schemes: RegExp) => {
    const value = config[field];
    if (value !== null && (typeof value !== 'string' || value.length > 500 || !schemes.test(value))) throw fail(field, `must be a URL (${schemes.source}) or null`);
  };
  url('apiBaseUrl', /^https?:\/\/\S+$/);
  url('streamerUrl', /^wss?:\/\/\S+$/);
  if (typeof config.credentialsEnvPrefix !== 'string' || !/^[A-Z][A-Z0-9_]{0,40}$/.test(config.credentialsEnvPrefix)) throw fail('credentialsEnvPrefix', 'must be an upper-case environment variable prefix such as TASTYTRADE');
  const whole = (field: keyof typeof defaults, min: number, max: number) => {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw fail(field, `must be a whole number from ${min} to ${max}`);
  };
  whole('requestTimeoutMs', 100, 120_000);
  whole('requestsPerSecondMax', 1, 100);
  whole('retryAttemptsMax', 0, 10);
  whole('retryBaseDelayMs', 1, 60_000);
  whole('retryDelayMsMax', 1, 300_000);
  whole('heartbeatIntervalMs', 100, 60_000);
  whole('reconnectDelayMs', 1, 60_000);
  whole('clientIdLookbackDays', 0, 30);
  return config;
}

/**
 * tastytrade authenticates with OAuth2 only: a refresh token and the client secret of an OAuth
 * application, exchanged at `POST /oauth/token` for a 15-minute access token. The username and
 * password login (`POST /sessions`) was decommissioned on 2026-02-11 and is not offered.
 */
export type TastytradeCredentials = { kind: 'oauth'; clientSecret: string; refreshToken: string };

export function tastytradeCredentialsFromEnv(prefix: string, env: Record<string, string | undefined>): TastytradeCredentials {
  const read = (name: string) => {
    const value = env[`${prefix}_${name}`];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const clientSecret = read('CLIENT_SECRET');
  const refreshToken = read('REFRESH_TOKEN');
  if (clientSecret !== undefined && refreshToken !== undefined) return { kind: 'oauth', clientSecret, refreshToken };
  const legacy = read('USERNAME') !== undefined || read('PASSWORD') !== undefined;
  throw new FillbookError(
    'FILLBOOK_ERR_VENUE_UNAVAILABLE',
    `tastytrade credentials are not set: set ${prefix}_CLIENT_SECRET and ${prefix}_REFRESH_TOKEN (OAuth2) in the environment of the Fillbook process${legacy ? `; ${prefix}_USERNAME/${prefix}_PASSWORD are no longer used: tastytrade decommissioned the password login on 2026-02-11` : ''}`,
    { venue: 'tastytrade', env_prefix: prefix },
  );
}
