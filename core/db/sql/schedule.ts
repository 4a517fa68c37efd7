import type { Queryable } from '../types.ts';
import { GROUP_MEMBER } from './hosts.ts';

export type PostureClass = 'never_scanned' | 'critical' | 'high' | 'medium' | 'low' | 'compliant';

export interface ScanIntervals {
  critical: number;
  high: number;
  medium: number;
  low: number;
  compliant: number;
}

export interface DueHost {
  host_id: string;
  posture: PostureClass;
  failures: number;
}

/** First retry delay after a failed scan; it doubles per consecutive failure (docs/schedules.md). */
export const FAILURE_BACKOFF_BASE_HOURS = 1;

/**
 * Hosts due for a scheduled scan, most overdue first, in one statement. A host's last attempt is its
 * newest completed, failed or cancelled scan; it is due when that is older than the interval of its
 * posture class (worst failing severity in host_rule_state; a host never scanned to completion is due at
 * once) or, after consecutive failures, the exponential backoff if longer (capped at the compliant
 * interval). Deleted hosts, hosts in maintenance (own flag or a group's) and hosts with a queued or
 * running scan are left out.
 */
export async function dueScanHosts(q: Queryable, iv: ScanIntervals, limit: number): Promise<DueHost[]> {
  const { rows } = await q.query<DueHost>(
    `select h.id as host_id, p.posture, b.failures
     from hosts h
     left join lateral (
       select max(case s.severity when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end)
                as worst
       from host_rule_state s where s.host_id = h.id and s.status = 'fail'
     ) f on true
     left join lateral (
       select max(c.created_at) filter (where c.status = 'completed') as completed_at,
              max(c.created_at) as last_at
       from scans c where c.host_id = h.id and c.status in ('completed', 'failed', 'cancelled')
     ) l on true
     cross join lateral (
       select count(*)::int as failures from scans c
       where c.host_id = h.id and c.status = 'failed' and c.created_at > coalesce(l.completed_at, '-infinity')
     ) b
     cross join lateral (
       select case
         when l.completed_at is null then 'never_scanned'
         when f.worst = 4 then 'critical'
         when f.worst = 3 then 'high'
         when f.worst = 2 then 'medium'
         when f.worst = 1 then 'low'
         else 'compliant' end as posture
     ) p
     cross join lateral (
       select case p.posture
         when 'never_scanned' then 0 when 'critical' then $1::float8 when 'high' then $2::float8
         when 'medium' then $3::float8 when 'low' then $4::float8 else $5::float8 end as interval_h,
         case when b.failures = 0 then 0
           else least($6::float8 * 2 ^ (least(b.failures, 30) - 1), $5::float8) end as backoff_h
     ) i
     cross join lateral (
       select l.last_at + make_interval(secs => 3600 * greatest(i.interval_h, i.backoff_h)) as due_at
     ) d
     where h.deleted_at is null
       and not h.maintenance
       and not exists (select 1 from host_groups g where g.maintenance and ${GROUP_MEMBER})
       and not exists (select 1 from scans a where a.host_id = h.id and a.status in ('queued', 'running'))
       and (d.due_at is null or d.due_at <= now())
     order by d.due_at nulls first, h.id
     limit $7`,
    [iv.critical, iv.high, iv.medium, iv.low, iv.compliant, FAILURE_BACKOFF_BASE_HOURS, limit],
  );
  return rows;
}

/** Per-host maintenance jobs the scheduler enqueues, with the host column that records each one's outcome. */
const HOST_JOB_FACT = { discovery: 'discovered_at', liveness: 'liveness_checked_at' } as const;
export type HostJobKind = keyof typeof HOST_JOB_FACT;

/**
 * Hosts due for a discovery or liveness job, in one statement: the host's last result (discovered_at,
 * liveness_checked_at) is missing or older than the interval, and no job of that kind was created for it
 * within the interval (so a host whose jobs fail is retried once per interval, not at every pass) nor is
 * one queued or running. Deleted hosts and hosts in maintenance are left out. Stalest first.
 */
export async function dueHostJobHosts(
  q: Queryable,
  kind: HostJobKind,
  intervalMinutes: number,
  limit: number,
): Promise<string[]> {
  const fact = `h.${HOST_JOB_FACT[kind]}`;
  const { rows } = await q.query<{ host_id: string }>(
    `with attempted as (
       select distinct concurrency_key as k from jobs
       where kind = $1 and created_at > now() - make_interval(mins => $2::int)
     )
     select h.id as host_id
     from hosts h
     where h.deleted_at is null
       and (${fact} is null or ${fact} <= now() - make_interval(mins => $2::int))
       and not h.maintenance
       and not exists (select 1 from host_groups g where g.maintenance and ${GROUP_MEMBER})
       and not exists (select 1 from attempted a where a.k = $1 || ':' || h.id)
       and not exists (
         select 1 from jobs j where j.concurrency_key = $1 || ':' || h.id and j.state in ('queued', 'running')
       )
     order by ${fact} nulls first, h.id
     limit $3`,
    [kind, intervalMinutes, limit],
  );
  return rows.map((r) => r.host_id);
}
