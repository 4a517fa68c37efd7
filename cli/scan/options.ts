import { listOption, stringOption, UsageError, type CommandContext } from '../command.ts';
import type { Rule, Severity, TraversalMode } from '../../engine/index.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { profileSelection } from './profile.ts';

/**
 * The engine is imported when `scan` runs, not when the dispatcher loads every command at start-up:
 * it costs ~1 s of TypeScript transformation that `openwatch version` should not pay.
 */
export const engine = () => import('../../engine/index.ts');

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const FRAMEWORKS = ['cis', 'stig', 'nist_800_53', 'pci_dss_4', 'cac'];
export const TRAVERSALS: readonly TraversalMode[] = ['inline', 'separate', 'skip'];
/** Per host, connect + collect + evaluate; a full-corpus scan takes about a second on a LAN. */
export const DEFAULT_TIMEOUT_S = 300;
export const DEFAULT_CONCURRENCY = 10;

export function positiveInt(ctx: CommandContext, name: string, fallback: number): number {
  const raw = stringOption(ctx, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw new UsageError(`--${name} expects a positive integer, got '${raw}'`);
  return n;
}

export function parseVars(pairs: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var expects name=value, got '${p}'`);
    vars[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return vars;
}

/** The rules to scan and the variables a chosen profile sets (under `--var`), or the corpus's errors. */
export async function loadSelectedRules(
  ctx: CommandContext,
): Promise<{ rules: Rule[]; profileVars: Record<string, string> } | string> {
  const { loadRules, formatLoadErrors, selectRules, variableStrings } = await engine();
  const loaded = await loadRules([BUNDLED_RULES_DIR, ...listOption(ctx, 'rules')]);
  if (loaded.errors.length > 0) return formatLoadErrors(loaded.errors);
  const profile = await profileSelection(ctx, loaded.rules);
  const inProfile = profile ? new Set(profile.rules) : undefined;
  const rules = inProfile ? loaded.rules.filter((r) => inProfile.has(r.id)) : loaded.rules;
  const severities = listOption(ctx, 'severity');
  for (const s of severities)
    if (!(SEVERITIES as string[]).includes(s))
      throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const frameworks = listOption(ctx, 'framework');
  for (const f of frameworks)
    if (!FRAMEWORKS.includes(f.split(':')[0] ?? ''))
      throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(', ')} (cis:BENCHMARK allowed)`);
  const ids = listOption(ctx, 'rule');
  const unknown = ids.filter((id) => !rules.some((r) => r.id === id));
  if (unknown.length) throw new UsageError(`unknown rule id: ${unknown.join(', ')}`);
  const selected = selectRules(rules, {
    ids,
    frameworks,
    severities: severities as Severity[],
    tags: listOption(ctx, 'tag'),
    categories: listOption(ctx, 'category'),
  });
  if (selected.length === 0) throw new UsageError('no rule matches the given filters');
  // A profile's variable whose rules the filters left out is not an error, unlike a stray --var.
  const declared = new Set(
    selected.flatMap((r) => Object.keys(r.variables).flatMap((v) => [v, `${r.id}.${v}`])),
  );
  const profileVars = Object.entries(profile ? variableStrings(profile.variables) : {}).filter(([k]) =>
    declared.has(k),
  );
  return { rules: selected, profileVars: Object.fromEntries(profileVars) };
}
