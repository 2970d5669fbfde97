-- Fills are listed and exported by account and execution time (GET /v1/fills, the CSV exports),
-- and orders exported by account and creation time, each paged by keyset on (time, id). Neither
-- column ever changes once written, so these indexes do not stop an order's fill update from being
-- a heap-only (HOT) update (see 006).
create index if not exists fills_by_account_time on fills (account_id, executed_at, id);
create index if not exists orders_by_account_created on orders (account_id, created_at, id);
