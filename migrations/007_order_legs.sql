-- Multi-leg orders (option spreads). An order's legs are fixed when it is recorded; its per-leg
-- progress is the fold of its fills, kept beside qty_filled so the row stays the fold of its events.
-- Both are null for a single-instrument order, so existing rows need nothing.
alter table orders add column legs jsonb check (legs is null or (jsonb_typeof(legs) = 'array' and jsonb_array_length(legs) between 2 and 4));
alter table orders add column leg_fills jsonb check ((leg_fills is null) = (legs is null));

-- The leg a fill belongs to (1-based), for a multi-leg order's fill. Fills stay append-only: adding a
-- nullable column rewrites no row and the fills_append_only trigger still refuses updates and deletes.
alter table fills add column leg integer check (leg is null or leg between 1 and 4);
