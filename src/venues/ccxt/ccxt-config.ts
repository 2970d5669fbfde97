import { FillbookError } from '../../domain/index.js';

/**
 * Exchanges reached through ccxt for which Fillbook has a dialect (what the unified ccxt API
 * cannot say exactly enough for a ledger: exact decimals, fill cursors, client order ids).
 */
export const ccxtDialects = ['bybit', 'binance', 'binanceusdm', 'okx'] as const;
export type CcxtDialectName = (typeof ccxtDialects)[number];

/** How a `ccxt:<exchange>` account reaches its exchange; stored per account in `venue_config`. */
export interface CcxtConfig {
  /** From the account's venue, `ccxt:<exchange>`. */
  exchange: CcxtDialectName;
  /**
   * `production`, `testnet` or `demo` (Binance USDⓈ-M: `production` or `demo`, its testnet is gone);
   * no default, so live trading is always a choice.
   */
  environment: 'production' | 'testnet' | 'demo';
  /**
   * Binance: the symbols the account trades (`BTCUSDT`), 1 to `symbolsMax`. Binance lists trades
   * and order history per symbol only and finds an order by client id only within a symbol.
   */
  symbols: string[];
  /** OKX: the instruments the account trades, `SPOT` or `SWAP` (perpetuals), and a swap's margin mode. */
  instType: 'SPOT' | 'SWAP';
  tdMode: 'cross' | 'isolated';
  /** The Bybit product the account trades: `linear` (USDT/USDC perpetuals and futures), `inverse` or `spot`. */
  category: 'linear' | 'inverse' | 'spot';
  /** The settle coin listed for linear contracts when no symbol is given, and the fee currency when a fill names none. */
  settleCoin: string;
  /** Overrides of the REST base URL and the private WebSocket URL (tests point these at a local fake). */
  restBaseUrl: string | null;
  wsPrivateUrl: string | null;
  /** Environment variables are read as `<prefix>_API_KEY`, `<prefix>_API_SECRET` (and OKX `<prefix>_API_PASSPHRASE`); default `BYBIT`, `BINANCE` (spot and USDⓈ-M alike) or `OKX`. */
  credentialsEnvPrefix: string;
  /** Bybit refuses a signed request older than this (X-BAPI-RECV-WINDOW). */
  recvWindowMs: number;
  requestTimeoutMs: number;
  /**
   * ccxt spaces requests with a token bucket of this many milliseconds per cost unit; null keeps
   * ccxt's value for the exchange (Bybit: 20 ms, with order queries costing 5, i.e. 10 per second,
   * and order create/cancel 2.5, i.e. 20 per second, as Bybit's per-UID limits allow).
   */
  rateLimitMs: number | null;
  /** Reads and refused requests (HTTP 429, retCode 10006) are retried this many times with full-jitter backoff. */
  retryAttemptsMax: number;
  retryBaseDelayMs: number;
  retryDelayMsMax: number;
  /** Bybit's guide recommends a ping every 20 s to keep the private socket open. */
  pingIntervalMs: number;
  reconnectDelayMs: number;
  /**
   * Crypto trades around the clock and Bybit has no day orders. `GTC` sends Fillbook's `day`
   * (its default time in force) as good-till-canceled; `reject` refuses day orders instead.
   */
  dayTimeInForce: 'GTC' | 'reject';
}

export const binanceUrls = {
  binance: { production: 'https://api.binance.com', testnet: 'https://testnet.binance.vision', demo: 'https://demo-api.binance.com' },
  binanceusdm: { production: 'https://fapi.binance.com', testnet: null, demo: 'https://demo-fapi.binance.com' },
} as const;

export const symbolsMax = 20;

/** OKX has one host; its demo trading is the same host with the `x-simulated-trading: 1` header. */
export const okxUrls = { production: 'https://www.okx.com', demo: 'https://www.okx.com', testnet: null } as const;

export const bybitUrls = {
  production: { rest: 'https://api.bybit.com', wsPrivate: 'wss://stream.bybit.com/v5/private' },
  testnet: { rest: 'https://api-testnet.bybit.com', wsPrivate: 'wss://stream-testnet.bybit.com/v5/private' },
  demo: { rest: 'https://api-demo.bybit.com', wsPrivate: 'wss://stream-demo.bybit.com/v5/private' },
} as const;

