-- The exposure guard's version of a position: bumped by every write the guard checked (a new order
-- of the position, a retry, an amendment that grows an order). A placement reads the position's
-- orders and this version in one statement, decides in the domain, and writes only if the version
-- is still the one it read (compare-and-set), so concurrent placements on one position serialize
-- without holding a lock across round trips. Writers that take the row lock instead bump it too.
alter table positions add column guard_version bigint not null default 0;
