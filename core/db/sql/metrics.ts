import type { Queryable } from '../types.ts';

export interface QueueRow {
  kind: string;
  depth: number;
  running: number;
  /** Seconds since the oldest due queued job became due; 0 when none is waiting. */
  oldest_age_seconds: number;
}

/**
 * Queue depth, running jobs and the oldest due job's wait, per kind, in one statement. Only unfinished
 * rows are read (the partial indexes jobs_ready and jobs_leases), so its cost does not grow with history.
 */
export async function queueByKind(q: Queryable): Promise<QueueRow[]> {
  const { rows } = await q.query<QueueRow>(
    `select kind,
            count(*) filter (where state = 'queued')::int as depth,
            count(*) filter (where state = 'running')::int as running,
            coalesce(extract(epoch from now() - min(run_at) filter (where state = 'queued' and run_at <= now())), 0)::float8
              as oldest_age_seconds
     from jobs where state in ('queued', 'running')
     group by kind`,
  );
  return rows;
}

/** Scans waiting or in progress (the scans_status partial index). */
export async function activeScansByStatus(q: Queryable): Promise<{ status: string; n: number }[]> {
  const { rows } = await q.query<{ status: string; n: number }>(
    `select status, count(*)::int as n from scans where status in ('queued', 'running') group by status`,
  );
  return rows;
}

/** Live (not deleted) hosts per liveness band. */
export async function hostsByLiveness(q: Queryable): Promise<{ liveness: string; n: number }[]> {
  const { rows } = await q.query<{ liveness: string; n: number }>(
    `select liveness, count(*)::int as n from hosts where deleted_at is null group by liveness`,
  );
  return rows;
}

/**
 * Failed sign-ins and lockouts ever recorded, counted from the audit log (index-only on
 * audit_events_code_idx): the same numbers whichever runtime served the sign-in, and a counter that
 * Prometheus's rate() reads correctly. `locked` is the usernames locked out now.
 */
export async function loginCounters(
  q: Queryable,
): Promise<{ failures: number; lockouts: number; locked: number }> {
  const { rows } = await q.query<{ failures: number; lockouts: number; locked: number }>(
    `select (select count(*) from audit_events where code = 'auth.login.failed')::int as failures,
            (select count(*) from audit_events where code = 'auth.lockout')::int as lockouts,
            (select count(*) from login_lockouts where locked_until > now())::int as locked`,
  );
  return rows[0] ?? { failures: 0, lockouts: 0, locked: 0 };
}
