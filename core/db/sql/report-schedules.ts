import type { Queryable } from '../types.ts';
import type { ReportKind, ReportScope } from './reports.ts';

export const REPORT_INTERVALS = ['daily', 'weekly', 'monthly'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface ReportScheduleRow {
  id: string;
  name: string;
  kind: ReportKind;
  scope: ReportScope;
  scope_id: string | null;
  every: ReportInterval;
  channel_ids: string[];
  enabled: boolean;
  next_run_at: Date;
  last_run_at: Date | null;
  last_report_id: string | null;
  created_at: Date;
}

const COLUMNS = `id::text as id, name, kind, scope, scope_id::text as scope_id, every,
  channel_ids::text[] as channel_ids, enabled, next_run_at, last_run_at, last_report_id::text as last_report_id,
  created_at`;

/** The step of an interval as a PostgreSQL interval literal. */
const STEP = `(case every when 'daily' then interval '1 day' when 'weekly' then interval '7 days'
  else interval '1 month' end)`;

export async function insertReportSchedule(
  q: Queryable,
  s: Pick<ReportScheduleRow, 'name' | 'kind' | 'scope' | 'scope_id' | 'every' | 'channel_ids'> & {
    firstRunAt: Date | null;
    createdBy: string;
  },
): Promise<ReportScheduleRow> {
  const { rows } = await q.query<ReportScheduleRow>(
    `insert into report_schedules (name, kind, scope, scope_id, every, channel_ids, next_run_at, created_by)
     values ($1, $2, $3, $4, $5::text, $6::uuid[],
             coalesce($7, now() + case $5::text when 'daily' then interval '1 day'
                                     when 'weekly' then interval '7 days' else interval '1 month' end), $8)
     returning ${COLUMNS}`,
    [s.name, s.kind, s.scope, s.scope_id, s.every, s.channel_ids, s.firstRunAt, s.createdBy],
  );
  const row = rows[0];
  if (!row) throw new Error('schedule insert returned nothing');
  return row;
}

export async function listReportSchedules(q: Queryable): Promise<ReportScheduleRow[]> {
  const { rows } = await q.query<ReportScheduleRow>(
    `select ${COLUMNS} from report_schedules order by name, id`,
  );
  return rows;
}

export async function deleteReportSchedule(q: Queryable, id: string): Promise<ReportScheduleRow | undefined> {
  const { rows } = await q.query<ReportScheduleRow>(
    `delete from report_schedules where id = $1 returning ${COLUMNS}`,
    [id],
  );
  return rows[0];
}

/** Of the given channel ids, those that do not exist. */
export async function unknownChannelIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select i.id::text as id from unnest($1::uuid[]) i(id)
      where not exists (select 1 from notification_channels c where c.id = i.id)`,
    [ids],
  );
  return rows.map((r) => r.id);
}

/** One due schedule, locked for this transaction (other schedulers skip it). */
export async function claimDueSchedule(q: Queryable): Promise<ReportScheduleRow | undefined> {
  const { rows } = await q.query<ReportScheduleRow>(
    `select ${COLUMNS} from report_schedules
      where enabled and next_run_at <= now()
      order by next_run_at, id limit 1 for update skip locked`,
  );
  return rows[0];
}

/** Records a run: the next one is a whole number of steps later, after now (missed runs are not replayed). */
export async function recordScheduleRun(q: Queryable, id: string, reportId: string | null): Promise<void> {
  await q.query(
    `update report_schedules
        set last_run_at = now(), last_report_id = coalesce($2::uuid, last_report_id),
            next_run_at = greatest(next_run_at + ${STEP}, now() + ${STEP})
      where id = $1`,
    [id, reportId],
  );
}
