import type { JobKey } from '../crypto/job-signing.ts';
import { dueScanHosts, type DueHost } from '../db/sql/schedule.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { requestScan, ScanConflictError } from '../scans/request.ts';
import { readScanSchedule } from './config.ts';

export interface ScheduleOutcome {
  /** Hosts a scan was enqueued for. */
  enqueued: DueHost[];
  /** Why nothing was considered: the schedule is off or the fleet is in global maintenance. */
  skipped?: 'disabled' | 'maintenance_global';
}

/**
 * One scheduler pass over the fleet: enqueue a scan (source `schedule`) for each due host, at most
 * `max_per_tick`. A host that gained a scan meanwhile (another instance, a user) is skipped silently.
 */
export async function scheduleScans(db: Db, jobKey: JobKey, log: Logger): Promise<ScheduleOutcome> {
  const cfg = await readScanSchedule(db);
  if (!cfg.enabled) return { enqueued: [], skipped: 'disabled' };
  if (cfg.maintenance_global) return { enqueued: [], skipped: 'maintenance_global' };
  const due = await dueScanHosts(db, cfg.intervals_hours, cfg.max_per_tick);
  const enqueued: DueHost[] = [];
  for (const host of due) {
    try {
      await requestScan(db, jobKey, { hostId: host.host_id, requestedBy: null, source: 'schedule' });
      enqueued.push(host);
    } catch (err) {
      if (!(err instanceof ScanConflictError))
        log.error('scheduled scan could not be enqueued', { host_id: host.host_id, err });
    }
  }
  if (enqueued.length > 0) log.info('scheduled scans enqueued', { count: enqueued.length, due: due.length });
  return { enqueued };
}
