-- The paper venue reports an average fill price, as brokers do.
alter table paper_orders add column filled_notional numeric not null default 0;

-- Reconciliation runs and their findings. Every run is stored, dry or not, with what was done.
create table reconciliation_runs (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  started_by text not null check (length(started_by) between 1 and 200),
  started_at timestamptz not null,
  finished_at timestamptz,
  dry_run boolean not null,
  actions text[] not null,
  status text not null check (status in ('running', 'completed', 'failed')),
  summary jsonb not null default '{}'::jsonb,
  error text,
  primary key (account_id, id)
);
create index reconciliation_runs_by_time on reconciliation_runs (account_id, started_at desc);

create table reconciliation_findings (
  account_id uuid not null,
  run_id uuid not null,
  seq integer not null check (seq >= 1),
  category text not null check (category in ('missing_at_broker', 'orphaned_at_broker', 'fill_mismatch', 'status_mismatch',
    'stuck_submission', 'holding_mismatch', 'unprotected_position')),
  order_id uuid,
  broker_order_id text,
  symbol text,
  details jsonb not null,
  action_taken text,
  primary key (account_id, run_id, seq),
  foreign key (account_id, run_id) references reconciliation_runs (account_id, id)
);
