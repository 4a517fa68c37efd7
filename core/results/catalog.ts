import {
  catalogVersions,
  deleteCatalogExcept,
  upsertCatalog,
  type CatalogEntry,
} from '../db/sql/rule-catalog.ts';
import { upsertRuleText } from '../db/sql/rule-text.ts';
import type { Db } from '../db/types.ts';
import type { Rule } from '../../engine/rules/types.ts';

export interface SyncOutcome {
  /** False when the stored catalog already had this corpus version: nothing was written. */
  changed: boolean;
  upserted: number;
  deleted: number;
}

export function catalogEntry(rule: Rule): CatalogEntry {
  return {
    rule_id: rule.id,
    title: rule.title,
    severity: rule.severity,
    category: rule.category,
    tags: rule.tags,
    refs: { ...rule.references },
    platforms: rule.platforms ?? [],
  };
}

/**
 * Makes `rule_catalog` hold exactly `rules` (the API reads the catalog from the database: workerd has no
 * rule files). One transaction: upsert every rule, delete the ones no longer present. Skipped when the
 * stored catalog is already at `corpusVersion`.
 */
export async function syncRuleCatalog(
  db: Db,
  rules: readonly Rule[],
  corpusVersion: string,
): Promise<SyncOutcome> {
  return db.transaction(async (tx) => {
    // Concurrent start-ups (two serve processes) serialise here rather than interleave their upserts.
    await tx.query(`select pg_advisory_xact_lock(hashtextextended('openwatch.rule_catalog', 0))`);
    const versions = await catalogVersions(tx);
    if (versions.length === 1 && versions[0] === corpusVersion)
      return { changed: false, upserted: 0, deleted: 0 };
    const upserted = await upsertCatalog(tx, rules.map(catalogEntry), corpusVersion);
    await upsertRuleText(
      tx,
      rules.map((r) => ({
        rule_id: r.id,
        description: r.description,
        rationale: r.rationale,
        remediation: r.remediation,
      })),
    );
    const deleted = await deleteCatalogExcept(
      tx,
      rules.map((r) => r.id),
    );
    return { changed: true, upserted, deleted };
  });
}
