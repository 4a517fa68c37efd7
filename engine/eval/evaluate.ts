import type { FactStore } from '../facts/store.ts';
import { shellFix } from '../remediation/shell-fix.ts';
import type { Platform, RuleResult } from '../types.ts';
import type { RulePlan } from './plan.ts';
import { packageInstalled } from './methods/packages.ts';
import { notApplicable, notAssessable, type Outcome } from './outcome.ts';
import { FactReader, FactUnavailable } from './reader.ts';
import { evalTree } from './tree.ts';

export interface EvalEnv {
  store: FactStore;
  platform: Platform;
  caps: ReadonlySet<string>;
  now: Date;
}

function toResult(plan: RulePlan, o: Outcome): RuleResult {
  const { rule } = plan;
  // Guidance rides only on failures (what there is to fix), the shell fix with the scan's own values.
  const failed = o.status === 'fail';
  const fix = failed ? shellFix(rule, plan.values) : undefined;
  return {
    rule_id: rule.id,
    title: rule.title,
    severity: rule.severity,
    status: o.status,
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    references: rule.references,
    evidence: o.evidence,
    ...(failed ? { remediation: rule.remediation } : {}),
    ...(fix !== undefined ? { shell_fix: fix } : {}),
  };
}

/** depends_on: a missing package or a dependency rule that did not pass makes the rule not applicable. */
function dependencyOutcome(
  plan: RulePlan,
  env: EvalEnv,
  statusOf: (id: string) => Outcome | undefined,
): Outcome | undefined {
  for (const d of plan.rule.depends_on) {
    if ('package' in d) {
      const read = new FactReader(env.store);
      try {
        if (!packageInstalled(read, d.package)) {
          return notApplicable('dependency', [
            { source: 'package database', observed: null, expected: `${d.package} installed` },
          ]);
        }
      } catch (e) {
        if (e instanceof FactUnavailable)
          return notAssessable(`cannot tell whether ${d.package} is installed: ${e.why}`);
        throw e;
      }
    } else {
      const dep = statusOf(d.rule);
      if (!dep) return notAssessable(`dependency rule ${d.rule} was not evaluated`);
      if (dep.status !== 'pass') {
        return notApplicable('dependency', [
          { source: `rule ${d.rule}`, observed: dep.status, expected: `${d.rule} passes` },
        ]);
      }
    }
  }
  return undefined;
}

/** Evaluates planned rules against collected facts; dependency rules are evaluated first, once. */
export function evaluatePlans(plans: readonly RulePlan[], env: EvalEnv): RuleResult[] {
  const byId = new Map(plans.map((p) => [p.rule.id, p]));
  const done = new Map<string, Outcome>();
  const visiting = new Set<string>();
  const run = (plan: RulePlan): Outcome => {
    const cached = done.get(plan.rule.id);
    if (cached) return cached;
    if (visiting.has(plan.rule.id)) return notAssessable('circular depends_on');
    visiting.add(plan.rule.id);
    const o =
      plan.decided ??
      dependencyOutcome(plan, env, (id) => {
        const p = byId.get(id);
        return p ? run(p) : undefined;
      }) ??
      evaluateTree(plan, env);
    visiting.delete(plan.rule.id);
    done.set(plan.rule.id, o);
    return o;
  };
  return plans.map((p) => toResult(p, run(p)));
}

function evaluateTree(plan: RulePlan, env: EvalEnv): Outcome {
  if (!plan.tree) return notAssessable('nothing to evaluate');
  const read = new FactReader(env.store);
  const o = evalTree(plan.tree, { read, platform: env.platform, caps: env.caps, now: env.now });
  if (o.status === 'pass' && read.truncated.size > 0) {
    return { ...o, status: 'not_assessable', reason: `truncated facts: ${[...read.truncated].join(', ')}` };
  }
  return o;
}
