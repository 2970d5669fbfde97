import type { z } from 'zod';
import { VenueError } from '../venue.js';
import { fullJitterBackoffMs, sleep } from '../wire.js';
import type { TastytradeConfig, TastytradeCredentials } from './tastytrade-config.js';
import { tastyErrorSchema, tastyOauthTokenSchema } from './tastytrade-schemas.js';

/** tastytrade answers 401 without a `User-Agent: <product>/<version>`. */
export const userAgent = 'fillbook/0.1';
/** A token is renewed this long before it expires (tastytrade's OAuth tokens last 15 minutes). */
const tokenRenewBeforeMs = 60_000;
/**
 * After tastytrade refuses the credentials, no new login is tried for this long: too many failed
 * logins get the IP blocked for about eight hours.
 */
const loginCooldownMs = 60_000;
const responseBytesMax = 20_000_000;

/** Transport failures in which the request certainly never reached tastytrade. */
const unsentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A request whose outcome is unknown: it may have been carried out (a timeout, a dropped
 * connection, a 5xx). For a read the caller retries; for an order the adapter looks it up.
 */
export class AmbiguousOutcome extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmbiguousOutcome';
  }
}

export type RequestKind =
  /** Safe to repeat: retried on 429, 5xx and transport errors, with backoff. */
  | 'read'
  /** Not safe to repeat blindly: retried only when tastytrade refused it (429) or it never left; otherwise `AmbiguousOutcome`. */
  | 'write';

export interface TastyResponse {
  status: number;
  json: unknown;
  /** tastytrade's own time of the answer (its `Date` header, ISO), the instant of last resort for an order without one. */
  date: string | null;
}

type Attempt =
  | { kind: 'answered'; response: TastyResponse }
  | { kind: 'refused'; message: string } // 429: tastytrade did not act on it
  | { kind: 'unsent'; message: string } // never reached tastytrade
  | { kind: 'ambiguous'; message: string }; // may have been acted on


/**
 * tastytrade's REST API over fetch. The official SDK (@tastytrade/api 7) can be pointed at a local
 * base URL, but it is not used: its axios requests carry no timeout (a hung order POST would never
 * become an unknown outcome), its list helper drops the `pagination` block needed for paging, it
 * offers no 429 handling, and its account streamer neither reconnects nor reports a reconnection.
 * This class is the small part of it Fillbook needs: token renewal, request spacing, retries.
 */
