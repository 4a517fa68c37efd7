import { postureScore } from '../results/score.ts';
import type { ExportResult, ScanExportData } from './load.ts';

/** Identifies the JSON export's shape; `version` changes only when a field is removed or its meaning changes. */
export const JSON_EXPORT_FORMAT = 'openwatch.scan-results';
export const JSON_EXPORT_VERSION = 1;

export interface ExportSummary {
  total: number;
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
  /** pass ÷ (pass + fail), the posture score's definition; null with no pass or fail. */
  score: number | null;
}

export function summarise(results: readonly ExportResult[]): ExportSummary {
  const c = { pass: 0, fail: 0, error: 0, not_applicable: 0, not_assessable: 0 };
  for (const r of results) c[r.status] += 1;
  return { total: results.length, ...c, score: postureScore(c) };
}

/** The documented JSON export (docs/exports.md). */
export function jsonExport(d: ScanExportData, generatedAt: Date) {
  const { scan, host } = d;
  return {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    generated_at: generatedAt.toISOString(),
    scan: {
      id: scan.id,
      status: scan.status,
      source: scan.source,
      rule_ids: scan.rule_ids,
      created_at: scan.created_at.toISOString(),
      started_at: scan.started_at?.toISOString() ?? null,
      finished_at: scan.finished_at?.toISOString() ?? null,
    },
    host: {
      id: host.id,
      hostname: host.hostname,
      address: host.address,
      environment: host.environment,
      os: { family: host.os_family, id: host.os_id, version: host.os_version, name: host.os_name },
      kernel: host.kernel,
    },
    results: d.results.map((r) => ({
      rule_id: r.rule_id,
      title: r.title,
      severity: r.severity,
      status: r.status,
      reason: r.reason,
      references: r.references,
      evidence: r.evidence,
      remediation: r.remediation,
      shell_fix: r.shell_fix,
    })),
    summary: summarise(d.results),
  };
}
