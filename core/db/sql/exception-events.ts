import type { Queryable } from '../types.ts';

export interface DueExceptionEvent {
  kind: 'exception.expiring' | 'exception.expired';
  id: string;
  host_id: string | null;
  group_id: string | null;
  rule_id: string;
  expires_at: Date;
}

/**
 * Approved exceptions that expire within `hours` (or have expired) and have no event of that kind yet:
 * the sweep emits each once. Locked, so two schedulers do not both emit one.
 */
export async function dueExceptionEvents(tx: Queryable, hours: number): Promise<DueExceptionEvent[]> {
  const { rows } = await tx.query<DueExceptionEvent>(
    `select d.* from (
       select case when e.expires_at <= now() then 'exception.expired' else 'exception.expiring' end as kind,
              e.id::text as id, e.host_id::text as host_id, e.group_id::text as group_id, e.rule_id, e.expires_at
         from rule_exceptions e
        where e.state = 'approved' and e.expires_at is not null
          and e.expires_at <= now() + make_interval(hours => $1)
        for update of e
     ) d
     where not exists (select 1 from events v where v.kind = d.kind and v.data->>'exception_id' = d.id)
     order by d.expires_at, d.id`,
    [hours],
  );
  return rows;
}
