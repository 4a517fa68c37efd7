import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { fileKey, isBundleKey } from './facts/keys.ts';
import { FactStore, RC_ABSENT, type RawFact } from './facts/store.ts';
import { evaluatePlans } from './eval/evaluate.ts';
import { planRule } from './eval/plan.ts';
import { familyOf } from './platform/os-release.ts';
import { resolveVariables } from './rules/variables.ts';
import type { Rule } from './rules/types.ts';
import type { Platform, RuleResult } from './types.ts';

/** Capabilities of a typical Debian 12 server scanned as root; what a case gets unless it says otherwise. */
export const DEFAULT_FIXTURE_CAPABILITIES = [
  'root',
  'systemd',
  'sshd',
  'dpkg',
  'apt',
  'pam',
  'grub2',
  'apparmor',
  'cron',
  'ipv6',
  'kernel_modules',
  'journald',
];

const RawFactSchema = z.strictObject({
  text: z.string().optional(),
  rc: z.number().int().nullable().optional(),
  truncated: z.boolean().optional(),
});

const FactValue = z.union([z.string(), z.null(), RawFactSchema, z.record(z.string(), z.string().nullable())]);

export const FixtureCaseSchema = z.strictObject({
  name: z.string().min(1),
  expect: z.enum(['pass', 'fail', 'error', 'not_applicable', 'not_assessable']),
  reason: z.string().nullable().optional(),
  platform: z.strictObject({ id: z.string(), version: z.string() }).optional(),
  capabilities: z.array(z.string()).optional(),
  vars: z.record(z.string(), z.string()).optional(),
  facts: z.record(z.string(), FactValue),
});

export const FixtureFileSchema = z.strictObject({
  rule: z.string().optional(),
  cases: z.array(FixtureCaseSchema).min(1),
});

export type FixtureCase = z.output<typeof FixtureCaseSchema>;
export type FixtureFile = z.output<typeof FixtureFileSchema>;

export function parseFixtureFile(text: string): FixtureFile {
  return FixtureFileSchema.parse(parseYaml(text));
}

const isRawObject = (v: object): boolean => ['text', 'rc', 'truncated'].some((k) => k in v);

/** Builds the fact store a case describes: raw text per key, maps for bundles (null = unreadable file). */
export function fixtureStore(facts: FixtureCase['facts']): FactStore {
  const m = new Map<string, RawFact>();
  for (const [key, v] of Object.entries(facts)) {
    if (typeof v === 'string') m.set(key, { text: v, rc: 0, truncated: false });
    else if (v === null) m.set(key, { text: '', rc: RC_ABSENT, truncated: false });
    else if (isRawObject(v) || !isBundleKey(key)) {
      const r = RawFactSchema.parse(v);
      m.set(key, { text: r.text ?? '', rc: r.rc === undefined ? 0 : r.rc, truncated: r.truncated ?? false });
    } else {
      const files = Object.entries(v as Record<string, string | null>);
      m.set(key, { text: files.map(([p]) => `${p}\n`).join(''), rc: 0, truncated: false });
      for (const [path, content] of files) {
        m.set(
          fileKey(path),
          content === null
            ? { text: '', rc: 1, truncated: false }
            : { text: content, rc: 0, truncated: false },
        );
      }
    }
  }
  return new FactStore(m);
}

export function fixturePlatform(p: FixtureCase['platform']): Platform {
  const id = p?.id ?? 'debian';
  const version = p?.version ?? '12';
  return { family: familyOf(id, ''), id, version, name: `${id} ${version}` };
}

/** The rule first, then the rules its depends_on names, transitively. */
function withDependencies(rule: Rule, others: readonly Rule[]): Rule[] {
  const byId = new Map(others.map((o) => [o.id, o]));
  const out = [rule];
  for (let i = 0; i < out.length; i++) {
    for (const d of out[i]?.depends_on ?? []) {
      const dep = 'rule' in d ? byId.get(d.rule) : undefined;
      if (dep && !out.includes(dep)) out.push(dep);
    }
  }
  return out;
}

/**
 * Evaluates one rule against one fixture case through the same planner, parsers and evaluators as a
 * real scan. `others` supplies rules named by depends_on.
 */
export function evaluateFixture(rule: Rule, c: FixtureCase, others: readonly Rule[] = []): RuleResult {
  const rules = withDependencies(rule, others);
  const values = resolveVariables(rules, c.vars ?? {});
  const platform = fixturePlatform(c.platform);
  const caps = new Set(c.capabilities ?? DEFAULT_FIXTURE_CAPABILITIES);
  const plans = rules.map((r) => planRule(r, platform, caps, values.get(r.id) ?? {}));
  const store = fixtureStore(c.facts);
  const results = evaluatePlans(plans, { store, platform, caps, now: new Date() });
  const own = results[0];
  if (!own) throw new Error('no result');
  return own;
}
