import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { loadRules, type Rule, type RuleLoadError } from '../../engine/index.ts';
import { BUNDLED_RULES_DIR, COMPILED_RULES_FILE, PROJECT_ROOT } from './paths.ts';

/**
 * The bundled corpus compiled at build time (scripts/compile-rules.ts → dist/rules.json): the validated
 * rules as JSON, so a CLI run or a runner start reads one file in milliseconds instead of parsing ~500
 * YAML files (~2 s). The artifact records each rule file's size and mtime; when the files on disk no
 * longer match (a developer edited a rule without rebuilding), the YAML is parsed instead, so a stale
 * artifact is never used. An installation without `rules/` (a package) uses the artifact as it is.
 */
interface CompiledCorpus {
  format: 1;
  /** SHA-256 over every rule file's relative path and content (the rule catalog's corpus version). */
  version: string;
  stamp: string;
  rules: Rule[];
}

export interface BundledCorpus {
  rules: Rule[];
  errors: RuleLoadError[];
  version: string;
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Bumped when rule-catalog entries gain a field, so an unchanged corpus is still re-synced once. */
const CATALOG_SHAPE = 2;

/**
 * SHA-256 over every rule file's relative path and content, in path order, and the catalog's shape:
 * changes when any file does, or when the catalog gains a column the next start-up's sync must fill.
 */
export async function corpusVersion(dir: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`catalog-shape:${CATALOG_SHAPE}\0`);
  for (const f of ruleFiles(dir)) {
    h.update(relative(dir, f)).update('\0');
    h.update(await readFile(f)).update('\0');
  }
  return h.digest('hex');
}

/**
 * Names, sizes and mtimes of the rule files: cheap to compute, changes when a file is edited. Synchronous
 * on purpose: ~500 stat calls through the thread pool cost a CLI run tens of milliseconds; in-line, one.
 */
function corpusStamp(dir: string): string | undefined {
  let files: string[];
  try {
    files = ruleFiles(dir);
  } catch {
    return undefined;
  }
  const h = createHash('sha256');
  for (const f of files) {
    const st = statSync(f);
    h.update(`${relative(dir, f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

function readCompiled(): CompiledCorpus | undefined {
  try {
    const c = JSON.parse(readFileSync(COMPILED_RULES_FILE, 'utf8')) as CompiledCorpus;
    return c.format === 1 ? c : undefined;
  } catch {
    return undefined;
  }
}

/** The bundled corpus: from the build's artifact when it matches the files on disk, else parsed from YAML. */
export async function loadBundledRules(): Promise<BundledCorpus> {
  const compiled = readCompiled();
  const stamp = corpusStamp(BUNDLED_RULES_DIR);
  if (compiled && (stamp === undefined || stamp === compiled.stamp)) {
    const rules = compiled.rules.map((r) => ({ ...r, source: join(PROJECT_ROOT, r.source) }));
    return { rules, errors: [], version: compiled.version };
  }
  const { rules, errors } = await loadRules([BUNDLED_RULES_DIR]);
  return { rules, errors, version: await corpusVersion(BUNDLED_RULES_DIR) };
}

/** The artifact's text: the validated corpus with sources relative to the installation root. */
export async function compileBundledRules(): Promise<{
  text: string;
  errors: RuleLoadError[];
  count: number;
}> {
  const { rules, errors } = await loadRules([BUNDLED_RULES_DIR]);
  const corpus: CompiledCorpus = {
    format: 1,
    version: await corpusVersion(BUNDLED_RULES_DIR),
    stamp: corpusStamp(BUNDLED_RULES_DIR) ?? '',
    rules: rules.map((r) => ({
      ...r,
      source: isAbsolute(r.source) ? relative(PROJECT_ROOT, r.source) : r.source,
    })),
  };
  return { text: JSON.stringify(corpus), errors, count: rules.length };
}
