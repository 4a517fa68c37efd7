import type { RuleFile } from './schema.ts';
import type { CheckNode, Rule } from './types.ts';

/** Turns a validated check tree (`{method, ...params}` leaves) into CheckNodes. */
export function toCheckNode(raw: unknown): CheckNode {
  const o = raw as Record<string, unknown>;
  if (typeof o.method === 'string') {
    const { method, ...params } = o;
    return { method, params };
  }
  if (Array.isArray(o.all)) return { all: o.all.map(toCheckNode) };
  if (Array.isArray(o.any)) return { any: o.any.map(toCheckNode) };
  return { not: toCheckNode(o.not) };
}

export function toRule(f: RuleFile, source: string): Rule {
  const { cac, ...refs } = f.references;
  const rule: Rule = {
    id: f.id,
    title: f.title,
    description: f.description,
    rationale: f.rationale,
    severity: f.severity,
    category: f.category,
    tags: f.tags ?? [],
    references: { ...refs, ...(cac !== undefined ? { cac: Array.isArray(cac) ? cac : [cac] } : {}) },
    depends_on: (f.depends_on ?? []),
    variables: (f.variables ?? {}),
    implementations: f.implementations.map((i) => ({
      ...(i.when !== undefined ? { when: i.when } : {}),
      check: toCheckNode(i.check),
    })),
    remediation: f.remediation,
    source,
  };
  if (f.platforms) rule.platforms = f.platforms;
  return rule;
}
