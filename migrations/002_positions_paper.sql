-- Positions: the unit a strategy manages, one per signal. Only what the strategy declares is stored;
-- quantities, prices, P&L and the lifecycle are derived from the orders' fills.
create table positions (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  signal_id text not null check (length(signal_id) between 1 and 200),
  symbol text not null check (length(symbol) between 1 and 64),
  asset_class text not null check (asset_class in ('equity', 'option', 'future', 'crypto')),
  side text not null check (side in ('long', 'short')),
  target_quantity numeric not null check (target_quantity > 0),
  multiplier numeric not null check (multiplier > 0),
  created_at timestamptz not null,
  primary key (account_id, id),
  unique (account_id, signal_id)
);

alter table orders add constraint orders_position_fk foreign key (account_id, position_id) references positions (account_id, id);
alter table orders add constraint orders_position_role check (position_id is null or role <> 'manual');
create index orders_by_position on orders (account_id, position_id) where position_id is not null;
-- Submission resolution looks for orders stuck between write-ahead and acknowledgement.
create index orders_by_account_updated on orders (account_id, status, updated_at);

-- The paper venue's own book: a simulated broker that keeps its state in the database, apart from
-- the ledger's, so that it survives a restart and can drift from the ledger like a real broker.
create table paper_orders (
  account_id uuid not null references accounts (account_id),
  venue_order_id text not null,
  client_order_id text not null,
  symbol text not null,
  asset_class text not null,
  side text not null check (side in ('buy', 'sell')),
  type text not null,
  time_in_force text not null,
  quantity numeric not null check (quantity > 0),
  limit_price numeric,
  stop_price numeric,
  status text not null check (status in ('new', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired')),
  filled_quantity numeric not null check (filled_quantity >= 0 and filled_quantity <= quantity),
  reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (account_id, venue_order_id),
  unique (account_id, client_order_id)
);
create index paper_orders_by_status on paper_orders (account_id, status);

create table paper_fills (
  account_id uuid not null,
  exec_id text not null,
  venue_order_id text not null,
  quantity numeric not null check (quantity > 0),
  price numeric not null,
  fee numeric not null,
  executed_at timestamptz not null,
  primary key (account_id, exec_id),
  foreign key (account_id, venue_order_id) references paper_orders (account_id, venue_order_id)
);
create index paper_fills_by_time on paper_fills (account_id, executed_at);
