import { isVarRef } from '../eval/method.ts';
import type { RuleFile } from './schema.ts';

export interface SemanticIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key rather than the value. */
  atKey?: boolean;
}

function typeMatches(type: string, v: unknown): boolean {
  if (type === 'integer') return typeof v === 'number' && Number.isInteger(v);
  if (type === 'boolean') return typeof v === 'boolean';
  if (type === 'list') return Array.isArray(v);
  return typeof v === 'string';
}

function* varRefs(node: unknown, path: PropertyKey[]): Generator<{ name: string; path: PropertyKey[] }> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* varRefs(node[i], [...path, i]);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  if (isVarRef(node)) {
    yield { name: node.var, path };
    return;
  }
  for (const [k, v] of Object.entries(node)) yield* varRefs(v, [...path, k]);
}

/** Checks zod cannot express: file naming, framework citation, implementation order, variables. */
export function semanticIssues(rule: RuleFile, stem: string, parentDir: string | undefined): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  if (rule.id !== stem) issues.push({ path: ['id'], message: `must equal the file name stem "${stem}"` });
  if (parentDir !== undefined && rule.category !== parentDir) {
    issues.push({ path: ['category'], message: `must equal the directory name "${parentDir}"` });
  }
  const r = rule.references;
  const cited = Object.keys(r.cis ?? {}).length + (r.stig?.length ?? 0) + (r.nist_800_53?.length ?? 0) + (r.pci_dss_4?.length ?? 0);
  if (cited === 0) issues.push({ path: ['references'], message: 'must cite at least one framework (cis, stig, nist_800_53, pci_dss_4)', atKey: true });
  rule.implementations.forEach((impl, i) => {
    if (impl.when === undefined && i !== rule.implementations.length - 1) {
      issues.push({ path: ['implementations', i], message: 'the default implementation (no when) must be the last one' });
    }
  });
  for (const [name, v] of Object.entries(rule.variables ?? {})) {
    if (!typeMatches(v.type, v.default)) issues.push({ path: ['variables', name, 'default'], message: `must be of type ${v.type}` });
  }
  const declared = new Set(Object.keys(rule.variables ?? {}));
  rule.implementations.forEach((impl, i) => {
    for (const ref of varRefs(impl.check, ['implementations', i, 'check'])) {
      if (!declared.has(ref.name)) issues.push({ path: ref.path, message: `unknown variable "${ref.name}" (declare it under variables)` });
    }
  });
  return issues;
}
