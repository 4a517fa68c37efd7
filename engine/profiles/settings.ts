import { isLeaf, type CheckLeaf, type CheckNode, type Rule, type VariableValue } from '../rules/types.ts';
import { substitute } from '../rules/variables.ts';

/** What one rule demands of one setting: a set of accepted values, or a numeric range. */
export type Demand =
  | { kind: 'values'; values: string[] }
  | { kind: 'range'; lo: number; loOpen: boolean; hi: number; hiOpen: boolean };

/** One setting a rule checks (`sysctl net.ipv4.ip_forward`, `package telnet`) and what it demands. */
export interface Setting {
  key: string;
  demand: Demand;
}

export interface Contradiction {
  setting: string;
  rules: [string, string];
  /** Each rule's demand in words: `== info` against `== verbose`. */
  demands: [string, string];
}

type Params = Record<string, unknown>;
const text = (v: unknown) => String(v).toLowerCase();

function comparison(p: Params): Demand | undefined {
  const op = typeof p.op === 'string' ? p.op : '==';
  const v = p.value;
  if (op === '==' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    return { kind: 'values', values: [text(v)] };
  if (op === 'in' && Array.isArray(v)) return { kind: 'values', values: v.map(text) };
  if (typeof v !== 'number') return undefined;
  const inf = Number.POSITIVE_INFINITY;
  if (op === '<') return { kind: 'range', lo: -inf, loOpen: false, hi: v, hiOpen: true };
  if (op === '<=') return { kind: 'range', lo: -inf, loOpen: false, hi: v, hiOpen: false };
  if (op === '>') return { kind: 'range', lo: v, loOpen: true, hi: inf, hiOpen: false };
  if (op === '>=') return { kind: 'range', lo: v, loOpen: false, hi: inf, hiOpen: false };
  return undefined; // != and patterns accept too much to contradict anything we can name
}

const one = (value: string): Demand => ({ kind: 'values', values: [value] });
const ownerValues = (v: unknown): Demand => ({
  kind: 'values',
  values: (Array.isArray(v) ? v : [v]).map(text),
});

/** The settings of one check leaf; a leaf of a kind we cannot compare gives none. */
function leafSettings(leaf: CheckLeaf, p: Params): Setting[] {
  const add = (key: string, demand: Demand | undefined): Setting[] => (demand ? [{ key, demand }] : []);
  switch (leaf.method) {
    case 'sshd_config':
      return p.match === undefined ? add(`sshd ${text(p.key)}`, comparison(p)) : [];
    case 'sysctl':
      return add(`sysctl ${String(p.key)}`, comparison(p));
    case 'login_defs':
      return add(`login.defs ${String(p.key)}`, comparison(p));
    case 'config_value':
      return add(`${String(p.path)} ${String(p.key)}`, comparison(p));
    case 'package_installed':
      return add(`package ${String(p.name)}`, one('installed'));
    case 'package_absent':
      return add(`package ${String(p.name)}`, one('absent'));
    case 'service_enabled':
    case 'service_active':
      return add(`service ${String(p.unit)}`, one('on'));
    case 'service_disabled':
      return add(`service ${String(p.unit)}`, one('off'));
    case 'file_permissions':
      return [
        ...(p.owner !== undefined ? add(`owner of ${String(p.path)}`, ownerValues(p.owner)) : []),
        ...(p.group !== undefined ? add(`group of ${String(p.path)}`, ownerValues(p.group)) : []),
      ];
    default:
      return [];
  }
}

/** Leaves that must all hold: the tree's `all` spine (an `any` or `not` demands nothing definite). */
function required(n: CheckNode): CheckLeaf[] {
  if (isLeaf(n)) return [n];
  return 'all' in n ? n.all.flatMap(required) : [];
}

/** Every setting a rule demands, in every implementation, with variables at `values` over defaults. */
export function ruleSettings(rule: Rule, values: Readonly<Record<string, VariableValue>> = {}): Setting[] {
  const vars = {
    ...Object.fromEntries(Object.entries(rule.variables).map(([k, v]) => [k, v.default])),
    ...values,
  };
  return rule.implementations.flatMap((impl) =>
    required(impl.check).flatMap((leaf) => leafSettings(leaf, substitute(leaf.params, vars) as Params)),
  );
}

function admits(d: Demand & { kind: 'range' }, x: number): boolean {
  const aboveLo = d.loOpen ? x > d.lo : x >= d.lo;
  const belowHi = d.hiOpen ? x < d.hi : x <= d.hi;
  return aboveLo && belowHi;
}

/** True when some value satisfies both demands. */
export function compatible(a: Demand, b: Demand): boolean {
  if (a.kind === 'values' && b.kind === 'values') return a.values.some((v) => b.values.includes(v));
  if (a.kind === 'range' && b.kind === 'range') {
    const lo = Math.max(a.lo, b.lo);
    const hi = Math.min(a.hi, b.hi);
    if (lo < hi) return true;
    return lo === hi && admits(a, lo) && admits(b, lo);
  }
  const [set, range] =
    a.kind === 'values' ? [a, b as Demand & { kind: 'range' }] : [b as Demand & { kind: 'values' }, a];
  return set.values.some((v) => /^-?\d+(\.\d+)?$/.test(v) && admits(range, Number(v)));
}

export function demandText(d: Demand): string {
  if (d.kind === 'values') return d.values.length === 1 ? `== ${d.values[0]}` : `in [${d.values.join(', ')}]`;
  const lo = Number.isFinite(d.lo) ? `${d.loOpen ? '>' : '>='} ${d.lo}` : '';
  const hi = Number.isFinite(d.hi) ? `${d.hiOpen ? '<' : '<='} ${d.hi}` : '';
  return [lo, hi].filter(Boolean).join(' and ');
}

/**
 * Pairs of rules that no host can satisfy together because they demand incompatible values of the
 * same setting, listed by that setting. `values` gives per-rule variable values (a profile's).
 */
export function contradictions(
  rules: readonly Rule[],
  values: ReadonlyMap<string, Readonly<Record<string, VariableValue>>> = new Map(),
): Contradiction[] {
  const bySetting = new Map<string, { rule: string; demand: Demand }[]>();
  for (const rule of rules) {
    for (const s of ruleSettings(rule, values.get(rule.id))) {
      const list = bySetting.get(s.key) ?? [];
      list.push({ rule: rule.id, demand: s.demand });
      bySetting.set(s.key, list);
    }
  }
  const out: Contradiction[] = [];
  const seen = new Set<string>();
  for (const [setting, list] of [...bySetting].sort(([a], [b]) => a.localeCompare(b))) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [x, y] = [list[i], list[j]];
        if (!x || !y || x.rule === y.rule || compatible(x.demand, y.demand)) continue;
        const pair: [string, string] = x.rule < y.rule ? [x.rule, y.rule] : [y.rule, x.rule];
        const id = `${setting}|${pair.join('|')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const [dx, dy] = x.rule < y.rule ? [x.demand, y.demand] : [y.demand, x.demand];
        out.push({ setting, rules: pair, demands: [demandText(dx), demandText(dy)] });
      }
    }
  }
  return out;
}
