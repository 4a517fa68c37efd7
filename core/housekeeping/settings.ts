import { z } from 'zod';

const days = (d: number) => z.coerce.number().int().min(1).max(3650).default(d);
const hours = (h: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3650)
    .default(h);

/** Retention of the [housekeeping] section (serve's timer); workerd's cron prunes with the defaults. */
export const housekeepingShape = {
  finished_jobs_days: days(30).describe(
    'Finished jobs (succeeded, failed, cancelled) are deleted this long after they finished; scans keep their row.',
  ),
  ended_sessions_days: days(30).describe(
    'Expired or revoked sessions (with their refresh tokens) are deleted this long after they ended.',
  ),
  rate_limit_hours: hours(24).describe(
    'Rate-limit counters are deleted this long after their window started.',
  ),
  lockout_days: days(30).describe(
    'Failure counters of a username neither locked nor failing for this long are deleted.',
  ),
  idempotency_hours: hours(24).describe(
    "A scan's `Idempotency-Key` is forgotten this long after the request (a retry later makes a new scan).",
  ),
  audit: z
    .literal('keep')
    .default('keep')
    .describe(
      'The audit log is never pruned: pruning would cut its hash chain. The only accepted value; keep copies off the machine with backups (docs/operations/backup.md).',
    ),
};

export const housekeepingSchema = z.object(housekeepingShape).strict();
export type Housekeeping = z.infer<typeof housekeepingSchema>;
