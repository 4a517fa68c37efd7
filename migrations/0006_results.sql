-- Scans, the rule catalog and write-on-change results.

create table rule_catalog (
  rule_id text primary key,
  title text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  category text not null,
  tags text[] not null default '{}',
  refs jsonb not null,
  platforms jsonb not null,
  corpus_version text not null,
  updated_at timestamptz not null default now()
);

create table scans (
  id uuid primary key default gen_random_uuid(),
  host_id uuid not null references hosts (id) on delete cascade,
  requested_by uuid references users (id) on delete set null,
  source text not null check (source in ('api', 'group', 'schedule')),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  job_id bigint references jobs (id) on delete set null,
  -- Optional rule selection; null means the whole applicable corpus.
  rule_ids text[],
  idempotency_key text,
  total integer, pass integer, fail integer, error integer, not_applicable integer, not_assessable integer,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index scans_host_created on scans (host_id, created_at desc);
create index scans_status on scans (status) where status in ('queued', 'running');
create unique index scans_idempotency on scans (requested_by, idempotency_key) where idempotency_key is not null;

-- Evidence is stored once per distinct content (hash of its canonical JSON).
create table evidence (
  hash text primary key,
  body jsonb not null
);

create table scan_results (
  scan_id uuid not null references scans (id) on delete cascade,
  rule_id text not null,
  status text not null check (status in ('pass', 'fail', 'error', 'not_applicable', 'not_assessable')),
  reason text,
  severity text not null,
  evidence_hash text not null references evidence (hash),
  primary key (scan_id, rule_id)
);

-- Current verdict per host × rule: what posture is computed from.
create table host_rule_state (
  host_id uuid not null references hosts (id) on delete cascade,
  rule_id text not null,
  status text not null,
  severity text not null,
  reason text,
  evidence_hash text not null references evidence (hash),
  -- No foreign key: pruning old scans must not delete the current state (and the check costs a lookup
  -- per row on the hot write path).
  last_scan_id uuid not null,
  last_checked_at timestamptz not null,
  status_since timestamptz not null,
  check_count integer not null default 1,
  primary key (host_id, rule_id)
);
create index host_rule_state_rule on host_rule_state (rule_id, status);

-- A row only when a verdict first appears or changes: drift, and posture at any past time.
create table transactions (
  id bigint generated always as identity primary key,
  host_id uuid not null references hosts (id) on delete cascade,
  rule_id text not null,
  -- No foreign key: the history outlives the pruning of the scans that produced it (posture at time T).
  scan_id uuid not null,
  previous_status text,
  status text not null,
  severity text not null,
  occurred_at timestamptz not null,
  unique (scan_id, host_id, rule_id)
);
create index transactions_host_rule_time on transactions (host_id, rule_id, occurred_at desc);
create index transactions_time on transactions (occurred_at desc);
