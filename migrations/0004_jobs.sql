-- The job queue: a table, no broker. Runners claim with FOR UPDATE SKIP LOCKED and hold a lease they
-- renew by heartbeat; an expired lease is reclaimed, so a killed runner loses nothing.
create table jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z_]{0,31}$'),
  payload jsonb not null,
  -- HMAC of kind + canonical payload under a key derived from the credential key; verified before use.
  signature text not null,
  -- At most one queued or running job per key (e.g. one scan per host).
  concurrency_key text,
  priority smallint not null default 0,
  run_at timestamptz not null default now(),
  state text not null default 'queued'
    check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  locked_by text,
  lease_expires_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);

create unique index jobs_one_active_per_key on jobs (concurrency_key)
  where concurrency_key is not null and state in ('queued', 'running');
create index jobs_ready on jobs (priority desc, run_at, id) where state = 'queued';
create index jobs_leases on jobs (lease_expires_at) where state = 'running';

-- Wakes idle runners at once; they poll as a fallback.
create function jobs_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('openwatch_jobs', new.kind);
  return null;
end $$;
create trigger jobs_notify after insert on jobs for each row execute function jobs_notify();
