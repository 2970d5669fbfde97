-- Ledger core: accounts, orders, fills, the append-only order event trail and the fill quarantine.
-- Every table holding account data carries account_id, and every unique key includes it, so the
-- schema can be distributed by account_id (Citus) without change.

create table accounts (
  account_id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  venue text not null check (venue ~ '^(paper|alpaca|tradier|tastytrade|manual|ccxt:[a-z0-9]{2,32})$'),
  base_currency text not null default 'USD' check (base_currency ~ '^[A-Z0-9]{2,10}$'),
  venue_config jsonb not null default '{}'::jsonb,
  created_at timestamptz not null
);

create table orders (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  client_order_id text not null check (length(client_order_id) between 1 and 128),
  broker_order_id text check (length(broker_order_id) between 1 and 128),
  position_id uuid,
  role text not null check (role in ('entry', 'exit', 'stop_loss', 'take_profit', 'manual')),
  origin text not null check (origin in ('api', 'broker', 'reconciliation')),
  symbol text not null check (length(symbol) between 1 and 64),
  asset_class text not null check (asset_class in ('equity', 'option', 'future', 'crypto')),
  side text not null check (side in ('buy', 'sell')),
  type text not null check (type in ('market', 'limit', 'stop', 'stop_limit')),
  time_in_force text not null check (time_in_force in ('day', 'gtc', 'ioc', 'fok', 'opg', 'cls')),
  quantity numeric not null check (quantity > 0),
  limit_price numeric,
  stop_price numeric,
  status text not null check (status in ('pending_submit', 'submitted', 'open', 'partially_filled', 'pending_cancel',
    'filled', 'canceled', 'rejected', 'expired', 'replaced', 'failed')),
  status_reason text,
  qty_filled numeric not null check (qty_filled >= 0 and qty_filled <= quantity),
  qty_remaining numeric not null check (qty_remaining = case
    when status in ('filled', 'canceled', 'rejected', 'expired', 'replaced') then 0 else quantity - qty_filled end),
  filled_notional numeric not null,
  avg_fill_price numeric,
  fees numeric not null,
  fee_currency text,
  -- Hash of the original request: the same client_order_id with a different body is a conflict.
  request_fingerprint text not null,
  version integer not null check (version >= 1),
  created_at timestamptz not null,
  submitted_at timestamptz,
  accepted_at timestamptz,
  first_fill_at timestamptz,
  last_fill_at timestamptz,
  completed_at timestamptz,
  canceled_at timestamptz,
  last_status_check_at timestamptz,
  updated_at timestamptz not null,
  first_failed_at timestamptz,
  last_retry_at timestamptz,
  retry_count integer not null check (retry_count >= 0),
  amended_at timestamptz,
  detected_at timestamptz,
  primary key (account_id, id),
  unique (account_id, client_order_id),
  unique (account_id, broker_order_id),
  check ((qty_filled = 0) = (avg_fill_price is null))
);
-- Orders are addressed by id alone in the API; ids are random UUIDs, so this index need not be unique.
create index orders_by_id on orders (id);
create index orders_by_account_status on orders (account_id, status);
create index orders_by_account_symbol on orders (account_id, symbol, created_at);

create table fills (
  account_id uuid not null,
  id uuid not null,
  order_id uuid not null,
  exec_id text not null check (length(exec_id) between 1 and 200),
  quantity numeric not null check (quantity > 0),
  price numeric not null check (price >= 0),
  fee numeric not null,
  fee_currency text,
  liquidity text check (liquidity in ('maker', 'taker')),
  executed_at timestamptz not null,
  received_at timestamptz not null,
  source text not null,
  primary key (account_id, id),
  unique (account_id, exec_id),
  foreign key (account_id, order_id) references orders (account_id, id)
);
create index fills_by_order on fills (account_id, order_id);

create table order_events (
  account_id uuid not null,
  order_id uuid not null,
  seq integer not null check (seq >= 1),
  type text not null,
  source text not null check (source in ('api', 'broker_stream', 'broker_poll', 'webhook', 'reconciliation', 'user')),
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  payload jsonb not null,
  primary key (account_id, order_id, seq),
  foreign key (account_id, order_id) references orders (account_id, id)
);

-- Fills that were not applied: conflicting duplicates, overfills, fills the order's status refuses.
-- Kept whole so that nothing a venue told us is lost; reconciliation and operators review them.
create table fill_quarantine (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  kind text not null check (kind in ('conflicting_duplicate', 'overfill', 'refused_transition')),
  exec_id text not null,
  order_id uuid,
  reason text not null,
  payload jsonb not null,
  received_at timestamptz not null,
  primary key (account_id, id)
);
create index fill_quarantine_by_exec on fill_quarantine (account_id, exec_id);

-- The audit trail and fills are append-only: the database refuses to change or remove them.
create function fillbook_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'FB001';
end;
$$;
create trigger order_events_append_only before update or delete on order_events
  for each row execute function fillbook_refuse_change();
create trigger fills_append_only before update or delete on fills
  for each row execute function fillbook_refuse_change();
