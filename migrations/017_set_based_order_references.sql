-- Every fill and every order event still belongs to an order of its account, every order to an
-- account, and no order or account ever goes away: the database enforces all of it, checked once a
-- statement instead of once a row.
--
-- A foreign key checks each inserted row on its own (a query and a row lock per row); on a history
-- import those checks were a fifth of the server's time, and an order's check of its account, whose
-- one row every page's statement locked again and again, 15% of a page of adopted orders. Here one
-- query a statement looks for a new row whose order (or account) is missing, over the statement's
-- new rows (a transition table), and fails the statement with foreign_key_violation, as the foreign
-- key did. What the foreign key also did on the other side, refusing to delete a row others name or
-- to change its key, is refused for every order and every account: the ledger is append-only.
--
-- On Citus, which does not run triggers on distributed tables, the foreign keys come back instead
-- (between tables distributed by account_id and colocated, Citus keeps them): every one of them
-- includes account_id, so the schema still shards by account.
--
-- The redundant index on (account_id, status) goes too: orders_by_account_updated on
-- (account_id, status, updated_at) serves every query it served, and each new version of an order
-- wrote an entry in both.

drop index orders_by_account_status;

alter table fills drop constraint fills_account_id_order_id_fkey;
alter table order_events drop constraint order_events_account_id_order_id_fkey;
alter table orders drop constraint orders_account_id_fkey;

create function fillbook_rows_have_their_order() returns trigger language plpgsql as $$
declare
  orphan record;
begin
  select n.account_id, n.order_id into orphan from new_rows n
  where not exists (select 1 from orders o where o.account_id = n.account_id and o.id = n.order_id)
  limit 1;
  if found then
    raise exception 'insert into % names order % of account %, which is not in orders', tg_table_name, orphan.order_id, orphan.account_id
      using errcode = 'foreign_key_violation', constraint = tg_table_name || '_order_exists', table = tg_table_name;
  end if;
  return null;
end
$$;

create trigger fills_order_exists after insert on fills
  referencing new table as new_rows for each statement execute function fillbook_rows_have_their_order();
create trigger order_events_order_exists after insert on order_events
  referencing new table as new_rows for each statement execute function fillbook_rows_have_their_order();

create function fillbook_orders_have_their_account() returns trigger language plpgsql as $$
declare
  orphan uuid;
begin
  select n.account_id into orphan from new_rows n
  where not exists (select 1 from accounts a where a.account_id = n.account_id)
  limit 1;
  if found then
    raise exception 'insert into orders names account %, which is not in accounts', orphan
      using errcode = 'foreign_key_violation', constraint = 'orders_account_exists', table = 'orders';
  end if;
  return null;
end
$$;

create trigger orders_account_exists after insert on orders
  referencing new table as new_rows for each statement execute function fillbook_orders_have_their_account();

create function fillbook_rows_stay() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception '% rows are never deleted: the ledger is append-only', tg_table_name using errcode = 'restrict_violation', table = tg_table_name;
  end if;
  raise exception 'the key of a row of % never changes', tg_table_name using errcode = 'restrict_violation', table = tg_table_name;
end
$$;

create trigger orders_never_deleted before delete on orders
  for each statement execute function fillbook_rows_stay();
create trigger orders_key_fixed before update of account_id, id on orders
  for each row when (old.account_id is distinct from new.account_id or old.id is distinct from new.id)
  execute function fillbook_rows_stay();
create trigger accounts_never_deleted before delete on accounts
  for each statement execute function fillbook_rows_stay();
create trigger accounts_key_fixed before update of account_id on accounts
  for each row when (old.account_id is distinct from new.account_id)
  execute function fillbook_rows_stay();
