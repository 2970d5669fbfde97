-- Idempotency-Key on the POSTs that create something (Stripe's semantics): a key is one user's, and
-- the account's when the body names one; the first request holds it while it runs and leaves its
-- answer here, which a retry with the same key and body gets back. Kept 24 hours.
create table idempotency_keys (
  user_id uuid not null references users (user_id),
  -- The account the request names (body or path); null when it names none. Not a foreign key: a
  -- request naming an account that is not the caller's is answered (404) and that answer kept too.
  account_id uuid,
  idempotency_key text not null,
  -- The canonical JSON of [method, route, path parameters, body]: a retry must match it exactly, and
  -- a mismatch can say which fields differ.
  request text not null,
  state text not null check (state in ('in_progress', 'completed')),
  response_status integer,
  response_body text,
  created_at timestamptz not null,
  completed_at timestamptz,
  expires_at timestamptz not null,
  constraint idempotency_keys_scope unique nulls not distinct (user_id, account_id, idempotency_key),
  check ((state = 'completed') = (response_status is not null))
);
create index idempotency_keys_by_expiry on idempotency_keys (expires_at);

-- An order's page shows the fills quarantined for it (GET /v1/orders/{id}).
create index fill_quarantine_by_order on fill_quarantine (account_id, order_id);
