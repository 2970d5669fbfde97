import type { AlertDeliveryStatus, AlertDraft, AlertKind, AlertRecord, AlertSeverity, AlertSinkKind, RunAlertState } from '../domain/index.js';
import type { SqlClient } from './database.js';
import { type Row, toIso } from './order-rows.js';

/**
 * The alert outbox (migrations/015_alerts.sql): alerts queued with the change that causes them,
 * their deliveries to the users' sinks, and the sinks themselves.
 */

/**
 * Queues an alert on `sql`, which is the transaction of the change that causes it: committed with
 * it or rolled back with it. Once per dedupe key per account; the deliveries to the owner's sinks
 * are made in the same statement (`fillbook_enqueue_alert`, the one place that rule is written).
 * Returns the alert's id, or null when its key was queued before.
 */
export async function queueAlert(sql: SqlClient, accountId: string, draft: AlertDraft, at: string): Promise<string | null> {
  const rows = await sql.query<{ id: string | null }>('select fillbook_enqueue_alert($1, $2, $3, $4, $5, $6::jsonb, $7) as id', [
    accountId, crypto.randomUUID(), draft.kind, draft.severity, draft.dedupeKey, JSON.stringify(draft.details), at,
  ]);
  return rows[0]?.id ?? null;
}

/**
 * Queues many alerts in one statement, each as `queueAlert` queues it (in their order: a repeated
 * dedupe key, within the batch too, is queued once); the id of each, null where it was a repeat.
 */
export async function queueAlerts(sql: SqlClient, accountId: string, drafts: readonly AlertDraft[], at: string): Promise<(string | null)[]> {
  if (drafts.length === 0) return [];
  const rows = await sql.query<{ id: string | null }>(
    `select fillbook_enqueue_alert($1, u.id, u.kind, u.severity, u.dedupe_key, u.details, $2) as id
     from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) with ordinality as u (id, kind, severity, dedupe_key, details, n)
     order by u.n`,
    [
      accountId, at, drafts.map(() => crypto.randomUUID()), drafts.map((d) => d.kind), drafts.map((d) => d.severity), drafts.map((d) => d.dedupeKey),
      drafts.map((d) => JSON.stringify(d.details)),
    ],
  );
  return rows.map((r) => r.id ?? null);
}

// ---- sinks -------------------------------------------------------------------------------------

export interface AlertSinkRecord {
  id: string;
  userId: string;
  name: string;
  kind: AlertSinkKind;
  config: Record<string, unknown>;
  secret: string;
  kinds: AlertKind[] | null;
  enabled: boolean;
  createdAt: string;
}

const sinkFromRow = (r: Row): AlertSinkRecord => ({
  id: r.sink_id as string,
  userId: r.user_id as string,
  name: r.name as string,
  kind: r.kind as AlertSinkKind,
  config: r.config as Record<string, unknown>,
  secret: r.secret as string,
  kinds: (r.kinds as AlertKind[] | null) ?? null,
  enabled: r.enabled as boolean,
  createdAt: toIso(r.created_at),
});

/** Sinks one user may have at most. */
export const alertSinksPerUserMax = 50;

export async function insertAlertSink(sql: SqlClient, sink: AlertSinkRecord): Promise<boolean> {
  const rows = await sql.query(
    `insert into alert_sinks (sink_id, user_id, name, kind, config, secret, kinds, enabled, created_at)
     select $1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9
     where (select count(*) from alert_sinks where user_id = $2) < ${alertSinksPerUserMax}
     returning sink_id`,
    [sink.id, sink.userId, sink.name, sink.kind, JSON.stringify(sink.config), sink.secret, sink.kinds, sink.enabled, sink.createdAt],
  );
  return rows.length === 1;
}

export async function selectAlertSinks(sql: SqlClient, userId: string): Promise<AlertSinkRecord[]> {
  return (await sql.query('select * from alert_sinks where user_id = $1 order by created_at, sink_id', [userId])).map(sinkFromRow);
}

export async function selectAlertSink(sql: SqlClient, sinkId: string): Promise<AlertSinkRecord | undefined> {
  const rows = await sql.query('select * from alert_sinks where sink_id = $1', [sinkId]);
  return rows[0] === undefined ? undefined : sinkFromRow(rows[0]);
}

export async function updateAlertSink(sql: SqlClient, sinkId: string, change: { name?: string; enabled?: boolean; kinds?: AlertKind[] | null }): Promise<AlertSinkRecord | undefined> {
  const rows = await sql.query(
    `update alert_sinks set name = coalesce($2, name), enabled = coalesce($3, enabled),
       kinds = case when $4::boolean then $5::text[] else kinds end
     where sink_id = $1 returning *`,
    [sinkId, change.name ?? null, change.enabled ?? null, change.kinds !== undefined, change.kinds ?? null],
  );
  return rows[0] === undefined ? undefined : sinkFromRow(rows[0]);
}

