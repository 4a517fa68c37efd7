import { signJob, type JobKey } from '../crypto/job-signing.ts';
import { enqueueJob, type JobRow } from '../db/sql/jobs.ts';
import type { Queryable } from '../db/types.ts';

/** Collects a host's inventory over SSH (runner/intel-job.ts). */
export const INTEL_JOB = 'intel';

/** Queues a collection of the host; undefined when one is already queued or running. */
export async function requestIntel(
  db: Queryable,
  jobKey: JobKey,
  hostId: string,
): Promise<JobRow | undefined> {
  const payload = { host_id: hostId };
  return enqueueJob(db, {
    kind: INTEL_JOB,
    payload,
    signature: await signJob(jobKey, INTEL_JOB, payload),
    concurrencyKey: `${INTEL_JOB}:${hostId}`,
  });
}