export class TastytradeHttp {
  private token: { header: string; expiresAt: number } | null = null;
  private tokenPending: Promise<string> | null = null;
  private loginBlockedUntil = 0;
  private nextSlotAt = 0;
  private closed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: TastytradeCredentials,
    private readonly config: TastytradeConfig,
  ) {}

  close(): void {
    this.closed = true;
  }

  /** The `Authorization` value (also the streamer's `auth-token`), renewed ahead of expiry. */
  async authorization(): Promise<string> {
    if (this.token !== null && this.token.expiresAt - Date.now() > tokenRenewBeforeMs) return this.token.header;
    this.tokenPending ??= this.login().finally(() => {
      this.tokenPending = null;
    });
    return this.tokenPending;
  }

  private async login(): Promise<string> {
    if (Date.now() < this.loginBlockedUntil) throw new VenueError('unavailable', 'tastytrade refused the credentials a moment ago; fix them and retry in a minute');
    const body = { grant_type: 'refresh_token', refresh_token: this.credentials.refreshToken, client_secret: this.credentials.clientSecret };
    // The login is a read for retry purposes: repeating it has no effect beyond a new token.
    const response = await this.send('POST', '/oauth/token', body, null, 'read');
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      this.loginBlockedUntil = Date.now() + loginCooldownMs;
      // The body is not quoted: it may echo what was sent.
      throw new VenueError('unavailable', `tastytrade refused the OAuth refresh token (HTTP ${response.status})`);
    }
    if (response.status >= 300) throw new VenueError('unavailable', `tastytrade login answered HTTP ${response.status}`);
    const parsed = tastyOauthTokenSchema.safeParse(response.json);
    if (!parsed.success) throw new VenueError('unavailable', 'tastytrade sent an unexpected OAuth token response');
    this.token = { header: `Bearer ${parsed.data.access_token}`, expiresAt: Date.now() + parsed.data.expires_in * 1000 };
    return this.token.header;
  }

  /**
   * One authenticated request with the retry policy of its kind. Answers with any HTTP status
   * that is not a retryable one (the caller decides what a 404 or a 422 means).
   */
  async request(method: 'GET' | 'POST' | 'DELETE', path: string, kind: RequestKind, body?: unknown): Promise<TastyResponse> {
    let renewedAfter401 = false;
    const response = await this.send(method, path, body, async () => this.authorization(), kind, (r) => {
      // A token that expired early: renew once and ask again (a 401 was not acted on).
      if (r.status === 401 && !renewedAfter401) {
        renewedAfter401 = true;
        this.token = null;
        return true;
      }
      return false;
    });
    if (response.status === 401 || response.status === 403) {
      throw new VenueError('unavailable', `tastytrade refused ${method} ${path} (HTTP ${response.status}): ${errorMessage(response.json)}`);
    }
    return response;
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    auth: (() => Promise<string>) | null,
    kind: RequestKind,
    again: (r: TastyResponse) => boolean = () => false,
  ): Promise<TastyResponse> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new VenueError('unavailable', 'the tastytrade adapter is closed');
      const result = await this.attempt(method, path, body, auth === null ? null : await auth());
      const retryable =
        result.kind === 'refused' || result.kind === 'unsent' || (kind === 'read' && result.kind === 'ambiguous') || (result.kind === 'answered' && again(result.response));
      if (result.kind === 'answered' && !retryable) return result.response;
      if (!retryable) throw new AmbiguousOutcome(`tastytrade ${method} ${path}: ${(result as { message: string }).message}`);
      if (attempt >= this.config.retryAttemptsMax) {
        const message = result.kind === 'answered' ? `HTTP ${result.response.status}` : result.message;
        if (kind === 'write' && result.kind === 'ambiguous') throw new AmbiguousOutcome(`tastytrade ${method} ${path}: ${message}`);
        throw new VenueError('unavailable', `tastytrade ${method} ${path} failed after ${attempt + 1} attempts: ${message}`);
      }
      if (!(result.kind === 'answered' && result.response.status === 401)) await sleep(fullJitterBackoffMs(attempt, this.config.retryBaseDelayMs, this.config.retryDelayMsMax));
    }
  }

  private async attempt(method: string, path: string, body: unknown, authorization: string | null): Promise<Attempt> {
    await this.awaitSlot();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent };
    if (authorization !== null) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause?.code !== undefined && unsentCodes.has(cause.code)) return { kind: 'unsent', message: `cannot connect (${cause.code})` };
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { kind: 'ambiguous', message: timedOut ? `no answer within ${this.config.requestTimeoutMs} ms` : `connection failed (${cause?.code ?? (error as Error).message})` };
    }
    let json: unknown;
    try {
      const text = await response.text();
      if (text.length > responseBytesMax) return { kind: 'ambiguous', message: `answer larger than ${responseBytesMax} bytes` };
      json = text === '' ? null : JSON.parse(text);
    } catch {
      if (response.status >= 500) return { kind: 'ambiguous', message: `HTTP ${response.status}` };
      json = null;
    }
    if (response.status === 429) return { kind: 'refused', message: 'HTTP 429 (rate limited)' };
    if (response.status >= 500) return { kind: 'ambiguous', message: `HTTP ${response.status}: ${errorMessage(json)}` };
    const dateHeader = response.headers.get('date');
    const date = dateHeader === null || Number.isNaN(Date.parse(dateHeader)) ? null : new Date(dateHeader).toISOString();
    return { kind: 'answered', response: { status: response.status, json, date } };
  }

  /** Spaces requests at most `requestsPerSecondMax` per second, in call order. */
  private async awaitSlot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = at + 1000 / this.config.requestsPerSecondMax;
    if (at > now) await sleep(at - now);
  }
}

/** tastytrade's error text, for messages; never a request body. */
export function errorMessage(json: unknown): string {
  const parsed = tastyErrorSchema.safeParse(json);
  if (!parsed.success) return 'no error details';
  const e = parsed.data.error;
  const details = (e.errors ?? []).map((d) => d.message ?? d.code).filter(Boolean);
  return [e.message ?? e.code ?? 'error', ...details].join('; ');
}

/** Parses a payload, naming the request in the error when tastytrade sent something else. */
export function parsePayload<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`tastytrade sent an unexpected payload for ${what}: ${issues}`);
  }
  return parsed.data;
}
