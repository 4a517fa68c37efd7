import { requestAlertEvaluation } from '../core/alerts/jobs.ts';
import type { JobKey } from '../core/crypto/job-signing.ts';
import type { Db } from '../core/db/types.ts';
import { sweepExceptionEvents } from '../core/events/exception-sweep.ts';
import { scheduleIntel } from '../core/intel/schedule.ts';
import type { Logger } from '../core/log.ts';
import type { ReportKey } from '../core/reports/key.ts';
import { runDueReportSchedules } from '../core/reports/schedule.ts';
import { scheduleHostJobs } from '../core/schedule/host-jobs.ts';
import { scheduleScans } from '../core/schedule/scans.ts';
import { runHousekeeping } from '../core/housekeeping/prune.ts';
import type { Housekeeping } from '../core/housekeeping/settings.ts';

/** What the periodic work needs from its runtime: a database and the key that signs jobs. */
export interface ScheduledDeps {
  db: Db;
  jobKey: () => Promise<JobKey>;
  /** Retention for pruning; the defaults when absent. */
  housekeeping?: Housekeeping;
  /** Signs scheduled report snapshots; they are stored unsigned without one. */
  reportKey?: () => Promise<ReportKey | undefined>;
}

/**
 * The periodic work both runtimes trigger: workerd's cron calls it from `scheduled`, Node's `serve` from a
 * timer. It enqueues the scans, discovery and liveness checks that are due (docs/schedules.md) and prunes
 * what outlived its retention (docs/operations/housekeeping.md).
 */
export async function runScheduled(
  log: Logger,
  cron: string,
  scheduledTime: number,
  deps: ScheduledDeps,
): Promise<void> {
  log.info('scheduled tick', { cron, scheduled_time: new Date(scheduledTime).toISOString() });
  const jobKey = await deps.jobKey();
  const areas: [string, () => Promise<unknown>][] = [
    ['scan', () => scheduleScans(deps.db, jobKey, log)],
    ['discovery', () => scheduleHostJobs(deps.db, jobKey, log, 'discovery')],
    ['liveness', () => scheduleHostJobs(deps.db, jobKey, log, 'liveness')],
    ['housekeeping', () => runHousekeeping(deps.db, log, deps.housekeeping)],
    // A backstop for the runners' NOTIFY-driven evaluation (runner/event-watch.ts).
    ['intel', () => scheduleIntel(deps.db, jobKey, log)],
    ['exception events', () => sweepExceptionEvents(deps.db)],
    ['alerts', () => requestAlertEvaluation(deps.db, jobKey)],
    ['reports', async () => runDueReportSchedules(deps.db, jobKey, await deps.reportKey?.(), log)],
  ];
  // One area failing (e.g. a database hiccup) does not stop the others.
  for (const [area, run] of areas) {
    await run().catch((err: unknown) => log.error('scheduling failed', { area, err }));
  }
}
