-- Venue items an adapter could not read (an unknown status, type, side, order class...), kept raw so
-- that a user can see them and reconciliation can report them. One row per distinct item: the venue's
-- id for it when it has one, else a digest of its payload (item_key). A later sighting updates the
-- payload and reason to the newest and counts it.
create table unparsed_venue_items (
  account_id uuid not null references accounts (account_id),
  venue text not null check (length(venue) between 1 and 64),
  kind text not null check (kind in ('order', 'fill', 'position', 'activity')),
  item_key text not null check (length(item_key) between 1 and 200),
  venue_item_id text check (length(venue_item_id) between 1 and 200),
  payload jsonb not null,
  reason text not null check (length(reason) between 1 and 1000),
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null check (last_seen_at >= first_seen_at),
  times_seen bigint not null check (times_seen >= 1),
  primary key (account_id, venue, kind, item_key)
);
create index unparsed_venue_items_recent on unparsed_venue_items (account_id, last_seen_at desc, item_key);

-- Trailing stops (Alpaca) are read from venues as orders of their own type, so the ledger may hold one
-- that reconciliation adopted.
alter table orders drop constraint orders_type_check;
alter table orders add constraint orders_type_check check (type in ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop'));

-- Reconciliation reports kept items as findings of their own category.
alter table reconciliation_findings drop constraint reconciliation_findings_category_check;
alter table reconciliation_findings add constraint reconciliation_findings_category_check check (category in ('missing_at_broker', 'orphaned_at_broker',
  'fill_mismatch', 'status_mismatch', 'stuck_submission', 'holding_mismatch', 'unprotected_position', 'unparsed_venue_item'));
