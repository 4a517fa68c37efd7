import { z } from 'zod';
import { getSetting, putSetting } from '../db/sql/settings.ts';
import type { Queryable } from '../db/types.ts';

/** The scheduled work areas, each with its own system_settings document (docs/schedules.md). */
export const SCHEDULE_KINDS = ['scan', 'discovery', 'liveness'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const settingKey = (kind: ScheduleKind): string => `schedule.${kind}`;

const hours = z
  .number()
  .positive()
  .max(24 * 30);

export const scanScheduleSchema = z
  .object({
    enabled: z.boolean(),
    /** Hours between scans of a host by its posture: the worst severity among its failing rules. */
    intervals_hours: z
      .object({ critical: hours, high: hours, medium: hours, low: hours, compliant: hours })
      .strict()
      .refine(
        (i) => i.critical <= i.high && i.high <= i.medium && i.medium <= i.low && i.low <= i.compliant,
        { message: 'intervals must not decrease from critical to compliant' },
      ),
    /** At most this many scans are enqueued per scheduler run. */
    max_per_tick: z.number().int().min(1).max(10_000),
    /** Global maintenance: nothing is scheduled while it is on. */
    maintenance_global: z.boolean(),
  })
  .strict();
export type ScanSchedule = z.infer<typeof scanScheduleSchema>;

export const intervalScheduleSchema = z
  .object({
    enabled: z.boolean(),
    interval_minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
  })
  .strict();
export type IntervalSchedule = z.infer<typeof intervalScheduleSchema>;

export const DEFAULT_SCAN_SCHEDULE: ScanSchedule = {
  enabled: true,
  intervals_hours: { critical: 4, high: 12, medium: 24, low: 36, compliant: 48 },
  max_per_tick: 100,
  maintenance_global: false,
};

export const DEFAULT_INTERVAL_SCHEDULES: Record<Exclude<ScheduleKind, 'scan'>, IntervalSchedule> = {
  discovery: { enabled: true, interval_minutes: 24 * 60 },
  liveness: { enabled: true, interval_minutes: 5 },
};

/** The stored scan schedule, or the defaults when none (or an unreadable one) is stored. */
export async function readScanSchedule(q: Queryable): Promise<ScanSchedule> {
  const parsed = scanScheduleSchema.safeParse(await getSetting(q, settingKey('scan')));
  return parsed.success ? parsed.data : DEFAULT_SCAN_SCHEDULE;
}

export async function readIntervalSchedule(
  q: Queryable,
  kind: Exclude<ScheduleKind, 'scan'>,
): Promise<IntervalSchedule> {
  const parsed = intervalScheduleSchema.safeParse(await getSetting(q, settingKey(kind)));
  return parsed.success ? parsed.data : DEFAULT_INTERVAL_SCHEDULES[kind];
}

export async function writeSchedule(
  q: Queryable,
  kind: ScheduleKind,
  value: ScanSchedule | IntervalSchedule,
): Promise<void> {
  await putSetting(q, settingKey(kind), value);
}
