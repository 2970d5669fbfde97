-- Fees a venue reports apart from the fill they belong to (Alpaca's FEE and CFEE activities, which
-- post at the end of the day). Fills are append-only, so such a fee is not written into its fill: it
-- is a row of its own, folded into the figures (orders, positions, holdings) when they are derived.
-- Append-only and unique per account by the venue's fee id, so a redelivered fee lands exactly once.
create table fill_fees (
  account_id uuid not null references accounts (account_id),
  fee_id text not null check (length(fee_id) between 1 and 200),
  -- The order it belongs to when the venue says; the fill too when it names the execution. Neither:
  -- a fee of the account for the instrument it names (it moves holdings, no position).
  order_id uuid,
  exec_id text check (exec_id is null or length(exec_id) between 1 and 200),
  symbol text not null check (length(symbol) between 1 and 64),
  asset_class text not null check (asset_class in ('equity', 'option', 'future', 'crypto')),
  amount numeric not null,
  currency text not null check (currency ~ '^[A-Z0-9]{1,10}$'),
  kind text check (kind is null or length(kind) between 1 and 200),
  source text not null check (source in ('api', 'broker_stream', 'broker_poll', 'webhook', 'reconciliation', 'user')),
  charged_at timestamptz not null,
  recorded_at timestamptz not null,
  -- What the venue sent, kept whole.
  payload jsonb,
  primary key (account_id, fee_id),
  foreign key (account_id, order_id) references orders (account_id, id),
  check (exec_id is null or order_id is not null)
);
create index fill_fees_by_order on fill_fees (account_id, order_id) where order_id is not null;

create trigger fill_fees_append_only before update or delete on fill_fees
  for each row execute function fillbook_refuse_change();
