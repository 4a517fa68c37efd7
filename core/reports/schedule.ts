import { enqueueNotification } from '../alerts/jobs.ts';
import type { JobKey } from '../crypto/job-signing.ts';
import { claimDueSchedule, recordScheduleRun } from '../db/sql/report-schedules.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { ReportTooLarge } from './data.ts';
import type { ReportKey } from './key.ts';
import { ReportRequestError, resolveReportScope } from './scope.ts';
import { writeSnapshot } from './snapshot.ts';

const SYSTEM = { id: null, name: 'system' };
/** Schedules run per scheduled tick at most; the rest wait for the next tick. */
const MAX_RUNS_PER_TICK = 20;

/**
 * Runs the report schedules that are due: each in its own transaction, the schedule row locked (two
 * schedulers never run one twice), a snapshot written (signed when a report key is configured) and one
 * notification job per channel queued with it, so a snapshot and its deliveries commit together. A
 * schedule whose host or group is gone, or whose scope is too large, is logged and moves on.
 */
export async function runDueReportSchedules(
  db: Db,
  jobKey: JobKey,
  reportKey: ReportKey | undefined,
  log: Logger,
): Promise<number> {
  let runs = 0;
  for (; runs < MAX_RUNS_PER_TICK; runs++) {
    const ran = await db.transaction(async (tx) => {
      const s = await claimDueSchedule(tx);
      if (!s) return false;
      try {
        const req = await resolveReportScope(tx, {
          kind: s.kind,
          scope: s.scope,
          scope_id: s.scope_id ?? undefined,
        });
        const snapshot = await writeSnapshot(
          tx,
          req,
          reportKey,
          { actor: SYSTEM, ip: null, scheduleId: s.id },
          new Date(),
        );
        for (const channelId of s.channel_ids)
          await enqueueNotification(tx, jobKey, {
            channel_id: channelId,
            alert_id: null,
            purpose: 'report',
            report_id: snapshot.id,
          });
        await recordScheduleRun(tx, s.id, snapshot.id);
        log.info('scheduled report created', {
          schedule_id: s.id,
          report_id: snapshot.id,
          channels: s.channel_ids.length,
        });
      } catch (err) {
        if (!(err instanceof ReportRequestError || err instanceof ReportTooLarge)) throw err;
        await recordScheduleRun(tx, s.id, null);
        log.warn('scheduled report skipped', { schedule_id: s.id, reason: err.message });
      }
      return true;
    });
    if (!ran) break;
  }
  return runs;
}
