import type { PostureCounts } from '../../results/score.ts';
import type { Queryable } from '../types.ts';
import { ALL_RULES } from './posture-summary.ts';
import { IN_EFFECTIVE_PROFILE } from './effective-profile.ts';
import { guidanceColumns, type ResultGuidance } from './rule-catalog.ts';

/**
 * Posture and drift. Every statement reads verdicts from one of two sources — the current state
 * (host_rule_state, written only when a scan completes, and its summaries host_posture and rule_posture,
 * core/db/sql/posture-summary.ts) or the state at a past time T (the last transaction at or before T per
 * host × rule) — and narrows them with the same scope: $1 host, $2 group
 * (current membership), $3 framework (rules whose catalog references carry that key). Deleted hosts are
 * left out. The score itself is computed from the counts by core/results/score.ts.
 */

export interface Scope {
  hostId?: string | undefined;
  groupId?: string | undefined;
  framework?: string | undefined;
}

export const scopeParams = (s: Scope) => [s.hostId ?? null, s.groupId ?? null, s.framework ?? null];

/**
 * Conditions on `x` (host_id, rule_id) joined to hosts `h`; uses $1..$3. A verdict of a rule outside its
 * host's effective profile is out of scope: each host is scored against its profile (docs/profiles.md).
 */
export const SCOPE = `h.deleted_at is null
  and ${IN_EFFECTIVE_PROFILE}
  and ($1::uuid is null or x.host_id = $1)
  and ($2::uuid is null or exists (select 1 from host_group_members m
                                    where m.group_id = $2 and m.host_id = x.host_id))
  and ($3::text is null or exists (select 1 from rule_catalog c where c.rule_id = x.rule_id and c.refs ? $3))`;

/** The state at $4: each host × rule's last transaction at or before it. */
export const AT_TIME = `select distinct on (host_id, rule_id) host_id, rule_id, status from transactions
  where occurred_at <= $4 order by host_id, rule_id, occurred_at desc, id desc`;

/** Verdict counts of alias `a` (count(a.status) so that an outer join's missing rows count as none). */
const counts = (a: string) =>
  ['pass', 'fail', 'error', 'not_applicable', 'not_assessable']
    .map((st) => `count(${a}.status) filter (where ${a}.status = '${st}')::int as ${st}`)
    .join(', ');
const COUNTS = counts('x');

export interface ScopeCounts extends PostureCounts {
  /** Hosts in scope with at least one verdict. */
  hosts_assessed: number;
  /** Hosts in scope (not deleted), assessed or not. */
  hosts_total: number;
}

/** Scope conditions ($1 host, $2 group) on a host_posture row `x` joined to hosts `h`. */
const HOST_SCOPE = `h.deleted_at is null
  and ($1::uuid is null or x.host_id = $1)
  and ($2::uuid is null or exists (select 1 from host_group_members m
                                    where m.group_id = $2 and m.host_id = x.host_id))`;

const sums = ['pass', 'fail', 'error', 'not_applicable', 'not_assessable']
  .map((st) => `coalesce(sum(x.${st}), 0)::int as ${st}`)
  .join(', ');

const HOSTS_TOTAL = `(select count(*)::int from hosts h
   where h.deleted_at is null and ($1::uuid is null or h.id = $1)
     and ($2::uuid is null or exists (select 1 from host_group_members m
                                       where m.group_id = $2 and m.host_id = h.id))) as hosts_total`;

/**
 * Verdict counts in scope: now from the per-host summary (host_posture, ≤ one row per host), or (with
 * `at`) at a past time, rebuilt from transactions.
 */
export async function postureCounts(q: Queryable, scope: Scope, at?: Date): Promise<ScopeCounts> {
  const { rows } = at
    ? await q.query<ScopeCounts>(
        `select ${COUNTS}, count(distinct x.host_id)::int as hosts_assessed, ${HOSTS_TOTAL}
           from (${AT_TIME}) x join hosts h on h.id = x.host_id
          where ${SCOPE}`,
        [...scopeParams(scope), at],
      )
    : await q.query<ScopeCounts>(
        `select ${sums}, count(*)::int as hosts_assessed, ${HOSTS_TOTAL}
           from host_posture x join hosts h on h.id = x.host_id
          where ${HOST_SCOPE} and x.framework = coalesce($3, '${ALL_RULES}')`,
        scopeParams(scope),
      );
  const r = rows[0];
  if (!r) throw new Error('posture count returned no row');
  return r;
}