const defaults = {
  category: 'linear',
  settleCoin: 'USDT',
  restBaseUrl: null,
  wsPrivateUrl: null,
  recvWindowMs: 5_000,
  requestTimeoutMs: 10_000,
  rateLimitMs: null,
  retryAttemptsMax: 4,
  retryBaseDelayMs: 250,
  retryDelayMsMax: 8_000,
  pingIntervalMs: 20_000,
  reconnectDelayMs: 500,
  dayTimeInForce: 'GTC',
} as const;

const knownKeys = new Set<string>(['environment', 'credentialsEnvPrefix', ...Object.keys(defaults)]);
/** Settings of Bybit only; Binance has `symbols` instead and no private stream in Fillbook yet. */
const bybitOnlyKeys = new Set(['category', 'settleCoin', 'wsPrivateUrl', 'pingIntervalMs', 'reconnectDelayMs']);
const keysOf = (exchange: CcxtDialectName) =>
  exchange === 'bybit' ? knownKeys : new Set([...[...knownKeys].filter((k) => !bybitOnlyKeys.has(k)), 'symbols', ...(exchange === 'okx' ? ['instType', 'tdMode'] : [])]);
const secretLikeKey = /secret|password|token|credential|apikey|api_key/i;

const fail = (field: string, message: string) =>
  new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `${field === 'venue' ? 'venue' : `venue_config.${field}`} ${message}`, { field: field === 'venue' ? 'venue' : `venue_config.${field}` });

/** The exchange of a `ccxt:<exchange>` venue, refused unless Fillbook has a dialect for it. */
export function ccxtExchangeOf(venue: string): CcxtDialectName {
  const match = /^ccxt:([a-z0-9]{2,32})$/.exec(venue);
  if (match === null) throw fail('venue', `must be ccxt:<exchange>, such as ccxt:bybit; got ${JSON.stringify(venue)}`);
  const exchange = match[1]!;
  if (!(ccxtDialects as readonly string[]).includes(exchange)) {
    throw fail('venue', `ccxt:${exchange} is not supported yet: Fillbook reads exact decimals, fill cursors and client order ids per exchange, and has that for ${ccxtDialects.join(', ')} only`);
  }
  return exchange as CcxtDialectName;
}

