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
 * Exceptions (docs/exceptions.md) add an `excepted_fail` count, the failing verdicts covered by an
 * approved exception in force; the score "with exceptions" leaves them out of the denominator,
 * pass ÷ (pass + fail − excepted_fail), and the plain score stays as it is (the verdicts do not change).
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

/** pass ÷ (pass + fail − excepted_fail), rounded like postureScore; null when nothing is left to score. */
export function scoreWithExceptions(
  c: Pick<PostureCounts, 'pass' | 'fail'> & { excepted_fail: number },
): number | null {
  return postureScore({ pass: c.pass, fail: c.fail - c.excepted_fail });
}
