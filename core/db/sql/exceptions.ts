import type { Queryable } from '../types.ts';
import { GROUP_MEMBER } from './hosts.ts';
import { AT_TIME, SCOPE, scopeParams, type Scope } from './posture.ts';

/**
 * Rule exceptions (migrations/0007_exceptions.sql). The stored state is requested, approved, rejected
 * or revoked; `expired` is computed when read — an approved exception whose expires_at has passed — so
 * no periodic job is needed. An exception is for one rule on one host, or on every current member of a
 * group (manual or automatic, GROUP_MEMBER).
 */

export const STORED_STATES = ['requested', 'approved', 'rejected', 'revoked'] as const;
export const EXCEPTION_STATES = [...STORED_STATES, 'expired'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

/** The state as the API reports it, of alias `e`. */
const EFFECTIVE = `case when e.state = 'approved' and e.expires_at is not null and e.expires_at <= now()
  then 'expired' else e.state end`;

/**
 * Exception `e` was in force at time `t` (an SQL expression): approved at or before t, not revoked by
 * then, not yet expired. With t = now() this is "approved and not expired".
 */
const ACTIVE_AT = (t: string) => `e.state in ('approved', 'revoked') and e.decided_at <= ${t}
  and (e.revoked_at is null or e.revoked_at > ${t}) and (e.expires_at is null or e.expires_at > ${t})`;

/** Exception `e` applies to the host whose id is the SQL expression `host`. */
const APPLIES_TO = (host: string) => `(e.host_id = ${host} or exists (
  select 1 from host_groups g join hosts h on h.id = ${host} where g.id = e.group_id and ${GROUP_MEMBER}))`;

export interface ExceptionRow {
  id: string;
  host_id: string | null;
  group_id: string | null;
  rule_id: string;
  reason: string;
  state: ExceptionState;
  expires_at: Date | null;
  requested_by: string | null;
  requested_by_name: string | null;
  requested_at: Date;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  revoked_by: string | null;
  revoked_by_name: string | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

const SELECT = `select e.id::text as id, e.host_id::text as host_id, e.group_id::text as group_id, e.rule_id,
    e.reason, ${EFFECTIVE} as state, e.expires_at,
    e.requested_by::text as requested_by, ur.username as requested_by_name, e.requested_at,
    e.decided_by::text as decided_by, ud.username as decided_by_name, e.decided_at, e.decision_comment,
    e.revoked_by::text as revoked_by, uv.username as revoked_by_name, e.revoked_at, e.revoke_reason
  from rule_exceptions e
  left join users ur on ur.id = e.requested_by
  left join users ud on ud.id = e.decided_by
  left join users uv on uv.id = e.revoked_by`;

export interface ExceptionInput {
  hostId: string | null;
  groupId: string | null;
  ruleId: string;
  reason: string;
  expiresAt: Date | null;
  requestedBy: string;
}

export async function insertException(q: Queryable, x: ExceptionInput): Promise<ExceptionRow> {
  const { rows } = await q.query<{ id: string }>(
    `insert into rule_exceptions (host_id, group_id, rule_id, reason, expires_at, requested_by)
     values ($1, $2, $3, $4, $5, $6) returning id::text as id`,
    [x.hostId, x.groupId, x.ruleId, x.reason, x.expiresAt, x.requestedBy],
  );
  const id = rows[0]?.id;
  const row = id === undefined ? undefined : await exceptionById(q, id);
  if (!row) throw new Error('inserted exception not found');
  return row;
}

/** One exception; `lock` takes a row lock for a state change in the caller's transaction. */
export async function exceptionById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<ExceptionRow | undefined> {
  const { rows } = await q.query<ExceptionRow>(`${SELECT} where e.id = $1${lock ? ' for update of e' : ''}`, [
    id,
  ]);
  return rows[0];
}

export interface ExceptionFilter {
  /** Exceptions that apply to this host: its own and its groups'. */
  hostId?: string | undefined;
  groupId?: string | undefined;
  ruleId?: string | undefined;
  state?: ExceptionState | undefined;
  /** The previous page's last id. */
  after?: string | undefined;
  limit: number;
}

/** Newest request first; returns up to limit + 1 rows so the caller can tell whether a page follows. */
export async function listExceptions(q: Queryable, f: ExceptionFilter): Promise<ExceptionRow[]> {
  const { rows } = await q.query<ExceptionRow>(
    `${SELECT}
      where ($1::uuid is null or ${APPLIES_TO('$1::uuid')})
        and ($2::uuid is null or e.group_id = $2)
        and ($3::text is null or e.rule_id = $3)
        and ($4::text is null or ${EFFECTIVE} = $4)
        and ($5::uuid is null or (e.requested_at, e.id) <
             (select p.requested_at, p.id from rule_exceptions p where p.id = $5))
      order by e.requested_at desc, e.id desc
      limit $6`,
    [f.hostId ?? null, f.groupId ?? null, f.ruleId ?? null, f.state ?? null, f.after ?? null, f.limit + 1],
  );
  return rows;
}

/** requested → approved | rejected; false when it is no longer requested. */
export async function decideException(
  q: Queryable,
  id: string,
  d: { state: 'approved' | 'rejected'; by: string; comment: string | null },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update rule_exceptions set state = $2, decided_by = $3, decided_at = now(), decision_comment = $4
      where id = $1 and state = 'requested'`,
    [id, d.state, d.by, d.comment],
  );
  return rowCount > 0;
}

/** approved (and not expired) → revoked; false otherwise. */
export async function revokeException(
  q: Queryable,
  id: string,
  r: { by: string; reason: string | null },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update rule_exceptions set state = 'revoked', revoked_by = $2, revoked_at = now(), revoke_reason = $3
      where id = $1 and state = 'approved' and (expires_at is null or expires_at > now())`,
    [id, r.by, r.reason],
  );
  return rowCount > 0;
}

export interface ActiveException {
  rule_id: string;
  id: string;
  state: 'approved';
  expires_at: Date | null;
}

/**
 * The exception in force now (or at `at`) for each of a host's rules (the longest-lasting one when several
 * apply).
 */
export async function activeExceptionsForHost(
  q: Queryable,
  hostId: string,
  at?: Date,
): Promise<ActiveException[]> {
  const { rows } = await q.query<ActiveException>(
    `select distinct on (e.rule_id) e.rule_id, e.id::text as id, 'approved' as state, e.expires_at
       from rule_exceptions e
      where ${ACTIVE_AT('coalesce($2::timestamptz, now())')} and ${APPLIES_TO('$1::uuid')}
      order by e.rule_id, e.expires_at desc nulls first, e.decided_at, e.id`,
    [hostId, at ?? null],
  );
  return rows;
}

/**
 * Failing verdicts in scope covered by an exception in force — now, or (with `at`) at a past time,
 * judged by when each exception was approved, revoked and expires (group membership as it is now).
 * Now, the count starts from the exceptions in force (few) and looks up each covered host × rule's
 * state, rather than testing every failing state; expiry is judged when read, so nothing is stored.
 */
export async function exceptedFailures(q: Queryable, scope: Scope, at?: Date): Promise<number> {
  const { rows } = at
    ? await q.query<{ n: number }>(
        `select count(*)::int as n
           from (${AT_TIME}) x join hosts h on h.id = x.host_id
          where x.status = 'fail' and ${SCOPE}
            and exists (select 1 from rule_exceptions e
                         where e.rule_id = x.rule_id and ${ACTIVE_AT('$4::timestamptz')}
                           and ${APPLIES_TO('x.host_id')})`,
        [...scopeParams(scope), at],
      )
    : await q.query<{ n: number }>(
        `with covered as (
           select e.host_id, e.rule_id from rule_exceptions e
            where e.host_id is not null and ${ACTIVE_AT('now()')}
           union
           select h.id, e.rule_id from rule_exceptions e
             join host_groups g on g.id = e.group_id
             join hosts h on ${GROUP_MEMBER}
            where ${ACTIVE_AT('now()')}
         )
         select count(*)::int as n
           from covered c join host_rule_state x on x.host_id = c.host_id and x.rule_id = c.rule_id
           join hosts h on h.id = x.host_id
          where x.status = 'fail' and ${SCOPE}`,
        scopeParams(scope),
      );
  return rows[0]?.n ?? 0;
}
