import { z } from 'zod';
import { CapExprSchema } from '../platform/capabilities.ts';
import { METHODS, methodByName } from '../eval/methods/index.ts';
import { isVarRef, VarRefSchema } from '../eval/method.ts';
import { substitute } from './variables.ts';
import type { VariableValue } from './types.ts';

export const CIS_BENCHMARKS = [
  'debian11',
  'debian12',
  'ubuntu2004',
  'ubuntu2204',
  'ubuntu2404',
  'rhel7',
  'rhel8',
  'rhel9',
  'rhel10',
] as const;

const Id = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'must match ^[a-z0-9][a-z0-9_]*$');
/** ComplianceAsCode ids may hold hyphens (`service_avahi-daemon_disabled`). */
const CacId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a ComplianceAsCode rule id');
const NonEmpty = z.string().trim().min(1, 'must not be empty');
const Section = z.string().regex(/^\d+(\.\d+)*$/, 'must be a section id like "5.1.20"');
const RefList = z.array(z.string().min(1)).min(1, 'must list at least one id');

export const ReferencesSchema = z.strictObject({
  cis: z.partialRecord(z.enum(CIS_BENCHMARKS), z.array(Section).min(1, 'must list at least one section')).optional(),
  stig: RefList.optional(),
  nist_800_53: RefList.optional(),
  pci_dss_4: RefList.optional(),
  cac: z.union([CacId, z.array(CacId).min(1)]).optional(),
});

export const PlatformSchema = z.strictObject({
  family: z.enum(['debian', 'ubuntu', 'rhel']),
  min_version: z.string().regex(/^\d+(\.\d+)*$/, 'must be a version like "12" or "22.04"').optional(),
  max_version: z.string().regex(/^\d+(\.\d+)*$/, 'must be a version like "12" or "22.04"').optional(),
});

export const VariableSchema = z.strictObject({
  type: z.enum(['integer', 'string', 'boolean', 'list']),
  default: z.union([z.number().int(), z.string(), z.boolean(), z.array(z.string())]),
  description: NonEmpty,
});

export const DependencySchema = z.union([z.strictObject({ package: z.string().min(1) }), z.strictObject({ rule: Id })]);

/** Check tree as the JSON schema describes it: leaves per method, any top-level param may be `{var}`. */
export const CheckSchemaForDocs: z.ZodType = z.lazy(() =>
  z.union([
    ...METHODS.map((m) => {
      const shape: Record<string, z.ZodType> = { method: z.literal(m.name) };
      for (const [k, s] of Object.entries(m.params.shape)) {
        shape[k] = s instanceof z.ZodOptional ? z.union([s.unwrap() as z.ZodType, VarRefSchema]).optional() : z.union([s, VarRefSchema]);
      }
      return z.strictObject(shape);
    }),
    z.strictObject({ all: z.array(CheckSchemaForDocs).min(1) }),
    z.strictObject({ any: z.array(CheckSchemaForDocs).min(1) }),
    z.strictObject({ not: CheckSchemaForDocs }),
  ]),
);

type PathSeg = string | number;
type AddIssue = (path: PathSeg[], message: string) => void;

function hasVarRef(node: unknown): boolean {
  if (isVarRef(node)) return true;
  if (Array.isArray(node)) return node.some(hasVarRef);
  if (typeof node === 'object' && node !== null) return Object.values(node).some(hasVarRef);
  return false;
}

function validateLeaf(obj: Record<string, unknown>, path: PathSeg[], add: AddIssue, defaults: Readonly<Record<string, unknown>>): void {
  const m = typeof obj.method === 'string' ? methodByName(obj.method) : undefined;
  if (!m) {
    add([...path, 'method'], `unknown method ${JSON.stringify(obj.method)}`);
    return;
  }
  const { method: _m, ...raw } = obj;
  // Variables are checked with their defaults in place: the default must fit the parameter it feeds.
  const params = substitute(raw, defaults as Record<string, VariableValue>);
  if (hasVarRef(params)) return; // an undeclared variable, reported by the semantic checks
  const r = m.params.safeParse(params);
  if (!r.success) {
    for (const i of r.error.issues) {
      if (i.code === 'unrecognized_keys') for (const k of i.keys) add([...path, ...(i.path as PathSeg[]), k], 'unknown field');
      else add([...path, ...(i.path as PathSeg[])], issueMessage(i));
    }
    return;
  }
  const problem = m.check(params);
  if (problem !== undefined) add(path, problem);
}

/**
 * Validates a check tree with one precise message per problem (a zod union would only say "invalid").
 * `defaults` are the rule's variable defaults, substituted for `{var}` references before validation.
 */
export function validateCheck(node: unknown, path: PathSeg[], add: AddIssue, defaults: Readonly<Record<string, unknown>>): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    add(path, 'expected a check: {method: …}, {all: […]}, {any: […]} or {not: …}');
    return;
  }
  const obj = node as Record<string, unknown>;
  if ('method' in obj) return validateLeaf(obj, path, add, defaults);
  const keys = Object.keys(obj);
  const combinators = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (combinators.length !== 1 || keys.length !== 1) {
    add(path, 'a check node needs exactly one of method, all, any, not');
    return;
  }
  const k = combinators[0] ?? 'all';
  const v = obj[k];
  if (k === 'not') return validateCheck(v, [...path, 'not'], add, defaults);
  if (!Array.isArray(v) || v.length === 0) {
    add([...path, k], 'expected a non-empty array of checks');
    return;
  }
  v.forEach((child, i) => validateCheck(child, [...path, k, i], add, defaults));
}

/** A zod issue as our message: zod's text without its "Invalid input: " preamble. */
export function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_value') return `expected one of ${i.values.map((v) => String(v)).join(', ')}`;
  return i.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, '');
}

function ruleSchema(check: z.ZodType) {
  return z.strictObject({
    id: Id,
    title: NonEmpty,
    description: NonEmpty,
    rationale: NonEmpty,
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    category: Id,
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lowercase tag')).optional(),
    references: ReferencesSchema,
    platforms: z.array(PlatformSchema).min(1).optional(),
    depends_on: z.array(DependencySchema).optional(),
    variables: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase name'), VariableSchema).optional(),
    implementations: z.array(z.strictObject({ when: CapExprSchema.optional(), check })).min(1),
    remediation: NonEmpty,
  });
}

/** What the loader validates with; check trees are validated separately by validateCheck. */
export const RuleFileSchema = ruleSchema(z.unknown());
export type RuleFile = z.output<typeof RuleFileSchema>;

/** What docs/rule.schema.json is generated from. */
export const RuleDocSchema = ruleSchema(CheckSchemaForDocs);
