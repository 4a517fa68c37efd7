import type { Queryable } from '../types.ts';

/**
 * Queues a job of a kind unless one is already queued (a running one does not count: it may have read
 * the log before the event that asks for this one). Returns whether a job was added.
 */
export async function enqueueUnlessQueued(
  q: Queryable,
  job: { kind: string; payload: unknown; signature: string; maxAttempts: number },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `insert into jobs (kind, payload, signature, max_attempts)
     select $1, $2::jsonb, $3, $4
      where not exists (select 1 from jobs where kind = $1 and state = 'queued')`,
    [job.kind, JSON.stringify(job.payload), job.signature, job.maxAttempts],
  );
  return rowCount === 1;
}
