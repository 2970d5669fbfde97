-- Who sends an order is a fact about the order (issue 11). Fillbook places, re-places or retries
-- only the orders it sends; the bot's own orders (`submit: false`) and orders adopted or imported
-- from the venue are never sent by Fillbook.
alter table orders add column sent_by text not null default 'fillbook' check (sent_by in ('fillbook', 'bot'));
-- Orders recorded before this column: Fillbook sent its API orders; adopted orders came from the venue.
update orders set sent_by = 'bot' where origin <> 'api';
alter table orders alter column sent_by drop default;

alter table orders drop constraint orders_origin_check;
alter table orders add constraint orders_origin_check check (origin in ('api', 'broker', 'reconciliation', 'import'));
alter table order_events drop constraint order_events_source_check;
alter table order_events add constraint order_events_source_check
  check (source in ('api', 'broker_stream', 'broker_poll', 'webhook', 'reconciliation', 'user', 'import'));

-- An observe-only account is read-only toward its venue: Fillbook reads and reconciles, never places
-- or cancels. Fail closed (on by default): while the latest reconciliation has unresolved findings
-- that say the ledger may be wrong, new entry orders are refused.
alter table accounts add column observe_only boolean not null default false;
alter table accounts add column fail_closed boolean not null default true;

-- Set by each completed reconciliation run: the findings that halt entries (none: no row).
create table account_halts (
  account_id uuid primary key references accounts (account_id),
  run_id uuid not null,
  findings jsonb not null,
  halted_at timestamptz not null
);

-- How far back the next reconciliation reads the venue's orders and fills: set by the last
-- complete run, so a bot offline for days catches up in one run.
create table reconciliation_watermarks (
  account_id uuid primary key references accounts (account_id),
  venue_since timestamptz not null,
  run_id uuid not null,
  updated_at timestamptz not null
);

-- The paper venue's order history, read by reconciliation and import as a broker's is.
create index paper_orders_by_updated on paper_orders (account_id, updated_at, venue_order_id);
