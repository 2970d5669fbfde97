-- The exposure guard's version of a position: bumped by every write the guard checked (a new order
-- of the position, a retry, an amendment that grows an order). A placement reads the position's
-- orders and this version in one statement, decides in the domain, and writes only if the version
-- is still the one it read (compare-and-set), so concurrent placements on one position serialize
-- without holding a lock across round trips. Writers that take the row lock instead bump it too.
alter table positions add column guard_version bigint not null default 0;

-- A fill changes an order's quantities, times and version, none of them indexed, so its update can
-- be a heap-only (HOT) update that writes no index entry, if no index holds `updated_at` (which every
-- fill changes) and the page has room. The queries for stuck or failed orders filter a rare status
-- first: `orders_by_account_status` serves them, and `updated_at` is checked on those few rows.
drop index orders_by_account_updated;
alter table orders set (fillfactor = 80);