/** Removes a sink and its deliveries (pending ones are never sent). */
export async function deleteAlertSink(sql: SqlClient, sinkId: string): Promise<boolean> {
  return (await sql.query('delete from alert_sinks where sink_id = $1 returning sink_id', [sinkId])).length === 1;
}

// ---- deliveries --------------------------------------------------------------------------------

/** A delivery due, with everything its message needs. */
export interface DueDelivery {
  alert: AlertRecord;
  account: { name: string; venue: string };
  sink: AlertSinkRecord;
  attempts: number;
}

const alertFromRow = (r: Row, prefix = ''): AlertRecord => ({
  id: r[`${prefix}id`] as string,
  accountId: r.account_id as string,
  kind: r.kind as AlertKind,
  severity: r.severity as AlertSeverity,
  dedupeKey: r.dedupe_key as string,
  details: r.details as Record<string, unknown>,
  createdAt: toIso(r[`${prefix}created_at`]),
});

/** Accounts with a delivery due at `now`, at most `limit` (a cross-account read, no transaction). */
export async function selectAccountsWithDueDeliveries(sql: SqlClient, now: string, limit: number): Promise<string[]> {
  const rows = await sql.query<{ account_id: string }>(
    `select account_id from alert_deliveries where status = 'pending' and next_attempt_at <= $1
     group by account_id order by min(next_attempt_at) limit $2`,
    [now, limit],
  );
  return rows.map((r) => r.account_id);
}

/** One account's deliveries due at `now`, oldest alert first, at most `limit`. */
export async function selectDueDeliveries(sql: SqlClient, accountId: string, now: string, limit: number): Promise<DueDelivery[]> {
  const rows = await sql.query(
    `select o.id, o.account_id, o.kind, o.severity, o.dedupe_key, o.details, o.created_at,
            a.name as account_name, a.venue as account_venue, d.attempts,
            s.sink_id, s.user_id, s.name, s.kind as sink_kind, s.config, s.secret, s.kinds, s.enabled, s.created_at as sink_created_at
     from alert_deliveries d
     join alert_outbox o on o.account_id = d.account_id and o.id = d.alert_id
     join alert_sinks s on s.sink_id = d.sink_id
     join accounts a on a.account_id = d.account_id
     where d.account_id = $1 and d.status = 'pending' and d.next_attempt_at <= $2
     order by o.created_at, o.id, s.sink_id limit $3`,
    [accountId, now, limit],
  );
  return rows.map((r) => ({
    alert: alertFromRow(r),
    account: { name: r.account_name as string, venue: r.account_venue as string },
    sink: sinkFromRow({ ...r, kind: r.sink_kind, created_at: r.sink_created_at }),
    attempts: Number(r.attempts),
  }));
}

export interface DeliveryKey {
  accountId: string;
  alertId: string;
  sinkId: string;
}

/** Records one attempt's outcome: delivered, another attempt at `nextAttemptAt`, or given up (`failed`). */
export async function recordDeliveryAttempt(
  sql: SqlClient,
  key: DeliveryKey,
  outcome: { status: AlertDeliveryStatus; attempts: number; at: string; nextAttemptAt?: string; error?: string | null },
): Promise<void> {
  await sql.query(
    `update alert_deliveries set status = $4, attempts = $5, delivered_at = case when $4 = 'delivered' then $6::timestamptz end,
       next_attempt_at = coalesce($7::timestamptz, next_attempt_at), last_error = coalesce($8, last_error)
     where account_id = $1 and alert_id = $2 and sink_id = $3`,
    [key.accountId, key.alertId, key.sinkId, outcome.status, outcome.attempts, outcome.at, outcome.nextAttemptAt ?? null, outcome.error?.slice(0, 1000) ?? null],
  );
}

/** Gives deliveries that gave up (or a chosen alert's) another round of attempts, due at `at`. */
export async function requeueDeliveries(sql: SqlClient, accountId: string, alertId: string, at: string): Promise<number> {
  const rows = await sql.query(
    `update alert_deliveries set status = 'pending', attempts = 0, next_attempt_at = $3
     where account_id = $1 and alert_id = $2 and status = 'failed' returning sink_id`,
    [accountId, alertId, at],
  );
  return rows.length;
}

// ---- listing -----------------------------------------------------------------------------------

