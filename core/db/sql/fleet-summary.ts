import type { Queryable } from '../types.ts';
import { IN_EFFECTIVE_PROFILE } from './profiles.ts';

export interface FleetSummary {
  hosts: number;
  /** Live hosts per liveness state (unknown, online, degraded, critical, down). */
  liveness: Record<string, number>;
  /** Live hosts per posture band of their current score: good ≥ 90 %, fair ≥ 70 %, poor, unscanned. */
  posture: Record<string, number>;
  scans: { queued: number; running: number; failed_today: number; completed_today: number };
}

/** The dashboard's fleet counts in one statement. "Today" is since midnight UTC. */
export async function fleetSummary(q: Queryable): Promise<FleetSummary> {
  const { rows } = await q.query<FleetSummary>(
    `with live as (select id, liveness from hosts where deleted_at is null),
          scored as (
            select l.id, l.liveness,
                   (select case when count(*) filter (where x.status in ('pass', 'fail')) = 0 then null
                           else count(*) filter (where x.status = 'pass')::float8
                                / count(*) filter (where x.status in ('pass', 'fail')) end
                      from host_rule_state x where x.host_id = l.id and ${IN_EFFECTIVE_PROFILE}) as score
              from live l),
          banded as (
            select liveness, case when score is null then 'unscanned' when score >= 0.9 then 'good'
                                  when score >= 0.7 then 'fair' else 'poor' end as band
              from scored)
     select (select count(*)::int from live) as hosts,
            coalesce((select jsonb_object_agg(liveness, n)
                        from (select liveness, count(*)::int as n from banded group by 1) x), '{}') as liveness,
            coalesce((select jsonb_object_agg(band, n)
                        from (select band, count(*)::int as n from banded group by 1) y), '{}') as posture,
            (select jsonb_build_object(
                      'queued', count(*) filter (where status = 'queued'),
                      'running', count(*) filter (where status = 'running'),
                      'failed_today', count(*) filter (where status = 'failed' and finished_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc'),
                      'completed_today', count(*) filter (where status = 'completed' and finished_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc'))
               from scans
              where status in ('queued', 'running')
                 or finished_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc') as scans`,
  );
  const row = rows[0];
  if (!row) throw new Error('fleet summary returned no row');
  return row;
}
