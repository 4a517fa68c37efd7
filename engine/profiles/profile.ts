import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { versionInRange } from '../platform/version.ts';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _');
const RuleId = z.string().regex(/^[a-z0-9][a-z0-9_]{0,199}$/, 'must be a rule id');
const VarName = z.string().regex(/^([a-z0-9_]+\.)?[a-z0-9_]+$/, 'must be `name` or `rule_id.name`');
const VarValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const ProfileSchema = z.strictObject({
  id: Id,
  title: z.string().min(1),
  description: z.string().default(''),
  /** Hosts whose OS matches get this profile when none is assigned (docs/profiles.md). */
  default_for: z
    .array(
      z.strictObject({
        family: z.string(),
        min_version: z.string().optional(),
        max_version: z.string().optional(),
      }),
    )
    .default([]),
  variables: z.record(VarName, VarValue).default({}),
  rules: z.array(RuleId).min(1),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** A site's change to a profile: what it extends, rules it removes or adds, variables it sets. */
export const TailoringSchema = z.strictObject({
  id: Id,
  title: z.string().min(1),
  description: z.string().default(''),
  extends: Id,
  remove: z.array(RuleId).default([]),
  add: z.array(RuleId).default([]),
  variables: z.record(VarName, VarValue).default({}),
});
export type Tailoring = z.infer<typeof TailoringSchema>;

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

function issues(file: string, error: z.ZodError): ProfileError {
  const lines = error.issues.map((i) => `${file}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  return new ProfileError(lines.join('\n'));
}

/** Parses a profile or tailoring file's text; errors name the file and the field. */
export function parseProfileText<S extends typeof ProfileSchema | typeof TailoringSchema>(
  schema: S,
  file: string,
  text: string,
): z.infer<S> {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new ProfileError(`${file}: not YAML: ${(e as Error).message}`);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw issues(file, r.error);
  return r.data as z.infer<S>;
}

/** Every profile in a directory (`rules/profiles/*.yml`, the policy file aside), by id. */
export async function loadProfiles(dir: string): Promise<Profile[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && n !== POLICY_FILE).sort();
  const out: Profile[] = [];
  for (const n of names) out.push(parseProfileText(ProfileSchema, n, await readFile(join(dir, n), 'utf8')));
  return out;
}

/** The hand-kept generator policy lives beside the generated profiles. */
export const POLICY_FILE = 'policy.yml';

/** `--var` style strings from profile values (lists comma-joined, as `--var` takes them). */
export function variableStrings(
  vars: Readonly<Record<string, z.infer<typeof VarValue>>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
}

/** A profile with a tailoring applied: the base's rules minus `remove` plus `add`; variables overlaid. */
export function applyTailoring(base: Profile, t: Tailoring): Profile {
  if (t.extends !== base.id) throw new ProfileError(`tailoring ${t.id} extends ${t.extends}, not ${base.id}`);
  const removing = new Set(t.remove);
  const rules = [...new Set([...base.rules.filter((r) => !removing.has(r)), ...t.add])].sort();
  if (rules.length === 0) throw new ProfileError(`tailoring ${t.id} removes every rule of ${base.id}`);
  return {
    id: t.id,
    title: t.title,
    description: t.description || `${base.title}, tailored`,
    default_for: [],
    variables: { ...base.variables, ...t.variables },
    rules,
  };
}

/** The profile for a host with no assignment: the first whose `default_for` matches its OS. */
export function defaultProfileFor(
  profiles: readonly Profile[],
  os: { family: string | null; version: string | null },
): Profile | undefined {
  const { family, version } = os;
  if (family === null || version === null) return undefined;
  return profiles.find((p) =>
    p.default_for.some((d) => d.family === family && versionInRange(version, d.min_version, d.max_version)),
  );
}
