import type { Queryable } from '../types.ts';

/**
 * Each statement deletes (or clears) at most `batch` rows chosen through an index, so one pass holds its
 * locks briefly however large the backlog; the caller repeats until a batch comes back short.
 */
async function count(q: Queryable, text: string, params: unknown[]): Promise<number> {
  const { rowCount } = await q.query(text, params);
  return rowCount;
}

/** Succeeded, failed and cancelled jobs finished more than `days` ago (scans keep their row: job_id is set null). */
export function pruneFinishedJobs(q: Queryable, days: number, batch: number): Promise<number> {
  return count(
    q,
    `delete from jobs where id in (
       select id from jobs
       where state in ('succeeded', 'failed', 'cancelled') and finished_at < now() - make_interval(days => $1::int)
       limit $2)`,
    [days, batch],
  );
}

/** Sessions that ended (expired or revoked) more than `days` ago; their refresh tokens cascade. */
export function pruneEndedSessions(q: Queryable, days: number, batch: number): Promise<number> {
  return count(
    q,
    `delete from sessions where id in (
       (select id from sessions where expires_at < now() - make_interval(days => $1::int) limit $2)
       union
       (select id from sessions where revoked_at < now() - make_interval(days => $1::int) limit $2))`,
    [days, batch],
  );
}

/** Rate-limit windows that started more than `hours` ago (every window is far shorter). */
export function pruneRateLimits(q: Queryable, hours: number, batch: number): Promise<number> {
  return count(
    q,
    `delete from rate_limits where key in (
       select key from rate_limits where window_start < now() - make_interval(hours => $1::int) limit $2)`,
    [hours, batch],
  );
}

/** Failure counters of usernames neither locked nor failing for `days`. */
export function pruneQuietLockouts(q: Queryable, days: number, batch: number): Promise<number> {
  return count(
    q,
    `delete from login_lockouts where subject in (
       select subject from login_lockouts
       where last_failure_at < now() - make_interval(days => $1::int)
         and (locked_until is null or locked_until < now())
       limit $2)`,
    [days, batch],
  );
}

/** Forgets idempotency keys of scans requested more than `hours` ago; the scans themselves stay. */
export function clearIdempotencyKeys(q: Queryable, hours: number, batch: number): Promise<number> {
  return count(
    q,
    `update scans set idempotency_key = null where id in (
       select id from scans
       where idempotency_key is not null and created_at < now() - make_interval(hours => $1::int)
       limit $2)`,
    [hours, batch],
  );
}
