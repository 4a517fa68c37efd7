import type { Queryable } from '../types.ts';

export const ALERT_STATES = ['active', 'acknowledged', 'silenced', 'resolved', 'dismissed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
/** States in which an alert is open: the condition holds and a new occurrence folds into it. */
export const OPEN_STATES: readonly AlertState[] = ['active', 'acknowledged', 'silenced'];

export interface AlertRow {
  id: string;
  alert_rule_id: string;
  rule_name: string;
  dedup_key: string;
  event_kind: string;
  host_id: string | null;
  hostname: string | null;
  rule_id: string | null;
  severity: string | null;
  title: string;
  link: string | null;
  state: AlertState;
  silenced_until: Date | null;
  occurrences: number;
  first_event_id: string;
  last_event_id: string;
  first_seen_at: Date;
  last_seen_at: Date;
  state_changed_at: Date;
  state_changed_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
  /** Whether the reading user marked it read (false when no user was named). */
  read: boolean;
}

const COLUMNS = `a.id::text as id, a.alert_rule_id::text as alert_rule_id, r.name as rule_name, a.dedup_key,
  a.event_kind, a.host_id::text as host_id, h.hostname, a.rule_id, a.severity, a.title, a.link, a.state,
  a.silenced_until, a.occurrences, a.first_event_id::text as first_event_id, a.last_event_id::text as last_event_id,
  a.first_seen_at, a.last_seen_at, a.state_changed_at, a.state_changed_by::text as state_changed_by,
  a.resolved_at, a.created_at`;
const FROM = `alerts a join alert_rules r on r.id = a.alert_rule_id left join hosts h on h.id = a.host_id`;
const READ = (user: string) =>
  `exists (select 1 from alert_reads ar where ar.alert_id = a.id and ar.user_id = ${user}) as read`;

/** The evaluator's position in the event log, locked: evaluators run one at a time. */
export async function lockAlertCursor(tx: Queryable): Promise<string> {
  const { rows } = await tx.query<{ last_event_id: string }>(
    `select last_event_id::text as last_event_id from event_cursors where consumer = 'alerts' for update`,
  );
  return rows[0]?.last_event_id ?? '0';
}

export async function advanceAlertCursor(tx: Queryable, lastEventId: string): Promise<void> {
  await tx.query(
    `update event_cursors set last_event_id = $1, updated_at = now() where consumer = 'alerts'`,
    [lastEventId],
  );
}

/** The alert a new occurrence would fold into: the open one for rule + key, else a dismissed one. */
export async function dedupCandidate(
  tx: Queryable,
  alertRuleId: string,
  dedupKey: string,
): Promise<Pick<AlertRow, 'id' | 'state' | 'last_seen_at'> | undefined> {
  const { rows } = await tx.query<Pick<AlertRow, 'id' | 'state' | 'last_seen_at'>>(
    `select id::text as id, state, last_seen_at from alerts
      where alert_rule_id = $1 and dedup_key = $2 and state in ('active', 'acknowledged', 'silenced', 'dismissed')
      order by state = 'dismissed', last_seen_at desc limit 1
      for update`,
    [alertRuleId, dedupKey],
  );
  return rows[0];
}

export interface NewAlert {
  alertRuleId: string;
  dedupKey: string;
  eventKind: string;
  hostId: string | null;
  ruleId: string | null;
  severity: string | null;
  title: string;
  link: string | null;
  eventId: string;
  at: Date;
}

export async function insertAlert(tx: Queryable, a: NewAlert): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into alerts (alert_rule_id, dedup_key, event_kind, host_id, rule_id, severity, title, link,
       first_event_id, last_event_id, first_seen_at, last_seen_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $10)
     returning id::text as id`,
    [
      a.alertRuleId,
      a.dedupKey,
      a.eventKind,
      a.hostId,
      a.ruleId,
      a.severity,
      a.title,
      a.link,
      a.eventId,
      a.at,
    ],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('alert insert returned nothing');
  return id;
}

/** Folds one more occurrence into an alert. */
export async function recordOccurrence(tx: Queryable, id: string, eventId: string, at: Date): Promise<void> {
  await tx.query(
    `update alerts set occurrences = occurrences + 1, last_event_id = $2,
            last_seen_at = greatest(last_seen_at, $3) where id = $1`,
    [id, eventId, at],
  );
}

/** Open alerts of a rule for a host (and rule id, when given), locked, for auto-resolution. */
export async function openAlertsFor(
  tx: Queryable,
  alertRuleId: string,
  hostId: string,
  ruleId: string | null,
): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `select id::text as id from alerts
      where alert_rule_id = $1 and host_id = $2 and ($3::text is null or rule_id = $3)
        and state in ('active', 'acknowledged', 'silenced')
      for update`,
    [alertRuleId, hostId, ruleId],
  );
  return rows.map((r) => r.id);
}

/** Moves an alert to a state; `by` null for the system. Returns false when it was not in one of `from`. */
export async function setAlertState(
  tx: Queryable,
  id: string,
  to: AlertState,
  o: { from: readonly AlertState[]; by: string | null; silencedUntil?: Date | null },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update alerts set state = $2, silenced_until = $3, state_changed_at = now(), state_changed_by = $4,
            resolved_at = case when $2 = 'resolved' then now() else resolved_at end
      where id = $1 and state = any($5::text[])`,
    [id, to, o.silencedUntil ?? null, o.by, o.from],
  );
  return rowCount === 1;
}

