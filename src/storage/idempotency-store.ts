import type { SqlClient } from './database.js';
import { toIso } from './order-rows.js';

/** How long a key and its answer are kept (Stripe keeps them 24 hours too). */
export const idempotencyKeyTtlMs = 24 * 60 * 60 * 1000;
/** Expired keys deleted by one claim of a new key: the purge is spread over the requests. */
export const idempotencyPurgeBatchMax = 100;

export interface IdempotencyScope {
  userId: string;
  accountId: string | null;
  key: string;
}

export type IdempotencyRecord =
  | { state: 'in_progress'; request: string; createdAt: string }
  | { state: 'completed'; request: string; createdAt: string; status: number; body: string };

const scopeWhere = 'user_id = $1 and account_id is not distinct from $2 and idempotency_key = $3';

/**
 * Claims the key for a request: true when this request now holds it (nobody had it, or its last
 * use expired), else the record that holds it. One statement each, so two instances racing for a
 * key agree on the winner through the unique constraint.
 */
export async function claimIdempotencyKey(sql: SqlClient, scope: IdempotencyScope, request: string, attempt = 0): Promise<true | IdempotencyRecord> {
  const params = [scope.userId, scope.accountId, scope.key];
  await sql.query(
    `delete from idempotency_keys where ctid in (
       select ctid from idempotency_keys where expires_at <= now() order by expires_at limit ${idempotencyPurgeBatchMax})
     or (${scopeWhere} and expires_at <= now())`,
    params,
  );
  const claimed = await sql.query(
    `insert into idempotency_keys (user_id, account_id, idempotency_key, request, state, created_at, expires_at)
     values ($1, $2, $3, $4, 'in_progress', now(), now() + make_interval(secs => $5))
     on conflict on constraint idempotency_keys_scope do nothing returning 1`,
    [...params, request, idempotencyKeyTtlMs / 1000],
  );
  if (claimed.length > 0) return true;
  const [row] = await sql.query(`select request, state, response_status, response_body, created_at from idempotency_keys where ${scopeWhere}`, params);
  // Gone between the two statements (expired and purged by another request): try once more.
  if (row === undefined) {
    if (attempt >= 1) throw new Error(`idempotency key ${scope.key} neither claimable nor present twice`);
    return claimIdempotencyKey(sql, scope, request, attempt + 1);
  }
  const common = { request: row.request as string, createdAt: toIso(row.created_at) };
  return row.state === 'completed' ? { ...common, state: 'completed', status: row.response_status as number, body: row.response_body as string } : { ...common, state: 'in_progress' };
}

/** Keeps the answer of the request that holds the key, for its retries. */
export async function completeIdempotencyKey(sql: SqlClient, scope: IdempotencyScope, request: string, status: number, body: string): Promise<void> {
  await sql.query(
    `update idempotency_keys set state = 'completed', response_status = $5, response_body = $6, completed_at = now()
     where ${scopeWhere} and request = $4 and state = 'in_progress'`,
    [scope.userId, scope.accountId, scope.key, request, status, body],
  );
}
