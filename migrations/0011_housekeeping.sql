-- Indexes for the scheduler's queries and for housekeeping (core/housekeeping/prune.ts).
-- The discovery/liveness scheduler asks "was a job of this kind created within the interval?" twice a
-- minute; without this it scans every job ever run.
create index jobs_kind_created on jobs (kind, created_at);
-- Pruning finished jobs by age reads only finished rows.
create index jobs_finished on jobs (finished_at) where state in ('succeeded', 'failed', 'cancelled');
-- Ended sessions (expired or revoked) are pruned after the retention; refresh tokens go with them.
create index sessions_expires on sessions (expires_at);
create index sessions_revoked on sessions (revoked_at) where revoked_at is not null;
-- Rate-limit windows that closed long ago.
create index rate_limits_window on rate_limits (window_start);
-- Idempotency keys are forgotten after their retention (the scan row stays).
create index scans_idempotency_age on scans (created_at) where idempotency_key is not null;
-- Failure counters of usernames that have been quiet for the retention.
create index login_lockouts_last_failure on login_lockouts (last_failure_at);
-- The scheduler's "newest scan per host by status" lateral joins.
create index scans_host_status_created on scans (host_id, status, created_at);
