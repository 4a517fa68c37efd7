import { isVarRef } from '../eval/method.ts';
import type { Rule, VariableType, VariableValue } from './types.ts';

export class VariableError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid variables: ${problems.join('; ')}`);
    this.name = 'VariableError';
  }
}

/** Parses a run-time variable string by declared type; undefined when it does not fit. */
export function parseVariable(type: VariableType, raw: string): VariableValue | undefined {
  const s = raw.trim();
  if (type === 'integer') return /^-?\d+$/.test(s) ? Number(s) : undefined;
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(s)) return true;
    if (/^(false|no|0)$/i.test(s)) return false;
    return undefined;
  }
  if (type === 'list') return s === '' ? [] : s.split(',').map((x) => x.trim());
  return raw;
}

/**
 * Effective variable values per rule: defaults, overridden by `name`, overridden by `rule_id.name`.
 * Every bad or unknown override is reported at once.
 */
export function resolveVariables(
  rules: readonly Rule[],
  vars: Readonly<Record<string, string>> = {},
): Map<string, Record<string, VariableValue>> {
  const problems: string[] = [];
  const out = new Map<string, Record<string, VariableValue>>();
  const used = new Set<string>();
  for (const rule of rules) {
    const values: Record<string, VariableValue> = {};
    for (const [name, def] of Object.entries(rule.variables)) {
      values[name] = def.default;
      for (const key of [name, `${rule.id}.${name}`]) {
        const raw = vars[key];
        if (raw === undefined) continue;
        used.add(key);
        const v = parseVariable(def.type, raw);
        if (v === undefined) problems.push(`${key}=${JSON.stringify(raw)}: expected ${def.type}`);
        else values[name] = v;
      }
    }
    out.set(rule.id, values);
  }
  for (const key of Object.keys(vars)) {
    if (!used.has(key)) problems.push(`${key}: no selected rule declares this variable`);
  }
  if (problems.length > 0) throw new VariableError([...new Set(problems)]);
  return out;
}

/** Replaces every `{var: name}` in check params with its value. */
export function substitute(node: unknown, values: Readonly<Record<string, VariableValue>>): unknown {
  if (isVarRef(node)) return node.var in values ? values[node.var] : node;
  if (Array.isArray(node)) return node.map((n) => substitute(n, values));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, values)]));
  }
  return node;
}
