import type { JobKey } from '../crypto/job-signing.ts';
import { dueHostJobHosts, type HostJobKind } from '../db/sql/schedule.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { requestDiscovery, requestLiveness } from '../scans/request.ts';
import { readIntervalSchedule, readScanSchedule } from './config.ts';

/** At most this many jobs of each kind are enqueued per scheduler pass. */
export const HOST_JOBS_PER_TICK = 500;

const REQUEST = { discovery: requestDiscovery, liveness: requestLiveness } as const;

/**
 * One scheduler pass for discovery or liveness: enqueue a job for each due host. Nothing runs while the
 * kind's schedule is off or the fleet is in global maintenance (a setting of the scan schedule).
 * Returns the hosts a job was enqueued for.
 */
export async function scheduleHostJobs(
  db: Db,
  jobKey: JobKey,
  log: Logger,
  kind: HostJobKind,
): Promise<string[]> {
  const cfg = await readIntervalSchedule(db, kind);
  if (!cfg.enabled || (await readScanSchedule(db)).maintenance_global) return [];
  const due = await dueHostJobHosts(db, kind, cfg.interval_minutes, HOST_JOBS_PER_TICK);
  const enqueued: string[] = [];
  for (const hostId of due) {
    // undefined: a job of this kind for the host was queued meanwhile (another instance, a user).
    if (await REQUEST[kind](db, jobKey, hostId)) enqueued.push(hostId);
  }
  if (enqueued.length > 0) log.info(`scheduled ${kind} jobs enqueued`, { count: enqueued.length });
  return enqueued;
}
