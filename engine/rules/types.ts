import type { CapExpr } from '../platform/capabilities.ts';
import type { PlatformSpec } from '../platform/os-release.ts';
import type { References, Severity } from '../types.ts';

export type VariableType = 'integer' | 'string' | 'boolean' | 'list';
export type VariableValue = number | string | boolean | string[];

export interface VariableDef {
  type: VariableType;
  default: VariableValue;
  description: string;
}

/** A check tree leaf: the method name and its raw parameters (validated at load, bound per scan). */
export interface CheckLeaf {
  method: string;
  params: Record<string, unknown>;
}

export type CheckNode = CheckLeaf | { all: CheckNode[] } | { any: CheckNode[] } | { not: CheckNode };

export interface Implementation {
  when?: CapExpr;
  check: CheckNode;
}

export type Dependency = { package: string } | { rule: string };

export interface Rule {
  id: string;
  title: string;
  description: string;
  rationale: string;
  severity: Severity;
  category: string;
  tags: string[];
  references: References;
  platforms?: PlatformSpec[];
  depends_on: Dependency[];
  variables: Record<string, VariableDef>;
  implementations: Implementation[];
  remediation: string;
  /** The file the rule was loaded from. */
  source: string;
}

export function isLeaf(n: CheckNode): n is CheckLeaf {
  return 'method' in n;
}
