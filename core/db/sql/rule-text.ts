import type { Queryable } from '../types.ts';

export interface RuleText {
  rule_id: string;
  description: string;
  rationale: string;
  remediation: string;
}

/** Replaces the text of every given rule in one statement (the catalog rows must exist). */
export async function upsertRuleText(tx: Queryable, texts: readonly RuleText[]): Promise<void> {
  await tx.query(
    `insert into rule_text as t (rule_id, description, rationale, remediation)
     select e.rule_id, e.description, e.rationale, e.remediation
       from jsonb_to_recordset($1::jsonb) as e(rule_id text, description text, rationale text, remediation text)
     on conflict (rule_id) do update
        set description = excluded.description, rationale = excluded.rationale,
            remediation = excluded.remediation
      where (t.description, t.rationale, t.remediation)
            is distinct from (excluded.description, excluded.rationale, excluded.remediation)`,
    [JSON.stringify(texts)],
  );
}

export interface RuleFleetCounts {
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
}

/** One rule's text and its current verdicts across live hosts; undefined for an unknown rule. */
export async function getRuleText(
  q: Queryable,
  ruleId: string,
): Promise<(RuleText & { counts: RuleFleetCounts }) | undefined> {
  const { rows } = await q.query<RuleText & { counts: RuleFleetCounts }>(
    `select c.rule_id, coalesce(t.description, '') as description, coalesce(t.rationale, '') as rationale,
            coalesce(t.remediation, '') as remediation,
            (select jsonb_build_object(
                      'pass', count(*) filter (where s.status = 'pass'),
                      'fail', count(*) filter (where s.status = 'fail'),
                      'error', count(*) filter (where s.status = 'error'),
                      'not_applicable', count(*) filter (where s.status = 'not_applicable'),
                      'not_assessable', count(*) filter (where s.status = 'not_assessable'))
               from host_rule_state s join hosts h on h.id = s.host_id and h.deleted_at is null
              where s.rule_id = c.rule_id) as counts
       from rule_catalog c left join rule_text t on t.rule_id = c.rule_id
      where c.rule_id = $1`,
    [ruleId],
  );
  return rows[0];
}
