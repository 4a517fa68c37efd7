import { formatLoadErrors } from '../../engine/index.ts';
import { catalogVersions } from '../db/sql/rule-catalog.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { syncRuleCatalog, type SyncOutcome } from '../results/catalog.ts';
import { loadBundledRules } from './bundled-rules.ts';

/**
 * Loads the bundled corpus into `rule_catalog` when it changed since the last sync (`serve` runs this at
 * start-up, after migrations); an unchanged corpus is recognised by its version alone. A corpus with load
 * errors is not synced (the old catalog stays).
 */
export async function syncBundledRuleCatalog(db: Db, log: Logger): Promise<SyncOutcome | undefined> {
  const { rules, errors, version } = await loadBundledRules();
  const stored = await catalogVersions(db);
  if (stored.length === 1 && stored[0] === version) return { changed: false, upserted: 0, deleted: 0 };
  if (errors.length > 0) {
    log.error('rule corpus has errors; rule catalog not updated', { errors: formatLoadErrors(errors) });
    return undefined;
  }
  const outcome = await syncRuleCatalog(db, rules, version);
  log.info('rule catalog synced', { version, rules: rules.length, ...outcome });
  return outcome;
}
