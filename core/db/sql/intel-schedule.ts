import type { Queryable } from '../types.ts';
import { GROUP_MEMBER } from './hosts.ts';

/**
 * Live hosts not in maintenance (own or a group's) whose inventory was last collected longer ago than
 * the interval, or never; with no collection queued or running. Oldest first.
 */
export async function dueIntelHosts(q: Queryable, intervalMinutes: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select h.id::text as id from hosts h
       left join lateral (select max(collected_at) as at from host_intel i where i.host_id = h.id) c on true
      where h.deleted_at is null and not h.maintenance
        and not exists (select 1 from host_groups g where g.maintenance and ${GROUP_MEMBER})
        and (c.at is null or c.at < now() - make_interval(mins => $1))
        and not exists (select 1 from jobs j where j.concurrency_key = 'intel:' || h.id::text
                          and j.state in ('queued', 'running'))
      order by c.at nulls first, h.id
      limit $2`,
    [intervalMinutes, limit],
  );
  return rows.map((r) => r.id);
}