/** Counts per framework key (of `frameworks`) in scope, now (from host_posture) or at a past time. */
export async function postureByFramework(
  q: Queryable,
  scope: Scope,
  frameworks: readonly string[],
  at?: Date,
): Promise<(PostureCounts & { framework: string })[]> {
  const { rows } = at
    ? await q.query<PostureCounts & { framework: string }>(
        `select f.key as framework, ${COUNTS}
           from (${AT_TIME}) x join hosts h on h.id = x.host_id
           join rule_catalog rc on rc.rule_id = x.rule_id
           cross join lateral jsonb_object_keys(rc.refs) f(key)
          where ${SCOPE} and f.key = any($5::text[])
          group by f.key order by f.key`,
        [...scopeParams(scope), at, frameworks],
      )
    : await q.query<PostureCounts & { framework: string }>(
        `select x.framework, ${sums}
           from host_posture x join hosts h on h.id = x.host_id
          where ${HOST_SCOPE} and ($3::text is null or x.framework = $3) and x.framework = any($4::text[])
          group by x.framework order by x.framework`,
        [...scopeParams(scope), frameworks],
      );
  return rows;
}

/**
 * Counts at each of `ends` (ascending), reconstructed from transactions: each verdict holds from its
 * transaction until the next one for the same host × rule.
 */
export async function postureSeries(
  q: Queryable,
  scope: Scope,
  ends: readonly Date[],
): Promise<(PostureCounts & { at: Date })[]> {
  const { rows } = await q.query<PostureCounts & { at: Date }>(
    `with x as (
       select t.host_id, t.rule_id, t.status, t.occurred_at,
              lead(t.occurred_at) over (partition by t.host_id, t.rule_id order by t.occurred_at, t.id) as until
         from transactions t
     ), v as (
       select x.* from x join hosts h on h.id = x.host_id where ${SCOPE}
     )
     select e.at, ${counts('v')}
       from unnest($4::timestamptz[]) as e(at)
       left join v on v.occurred_at <= e.at and (v.until is null or v.until > e.at)
      group by e.at order by e.at`,
    [...scopeParams(scope), ends],
  );
  return rows;
}

export interface FailingRule {
  rule_id: string;
  title: string | null;
  severity: string;
  failing_hosts: number;
}

/** Most failing hosts first, then most severe, of a sub-select `t` of FailingRule rows. */
const mostFailing = (inner: string, limit: string) => `select * from (${inner}) t
  order by t.failing_hosts desc, array_position(array['critical', 'high', 'medium', 'low'], t.severity), t.rule_id
  limit ${limit}`;

/**
 * Rules failing on the most hosts in scope, most severe first among equals. Fleet-wide (no host or group)
 * from rule_posture; a host's or group's from its own states. A rule no longer in the catalog takes the
 * severity one of its failing states recorded (a `limit 1` lookup: an aggregate there made the planner's
 * estimate large enough to JIT-compile the statement, ~0.8 s per request at 1,000,000 states).
 */
export async function topFailingRules(q: Queryable, scope: Scope, limit: number): Promise<FailingRule[]> {
  const { rows } =
    scope.hostId === undefined && scope.groupId === undefined
      ? await q.query<FailingRule>(
          mostFailing(
            `select r.rule_id, rc.title,
                  coalesce(rc.severity, (select s.severity from host_rule_state s
                                          where s.rule_id = r.rule_id and s.status = 'fail' limit 1)) as severity,
                  r.failing_hosts
             from rule_posture r left join rule_catalog rc on rc.rule_id = r.rule_id
            where r.failing_hosts > 0 and ($1::text is null or rc.refs ? $1)`,
            '$2',
          ),
          [scope.framework ?? null, limit],
        )
      : await q.query<FailingRule>(
          mostFailing(
            `select x.rule_id, rc.title, coalesce(rc.severity, max(x.severity)) as severity,
                  count(*)::int as failing_hosts
             from host_rule_state x join hosts h on h.id = x.host_id
             left join rule_catalog rc on rc.rule_id = x.rule_id
            where x.status = 'fail' and ${SCOPE}
            group by x.rule_id, rc.title, rc.severity`,
            '$4',
          ),
          [...scopeParams(scope), limit],
        );
  return rows;
}

export interface HostCounts extends PostureCounts {
  host_id: string;
  hostname: string;
}

