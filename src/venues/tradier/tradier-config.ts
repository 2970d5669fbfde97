import { z } from 'zod';
import { FillbookError } from '../../domain/index.js';

/**
 * A Tradier account's `venue_config`. The access token never lives here (the config is stored and
 * shown): it comes from the environment of the Fillbook process, `TRADIER_ACCESS_TOKEN` unless
 * `accessTokenEnv` names another variable.
 */
export interface TradierConfig {
  /** The Tradier account number, e.g. `VA000000` (sandbox) or `6YA00001`. */
  accountId: string;
  /** The paper-trading sandbox (the default) or production. Picks the hosts unless overridden. */
  sandbox: boolean;
  /** The REST host, without `/v1`. */
  baseUrl: string;
  /** The account-events websocket; null: the URL the session endpoint returns. */
  streamUrl: string | null;
  accessTokenEnv: string;
  /** Tradier allows 120 trading/account requests a minute (60 in the sandbox); the adapter stays under this. */
  requestsPerMinute: number;
  timeoutMs: number;
  /** Reads retried after a 429, a 5xx or a lost connection; a new order is never retried blindly. */
  retriesMax: number;
  retryDelayMs: number;
  retryDelayMaxMs: number;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** Heartbeats come about once a minute; a stream silent this long is reconnected. */
  streamIdleTimeoutMs: number;
  /** How far back open orders and order tags are searched, in days (`filter=all` reaches one month). */
  lookbackDays: number;
}

export const tradierHosts = {
  sandbox: { baseUrl: 'https://sandbox.tradier.com', streamUrl: 'wss://sandbox-ws.tradier.com/v1/accounts/events', requestsPerMinute: 60 },
  production: { baseUrl: 'https://api.tradier.com', streamUrl: 'wss://ws.tradier.com/v1/accounts/events', requestsPerMinute: 120 },
} as const;

const timeoutMsMax = 120_000;
const delayMsMax = 600_000;
export const lookbackDaysMax = 31;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** TLS, except to this machine (the tests' fake venue): the token travels in every request. */
function secureUrl(protocol: string, plain: string) {
  return z
    .string()
    .max(500)
    .refine((v) => {
      try {
        const url = new URL(v);
        return url.protocol === protocol || (url.protocol === plain && loopbackHosts.has(url.hostname));
      } catch {
        return false;
      }
    }, `must be a ${protocol} URL (${plain} only to 127.0.0.1 or localhost)`);
}
const whole = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z.strictObject({
  accountId: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be the Tradier account number, e.g. VA000000'),
  sandbox: z.boolean().default(true),
  baseUrl: secureUrl('https:', 'http:').optional(),
  streamUrl: secureUrl('wss:', 'ws:').optional(),
  accessTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be the name of an environment variable').default('TRADIER_ACCESS_TOKEN'),
  requestsPerMinute: whole(1, 12_000).optional(),
  timeoutMs: whole(100, timeoutMsMax).default(10_000),
  retriesMax: whole(0, 10).default(3),
  retryDelayMs: whole(0, delayMsMax).default(500),
  retryDelayMaxMs: whole(0, delayMsMax).default(60_000),
  reconnectDelayMs: whole(0, delayMsMax).default(1_000),
  reconnectDelayMaxMs: whole(0, delayMsMax).default(30_000),
  streamIdleTimeoutMs: whole(100, delayMsMax).default(150_000),
  lookbackDays: whole(1, lookbackDaysMax).default(lookbackDaysMax),
});

export function parseTradierConfig(raw: Record<string, unknown> = {}): TradierConfig {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `is not a Tradier setting (known: ${Object.keys(schema.shape).join(', ')})`
        : field === 'accountId' && raw.accountId === undefined
          ? 'is required: the Tradier account number, e.g. VA000000'
          : issue.message;
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `venue_config.${field} ${message}`, { field: `venue_config.${field}` });
  }
  const c = parsed.data;
  const hosts = c.sandbox ? tradierHosts.sandbox : tradierHosts.production;
  return {
    ...c,
    baseUrl: (c.baseUrl ?? hosts.baseUrl).replace(/\/+$/, ''),
    streamUrl: c.streamUrl ?? null,
    requestsPerMinute: c.requestsPerMinute ?? hosts.requestsPerMinute,
  };
}

/** The access token from the environment; its value never appears in an error. */
export function tradierAccessTokenFromEnv(config: Pick<TradierConfig, 'accessTokenEnv'>, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[config.accessTokenEnv];
  if (!token) {
    throw new FillbookError(
      'FILLBOOK_ERR_VENUE_UNAVAILABLE',
      `the Tradier access token is missing: set ${config.accessTokenEnv} in the environment of the Fillbook process`,
      { venue: 'tradier', missing: [config.accessTokenEnv] },
    );
  }
  return token;
}
