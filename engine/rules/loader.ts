import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { fieldPath, RuleLoadError } from './errors.ts';
import { lineOf } from './locate.ts';
import { toRule } from './normalize.ts';
import { issueMessage, RuleFileSchema, validateCheck } from './schema.ts';
import { semanticIssues } from './semantics.ts';
import type { Rule } from './types.ts';

export { formatLoadErrors, RuleLoadError } from './errors.ts';

/** `<rules dir>/profiles/` holds benchmark profiles (docs/profiles.md), not rules. */
export const PROFILES_SUBDIR = 'profiles';
/** Benchmark control lists (`benchmarks/*.yml`, see docs/coverage.md) sit beside the rules but are data. */
export const BENCHMARKS_SUBDIR = 'benchmarks';

async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const profiles = join(dir, PROFILES_SUBDIR);
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .filter((e) => e.parentPath !== profiles && !e.parentPath.startsWith(profiles + sep))
    .filter((e) => relative(dir, e.parentPath) !== BENCHMARKS_SUBDIR)
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function byLine(errors: RuleLoadError[]): RuleLoadError[] {
  return [...errors].sort((a, b) => a.line - b.line);
}

/** Validates every implementation's check tree, whatever state the rest of the file is in. */
function checkTrees(data: unknown, add: (path: (string | number)[], message: string) => void): void {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const vars = (typeof d.variables === 'object' && d.variables !== null ? d.variables : {}) as Record<string, unknown>;
  const defaults: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(vars)) {
    if (typeof v === 'object' && v !== null && 'default' in v) defaults[name] = (v).default;
  }
  if (!Array.isArray(d.implementations)) return;
  d.implementations.forEach((impl: unknown, i) => {
    if (typeof impl === 'object' && impl !== null && 'check' in impl) {
      validateCheck((impl).check, ['implementations', i, 'check'], add, defaults);
    }
  });
}

/** Parses and validates one rule file; every problem is reported, none stops the others. */
export function parseRuleText(file: string, text: string, parentDir: string | undefined): { rule?: Rule; errors: RuleLoadError[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const errors: RuleLoadError[] = [];
  for (const e of doc.errors) {
    errors.push(new RuleLoadError(file, lc.linePos(e.pos[0]).line, '', `YAML: ${e.message.split('\n')[0] ?? e.code}`));
  }
  if (errors.length > 0) return { errors };
  const data: unknown = doc.toJS();
  checkTrees(data, (path, message) => errors.push(new RuleLoadError(file, lineOf(doc, lc, path), fieldPath(path), message)));
  const r = RuleFileSchema.safeParse(data);
  if (!r.success) {
    for (const i of r.error.issues) {
      if (i.code === 'unrecognized_keys') {
        for (const k of i.keys) {
          const p = [...i.path, k];
          errors.push(new RuleLoadError(file, lineOf(doc, lc, p, true), fieldPath(p), 'unknown field'));
        }
        continue;
      }
      const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
      const line = lineOf(doc, lc, i.path, missing);
      errors.push(new RuleLoadError(file, line, fieldPath(i.path), missing ? 'required field missing' : issueMessage(i)));
    }
    return { errors: byLine(errors) };
  }
  const stem = basename(file).replace(/\.ya?ml$/, '');
  for (const s of semanticIssues(r.data, stem, parentDir)) {
    errors.push(new RuleLoadError(file, lineOf(doc, lc, s.path, s.atKey ?? false), fieldPath(s.path), s.message));
  }
  if (errors.length > 0) return { errors: byLine(errors) };
  return { rule: toRule(r.data, file), errors };
}

/**
 * Loads every `*.yml` under each directory. Later directories add rules or replace earlier ones with
 * the same id (user `--rules DIR` over the bundled corpus, which may come already loaded as `base`).
 * All errors of all files are returned.
 */
export async function loadRules(
  dirs: readonly string[],
  base: readonly Rule[] = [],
): Promise<{ rules: Rule[]; errors: RuleLoadError[] }> {
  const byId = new Map<string, Rule>(base.map((r) => [r.id, r]));
  const errors: RuleLoadError[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await listYaml(dir);
    } catch (e) {
      errors.push(new RuleLoadError(dir, 0, '', `cannot read rules directory: ${(e as Error).message}`));
      continue;
    }
    const seen = new Map<string, string>();
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    files.forEach((file, idx) => {
      const rel = relative(dir, file);
      const parentDir = rel.includes(sep) ? basename(dirname(rel)) : undefined;
      const res = parseRuleText(file, texts[idx] ?? '', parentDir);
      errors.push(...res.errors);
      if (!res.rule) return;
      const prev = seen.get(res.rule.id);
      if (prev !== undefined) {
        errors.push(new RuleLoadError(file, 1, 'id', `duplicate rule id "${res.rule.id}" (also in ${prev})`));
        return;
      }
      seen.set(res.rule.id, file);
      byId.set(res.rule.id, res.rule);
    });
  }
  for (const rule of byId.values()) {
    rule.depends_on.forEach((d, i) => {
      if ('rule' in d && !byId.has(d.rule)) {
        errors.push(new RuleLoadError(rule.source, 1, `depends_on[${i}].rule`, `unknown rule "${d.rule}"`));
      }
    });
  }
  const rules = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rules, errors };
}
