-- Users own accounts; API keys are stored hashed. A request sees only its user's accounts.
create table users (
  user_id uuid primary key,
  name text not null unique check (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  password_hash text,
  created_at timestamptz not null
);

create table api_keys (
  key_id uuid primary key,
  user_id uuid not null references users (user_id),
  -- sha256 of the key's secret part; keys are 256-bit random, so a fast hash is enough.
  secret_hash text not null,
  label text,
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_by_user on api_keys (user_id);

alter table accounts add column user_id uuid references users (user_id);
-- The per-account secret that signs webhook deliveries (HMAC-SHA256).
alter table accounts add column webhook_secret text;
create index accounts_by_user on accounts (user_id);

-- Webhook deliveries are stored before they are answered, then processed in the background.
create table webhook_inbox (
  account_id uuid not null references accounts (account_id),
  id uuid not null,
  venue text not null,
  -- The venue's delivery id, or a hash of the body: a replayed delivery is stored once.
  delivery_id text not null,
  payload jsonb not null,
  received_at timestamptz not null,
  status text not null check (status in ('pending', 'waiting', 'processed', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null,
  last_error text,
  processed_at timestamptz,
  primary key (account_id, id),
  unique (account_id, delivery_id)
);
create index webhook_inbox_due on webhook_inbox (next_attempt_at) where status in ('pending', 'waiting');
