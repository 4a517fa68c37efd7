import type { Severity } from '../types.ts';
import type { Rule } from './types.ts';

export interface RuleFilter {
  ids?: readonly string[];
  /** `cis`, `cis:debian12`, `stig`, `nist_800_53`, `pci_dss_4`, `cac`. */
  frameworks?: readonly string[];
  severities?: readonly Severity[];
  tags?: readonly string[];
  categories?: readonly string[];
}

function citesFramework(rule: Rule, fw: string): boolean {
  const [name, benchmark] = fw.split(':');
  const r = rule.references;
  if (name === 'cis') {
    const cis = r.cis ?? {};
    return benchmark ? (cis[benchmark]?.length ?? 0) > 0 : Object.keys(cis).length > 0;
  }
  if (name === 'stig' || name === 'nist_800_53' || name === 'pci_dss_4' || name === 'cac') return (r[name]?.length ?? 0) > 0;
  return false;
}

/** Rules passing every given filter (filters AND together, values within one filter OR). */
export function selectRules(rules: readonly Rule[], f: RuleFilter = {}): Rule[] {
  return rules.filter(
    (r) =>
      (!f.ids?.length || f.ids.includes(r.id)) &&
      (!f.frameworks?.length || f.frameworks.some((fw) => citesFramework(r, fw))) &&
      (!f.severities?.length || f.severities.includes(r.severity)) &&
      (!f.tags?.length || f.tags.some((t) => r.tags.includes(t))) &&
      (!f.categories?.length || f.categories.includes(r.category)),
  );
}
