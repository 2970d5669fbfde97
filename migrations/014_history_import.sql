-- Importing an account's history from its venue (issue 11, item 5). The job is written as it goes,
-- a page at a time, so an import killed or interrupted continues from its last committed page.
create table imports (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  since timestamptz not null,
  status text not null check (status in ('running', 'interrupted', 'failed', 'completed')),
  phase text not null check (phase in ('orders', 'fills', 'positions', 'done')),
  -- The venue's cursor for the next page of the phase (null: its first page).
  cursor text,
  counts jsonb not null,
  started_by text not null,
  started_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz,
  error text,
  primary key (account_id, id)
);
create index imports_by_since on imports (account_id, since, started_at);

-- What an account held at the start of an import's window that its fills do not explain: counted
-- toward holdings and reconciliation's holding comparison. One row per symbol, replaced by each import.
create table opening_balances (
  account_id uuid not null references accounts (account_id),
  symbol text not null,
  asset_class text not null,
  quantity numeric not null check (quantity <> 0),
  as_of timestamptz not null,
  import_id uuid not null,
  primary key (account_id, symbol)
);
