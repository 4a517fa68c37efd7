import { join } from 'node:path';
import { formatLoadErrors, loadProfiles } from '../../engine/index.ts';
import { profileVersions } from '../db/sql/profiles.ts';
import { catalogVersions } from '../db/sql/rule-catalog.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { syncProfiles } from '../profiles/sync.ts';
import { syncRuleCatalog, type SyncOutcome } from '../results/catalog.ts';
import { loadBundledRules } from './bundled-rules.ts';
import { BUNDLED_RULES_DIR } from './paths.ts';

const current = (versions: string[], version: string) => versions.length === 1 && versions[0] === version;

/**
 * Loads the bundled corpus into `rule_catalog`, and its profiles (rules/profiles/*.yml) into `profiles`,
 * when it changed since the last sync (`serve` runs this at start-up, after migrations); an unchanged
 * corpus is recognised by its version alone. A corpus with load errors is not synced (the old catalog
 * stays); nor are profiles that do not parse.
 */
export async function syncBundledRuleCatalog(db: Db, log: Logger): Promise<SyncOutcome | undefined> {
  const { rules, errors, version } = await loadBundledRules();
  if (current(await catalogVersions(db), version) && current(await profileVersions(db), version))
    return { changed: false, upserted: 0, deleted: 0 };
  if (errors.length > 0) {
    log.error('rule corpus has errors; rule catalog not updated', { errors: formatLoadErrors(errors) });
    return undefined;
  }
  const outcome = await syncRuleCatalog(db, rules, version);
  log.info('rule catalog synced', { version, rules: rules.length, ...outcome });
  try {
    const profiles = await loadProfiles(join(BUNDLED_RULES_DIR, 'profiles'));
    if (await syncProfiles(db, profiles, version))
      log.info('profiles synced', { version, profiles: profiles.length });
  } catch (err) {
    log.error('profiles not synced', { err });
  }
  return outcome;
}
