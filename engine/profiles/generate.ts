import { stringify } from 'yaml';
import { z } from 'zod';
import type { Rule, VariableValue } from '../rules/types.ts';
import { ProfileError, type Profile } from './profile.ts';
import { contradictions, type Contradiction } from './settings.ts';

type CisLevel = 'l1_server' | 'l2_server' | 'l1_workstation' | 'l2_workstation';

const Os = z.strictObject({ family: z.string(), min_version: z.string(), max_version: z.string() });

/** `rules/profiles/policy.yml`: the choices a person makes; everything else comes from rule references. */
export const PolicySchema = z.strictObject({
  cis: z.record(
    z.string(),
    z.strictObject({
      title: z.string(),
      os: Os,
      /** Recommendations that are not Level 1 for servers and workstations alike, by their levels. */
      levels: z.record(z.string(), z.array(z.string())).default({}),
    }),
  ),
  stig: z.array(z.strictObject({ id: z.string(), title: z.string(), prefix: z.string() })),
  pci_dss_4: z.strictObject({ title: z.string(), description: z.string() }),
  baseline: z.strictObject({
    title: z.string(),
    description: z.string(),
    severities: z.array(z.enum(['low', 'medium', 'high', 'critical'])),
  }),
  /** When two selected rules contradict each other, keep `keep` and drop `over`. */
  prefer: z.array(z.strictObject({ keep: z.string(), over: z.string(), why: z.string() })).default([]),
  /** Variable values per profile id (`name` or `rule_id.name`). */
  variables: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number()]))).default({}),
});
export type Policy = z.infer<typeof PolicySchema>;

function levelsOf(policy: Policy['cis'][string], id: string): CisLevel[] {
  for (const [combo, ids] of Object.entries(policy.levels)) {
    if (ids.includes(id)) return combo.split(/\s+/) as CisLevel[];
  }
  return ['l1_server', 'l1_workstation'];
}

/** Level 2 includes Level 1 of the same kind. */
function inLevel(levels: CisLevel[], level: 1 | 2, kind: 'server' | 'workstation'): boolean {
  return levels.includes(`l1_${kind}`) || (level === 2 && levels.includes(`l2_${kind}`));
}

interface Draft {
  id: string;
  title: string;
  description: string;
  os?: z.infer<typeof Os>;
  rules: Rule[];
}

function drafts(rules: readonly Rule[], policy: Policy): Draft[] {
  const out: Draft[] = [];
  for (const [bench, b] of Object.entries(policy.cis)) {
    for (const level of [1, 2] as const) {
      for (const kind of ['server', 'workstation'] as const) {
        out.push({
          id: `cis_${bench}_l${level}_${kind}`,
          title: `CIS ${b.title} Benchmark, Level ${level} ${kind === 'server' ? 'Server' : 'Workstation'}`,
          description: `Rules referencing a CIS ${b.title} recommendation of Level ${level} for ${kind}s (Level 2 includes Level 1).`,
          ...(level === 1 && kind === 'server' ? { os: b.os } : {}),
          rules: rules.filter((r) =>
            (r.references.cis?.[bench] ?? []).some((id) => inLevel(levelsOf(b, id), level, kind)),
          ),
        });
      }
    }
  }
  for (const s of policy.stig) {
    out.push({
      id: s.id,
      title: s.title,
      description: `Rules carrying a DISA STIG id starting ${s.prefix}.`,
      rules: rules.filter((r) => (r.references.stig ?? []).some((id) => id.startsWith(s.prefix))),
    });
  }
  out.push({
    id: 'pci_dss_4',
    ...policy.pci_dss_4,
    rules: rules.filter((r) => (r.references.pci_dss_4 ?? []).length > 0),
  });
  out.push({
    id: 'openwatch_baseline',
    title: policy.baseline.title,
    description: policy.baseline.description,
    rules: rules.filter((r) => policy.baseline.severities.includes(r.severity)),
  });
  return out;
}

/** Drops the `over` rule of each preferred pair that contradicts; what no preference settles is an error. */
function settle(d: Draft, policy: Policy, values: Map<string, Record<string, VariableValue>>): Rule[] {
  let kept = d.rules;
  for (;;) {
    const found: Contradiction[] = contradictions(kept, values);
    if (found.length === 0) return kept;
    const drop = new Set<string>();
    const open: string[] = [];
    for (const c of found) {
      const p = policy.prefer.find((x) => c.rules.includes(x.keep) && c.rules.includes(x.over));
      if (p) drop.add(p.over);
      else open.push(`${c.setting}: ${c.rules[0]} (${c.demands[0]}) vs ${c.rules[1]} (${c.demands[1]})`);
    }
    if (open.length > 0)
      throw new ProfileError(
        `${d.id}: contradicting rules; add a 'prefer' entry to the policy:\n  ${open.join('\n  ')}`,
      );
    kept = kept.filter((r) => !drop.has(r.id));
  }
}

/** Per-rule variable values a profile's `name`/`rule.name` settings give (for contradiction checks). */
export function profileValues(rules: readonly Rule[], vars: Readonly<Record<string, VariableValue>>) {
  const out = new Map<string, Record<string, VariableValue>>();
  for (const r of rules) {
    const v: Record<string, VariableValue> = {};
    for (const name of Object.keys(r.variables)) {
      const x = vars[`${r.id}.${name}`] ?? vars[name];
      if (x !== undefined) v[name] = x;
    }
    out.set(r.id, v);
  }
  return out;
}

/** The profiles the policy describes over `rules`; empty profiles are left out. */
export function generateProfiles(rules: readonly Rule[], policy: Policy): Profile[] {
  return drafts(rules, policy)
    .map((d): Profile => {
      const variables = policy.variables[d.id] ?? {};
      const kept = settle(d, policy, profileValues(d.rules, variables));
      return {
        id: d.id,
        title: d.title,
        description: d.description,
        default_for: d.os ? [d.os] : [],
        variables,
        rules: kept.map((r) => r.id).sort(),
      };
    })
    .filter((p) => p.rules.length > 0);
}

export const GENERATED_HEADER =
  "# Generated by `npm run gen:profiles` from the rules' references and policy.yml. Do not edit:\n" +
  '# change policy.yml (or the rules) and run the generator again.\n';

/** A profile file's exact text (stable key order, so a re-run changes nothing). */
export function profileText(p: Profile): string {
  return GENERATED_HEADER + stringify(p, { lineWidth: 0 });
}
