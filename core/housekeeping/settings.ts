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
  /** Finished jobs (succeeded, failed, cancelled) are deleted this long after they finished. */
  finished_jobs_days: days(30),
  /** Expired or revoked sessions (and their refresh tokens) are deleted this long after they ended. */
  ended_sessions_days: days(30),
  /** Rate-limit counters are deleted this long after their window started. */
  rate_limit_hours: hours(24),
  /** Failure counters of a username neither locked nor failing for this long are deleted. */
  lockout_days: days(30),
  /** A scan's Idempotency-Key is forgotten this long after the request (a retry later makes a new scan). */
  idempotency_hours: hours(24),
  /**
   * The audit log is kept: pruning would break the hash chain. The only accepted value is "keep";
   * archive the database backups to keep a copy off the machine (docs/operations/backup.md).
   */
  audit: z.literal('keep').default('keep'),
};

export const housekeepingSchema = z.object(housekeepingShape).strict();
export type Housekeeping = z.infer<typeof housekeepingSchema>;
