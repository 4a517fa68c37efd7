import type { Queryable } from '../types.ts';

export const JOBS_CHANNEL = 'openwatch_jobs';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  signature: string;
  concurrency_key: string | null;
  priority: number;
  run_at: Date;
  state: JobState;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface NewJob {
  kind: string;
  payload: unknown;
  signature: string;
  concurrencyKey?: string;
  priority?: number;
  runAt?: Date;
  maxAttempts?: number;
}

const NAMES = [
  'kind',
  'payload',
  'signature',
  'concurrency_key',
  'priority',
  'run_at',
  'state',
  'attempts',
  'max_attempts',
  'locked_by',
  'lease_expires_at',
  'last_error',
  'created_at',
  'finished_at',
];
const columns = (prefix = '') => [`${prefix}id::text as id`, ...NAMES.map((n) => prefix + n)].join(', ');
const COLUMNS = columns();

/** Inserts a job; undefined when another job with the same concurrency key is queued or running. */
export async function enqueueJob(db: Queryable, job: NewJob): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>(
    `insert into jobs (kind, payload, signature, concurrency_key, priority, run_at, max_attempts)
     values ($1, $2::jsonb, $3, $4, $5, coalesce($6, now()), $7)
     on conflict (concurrency_key) where concurrency_key is not null and state in ('queued', 'running')
     do nothing
     returning ${COLUMNS}`,
    [
      job.kind,
      JSON.stringify(job.payload),
      job.signature,
      job.concurrencyKey ?? null,
      job.priority ?? 0,
      job.runAt ?? null,
      job.maxAttempts ?? 5,
    ],
  );
  return rows[0];
}

/**
 * Claims up to `limit` due jobs for `workerId` in one statement: candidates are locked with SKIP LOCKED
 * so concurrent runners never take the same row, then stamped with the owner and a lease.
 */
export async function claimJobs(
  db: Queryable,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  kinds: readonly string[],
): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `with candidates as (
       select id from jobs
       where state = 'queued' and run_at <= now() and kind = any($4::text[])
       order by priority desc, run_at, id
       limit $2
       for update skip locked
     )
     update jobs j
        set state = 'running', locked_by = $1, attempts = j.attempts + 1,
            lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
       from candidates c
      where j.id = c.id
     returning ${columns('j.')}`,
    [workerId, limit, leaseSeconds, kinds],
  );
  return rows;
}

/** Extends the leases of jobs this worker still owns; returns the ids it still owns (others were lost). */
export async function heartbeatJobs(
  db: Queryable,
  workerId: string,
  ids: readonly string[],
  leaseSeconds: number,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `update jobs set lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
      where id = any($2::bigint[]) and locked_by = $1 and state = 'running'
     returning id::text`,
    [workerId, ids, leaseSeconds],
  );
  return rows.map((r) => r.id);
}

/** Marks a job done; false when this worker no longer owns it (reclaimed or cancelled meanwhile). */
export async function completeJob(db: Queryable, workerId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set state = 'succeeded', finished_at = now(), updated_at = now(), locked_by = null,
            lease_expires_at = null, last_error = null
      where id = $2 and locked_by = $1 and state = 'running'`,
    [workerId, id],
  );
  return rowCount === 1;
}

/**
 * Records a failure. A retryable failure goes back to the queue with exponential backoff (5 s doubling,
 * at most an hour) until max_attempts; a terminal one, or the last attempt, ends as failed.
 */
export async function failJob(
  db: Queryable,
  workerId: string,
  id: string,
  error: string,
  retryable: boolean,
): Promise<JobState | undefined> {
  const { rows } = await db.query<{ state: JobState }>(
    `update jobs
        set state = case when $4 and attempts < max_attempts then 'queued' else 'failed' end,
            run_at = case when $4 and attempts < max_attempts
                          then now() + make_interval(secs => least(3600, 5 * power(2, attempts - 1)))
                          else run_at end,
            finished_at = case when $4 and attempts < max_attempts then null else now() end,
            last_error = left($3, 2000), locked_by = null, lease_expires_at = null, updated_at = now()
      where id = $2 and locked_by = $1 and state = 'running'
     returning state`,
    [workerId, id, error, retryable],
  );
  return rows[0]?.state;
}

/** Frees jobs whose lease expired (their runner died): back to the queue, or failed when out of attempts. */
export async function reclaimExpiredJobs(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `update jobs
        set state = case when attempts < max_attempts then 'queued' else 'failed' end,
            finished_at = case when attempts < max_attempts then null else now() end,
            last_error = 'lease expired (runner stopped responding)',
            locked_by = null, lease_expires_at = null, updated_at = now()
      where state = 'running' and lease_expires_at < now()`,
  );
  return rowCount;
}

/** Cancels a queued or running job; a running one is aborted at its runner's next heartbeat. */
export async function cancelJob(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set state = 'cancelled', finished_at = now(), locked_by = null, lease_expires_at = null,
            updated_at = now()
      where id = $1 and state in ('queued', 'running')`,
    [id],
  );
  return rowCount === 1;
}

export async function getJob(db: Queryable, id: string): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>(`select ${COLUMNS} from jobs where id = $1`, [id]);
  return rows[0];
}
