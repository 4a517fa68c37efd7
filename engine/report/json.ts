import type { ScanReport } from '../types.ts';
import type { Formatter } from './types.ts';

/** Bumped only on a breaking change to the documented shape (docs/scan.md); additions keep it. */
export const JSON_SCHEMA_VERSION = 1;

/** Field order is fixed here, not inherited from whatever built the report, so diffs stay quiet. */
export function reportToJson(r: ScanReport): Record<string, unknown> {
  return {
    schema_version: JSON_SCHEMA_VERSION,
    host: r.host,
    platform: r.platform,
    capabilities: r.capabilities,
    timing: r.timing,
    stats: r.stats,
    summary: r.summary,
    results: r.results.map((x) => ({
      rule_id: x.rule_id,
      title: x.title,
      severity: x.severity,
      status: x.status,
      ...(x.reason !== undefined ? { reason: x.reason } : {}),
      references: x.references,
      evidence: x.evidence,
      ...(x.remediation !== undefined ? { remediation: x.remediation } : {}),
      ...(x.shell_fix !== undefined ? { shell_fix: x.shell_fix } : {}),
    })),
  };
}

/** One host: the report object. Inventory: `{schema_version, reports: [...], errors: [...]}`. */
export const formatJson: Formatter = (out) => {
  const only = out.reports[0];
  if (!out.multiHost && only && out.reports.length === 1 && out.errors.length === 0) {
    return JSON.stringify(reportToJson(only), null, 2) + '\n';
  }
  return (
    JSON.stringify(
      { schema_version: JSON_SCHEMA_VERSION, reports: out.reports.map(reportToJson), errors: out.errors },
      null,
      2,
    ) + '\n'
  );
};
