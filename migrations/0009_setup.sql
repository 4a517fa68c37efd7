-- First run: one-time setup tokens for creating the first administrator without the CLI, and the
-- server-only transport of a host (the development machine scanning itself).

create table setup_tokens (
  -- Hex SHA-256 of the token; the token itself is only ever printed, never stored.
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by uuid references users (id) on delete set null,
  -- Set when a newer token replaced this one before it was used.
  invalidated_at timestamptz,
  check (used_at is null or invalidated_at is null)
);
-- The one token that can still be used is the newest live one; this keeps the lookup an index scan.
create index setup_tokens_live on setup_tokens (created_at desc) where used_at is null and invalidated_at is null;

-- 'local' is set only by the server (development mode registers the machine it runs on); no API accepts
-- or changes it, and a runner scans such a host only when runner.allow_local_transport is on.
alter table hosts add column transport text not null default 'ssh' check (transport in ('ssh', 'local'));
-- At most one local host, ever: deleted rows count too, so a deleted "this machine" is not re-created.
create unique index hosts_one_local on hosts (transport) where transport = 'local';