/** Silenced alerts whose silence ran out: back to active. Returns their ids. */
export async function expireSilences(tx: Queryable): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `update alerts set state = 'active', silenced_until = null, state_changed_at = now(), state_changed_by = null
      where state = 'silenced' and silenced_until <= now()
     returning id::text as id`,
  );
  return rows.map((r) => r.id);
}

export async function alertById(
  q: Queryable,
  id: string,
  userId: string | null,
): Promise<AlertRow | undefined> {
  const { rows } = await q.query<AlertRow>(
    `select ${COLUMNS}, ${READ('$2::uuid')} from ${FROM} where a.id = $1`,
    [id, userId],
  );
  return rows[0];
}

export interface AlertFilter {
  state?: AlertState | undefined;
  open?: boolean | undefined;
  hostId?: string | undefined;
  unread?: boolean | undefined;
  userId: string;
  /** Keyset cursor: (last_seen_at, id) of the last row of the previous page. */
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

/** Alerts, most recently seen first, with the user's read mark. */
export async function listAlerts(q: Queryable, f: AlertFilter): Promise<AlertRow[]> {
  const { rows } = await q.query<AlertRow>(
    `select * from (
       select ${COLUMNS}, ${READ('$1::uuid')} from ${FROM}
        where ($2::text is null or a.state = $2)
          and ($3::boolean is null or (a.state in ('active', 'acknowledged', 'silenced')) = $3)
          and ($4::uuid is null or a.host_id = $4)
          and ($6::timestamptz is null or (a.last_seen_at, a.id) < ($6, $7::uuid))
     ) x
     where ($5::boolean is null or x.read <> $5)
     order by x.last_seen_at desc, x.id desc
     limit $8`,
    [
      f.userId,
      f.state ?? null,
      f.open ?? null,
      f.hostId ?? null,
      f.unread ?? null,
      f.after?.at ?? null,
      f.after?.id ?? null,
      f.limit,
    ],
  );
  return rows;
}

/** Open alerts the user has not marked read, in total and per severity (the notification bell). */
export async function unreadCounts(
  q: Queryable,
  userId: string,
): Promise<{ total: number; by_severity: Record<string, number> }> {
  const { rows } = await q.query<{ severity: string | null; n: number }>(
    `select coalesce(a.severity, 'none') as severity, count(*)::int as n from alerts a
      where a.state = 'active'
        and not exists (select 1 from alert_reads ar where ar.alert_id = a.id and ar.user_id = $1)
      group by 1`,
    [userId],
  );
  const by: Record<string, number> = {};
  for (const r of rows) by[r.severity ?? 'none'] = r.n;
  return { total: rows.reduce((n, r) => n + r.n, 0), by_severity: by };
}

/** Marks alerts read for a user (all active ones when `ids` is null); returns how many were new marks. */
export async function markAlertsRead(
  q: Queryable,
  userId: string,
  ids: readonly string[] | null,
): Promise<number> {
  const { rowCount } = await q.query(
    `insert into alert_reads (user_id, alert_id)
     select $1, a.id from alerts a where ($2::uuid[] is null and a.state = 'active') or a.id = any($2::uuid[])
     on conflict do nothing`,
    [userId, ids],
  );
  return rowCount;
}
