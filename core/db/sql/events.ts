import type { Queryable } from '../types.ts';

export const EVENTS_CHANNEL = 'openwatch_events';

export interface EventRow {
  id: string;
  kind: string;
  occurred_at: Date;
  host_id: string | null;
  rule_id: string | null;
  severity: string | null;
  link: string | null;
  data: Record<string, unknown>;
}

const COLUMNS = 'id::text as id, kind, occurred_at, host_id::text as host_id, rule_id, severity, link, data';

/**
 * Serialises event writers until their transactions end, so ids become visible in the order they were
 * drawn: a reader that saw id N has already seen every id below N.
 */
export async function lockEventLog(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('openwatch.events', 0))`);
}

export interface EventColumns {
  kinds: string[];
  occurredAt: Date[];
  hostIds: (string | null)[];
  ruleIds: (string | null)[];
  severities: (string | null)[];
  links: (string | null)[];
  data: string[];
}

/** Appends events (index-aligned columns) in one statement and wakes listeners; returns their ids. */
export async function insertEvents(tx: Queryable, c: EventColumns): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `with ins as (
       insert into events (kind, occurred_at, host_id, rule_id, severity, link, data)
       select k, t, h, r, s, l, d::jsonb
         from unnest($1::text[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
           with ordinality as e(k, t, h, r, s, l, d, n)
        order by n
       returning id
     )
     select id::text as id, pg_notify('${EVENTS_CHANNEL}', max(id) over ()::text) from ins order by ins.id`,
    [c.kinds, c.occurredAt, c.hostIds, c.ruleIds, c.severities, c.links, c.data],
  );
  return rows.map((r) => r.id);
}

export interface EventFilter {
  after: string;
  limit: number;
  hostId?: string | undefined;
  kinds?: readonly string[] | undefined;
}

/** Events after an id, oldest first. */
export async function eventsAfter(q: Queryable, f: EventFilter): Promise<EventRow[]> {
  const { rows } = await q.query<EventRow>(
    `select ${COLUMNS} from events
      where id > $1 and ($2::uuid is null or host_id = $2) and ($3::text[] is null or kind = any($3))
      order by events.id limit $4`,
    [f.after, f.hostId ?? null, f.kinds ?? null, f.limit],
  );
  return rows;
}

/** The newest event id (0 when the log is empty). */
export async function lastEventId(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ id: string }>('select coalesce(max(id), 0)::text as id from events');
  return rows[0]?.id ?? '0';
}
