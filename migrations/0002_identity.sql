-- Identity: accounts, roles, sessions with rotating refresh tokens, API tokens, MFA recovery codes,
-- JWT verification keys, and the counters behind rate limits and lockouts.

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null check (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
  email text not null check (length(email) between 3 and 254),
  display_name text not null default '' check (length(display_name) <= 200),
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  -- TOTP: the secret as an envelope (core/crypto/envelope.ts), pending until the first code verifies.
  mfa_secret text,
  mfa_enabled_at timestamptz,
  mfa_last_step bigint,
  disabled_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Usernames are never reused, not even after a soft delete: audit rows name them.
create unique index users_username_key on users (username);

create table roles (
  name text primary key check (name ~ '^[a-z][a-z0-9_]{1,62}$'),
  description text not null default '' check (length(description) <= 500),
  builtin boolean not null default false,
  -- Custom roles only; built-in roles take their permissions from core/rbac/roles.ts.
  permissions text[],
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (builtin = (permissions is null))
);
insert into roles (name, description, builtin) values
  ('viewer', 'built-in', true),
  ('auditor', 'built-in', true),
  ('operator', 'built-in', true),
  ('security_admin', 'built-in', true),
  ('admin', 'built-in', true);

create table user_roles (
  user_id uuid not null references users (id) on delete cascade,
  role text not null references roles (name) on delete cascade,
  granted_at timestamptz not null default now(),
  primary key (user_id, role)
);
create index user_roles_role_idx on user_roles (role);

-- A session is one refresh-token family: every refresh rotates the token, and presenting a rotated
-- token again revokes the whole family.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text,
  -- Only MFA enrolment is allowed until the policy-required second factor is set up.
  restricted boolean not null default false,
  -- SHA-256 of the double-submit CSRF token of cookie sessions.
  csrf_hash text,
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id) where revoked_at is null;

create table refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  role text not null references roles (name),
  token_hash text not null unique,
  hint text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user_idx on api_tokens (user_id);

create table mfa_recovery_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

-- Public halves of the access-token signing keys. Several verify at once (a key stays valid until its
-- retired_at, an access-token lifetime after the next key took over); the newest signs.
create table jwt_signing_keys (
  kid text primary key,
  alg text not null check (alg in ('EdDSA', 'ES256')),
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

-- Fixed-window counters shared by every instance: one upsert per attempt.
create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);

-- Consecutive failed logins per username (existing or not, so lockout reveals nothing) and the
-- progressive lockout they lead to.
create table login_lockouts (
  subject text primary key,
  failures integer not null default 0,
  lockouts integer not null default 0,
  locked_until timestamptz,
  last_failure_at timestamptz not null default now()
);