export function parseCcxtConfig(venue: string, raw: Record<string, unknown> = {}): CcxtConfig {
  const exchange = ccxtExchangeOf(venue);
  for (const key of Object.keys(raw)) {
    if (secretLikeKey.test(key) && key !== 'credentialsEnvPrefix') {
      throw fail(key, 'looks like a credential; venue_config is stored and shown in plain text, so set credentials in the environment (<credentialsEnvPrefix>_API_KEY and _API_SECRET)');
    }
    const known = keysOf(exchange);
    if (!known.has(key)) throw fail(key, `is not a ${venue} setting; known settings: ${[...known].join(', ')}`);
  }
  const prefix = exchange === 'bybit' ? 'BYBIT' : exchange === 'okx' ? 'OKX' : 'BINANCE';
  const config = { exchange, credentialsEnvPrefix: prefix, symbols: [], instType: 'SPOT', tdMode: 'cross', ...defaults, ...raw } as unknown as CcxtConfig;
  if (!['production', 'testnet', 'demo'].includes(config.environment)) throw fail('environment', 'must be production, testnet or demo');
  if (exchange === 'okx' && config.environment === 'testnet') throw fail('environment', 'must be production or demo for ccxt:okx (its demo trading is the testnet)');
  if (exchange === 'okx' && config.instType !== 'SPOT' && config.instType !== 'SWAP') throw fail('instType', 'must be SPOT or SWAP');
  if (exchange === 'okx' && config.tdMode !== 'cross' && config.tdMode !== 'isolated') throw fail('tdMode', 'must be cross or isolated');
  if (exchange === 'binanceusdm' && config.environment === 'testnet') throw fail('environment', 'must be production or demo for ccxt:binanceusdm (Binance retired its futures testnet for demo trading)');
  if (exchange !== 'bybit') {
    const symbols = config.symbols as unknown;
    if (!Array.isArray(symbols) || symbols.length < 1 || symbols.length > symbolsMax || !symbols.every((s) => typeof s === 'string' && (exchange === 'okx' ? /^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20}){1,4}$/ : /^[A-Z0-9]{2,30}$/).test(s)) || new Set(symbols).size !== symbols.length) {
      throw fail('symbols', `must list the 1 to ${symbolsMax} symbols the account trades, as the exchange spells them (Binance "BTCUSDT", OKX "BTC-USDT-SWAP"), each once`);
    }
  }
  if (!['linear', 'inverse', 'spot'].includes(config.category)) throw fail('category', 'must be linear, inverse or spot');
  if (typeof config.settleCoin !== 'string' || !/^[A-Z0-9]{2,10}$/.test(config.settleCoin)) throw fail('settleCoin', 'must be an upper-case coin such as USDT');
  const url = (field: 'restBaseUrl' | 'wsPrivateUrl', schemes: RegExp) => {
    const value = config[field];
    if (value !== null && (typeof value !== 'string' || value.length > 500 || !schemes.test(value))) throw fail(field, `must be a URL (${schemes.source}) or null`);
  };
  url('restBaseUrl', /^https?:\/\/\S+$/);
  url('wsPrivateUrl', /^wss?:\/\/\S+$/);
  if (typeof config.credentialsEnvPrefix !== 'string' || !/^[A-Z][A-Z0-9_]{0,40}$/.test(config.credentialsEnvPrefix)) throw fail('credentialsEnvPrefix', 'must be an upper-case environment variable prefix such as BYBIT');
  if (config.rateLimitMs !== null && (typeof config.rateLimitMs !== 'number' || !Number.isInteger(config.rateLimitMs) || config.rateLimitMs < 1 || config.rateLimitMs > 10_000)) {
    throw fail('rateLimitMs', 'must be a whole number of milliseconds from 1 to 10000, or null for ccxt\'s own');
  }
  if (config.dayTimeInForce !== 'GTC' && config.dayTimeInForce !== 'reject') throw fail('dayTimeInForce', 'must be GTC or reject');
  const whole = (field: 'recvWindowMs' | 'requestTimeoutMs' | 'retryAttemptsMax' | 'retryBaseDelayMs' | 'retryDelayMsMax' | 'pingIntervalMs' | 'reconnectDelayMs', min: number, max: number) => {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw fail(field, `must be a whole number from ${min} to ${max}`);
  };
  whole('recvWindowMs', 1_000, 60_000);
  whole('requestTimeoutMs', 100, 120_000);
  whole('retryAttemptsMax', 0, 10);
  whole('retryBaseDelayMs', 1, 60_000);
  whole('retryDelayMsMax', 1, 300_000);
  whole('pingIntervalMs', 100, 300_000);
  whole('reconnectDelayMs', 1, 60_000);
  return config;
}

export interface CcxtCredentials {
  apiKey: string;
  secret: string;
  /** OKX's API passphrase (ccxt's `password`). */
  password?: string;
}

export function ccxtCredentialsFromEnv(prefix: string, env: Record<string, string | undefined>, needsPassphrase = false): CcxtCredentials {
  const apiKey = env[`${prefix}_API_KEY`];
  const secret = env[`${prefix}_API_SECRET`];
  if (needsPassphrase) {
    const password = env[`${prefix}_API_PASSPHRASE`];
    if (apiKey === undefined || apiKey.trim() === '' || secret === undefined || secret.trim() === '' || password === undefined || password.trim() === '') {
      throw new FillbookError('FILLBOOK_ERR_VENUE_UNAVAILABLE', `exchange credentials are not set: set ${prefix}_API_KEY, ${prefix}_API_SECRET and ${prefix}_API_PASSPHRASE in the environment of the Fillbook process`, { env_prefix: prefix });
    }
    return { apiKey, secret, password };
  }
  if (apiKey === undefined || apiKey.trim() === '' || secret === undefined || secret.trim() === '') {
    throw new FillbookError('FILLBOOK_ERR_VENUE_UNAVAILABLE', `exchange credentials are not set: set ${prefix}_API_KEY and ${prefix}_API_SECRET in the environment of the Fillbook process`, { env_prefix: prefix });
  }
  return { apiKey, secret };
}
