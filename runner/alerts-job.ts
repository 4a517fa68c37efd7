import { evaluateAlerts } from '../core/alerts/evaluate.ts';
import type { JobKey } from '../core/crypto/job-signing.ts';
import type { Db } from '../core/db/types.ts';
import type { Logger } from '../core/log.ts';
import type { JobHandler } from './job-loop.ts';

/** Evaluates the event log into alerts (core/alerts/evaluate.ts) until it has caught up. */
export function alertsJobHandler(deps: { db: Db; jobKey: JobKey; log: Logger }): JobHandler {
  return async (_job, signal) => {
    const outcome = await evaluateAlerts(deps.db, deps.jobKey, { signal });
    if (outcome.fired + outcome.resolved > 0) deps.log.info('alerts evaluated', { ...outcome });
  };
}
