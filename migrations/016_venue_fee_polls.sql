-- Fees the venues report apart from their fills, read by a poll (src/service/venue-fees.ts).
--
-- 1. A fee of the account that names no instrument: Alpaca charges its regulatory fees (REG, TAF,
--    CAT, ORF, OCC) as one total per account and trading day, with neither an order nor a symbol
--    (docs.alpaca.markets/docs/regulatory-fees). Such a fee has no symbol and no order; one that
--    names an order always has its order's instrument.
alter table fill_fees alter column symbol drop not null;
alter table fill_fees alter column asset_class drop not null;
alter table fill_fees add constraint fill_fees_instrument_whole check ((symbol is null) = (asset_class is null));
alter table fill_fees add constraint fill_fees_order_has_instrument check (symbol is not null or order_id is null);

-- 2. Where each account's fee poll has read up to: the venue's own cursor (Alpaca's page token, the
--    last activity id; tastytrade's count of transactions read), written after every page whose fees
--    are all recorded or kept below, so a crash re-reads at most one page (its fees are recorded once
--    by fee id). One row per account: coordination through the database, never process memory.
create table venue_fee_cursors (
  account_id uuid primary key references accounts (account_id),
  venue text not null check (length(venue) between 1 and 64),
  cursor text not null check (length(cursor) between 1 and 1000),
  pages_read bigint not null default 0 check (pages_read >= 0),
  updated_at timestamptz not null
);

-- 3. A fee read for an order the ledger does not know yet (its fill and order arrive later, or are
--    adopted by reconciliation): kept here and tried again on every poll until it lands, never lost.
create table venue_fees_pending (
  account_id uuid not null references accounts (account_id),
  fee_id text not null check (length(fee_id) between 1 and 200),
  venue_order_id text not null check (length(venue_order_id) between 1 and 200),
  -- The fee report as the adapter parsed it (decimals as strings), and the venue's raw record.
  report jsonb not null,
  reason text not null check (length(reason) between 1 and 1000),
  attempts integer not null default 1 check (attempts >= 1),
  first_seen_at timestamptz not null,
  last_tried_at timestamptz not null,
  primary key (account_id, fee_id)
);
create index venue_fees_pending_by_try on venue_fees_pending (account_id, last_tried_at);
