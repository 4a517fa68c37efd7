-- Fleet inventory: SSH credentials, hosts, groups and pinned host keys.

create table credentials (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  -- At most one system default (used by hosts without their own credential).
  is_default boolean not null default false,
  username text not null check (username ~ '^[a-z_][a-z0-9_.-]{0,31}$'),
  auth_method text not null check (auth_method in ('key', 'password')),
  -- Secrets are AES-256-GCM envelopes (core/crypto/envelope.ts) under the credential key; never returned.
  secret_enc text not null,
  passphrase_enc text,
  sudo_password_enc text,
  -- SHA256 fingerprint of the public half of a key credential, shown instead of the key.
  key_fingerprint text,
  -- The envelope key (keyVersionOf: 8 hex characters) the secrets are sealed under, for re-encryption sweeps.
  key_version text not null check (key_version ~ '^[0-9a-f]{8}$'),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index credentials_name on credentials (lower(name));
create unique index credentials_one_default on credentials (is_default) where is_default;

create table hosts (
  id uuid primary key default gen_random_uuid(),
  hostname text not null check (hostname ~ '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$'),
  environment text not null default 'production' check (environment ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  address text not null check (length(address) between 1 and 255),
  port integer not null default 22 check (port between 1 and 65535),
  tags text[] not null default '{}',
  description text not null default '' check (length(description) <= 2000),
  credential_id uuid references credentials (id) on delete set null,
  -- Run collection through sudo (-n, or with the credential's sudo password).
  use_sudo boolean not null default true,
  -- pinned: only a pre-provisioned or approved key is accepted; tofu: the first key seen is pinned.
  host_key_policy text not null default 'tofu' check (host_key_policy in ('pinned', 'tofu')),
  maintenance boolean not null default false,
  -- Filled by discovery.
  os_family text,
  os_id text,
  os_version text,
  os_name text,
  kernel text,
  uptime_seconds bigint,
  package_count integer,
  discovered_at timestamptz,
  liveness text not null default 'unknown'
    check (liveness in ('unknown', 'online', 'degraded', 'critical', 'down')),
  liveness_checked_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index hosts_name_env on hosts (lower(hostname), environment) where deleted_at is null;
create index hosts_tags on hosts using gin (tags);
create index hosts_credential on hosts (credential_id) where credential_id is not null;

create table host_groups (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  description text not null default '',
  -- Automatic membership: every host whose discovered os_family matches.
  auto_os_family text check (auto_os_family in ('debian', 'ubuntu', 'rhel')),
  maintenance boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index host_groups_name on host_groups (lower(name));

create table host_group_members (
  group_id uuid not null references host_groups (id) on delete cascade,
  host_id uuid not null references hosts (id) on delete cascade,
  primary key (group_id, host_id)
);
create index host_group_members_host on host_group_members (host_id);

create table host_keys (
  id uuid primary key default gen_random_uuid(),
  host_id uuid not null references hosts (id) on delete cascade,
  key_type text not null,
  fingerprint text not null check (fingerprint ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
  -- pinned: trusted; pending: offered by the host and different from the pinned one, awaiting approval.
  status text not null check (status in ('pinned', 'pending', 'rejected', 'retired')),
  first_seen_at timestamptz not null default now(),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz
);
create unique index host_keys_one_pinned on host_keys (host_id) where status = 'pinned';
create unique index host_keys_fingerprint on host_keys (host_id, fingerprint);

-- `openwatch rotate-dek`: one row per new data-encryption key. A rotation is complete when no envelope
-- is sealed under any other version; the versions it replaced are then recorded as retired.
create table envelope_key_rotations (
  key_version text primary key check (key_version ~ '^[0-9a-f]{8}$'),
  started_at timestamptz not null default now(),
  completed_at timestamptz,
  retired_versions text[] not null default '{}'
);
