import type { Queryable } from '../types.ts';
import { IN_EFFECTIVE_PROFILE } from './effective-profile.ts';

/**
 * The posture summaries (migrations/0015_posture_summary.sql) that posture, top failing and the fleet
 * summary read: `host_posture` (verdict counts per host, over all rules as framework '*' and per framework
 * key of the rules' catalog references) and `rule_posture` (live hosts failing each rule). They are
 * written in the transaction that changes host_rule_state, so they are exactly what aggregating the
 * current state would give; test/results/posture-summary.test.ts compares the two. They count only the
 * verdicts inside each host's effective profile (every verdict for a host without one), as posture is
 * scored against the profile: a change of which profile applies to hosts (an assignment, a group's
 * members, the OS defaults, the profiles themselves) rebuilds them ({@link rebuildPostureSummary}).
 */

/** host_posture's key for "every rule", whatever its references. */
export const ALL_RULES = '*';

const HOST_COUNTS = `select x.host_id, k.framework,
       count(*) filter (where x.status = 'pass'), count(*) filter (where x.status = 'fail'),
       count(*) filter (where x.status = 'error'), count(*) filter (where x.status = 'not_applicable'),
       count(*) filter (where x.status = 'not_assessable')
  from host_rule_state x
  left join rule_catalog rc on rc.rule_id = x.rule_id
  cross join lateral (select '${ALL_RULES}' union all select jsonb_object_keys(coalesce(rc.refs, '{}'::jsonb))) k(framework)
 where ${IN_EFFECTIVE_PROFILE}`;

/** hosts.score (the host list's sort key) from the host's summary: pass ÷ (pass + fail), null without any. */
const HOST_SCORE = `update hosts h
   set score = (select case when p.pass + p.fail > 0 then p.pass::float8 / (p.pass + p.fail) end
                  from host_posture p where p.host_id = h.id and p.framework = '${ALL_RULES}')`;

const INSERT_HOST = `insert into host_posture (host_id, framework, pass, fail, error, not_applicable, not_assessable)`;

/** The rules a host fails now; read before its state moves, for {@link addHostFailures}. */
export async function failingRules(tx: Queryable, hostId: string): Promise<string[]> {
  const { rows } = await tx.query<{ rule_id: string }>(
    `select x.rule_id from host_rule_state x where x.host_id = $1 and x.status = 'fail' and ${IN_EFFECTIVE_PROFILE}`,
    [hostId],
  );
  return rows.map((r) => r.rule_id);
}

/**
 * After a host's state moved: rewrites its host_posture rows, and moves rule_posture by the difference
 * between the rules it failed before (`before`) and the ones it fails now. A deleted host is not counted
 * in rule_posture; its row is share-locked so a concurrent delete (whose trigger subtracts the host's
 * failures) runs before or after this, never in between. Rows are upserted in rule order, so concurrent
 * writers of different hosts wait for each other instead of deadlocking.
 */
export async function refreshHostPosture(
  tx: Queryable,
  hostId: string,
  before: readonly string[],
): Promise<void> {
  await tx.query('delete from host_posture where host_id = $1', [hostId]);
  await tx.query(`${INSERT_HOST} ${HOST_COUNTS} and x.host_id = $1 group by x.host_id, k.framework`, [
    hostId,
  ]);
  await tx.query(
    `with live as (select id from hosts where id = $1 and deleted_at is null for share),
          d as (select rule_id, sum(n)::int as n
                  from (select x.rule_id, 1 as n from host_rule_state x
                         where x.host_id = $1 and x.status = 'fail' and ${IN_EFFECTIVE_PROFILE}
                        union all select unnest($2::text[]), -1) u
                 group by rule_id having sum(n) <> 0)
     insert into rule_posture as r (rule_id, failing_hosts)
     select rule_id, n from d where exists (select 1 from live) order by rule_id
     on conflict (rule_id) do update set failing_hosts = r.failing_hosts + excluded.failing_hosts`,
    [hostId, before],
  );
}

/**
 * Rebuilds both summaries and the hosts' scores from the current state: after the rule catalog changed,
 * after a change of which profile applies to hosts (each summary counts only its host's profile rules;
 * such changes are administrative and rare, and the rebuild reads every current state), and for seeded
 * data.
 * Run in a transaction: the share lock waits for result writers in progress and holds new ones until
 * the rebuild commits, so none of their changes falls between the delete and the insert.
 */
export async function rebuildPostureSummary(tx: Queryable): Promise<void> {
  await tx.query('lock table host_rule_state in share mode');
  await tx.query('delete from host_posture');
  await tx.query(`${INSERT_HOST} ${HOST_COUNTS} group by x.host_id, k.framework`);
  await tx.query('delete from rule_posture');
  await tx.query(
    `insert into rule_posture (rule_id, failing_hosts)
     select x.rule_id, count(*) from host_rule_state x join hosts h on h.id = x.host_id
      where x.status = 'fail' and h.deleted_at is null and ${IN_EFFECTIVE_PROFILE}
      group by x.rule_id`,
  );
  await tx.query(HOST_SCORE);
}
