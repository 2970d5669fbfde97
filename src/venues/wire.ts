import { z } from 'zod';
import { Decimal } from '../domain/index.js';

/** Small readers for venues' wire formats, shared by the adapters that need them (Alpaca, Tradier). */

const jsonToken = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * `JSON.parse`, except that every number arrives as the string of its digits. Tradier writes
 * quantities and prices as JSON numbers (`"avg_fill_price":187.12345678`), and Alpaca types some
 * decimals "string/number"; `JSON.parse` would put each through a binary float, and Node 20 has no
 * access to a number's source text in a reviver, so the numbers are quoted before parsing. Strings
 * are matched whole before a number can be, so digits inside a string (a tag, a date) are never touched.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text.replace(jsonToken, (token) => (token.startsWith('"') ? token : `"${token}"`)));
}

const decimalPattern = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
export const decimalCharsMax = 64;

/** A decimal as the venue writes it (a number read losslessly, or a string), as a Decimal. */
export const wireDecimal = z
  .string()
  .max(decimalCharsMax)
  .regex(decimalPattern, 'must be a decimal number')
  .transform((v) => new Decimal(v));

const timestampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;
/** RFC 3339 with up to nanoseconds, as the venues write it (`2026-11-20T14:30:00.123456789Z`). */
export const wireTimestamp = z.string().regex(timestampPattern, 'must be an RFC 3339 timestamp');

/** ISO-8601 in UTC to the millisecond, as Fillbook stores times. */
export function isoMillis(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

/** A key that sorts as the instants do, to the nanosecond (milliseconds would tie partial fills). */
export function instantKey(timestamp: string): string {
  const m = timestampPattern.exec(timestamp);
  if (m === null) throw new Error(`not an RFC 3339 timestamp: ${JSON.stringify(timestamp)}`);
  const seconds = new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19);
  return `${seconds}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Exponential backoff with jitter: `baseMs x 2^attempt` capped at `maxMs`, of which the second half
 * is random, so that clients refused together do not come back together.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Full jitter: a random delay up to `baseMs x 2^attempt`, capped at `maxMs`. Used where nothing asks
 * for a floor (ccxt and tastytrade retries, stream reconnects, which add their own base delay).
 */
export function fullJitterBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.floor(Math.random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/** A wait the venue asked for (Retry-After, a rate-limit reset), plus jitter, capped; else backoff. */
export function waitMs(askedMs: number | undefined, attempt: number, baseMs: number, maxMs: number): number {
  if (askedMs === undefined || !Number.isFinite(askedMs)) return backoffMs(attempt, baseMs, maxMs);
  return Math.min(maxMs, Math.max(0, askedMs) + Math.floor(Math.random() * Math.max(1, baseMs / 2)));
}

const unreachedCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * What a failed fetch says about the request: `reached: false` when the connection was never made
 * (refused, no such host), so nothing was sent; otherwise it may have arrived.
 */
export function transportFailure(error: unknown): { reached: boolean; message: string } {
  const parts: string[] = [];
  let reached = true;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && unreachedCodes.has(code)) reached = false;
    parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
  }
  return { reached, message: parts.join(': ') || String(error) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sets a key in an insertion-ordered map, dropping the oldest entry past `sizeMax`. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, sizeMax: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > sizeMax) map.delete(map.keys().next().value as K);
}

/** The first issue of a failed parse, as one line naming the field. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid payload' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
