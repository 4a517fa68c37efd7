import type { Queryable } from '../types.ts';

/**
 * The posture summaries (migrations/0015_posture_summary.sql) that posture, top failing and the fleet
 * summary read: `host_posture` (verdict counts per host, over all rules as framework '*' and per framework
 * key of the rules' catalog references) and `rule_posture` (live hosts failing each rule). They are
 * written in the transaction that changes host_rule_state, so they are exactly what aggregating the
 * current state would give; test/results/posture-summary.test.ts compares the two.
 */

/** host_posture's key for "every rule", whatever its references. */
export const ALL_RULES = '*';

const HOST_COUNTS = `select s.host_id, k.framework,
       count(*) filter (where s.status = 'pass'), count(*) filter (where s.status = 'fail'),
       count(*) filter (where s.status = 'error'), count(*) filter (where s.status = 'not_applicable'),
       count(*) filter (where s.status = 'not_assessable')
  from host_rule_state s
  left join rule_catalog rc on rc.rule_id = s.rule_id
  cross join lateral (select '${ALL_RULES}' union all select jsonb_object_keys(coalesce(rc.refs, '{}'::jsonb))) k(framework)`;

const INSERT_HOST = `insert into host_posture (host_id, framework, pass, fail, error, not_applicable, not_assessable)`;

/** The rules a host fails now; read before its state moves, for {@link addHostFailures}. */
export async function failingRules(tx: Queryable, hostId: string): Promise<string[]> {
  const { rows } = await tx.query<{ rule_id: string }>(
    `select rule_id from host_rule_state where host_id = $1 and status = 'fail'`,
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
  await tx.query(`${INSERT_HOST} ${HOST_COUNTS} where s.host_id = $1 group by s.host_id, k.framework`, [
    hostId,
  ]);
  await tx.query(
    `with live as (select id from hosts where id = $1 and deleted_at is null for share),
          d as (select rule_id, sum(n)::int as n
                  from (select rule_id, 1 as n from host_rule_state where host_id = $1 and status = 'fail'
                        union all select unnest($2::text[]), -1) u
                 group by rule_id having sum(n) <> 0)
     insert into rule_posture as r (rule_id, failing_hosts)
     select rule_id, n from d where exists (select 1 from live) order by rule_id
     on conflict (rule_id) do update set failing_hosts = r.failing_hosts + excluded.failing_hosts`,
    [hostId, before],
  );
}

/**
 * Rebuilds both summaries from the current state: after the rule catalog changed, and for seeded data.
 * Run in a transaction: the share lock waits for result writers in progress and holds new ones until
 * the rebuild commits, so none of their changes falls between the delete and the insert.
 */
export async function rebuildPostureSummary(tx: Queryable): Promise<void> {
  await tx.query('lock table host_rule_state in share mode');
  await tx.query('delete from host_posture');
  await tx.query(`${INSERT_HOST} ${HOST_COUNTS} group by s.host_id, k.framework`);
  await tx.query('delete from rule_posture');
  await tx.query(
    `insert into rule_posture (rule_id, failing_hosts)
     select s.rule_id, count(*) from host_rule_state s join hosts h on h.id = s.host_id
      where s.status = 'fail' and h.deleted_at is null
      group by s.rule_id`,
  );
}
