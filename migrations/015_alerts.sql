-- Alerts out (issue 14, item 1). Where an alert goes is the user's (alert_sinks); what happened is the
-- account's (alert_outbox, written in the same transaction as the change that causes it); each
-- alert's delivery to each sink is a row of its own (alert_deliveries), made in the same statement as
-- the alert, for the sinks the account's owner had then.

create table alert_sinks (
  sink_id uuid primary key,
  user_id uuid not null references users (user_id),
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('webhook', 'slack', 'telegram')),
  -- What is not secret: a webhook's url, a Telegram chat id.
  config jsonb not null,
  -- The secret part: a webhook's signing secret, a Slack incoming-webhook URL, a Telegram bot token.
  -- Never returned whole by the API.
  secret text not null check (length(secret) between 1 and 1000),
  -- The alert kinds this sink takes; null: every kind.
  kinds text[],
  enabled boolean not null default true,
  created_at timestamptz not null
);
create index alert_sinks_by_user on alert_sinks (user_id);

create table alert_outbox (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  kind text not null check (kind in ('exposure_refused', 'fill_quarantined', 'reconciliation_findings', 'position_unprotected',
    'stuck_submission', 'account_halted', 'account_released', 'stream_down', 'stream_up', 'venue_item_unparsed')),
  severity text not null check (severity in ('info', 'warning', 'critical')),
  -- One alert per cause: the same key again (a redelivered cause, a second instance) adds nothing.
  dedupe_key text not null check (length(dedupe_key) between 1 and 300),
  details jsonb not null,
  created_at timestamptz not null,
  primary key (account_id, id),
  unique (account_id, dedupe_key)
);
create index alert_outbox_recent on alert_outbox (account_id, created_at desc, id);

create table alert_deliveries (
  account_id uuid not null,
  alert_id uuid not null,
  sink_id uuid not null references alert_sinks (sink_id) on delete cascade,
  status text not null check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  last_error text,
  primary key (account_id, alert_id, sink_id),
  foreign key (account_id, alert_id) references alert_outbox (account_id, id),
  check ((status = 'delivered') = (delivered_at is not null))
);
-- The worker's question: which deliveries are due, per account.
create index alert_deliveries_due on alert_deliveries (account_id, next_attempt_at) where status = 'pending';
create index alert_deliveries_by_sink on alert_deliveries (sink_id);

-- The one place an alert is queued (the TypeScript side calls it too: src/storage/alert-store.ts):
-- the alert, once per dedupe key, and in the same statement a pending delivery to each enabled sink
-- of the account's owner that takes its kind. Returns the alert's id, or null when the key was taken.
create function fillbook_enqueue_alert(p_account uuid, p_id uuid, p_kind text, p_severity text, p_dedupe_key text, p_details jsonb, p_at timestamptz)
returns uuid language plpgsql as $$
begin
  insert into alert_outbox (account_id, id, kind, severity, dedupe_key, details, created_at)
  values (p_account, p_id, p_kind, p_severity, p_dedupe_key, p_details, p_at)
  on conflict (account_id, dedupe_key) do nothing;
  if not found then
    return null;
  end if;
  insert into alert_deliveries (account_id, alert_id, sink_id, status, attempts, next_attempt_at)
  select p_account, p_id, s.sink_id, 'pending', 0, p_at
  from accounts a join alert_sinks s on s.user_id = a.user_id
  where a.account_id = p_account and s.enabled and (s.kinds is null or p_kind = any (s.kinds));
  return p_id;
end $$;

-- Fill quarantine queues its alert in the same statement: every path that quarantines a fill (the
-- batch statement of src/storage/ledger-store.ts, whoever calls it) inserts here, so none can forget
-- the alert, and a statement that fails (a stale order) takes its alert with it. A venue that
-- redelivers the same refused fill again and again is quarantined each time but alerted once.
create function fillbook_alert_fill_quarantined() returns trigger language plpgsql as $$
begin
  perform fillbook_enqueue_alert(new.account_id, gen_random_uuid(), 'fill_quarantined', 'warning',
    'fill_quarantined:' || md5(concat_ws('|', new.kind, new.exec_id, new.order_id::text, new.payload ->> 'quantity', new.payload ->> 'price')),
    jsonb_build_object('quarantine_id', new.id, 'quarantine', new.kind, 'exec_id', new.exec_id, 'order_id', new.order_id, 'reason', new.reason,
                       'quantity', new.payload ->> 'quantity', 'price', new.payload ->> 'price'),
    new.received_at);
  return null;
end $$;

create trigger fill_quarantine_alert after insert on fill_quarantine for each row execute function fillbook_alert_fill_quarantined();

-- What the last completed reconciliation of an account left, for the next run's alerts: the
-- fingerprint of its findings (a run finding exactly the same says nothing new) and the positions it
-- found unprotected (a position alerts when it becomes unprotected, not on every run).
create table alert_run_state (
  account_id uuid primary key references accounts (account_id),
  fingerprint text not null,
  unprotected jsonb not null,
  run_id uuid not null,
  updated_at timestamptz not null
);
