import { VenueError } from '../venue.js';
import type { TradierConfig } from './tradier-config.js';
import { tradierErrorMessage } from './tradier-payloads.js';
import { parseJsonLossless, sleep, transportFailure, waitMs } from '../wire.js';

/** The answer to a request that changes something at the venue. */
export type WriteOutcome =
  | { kind: 'ok'; body: unknown }
  /** The venue answered no: nothing happened. */
  | { kind: 'refused'; status: number; message: string }
  /** The request never left (connection refused, no such host). */
  | { kind: 'unreachable'; message: string }
  /** It may or may not have happened (a 5xx, a timeout, a dropped connection). */
  | { kind: 'ambiguous'; message: string };

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Tradier's REST API on Node's `fetch`: there is no Tradier SDK on npm, and none is needed for a
 * handful of form-encoded requests. Bodies are read as text and parsed losslessly (Tradier's JSON
 * numbers never pass through a binary float). The adapter stays under `requestsPerMinute` with a
 * token bucket, and pauses when the venue's `X-Ratelimit-Available` reaches 0 until
 * `X-Ratelimit-Expiry`.
 */
export class TradierHttp {
  readonly #token: string;
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private readonly capacity: number;

  constructor(
    private readonly config: TradierConfig,
    accessToken: string,
  ) {
    this.#token = accessToken;
    // Bursts of up to ten seconds' worth; the venue counts per minute.
    this.capacity = Math.max(1, Math.floor(config.requestsPerMinute / 6));
    this.tokens = this.capacity;
  }

  /**
   * A read: retried after a 429 (waiting as asked), a 5xx or a lost connection, at most `retriesMax`
   * times. `undefined` for a 404.
   */
  async get(path: string, query: Query = {}): Promise<unknown> {
    const label = `GET ${path}`;
    for (let attempt = 0; ; attempt++) {
      let failure: { message: string; askedMs?: number };
      try {
        const response = await this.request('GET', path, query, undefined);
        const text = await response.text();
        if (response.ok) return parse(text, label);
        if (response.status === 404) return undefined;
        if (response.status !== 429 && response.status < 500) {
          throw new VenueError('unavailable', `Tradier answered ${label} with ${response.status}: ${tradierErrorMessage(text)}`);
        }
        failure = { message: `${response.status} ${tradierErrorMessage(text)}`, askedMs: response.status === 429 ? askedWaitMs(response.headers) : undefined };
      } catch (error) {
        if (error instanceof VenueError || !(error instanceof Error) || error.message.startsWith('tradier:')) throw error;
        failure = { message: transportFailure(error).message };
      }
      if (attempt >= this.config.retriesMax) throw new VenueError('unavailable', `Tradier ${label} failed after ${attempt + 1} attempt(s): ${failure.message}`);
      await sleep(waitMs(failure.askedMs, attempt, this.config.retryDelayMs, this.config.retryDelayMaxMs));
    }
  }

  /**
   * A write: retried only after a 429, which Tradier answers before doing anything. Anything that
   * leaves the outcome open is reported as such, for the caller to resolve by looking, not resending.
   */
  async send(method: 'POST' | 'DELETE', path: string, form?: Record<string, string>): Promise<WriteOutcome> {
    const label = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await this.request(method, path, {}, form);
        text = await response.text();
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        const failure = transportFailure(error);
        return failure.reached ? { kind: 'ambiguous', message: `${label}: ${failure.message}` } : { kind: 'unreachable', message: `${label}: ${failure.message}` };
      }
      if (response.ok) {
        try {
          return { kind: 'ok', body: parse(text, label) };
        } catch (error) {
          // A success we cannot read: it happened, but what it says is lost.
          return { kind: 'ambiguous', message: error instanceof Error ? error.message : String(error) };
        }
      }
      if (response.status >= 500 || response.status === 408) return { kind: 'ambiguous', message: `${label}: ${response.status} ${tradierErrorMessage(text)}` };
      if (response.status !== 429 || attempt >= this.config.retriesMax) return { kind: 'refused', status: response.status, message: tradierErrorMessage(text) };
      await sleep(waitMs(askedWaitMs(response.headers), attempt, this.config.retryDelayMs, this.config.retryDelayMaxMs));
    }
  }

  private async request(method: string, path: string, query: Query, form: Record<string, string> | undefined): Promise<Response> {
    await this.acquire();
    const url = new URL(`${this.config.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: 'application/json' };
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method,
      headers,
      body: form === undefined ? undefined : new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(this.config.timeoutMs),
      redirect: 'error', // the token must not follow a redirect to another host
    });
    this.noteRateLimit(response.headers);
    return response;
  }

  /** Waits for a token of the bucket, and past a pause the venue asked for. */
  private async acquire(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      const perMs = this.config.requestsPerMinute / 60_000;
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * perMs);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil((1 - this.tokens) / perMs));
    }
  }

  private noteRateLimit(headers: Headers): void {
    if (headers.get('x-ratelimit-available') !== '0') return;
    const until = epochMs(headers.get('x-ratelimit-expiry'));
    // Never pause longer than the window the venue counts in.
    if (until !== undefined) this.pausedUntil = Math.min(until, Date.now() + 60_000);
  }
}

/** An epoch time in milliseconds or seconds (told apart by size), as milliseconds. */
function epochMs(value: string | null): number | undefined {
  if (value === null || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 1e11 ? n : n * 1000;
}

/** The wait a 429 asks for: `Retry-After` (seconds or a date), else the rate-limit window's end. */
export function askedWaitMs(headers: Headers): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return at - Date.now();
  }
  const until = epochMs(headers.get('x-ratelimit-expiry')) ?? epochMs(headers.get('x-ratelimit-reset'));
  return until === undefined ? undefined : until - Date.now();
}

function parse(text: string, label: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    throw new Error(`tradier: ${label} answered with something other than JSON: ${tradierErrorMessage(text)}`);
  }
}
