import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatLoadErrors, loadRules } from '../../engine/index.ts';
import { BUNDLED_RULES_DIR } from './paths.ts';
import { catalogVersions } from '../db/sql/rule-catalog.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { syncRuleCatalog, type SyncOutcome } from '../results/catalog.ts';

/** Bumped when catalog entries gain a field, so an unchanged corpus is still re-synced once. */
const CATALOG_SHAPE = 2;

/** SHA-256 over every rule file's relative path and content, in path order: changes when any file does. */
export async function corpusVersion(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const h = createHash('sha256');
  // The catalog's own shape is part of its version: a new column is filled by the next start-up's sync.
  h.update(`catalog-shape:${CATALOG_SHAPE}\0`);
  for (const f of files) {
    h.update(relative(dir, f)).update('\0');
    h.update(await readFile(f)).update('\0');
  }
  return h.digest('hex');
}

/**
 * Loads the bundled corpus into `rule_catalog` when its files changed since the last sync (`serve` runs
 * this at start-up, after migrations). Parsing ~500 YAML files takes seconds, so an unchanged corpus is
 * recognised by its hash alone. A corpus with load errors is not synced (the old catalog stays).
 */
export async function syncBundledRuleCatalog(
  db: Db,
  log: Logger,
  dir: string = BUNDLED_RULES_DIR,
): Promise<SyncOutcome | undefined> {
  const version = await corpusVersion(dir);
  const stored = await catalogVersions(db);
  if (stored.length === 1 && stored[0] === version) return { changed: false, upserted: 0, deleted: 0 };
  const { rules, errors } = await loadRules([dir]);
  if (errors.length > 0) {
    log.error('rule corpus has errors; rule catalog not updated', { errors: formatLoadErrors(errors) });
    return undefined;
  }
  const outcome = await syncRuleCatalog(db, rules, version);
  log.info('rule catalog synced', { version, rules: rules.length, ...outcome });
  return outcome;
}
