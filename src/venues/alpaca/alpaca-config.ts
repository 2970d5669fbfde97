import { z } from 'zod';
import { FillbookError } from '../../domain/index.js';

/**
 * An Alpaca account's `venue_config`. Credentials never live here (the config is stored and shown):
 * they come from the environment of the Fillbook process, by default `ALPACA_API_KEY_ID` and
 * `ALPACA_API_SECRET_KEY`; `keyIdEnv`/`secretKeyEnv` name other variables, so that two accounts can
 * use two keys.
 */
export interface AlpacaConfig {
  /** Paper trading (the default) or live. Picks the hosts unless `baseUrl`/`streamUrl` say otherwise. */
  paper: boolean;
  /** The trading REST host, without `/v2`. */
  baseUrl: string;
  /** The `trade_updates` websocket. */
  streamUrl: string;
  keyIdEnv: string;
  secretKeyEnv: string;
  /** Alpaca allows 200 requests a minute per account; the adapter stays under this. */
  requestsPerMinute: number;
  timeoutMs: number;
  /** Reads retried after a 429, a 5xx or a lost connection; a new order is never retried blindly. */
  retriesMax: number;
  retryDelayMs: number;
  retryDelayMaxMs: number;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** The stream is pinged this often; a ping unanswered by the next one drops the connection. */
  heartbeatMs: number;
}

export const alpacaHosts = {
  paper: { baseUrl: 'https://paper-api.alpaca.markets', streamUrl: 'wss://paper-api.alpaca.markets/stream' },
  live: { baseUrl: 'https://api.alpaca.markets', streamUrl: 'wss://api.alpaca.markets/stream' },
} as const;

export const alpacaRequestsPerMinuteMax = 200;
const timeoutMsMax = 120_000;
const delayMsMax = 600_000;
const retriesMax = 10;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** TLS, except to this machine (the tests' fake venue): the key travels in every request. */
function secureUrl(protocols: readonly string[], plain: string) {
  return z
    .string()
    .max(500)
    .refine((v) => {
      try {
        const url = new URL(v);
        return protocols.includes(url.protocol) || (url.protocol === plain && loopbackHosts.has(url.hostname));
      } catch {
        return false;
      }
    }, `must be a ${protocols.join(' or ')} URL (${plain} only to 127.0.0.1 or localhost)`);
}
const whole = (min: number, max: number) => z.number().int().min(min).max(max);
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be the name of an environment variable');

const schema = z.strictObject({
  paper: z.boolean().default(true),
  baseUrl: secureUrl(['https:'], 'http:').optional(),
  streamUrl: secureUrl(['wss:'], 'ws:').optional(),
  keyIdEnv: envName.default('ALPACA_API_KEY_ID'),
  secretKeyEnv: envName.default('ALPACA_API_SECRET_KEY'),
  requestsPerMinute: whole(1, alpacaRequestsPerMinuteMax * 100).default(alpacaRequestsPerMinuteMax),
  timeoutMs: whole(100, timeoutMsMax).default(10_000),
  retriesMax: whole(0, retriesMax).default(3),
  retryDelayMs: whole(0, delayMsMax).default(500),
  retryDelayMaxMs: whole(0, delayMsMax).default(60_000),
  reconnectDelayMs: whole(0, delayMsMax).default(1_000),
  reconnectDelayMaxMs: whole(0, delayMsMax).default(30_000),
  heartbeatMs: whole(100, delayMsMax).default(30_000),
});

export function parseAlpacaConfig(raw: Record<string, unknown> = {}): AlpacaConfig {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    const message = issue.code === 'unrecognized_keys' ? `is not an Alpaca setting (known: ${Object.keys(schema.shape).join(', ')})` : issue.message;
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `venue_config.${field} ${message}`, { field: `venue_config.${field}` });
  }
  const c = parsed.data;
  const hosts = c.paper ? alpacaHosts.paper : alpacaHosts.live;
  return { ...c, baseUrl: (c.baseUrl ?? hosts.baseUrl).replace(/\/+$/, ''), streamUrl: c.streamUrl ?? hosts.streamUrl };
}

export interface AlpacaCredentials {
  keyId: string;
  secretKey: string;
}

/**
 * The key pair from the environment. With the default names, Alpaca's own `APCA_API_KEY_ID` and
 * `APCA_API_SECRET_KEY` are accepted too. The values never appear in an error.
 */
export function alpacaCredentialsFromEnv(config: Pick<AlpacaConfig, 'keyIdEnv' | 'secretKeyEnv'>, env: NodeJS.ProcessEnv = process.env): AlpacaCredentials {
  const defaults = config.keyIdEnv === 'ALPACA_API_KEY_ID' && config.secretKeyEnv === 'ALPACA_API_SECRET_KEY';
  const keyId = env[config.keyIdEnv] || (defaults ? env.APCA_API_KEY_ID : undefined);
  const secretKey = env[config.secretKeyEnv] || (defaults ? env.APCA_API_SECRET_KEY : undefined);
  if (!keyId || !secretKey) {
    const missing = [!keyId ? config.keyIdEnv : null, !secretKey ? config.secretKeyEnv : null].filter((n): n is string => n !== null);
    throw new FillbookError(
      'FILLBOOK_ERR_VENUE_UNAVAILABLE',
      `Alpaca credentials are missing: set ${missing.join(' and ')} in the environment of the Fillbook process`,
      { venue: 'alpaca', missing },
    );
  }
  return { keyId, secretKey };
}
