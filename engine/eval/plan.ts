import { evalCapExpr, formatCapExpr } from '../platform/capabilities.ts';
import { platformMatches } from '../platform/os-release.ts';
import { substitute } from '../rules/variables.ts';
import { isLeaf, type CheckNode, type Rule, type VariableValue } from '../rules/types.ts';
import type { Platform } from '../types.ts';
import { methodByName } from './methods/index.ts';
import { errorOutcome, notApplicable, type Outcome } from './outcome.ts';
import { treeFacts, type BoundNode } from './tree.ts';

/** A rule made ready for one host: either decided before collection, or a bound tree plus its facts. */
export interface RulePlan {
  rule: Rule;
  decided?: Outcome;
  tree?: BoundNode;
  facts: string[];
  /** The variable values the tree was bound with (for the shell fix shown beside a failure). */
  values?: Readonly<Record<string, VariableValue>>;
}

function bind(node: CheckNode, values: Readonly<Record<string, VariableValue>>): BoundNode | string {
  if (isLeaf(node)) {
    const m = methodByName(node.method);
    if (!m) return `unknown method ${node.method}`;
    const r = m.bind(substitute(node.params, values) as Record<string, unknown>);
    return r.ok ? { leaf: r.leaf } : `${node.method}: ${r.message}`;
  }
  if ('not' in node) {
    const inner = bind(node.not, values);
    return typeof inner === 'string' ? inner : { not: inner };
  }
  const kids = 'all' in node ? node.all : node.any;
  const bound: BoundNode[] = [];
  for (const k of kids) {
    const b = bind(k, values);
    if (typeof b === 'string') return b;
    bound.push(b);
  }
  return 'all' in node ? { all: bound } : { any: bound };
}

function describePlatforms(rule: Rule): string {
  return (rule.platforms ?? [])
    .map(
      (p) =>
        `${p.family}${p.min_version ? ` >=${p.min_version}` : ''}${p.max_version ? ` <=${p.max_version}` : ''}`,
    )
    .join(', ');
}

export function planRule(
  rule: Rule,
  platform: Platform,
  caps: ReadonlySet<string>,
  values: Readonly<Record<string, VariableValue>>,
): RulePlan {
  if (!platformMatches(rule.platforms, platform)) {
    return {
      rule,
      facts: [],
      decided: notApplicable('platform', [
        {
          source: '/etc/os-release',
          observed: `${platform.id} ${platform.version}`,
          expected: `one of: ${describePlatforms(rule)}`,
        },
      ]),
    };
  }
  const impl = rule.implementations.find((i) => i.when === undefined || evalCapExpr(i.when, caps));
  if (!impl) {
    const wanted = rule.implementations.map((i) => (i.when ? formatCapExpr(i.when) : 'default')).join(' | ');
    return {
      rule,
      facts: [],
      decided: notApplicable('capability', [
        { source: 'capability probe', observed: [...caps].sort().join(' ') || '(none)', expected: wanted },
      ]),
    };
  }
  const tree = bind(impl.check, values);
  if (typeof tree === 'string') return { rule, facts: [], decided: errorOutcome(tree) };
  const deps = rule.depends_on.some((d) => 'package' in d) ? ['packages'] : [];
  return { rule, tree, values, facts: [...new Set([...treeFacts(tree), ...deps])] };
}
