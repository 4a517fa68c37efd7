import type { Queryable } from '../types.ts';

export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Seconds left on a lockout, or 0 when `subject` may try. */
export async function lockedForSeconds(q: Queryable, subject: string): Promise<number> {
  const { rows } = await q.query<{ secs: number }>(
    `select ceil(extract(epoch from (locked_until - now())))::int as secs from login_lockouts
     where subject = $1 and locked_until > now()`,
    [subject],
  );
  return rows[0]?.secs ?? 0;
}

export interface FailureOutcome {
  /** Set when this failure started a lockout: how long it lasts. */
  lockedSeconds: number | null;
  failures: number;
  lockouts: number;
}

/**
 * Counts a failed login. At `threshold` consecutive failures the subject is locked for
 * baseSeconds × 2^(earlier lockouts), capped at maxSeconds, and the count starts again.
 */
export async function recordLoginFailure(
  q: Queryable,
  subject: string,
  p: LockoutPolicy,
): Promise<FailureOutcome> {
  const { rows } = await q.query<{ failures: number; lockouts: number; locked_seconds: number | null }>(
    `with prev as (select lockouts from login_lockouts where subject = $1)
     insert into login_lockouts as l (subject, failures, lockouts, locked_until, last_failure_at)
     values ($1, 1, 0, null, now())
     on conflict (subject) do update set
       failures = case when l.failures + 1 >= $2 then 0 else l.failures + 1 end,
       lockouts = case when l.failures + 1 >= $2 then l.lockouts + 1 else l.lockouts end,
       locked_until = case when l.failures + 1 >= $2
         then now() + make_interval(secs => least($4::float8, $3::float8 * power(2, l.lockouts)))
         else l.locked_until end,
       last_failure_at = now()
     returning failures, lockouts,
       case when failures = 0 and lockouts > coalesce((select lockouts from prev), 0)
         then ceil(extract(epoch from (locked_until - now())))::int end as locked_seconds`,
    [subject, p.threshold, p.baseSeconds, p.maxSeconds],
  );
  const row = rows[0];
  return {
    lockedSeconds: row?.locked_seconds ?? null,
    failures: row?.failures ?? 1,
    lockouts: row?.lockouts ?? 0,
  };
}

/** A successful login clears the count and the doubling. */
export async function clearLoginFailures(q: Queryable, subject: string): Promise<void> {
  await q.query('delete from login_lockouts where subject = $1', [subject]);
}

/** Admin unlock: true when there was a lockout or failure count to clear. */
export async function unlockSubject(q: Queryable, subject: string): Promise<boolean> {
  const { rowCount } = await q.query('delete from login_lockouts where subject = $1', [subject]);
  return rowCount > 0;
}
