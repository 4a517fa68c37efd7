import type { JobKey } from '../crypto/job-signing.ts';
import { dueIntelHosts } from '../db/sql/intel-schedule.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { readIntervalSchedule, readScanSchedule } from '../schedule/config.ts';
import { requestIntel } from './jobs.ts';

const PER_TICK = 500;

/**
 * Queues inventory collections on the discovery schedule (its interval and on/off switch, docs/schedules.md):
 * a host is due when its inventory is older than the interval. Returns the hosts queued.
 */
export async function scheduleIntel(db: Db, jobKey: JobKey, log: Logger): Promise<string[]> {
  const cfg = await readIntervalSchedule(db, 'discovery');
  if (!cfg.enabled || (await readScanSchedule(db)).maintenance_global) return [];
  const queued: string[] = [];
  for (const hostId of await dueIntelHosts(db, cfg.interval_minutes, PER_TICK))
    if (await requestIntel(db, jobKey, hostId)) queued.push(hostId);
  if (queued.length > 0) log.info('scheduled intel collections enqueued', { count: queued.length });
  return queued;
}