export interface AlertDeliveryRecord {
  sinkId: string;
  sinkName: string;
  sinkKind: AlertSinkKind;
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
}

export interface ListedAlert extends AlertRecord {
  deliveries: AlertDeliveryRecord[];
}

/** Alerts listed per page at most. */
export const alertPageSizeMax = 500;

/** Alerts of the given accounts, newest first, after a (created_at, id) cursor, with their deliveries. */
export async function selectAlerts(
  sql: SqlClient,
  accountIds: readonly string[],
  options: { limit: number; after?: { createdAt: string; id: string } | null; kind?: AlertKind | null; id?: string | null },
): Promise<ListedAlert[]> {
  const after = options.after ?? null;
  const rows = await sql.query(
    `select o.*, coalesce((
        select json_agg(json_build_object('sink_id', d.sink_id, 'sink_name', s.name, 'sink_kind', s.kind, 'status', d.status, 'attempts', d.attempts,
                 'next_attempt_at', d.next_attempt_at, 'delivered_at', d.delivered_at, 'last_error', d.last_error) order by s.created_at, d.sink_id)
        from alert_deliveries d join alert_sinks s on s.sink_id = d.sink_id
        where d.account_id = o.account_id and d.alert_id = o.id), '[]') as deliveries
     from alert_outbox o
     where o.account_id = any($1::uuid[])
       and ($2::text is null or o.kind = $2)
       and ($3::uuid is null or o.id = $3)
       and ($4::timestamptz is null or (o.created_at, o.id) < ($4::timestamptz, $5::uuid))
     order by o.created_at desc, o.id desc limit $6`,
    [accountIds, options.kind ?? null, options.id ?? null, after?.createdAt ?? null, after?.id ?? null, Math.max(1, Math.min(alertPageSizeMax, options.limit))],
  );
  return rows.map((r) => ({
    ...alertFromRow(r),
    deliveries: (r.deliveries as Row[]).map((d) => ({
      sinkId: d.sink_id as string,
      sinkName: d.sink_name as string,
      sinkKind: d.sink_kind as AlertSinkKind,
      status: d.status as AlertDeliveryStatus,
      attempts: Number(d.attempts),
      nextAttemptAt: toIso(d.next_attempt_at),
      deliveredAt: d.delivered_at === null ? null : toIso(d.delivered_at),
      lastError: (d.last_error as string | null) ?? null,
    })),
  }));
}

/** Deliveries by status, for the metrics gauge (every instance's, from the database). */
export async function countAlertDeliveries(sql: SqlClient): Promise<Record<AlertDeliveryStatus, number>> {
  const counts: Record<AlertDeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const r of await sql.query<{ status: AlertDeliveryStatus; n: number }>('select status, count(*)::int as n from alert_deliveries group by status')) counts[r.status] = Number(r.n);
  return counts;
}

/** Alerts queued, by kind, for the metrics gauge. */
export async function countAlerts(sql: SqlClient): Promise<{ kind: AlertKind; n: number }[]> {
  return (await sql.query<{ kind: AlertKind; n: number }>('select kind, count(*)::int as n from alert_outbox group by kind')).map((r) => ({ kind: r.kind, n: Number(r.n) }));
}

// ---- what the last reconciliation left, for the next one's alerts ------------------------------

/** The account's last run state and its halt before this run, read (and locked) in the run's final transaction. */
export async function selectRunAlertInputs(sql: SqlClient, accountId: string): Promise<{ previous: RunAlertState | null; haltBefore: { runId: string; haltedAt: string } | null }> {
  const state = await sql.query('select fingerprint, unprotected from alert_run_state where account_id = $1 for update', [accountId]);
  const halt = await sql.query('select run_id, halted_at from account_halts where account_id = $1 for update', [accountId]);
  return {
    previous: state[0] === undefined ? null : { fingerprint: state[0].fingerprint as string, unprotected: state[0].unprotected as string[] },
    haltBefore: halt[0] === undefined ? null : { runId: halt[0].run_id as string, haltedAt: toIso(halt[0].halted_at) },
  };
}

export async function upsertRunAlertState(sql: SqlClient, accountId: string, runId: string, state: RunAlertState, at: string): Promise<void> {
  await sql.query(
    `insert into alert_run_state (account_id, fingerprint, unprotected, run_id, updated_at) values ($1, $2, $3::jsonb, $4, $5)
     on conflict (account_id) do update set fingerprint = excluded.fingerprint, unprotected = excluded.unprotected, run_id = excluded.run_id, updated_at = excluded.updated_at`,
    [accountId, state.fingerprint, JSON.stringify(state.unprotected), runId, at],
  );
}
