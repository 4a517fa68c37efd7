import type { Queryable } from '../types.ts';

/** A verdict a scan moved between pass and fail. */
export interface VerdictFlip {
  rule_id: string;
  previous_status: 'pass' | 'fail';
  status: 'pass' | 'fail';
  severity: string;
}

/** The pass ↔ fail changes a scan recorded for its host (from its transactions rows). */
export async function scanVerdictFlips(q: Queryable, hostId: string, scanId: string): Promise<VerdictFlip[]> {
  const { rows } = await q.query<VerdictFlip>(
    `select rule_id, previous_status, status, severity from transactions
      where scan_id = $1 and host_id = $2
        and ((previous_status = 'pass' and status = 'fail') or (previous_status = 'fail' and status = 'pass'))
      order by rule_id`,
    [scanId, hostId],
  );
  return rows;
}

export interface ScoreCounts {
  pass: number;
  fail: number;
  before_pass: number;
  before_fail: number;
}

/**
 * The host's pass and fail counts now, and before this scan (now minus what the scan's transactions
 * moved), for the score before and after.
 */
export async function scanScoreCounts(q: Queryable, hostId: string, scanId: string): Promise<ScoreCounts> {
  const { rows } = await q.query<ScoreCounts>(
    `with t as (
       select count(*) filter (where status = 'pass')::int as to_pass,
              count(*) filter (where status = 'fail')::int as to_fail,
              count(*) filter (where previous_status = 'pass')::int as from_pass,
              count(*) filter (where previous_status = 'fail')::int as from_fail
         from transactions where scan_id = $2 and host_id = $1
     ), a as (
       select count(*) filter (where status = 'pass')::int as pass,
              count(*) filter (where status = 'fail')::int as fail
         from host_rule_state where host_id = $1
     )
     select a.pass, a.fail, a.pass - t.to_pass + t.from_pass as before_pass,
            a.fail - t.to_fail + t.from_fail as before_fail
       from a, t`,
    [hostId, scanId],
  );
  return rows[0] ?? { pass: 0, fail: 0, before_pass: 0, before_fail: 0 };
}
