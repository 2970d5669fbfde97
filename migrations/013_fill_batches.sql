-- A batch of fills is written by one statement per account (see `insertFillBatch` in
-- src/storage/ledger-store.ts): it updates every order the batch changes only if the order is still
-- at the version the ledger read (compare-and-set), and inserts the fills, the orders' `filled`
-- events and the quarantined fills. When one order moved meanwhile, the whole statement must change
-- nothing, so the statement raises this error (SQLSTATE FB002) after its updates, which undoes them
-- all; the ledger reads again and decides again. A function, so the planner cannot fold the raise.
create function fillbook_stale_write(orders_expected bigint, orders_claimed bigint) returns integer
  language plpgsql volatile as $$
begin
  raise exception 'stale write: % of % orders were still at the version read', orders_claimed, orders_expected
    using errcode = 'FB002';
end;
$$;

-- The order list pages newest first by (created_at, id) within the caller's accounts. Another branch
-- adds this index under the same name (its migration runs first on a new database, so this one is
-- then a no-op); here so that the list bench (bench/write-path.ts) measures it now.
create index if not exists orders_by_account_created on orders (account_id, created_at, id);
