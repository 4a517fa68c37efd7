import {
  catalogVersions,
  deleteCatalogExcept,
  upsertCatalog,
  type CatalogEntry,
} from '../db/sql/rule-catalog.ts';
import { rebuildPostureSummary } from '../db/sql/posture-summary.ts';
import type { Db } from '../db/types.ts';
import { checkSummary, shellFix, type Rule } from '../../engine/index.ts';

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
    description: rule.description,
    rationale: rule.rationale,
    remediation: rule.remediation,
    check_summary: checkSummary(rule),
    variables: rule.variables,
    shell_fix: shellFix(rule) ?? null,
  };
}

/**
 * Makes `rule_catalog` hold exactly `rules` (the API reads the catalog from the database: workerd has no
 * rule files). One transaction: upsert every rule, delete the ones no longer present, rebuild the posture
 * summaries (their per-framework counts follow the references). Skipped when the
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
    const deleted = await deleteCatalogExcept(
      tx,
      rules.map((r) => r.id),
    );
    // Per-framework posture follows the catalog's references.
    await rebuildPostureSummary(tx);
    return { changed: true, upserted, deleted };
  });
}
