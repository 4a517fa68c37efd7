import * as sql from '../db/sql/housekeeping.ts';
import type { Queryable } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { housekeepingSchema, type Housekeeping } from './settings.ts';

/** Rows per statement, and statements per table per pass: a pass stays short whatever the backlog. */
export const PRUNE_BATCH = 5_000;
const MAX_BATCHES = 20;

async function drain(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await step();
    total += n;
    if (n < PRUNE_BATCH) break;
  }
  return total;
}

export type PruneCounts = Record<
  'jobs' | 'sessions' | 'rate_limits' | 'lockouts' | 'idempotency_keys',
  number
>;

/**
 * One housekeeping pass: removes what outlived its retention. The audit log is never pruned
 * (retention "keep"): deleting its oldest rows would cut the hash chain `audit verify` walks.
 */
export async function runHousekeeping(
  db: Queryable,
  log: Logger,
  settings: Housekeeping = housekeepingSchema.parse({}),
): Promise<PruneCounts> {
  const s = settings;
  const counts: PruneCounts = {
    jobs: await drain(() => sql.pruneFinishedJobs(db, s.finished_jobs_days, PRUNE_BATCH)),
    sessions: await drain(() => sql.pruneEndedSessions(db, s.ended_sessions_days, PRUNE_BATCH)),
    rate_limits: await drain(() => sql.pruneRateLimits(db, s.rate_limit_hours, PRUNE_BATCH)),
    lockouts: await drain(() => sql.pruneQuietLockouts(db, s.lockout_days, PRUNE_BATCH)),
    idempotency_keys: await drain(() => sql.clearIdempotencyKeys(db, s.idempotency_hours, PRUNE_BATCH)),
  };
  if (Object.values(counts).some((n) => n > 0)) log.info('housekeeping pruned rows', counts);
  return counts;
}
