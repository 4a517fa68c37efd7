import { listOption, stringOption, UsageError, type CommandContext } from '../command.ts';
import type { Rule, Severity, TraversalMode } from '../../engine/index.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { closeMatches } from './suggest.ts';
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
  const bundled = await (await import('../../core/node/bundled-rules.ts')).loadBundledRules();
  const userDirs = listOption(ctx, 'rules');
  const loaded = userDirs.length
    ? await loadRules(userDirs, bundled.rules)
    : { rules: bundled.rules, errors: bundled.errors };
  if (loaded.errors.length > 0) return formatLoadErrors(loaded.errors);
  const profile = await profileSelection(ctx, loaded.rules);
  const inProfile = profile ? new Set(profile.rules) : undefined;
  const rules = inProfile ? loaded.rules.filter((r) => inProfile.has(r.id)) : loaded.rules;
  const severities = listOption(ctx, 'severity');
  for (const s of severities)
    if (!(SEVERITIES as string[]).includes(s))
      throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const frameworks = listOption(ctx, 'framework');
  for (const f of frameworks) checkFramework(f, rules);
  const ids = listOption(ctx, 'rule');
  const known = new Set(rules.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new UsageError(unknownRules(unknown, [...known]));
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

/** `--framework NAME` or `cis:BENCHMARK`; a mistake lists what would have been valid. */
function checkFramework(value: string, rules: readonly Rule[]): void {
  const [name = '', benchmark] = value.split(':');
  if (!FRAMEWORKS.includes(name))
    throw new UsageError(
      `unknown framework '${value}': use one of ${FRAMEWORKS.join(', ')} (cis:BENCHMARK selects one CIS benchmark)`,
    );
  if (benchmark === undefined) return;
  const benchmarks = [...new Set(rules.flatMap((r) => Object.keys(r.references.cis ?? {})))].sort();
  if (name !== 'cis' || !benchmarks.includes(benchmark))
    throw new UsageError(
      `unknown framework '${value}': only cis takes a benchmark, one of ${benchmarks.join(', ')}`,
    );
}

function unknownRules(unknown: readonly string[], known: readonly string[]): string {
  const lines = unknown.map((id) => {
    const close = closeMatches(id, known);
    return close.length > 0 ? `${id} (did you mean ${close.join(', ')}?)` : id;
  });
  return (
    `unknown rule id: ${lines.join('; ')}\n` +
    `  rule ids are the file names under ${BUNDLED_RULES_DIR}/<category>/ (without .yml) and in --rules directories`
  );
}
