-- Order lists page newest first per account on (created_at, id): without this index every page sorted
-- all of the account's orders (259 ms a page at 1,000,000 orders).
create index orders_by_account_created on orders (account_id, created_at, id);

-- Failed dashboard sign-ins, counted per user name and per client address, so that every instance
-- sharing the database sees the same counts (a per-process count would let an attacker spread the
-- guesses over the instances). Not account data: a user owns many accounts, an address none.
create table login_throttle (
  key text primary key check (length(key) between 1 and 300),
  failures integer not null check (failures >= 0),
  window_started_at timestamptz not null,
  locked_until timestamptz
);
