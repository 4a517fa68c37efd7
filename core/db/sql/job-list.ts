import type { JobState } from './jobs.ts';
import type { Queryable } from '../types.ts';

/**
 * The job queue as operators see it (GET /api/v1/jobs): everything but the payload and its signature
 * (ids only, but the queue's business), newest first.
 */
export interface JobView {
  id: string;
  kind: string;
  state: JobState;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_by: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  concurrency_key: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id::text as id, kind, state, priority, attempts, max_attempts, run_at, locked_by,
  lease_expires_at, last_error, concurrency_key, created_at, updated_at, finished_at`;

export interface JobFilter {
  kind?: string | undefined;
  state?: JobState | undefined;
  /** Only jobs whose last attempt failed (last_error set). */
  failing?: boolean | undefined;
  /** The previous page's last id. */
  before?: string | undefined;
  limit: number;
}

/** Newest first; returns up to limit + 1 rows so the caller can tell whether a page follows. */
export async function listJobs(q: Queryable, f: JobFilter): Promise<JobView[]> {
  const { rows } = await q.query<JobView>(
    `select ${COLUMNS} from jobs
      where ($1::text is null or kind = $1)
        and ($2::text is null or state = $2)
        and ($3::boolean is null or (last_error is not null) = $3)
        and ($4::bigint is null or id < $4)
      order by id desc
      limit $5`,
    [f.kind ?? null, f.state ?? null, f.failing ?? null, f.before ?? null, f.limit + 1],
  );
  return rows;
}

export async function jobView(q: Queryable, id: string): Promise<JobView | undefined> {
  const { rows } = await q.query<JobView>(`select ${COLUMNS} from jobs where id = $1`, [id]);
  return rows[0];
}
