import { selectRules, variableStrings, type Profile, type Rule } from '../../engine/index.ts';
import { effectiveProfileRules, setScanProfile } from '../db/sql/profiles.ts';
import type { Queryable } from '../db/types.ts';

export interface ScanSelection {
  rules: Rule[];
  /** The profile's variables for the selected rules, as `--var` takes them. */
  vars: Record<string, string>;
  profileId: string | null;
}

/**
 * The rules a queued scan runs: its explicit selection when it has one, else its host's effective
 * profile (host > group > OS default, docs/profiles.md) with the profile's variables, else every rule.
 * The profile is recorded on the scan.
 */
export async function rulesForScan(
  q: Queryable,
  scan: { id: string; host_id: string; rule_ids: string[] | null },
  all: readonly Rule[],
): Promise<ScanSelection> {
  if (scan.rule_ids)
    return { rules: selectRules([...all], { ids: scan.rule_ids }), vars: {}, profileId: null };
  const profile = await effectiveProfileRules(q, scan.host_id);
  if (!profile) return { rules: [...all], vars: {}, profileId: null };
  const ids = new Set(profile.rules);
  const rules = all.filter((r) => ids.has(r.id));
  const declared = new Set(
    rules.flatMap((r) => Object.keys(r.variables).flatMap((v) => [v, `${r.id}.${v}`])),
  );
  const vars = Object.entries(variableStrings(profile.variables as Profile['variables'])).filter(([k]) =>
    declared.has(k),
  );
  await setScanProfile(q, scan.id, profile.profile_id);
  return { rules, vars: Object.fromEntries(vars), profileId: profile.profile_id };
}