/** Hosts in scope with the most failing rules (from host_posture). */
export async function topFailingHosts(q: Queryable, scope: Scope, limit: number): Promise<HostCounts[]> {
  const { rows } = await q.query<HostCounts>(
    `select x.host_id::text as host_id, h.hostname, x.pass, x.fail, x.error, x.not_applicable, x.not_assessable
       from host_posture x join hosts h on h.id = x.host_id
      where ${HOST_SCOPE} and x.framework = coalesce($3, '${ALL_RULES}') and x.fail > 0
      order by x.fail desc, h.hostname, x.host_id
      limit $4`,
    [...scopeParams(scope), limit],
  );
  return rows;
}

export interface ChangeRow {
  id: string;
  occurred_at: Date;
  host_id: string;
  hostname: string;
  rule_id: string;
  title: string | null;
  severity: string;
  previous_status: string | null;
  status: string;
  scan_id: string;
}

/** Verdicts that moved to or from fail since `since`, newest first; `before` is the previous page's last id. */
export async function recentChanges(
  q: Queryable,
  scope: Scope,
  f: { since: Date; before: number | undefined; limit: number },
): Promise<ChangeRow[]> {
  const { rows } = await q.query<ChangeRow>(
    `select x.id::text as id, x.occurred_at, x.host_id::text as host_id, h.hostname, x.rule_id, rc.title,
            x.severity, x.previous_status, x.status, x.scan_id::text as scan_id
       from transactions x join hosts h on h.id = x.host_id
       left join rule_catalog rc on rc.rule_id = x.rule_id
      where (x.status = 'fail' or x.previous_status = 'fail') and x.occurred_at >= $4
        and ($5::bigint is null or x.id < $5) and ${SCOPE}
      order by x.id desc limit $6`,
    [...scopeParams(scope), f.since, f.before ?? null, f.limit],
  );
  return rows;
}

export interface HostResultRow extends ResultGuidance {
  rule_id: string;
  title: string | null;
  severity: string;
  status: string;
  reason: string | null;
  evidence: unknown;
  last_scan_id: string;
  last_checked_at: Date;
  status_since: Date;
  check_count: number;
}

export async function hostExists(q: Queryable, hostId: string): Promise<boolean> {
  const { rows } = await q.query('select 1 from hosts where id = $1 and deleted_at is null', [hostId]);
  return rows.length > 0;
}

/** A host's current verdict per rule with its evidence, by rule id. */
export async function hostResults(q: Queryable, hostId: string): Promise<HostResultRow[]> {
  const { rows } = await q.query<HostResultRow>(
    `select s.rule_id, rc.title, s.severity, s.status, s.reason, e.body as evidence,
            s.last_scan_id::text as last_scan_id, s.last_checked_at, s.status_since, s.check_count,
            ${guidanceColumns('s.status')}
       from host_rule_state s join evidence e on e.hash = s.evidence_hash
       left join rule_catalog rc on rc.rule_id = s.rule_id
      where s.host_id = $1
      order by s.rule_id`,
    [hostId],
  );
  return rows;
}

/**
 * A host's verdict per rule as it stood at `at`: each rule's result in the last completed scan at or
 * before it that evaluated the rule (a scan of a few rules leaves the others as the scans before had
 * them, as the current state does). `status_since` is the rule's last change at or before `at`,
 * `check_count` the completed scans up to then that evaluated it.
 */
export async function hostResultsAt(q: Queryable, hostId: string, at: Date): Promise<HostResultRow[]> {
  const { rows } = await q.query<HostResultRow>(
    `with done as (
       select id, finished_at from scans
        where host_id = $1 and status = 'completed' and finished_at <= $2
     ), r as (
       select distinct on (sr.rule_id) sr.rule_id, sr.status, sr.severity, sr.reason, sr.evidence_hash,
              d.id as scan_id, d.finished_at, count(*) over (partition by sr.rule_id)::int as check_count
         from scan_results sr join done d on d.id = sr.scan_id
        order by sr.rule_id, d.finished_at desc, d.id desc
     )
     select r.rule_id, rc.title, r.severity, r.status, r.reason, e.body as evidence,
            r.scan_id::text as last_scan_id, r.finished_at as last_checked_at,
            coalesce((select max(t.occurred_at) from transactions t
                       where t.host_id = $1 and t.rule_id = r.rule_id and t.occurred_at <= $2),
                     r.finished_at) as status_since,
            r.check_count, ${guidanceColumns('r.status')}
       from r join evidence e on e.hash = r.evidence_hash
       left join rule_catalog rc on rc.rule_id = r.rule_id
      order by r.rule_id`,
    [hostId, at],
  );
  return rows;
}
