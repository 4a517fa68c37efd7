-- Rule exceptions: an accepted, reasoned deviation from one rule on a host or on a group's hosts.
-- The verdict never changes; posture reports a second score that leaves excepted failures out.
-- Expiry is computed when read (an approved exception whose expires_at has passed is `expired`).

create table rule_exceptions (
  id uuid primary key default gen_random_uuid(),
  host_id uuid references hosts (id) on delete cascade,
  group_id uuid references host_groups (id) on delete cascade,
  rule_id text not null check (rule_id ~ '^[a-z0-9][a-z0-9_]{0,127}$'),
  reason text not null check (length(reason) between 1 and 2000),
  state text not null default 'requested' check (state in ('requested', 'approved', 'rejected', 'revoked')),
  expires_at timestamptz,
  requested_by uuid references users (id) on delete set null,
  requested_at timestamptz not null default now(),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  decision_comment text check (length(decision_comment) <= 2000),
  revoked_by uuid references users (id) on delete set null,
  revoked_at timestamptz,
  revoke_reason text check (length(revoke_reason) <= 2000),
  check (num_nonnulls(host_id, group_id) = 1),
  -- Four eyes, enforced by the database as well as the API.
  check (decided_by is null or requested_by is null or decided_by <> requested_by),
  check (state = 'requested' or decided_at is not null),
  check (state <> 'revoked' or revoked_at is not null)
);
create index rule_exceptions_host on rule_exceptions (host_id, rule_id) where host_id is not null;
create index rule_exceptions_group on rule_exceptions (group_id, rule_id) where group_id is not null;
create index rule_exceptions_state on rule_exceptions (state, requested_at desc);
