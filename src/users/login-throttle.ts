import { FillbookError } from '../domain/index.js';
import type { Database } from '../storage/index.js';

/**
 * Dashboard sign-in is limited per user name and per client address: after `failuresMax` wrong
 * passwords within `windowMs` the key is locked for `lockoutMs`, and every attempt meanwhile (the
 * right password included) is a 429 with Retry-After. The counts live in the database
 * (`login_throttle`), so several instances count together.
 */
export const loginFailuresPerUserMax = 5;
export const loginFailuresPerAddressMax = 20;
export const loginWindowMs = 15 * 60_000;
export const loginLockoutMs = 15 * 60_000;

export interface LoginKey {
  key: string;
  failuresMax: number;
}

export function loginKeys(name: string, address: string): LoginKey[] {
  return [
    { key: `user:${name.toLowerCase()}`, failuresMax: loginFailuresPerUserMax },
    { key: `address:${address}`, failuresMax: loginFailuresPerAddressMax },
  ];
}

export class LoginThrottle {
  constructor(private readonly db: Database) {}

  /** Throws the 429 when any key is locked now. */
  async check(keys: readonly LoginKey[]): Promise<void> {
    const rows = await this.db.query<{ key: string; wait_ms: string }>(
      `select key, ceil(extract(epoch from locked_until - now()) * 1000)::text as wait_ms
         from login_throttle where key = any($1::text[]) and locked_until > now()`,
      [keys.map((k) => k.key)],
    );
    if (rows.length === 0) return;
    const retryAfterS = Math.max(1, Math.ceil(Math.max(...rows.map((r) => Number(r.wait_ms))) / 1000));
    throw new FillbookError('FILLBOOK_ERR_RATE_LIMITED', `too many failed sign-ins; try again in ${retryAfterS} s`, { retry_after_s: retryAfterS, scope: rows.map((r) => r.key.split(':')[0]) });
  }

  /** Counts a failed sign-in against every key; a key reaching its maximum is locked. */
  async recordFailure(keys: readonly LoginKey[]): Promise<void> {
    for (const { key, failuresMax } of keys) {
      // One statement per key: a window older than `loginWindowMs` starts again at one failure.
      await this.db.query(
        `insert into login_throttle as t (key, failures, window_started_at, locked_until)
           values ($1, 1, now(), case when 1 >= $2 then now() + $4 * interval '1 millisecond' end)
         on conflict (key) do update set
           failures = case when t.window_started_at < now() - $3 * interval '1 millisecond' then 1 else t.failures + 1 end,
           window_started_at = case when t.window_started_at < now() - $3 * interval '1 millisecond' then now() else t.window_started_at end,
           locked_until = case
             when (case when t.window_started_at < now() - $3 * interval '1 millisecond' then 1 else t.failures + 1 end) >= $2
               then now() + $4 * interval '1 millisecond'
             else t.locked_until end`,
        [key, failuresMax, loginWindowMs, loginLockoutMs],
      );
    }
  }

  /** A successful sign-in clears the user's count (not the address's: one right password proves nothing about the others). */
  async recordSuccess(keys: readonly LoginKey[]): Promise<void> {
    const userKeys = keys.filter((k) => k.key.startsWith('user:')).map((k) => k.key);
    await this.db.query('delete from login_throttle where key = any($1::text[])', [userKeys]);
  }
}
