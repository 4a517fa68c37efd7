import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../engine/rules/loader.ts';

const { rules } = await loadRules([join(import.meta.dirname, '../../rules')]);

function cacIds(ref: string | string[] | undefined): string[] {
  if (ref === undefined) return [];
  return Array.isArray(ref) ? ref : [ref];
}

// One verdict answers one ComplianceAsCode question: a rule claiming several CaC ids is wrong for some of
// them whenever they differ, and two rules claiming one id give OpenSCAP comparisons two answers.
describe('references.cac', () => {
  it('no rule claims more than one ComplianceAsCode id', () => {
    const several = rules
      .filter((r) => cacIds(r.references.cac).length > 1)
      .map((r) => `${r.id}: ${cacIds(r.references.cac).join(', ')}`);
    expect(several).toEqual([]);
  });

  it('no two rules claim the same ComplianceAsCode id', () => {
    const owners = new Map<string, string[]>();
    for (const r of rules) {
      for (const id of cacIds(r.references.cac)) owners.set(id, [...(owners.get(id) ?? []), r.id]);
    }
    const shared = [...owners].filter(([, ids]) => ids.length > 1).map(([id, ids]) => `${id}: ${ids.join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('a rule named like a ComplianceAsCode rule claims that rule', () => {
    const claimed = new Set(rules.flatMap((r) => cacIds(r.references.cac)));
    const elsewhere = rules
      .filter((r) => cacIds(r.references.cac).length === 1 && claimed.has(r.id))
      .filter((r) => cacIds(r.references.cac)[0]?.replace(/-/g, '_') !== r.id)
      .map((r) => `${r.id} claims ${cacIds(r.references.cac).join(', ')}`);
    expect(elsewhere).toEqual([]);
  });
});
