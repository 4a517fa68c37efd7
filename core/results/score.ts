/**
 * THE posture score, the same for a host, a group, a framework, the fleet and any past time:
 *
 *   score = pass ÷ (pass + fail)
 *
 * over the host × rule verdicts in scope (host_rule_state now; the last transaction at or before T for a
 * past time). `not_applicable`, `error` and `not_assessable` verdicts are left out of both sides: they
 * say nothing about compliance. With no pass or fail verdict in scope (a host never scanned to
 * completion) the score is null — "no data", never 0 %.
 *
 * Exceptions (later work) will add an `excepted` count, the failing verdicts covered by an approved
 * exception; the score "with exceptions" is then (pass + excepted) ÷ (pass + fail), and the plain score
 * stays as it is.
 */
export interface PostureCounts {
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
}

/** A fraction in [0, 1], rounded to 4 decimals; null when nothing in scope passed or failed. */
export function postureScore(c: Pick<PostureCounts, 'pass' | 'fail'>): number | null {
  const scored = c.pass + c.fail;
  return scored === 0 ? null : Math.round((c.pass / scored) * 10_000) / 10_000;
}
