import { formatCapExpr } from '../platform/capabilities.ts';
import { isLeaf, type CheckNode, type Rule } from '../rules/types.ts';

function value(v: unknown): string {
  if (typeof v === 'object' && v !== null && 'var' in v) return `{${String(v.var)}}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One line per leaf, indented by depth: `sshd_config key=loglevel value=INFO`. */
function nodeLines(n: CheckNode, depth: number): string[] {
  const pad = '  '.repeat(depth);
  if (isLeaf(n)) {
    const params = Object.entries(n.params)
      .map(([k, v]) => `${k}=${value(v)}`)
      .join(' ');
    return [`${pad}${n.method}${params ? ` ${params}` : ''}`];
  }
  if ('not' in n) return [`${pad}none of:`, ...nodeLines(n.not, depth + 1)];
  const [word, kids] = 'all' in n ? ['all of', n.all] : ['any of', n.any];
  return [`${pad}${word}:`, ...kids.flatMap((k) => nodeLines(k, depth + 1))];
}

/**
 * What the rule checks, in words an operator can compare with a host: the check tree of each
 * implementation with its capability gate. Variables appear as `{name}`.
 */
export function checkSummary(rule: Rule): string {
  return rule.implementations
    .map((impl) => {
      const head = impl.when === undefined ? [] : [`when ${formatCapExpr(impl.when)}:`];
      return [...head, ...nodeLines(impl.check, impl.when === undefined ? 0 : 1)].join('\n');
    })
    .join('\notherwise:\n');
}
