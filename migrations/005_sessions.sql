-- Dashboard sign-in sessions: the cookie holds a random token; only its hash is stored.
create table sessions (
  session_hash text primary key,
  user_id uuid not null references users (user_id),
  -- The synchronizer token every state-changing request with this session must echo (CSRF).
  csrf_token text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index sessions_by_user on sessions (user_id);
