-- A fill is the venue's execution: its key is its exec id in its account, the key that records each
-- fill exactly once. The fill's own id (a random UUID the ledger gives it) was a second primary key
-- that no query reads by, and one more index entry for every fill; it stays as the fill's name.
alter table fills drop constraint fills_pkey, drop constraint fills_account_id_exec_id_key,
  add constraint fills_exec_id_key primary key (account_id, exec_id);
