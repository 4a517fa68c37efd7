import { csvCell } from '../../engine/report/csv.ts';
import { evidenceLine, referencesText } from '../../engine/report/references.ts';
import type { ScanExportData } from './load.ts';

export const CSV_HEADER = [
  'hostname',
  'address',
  'scan_id',
  'finished_at',
  'rule_id',
  'title',
  'severity',
  'status',
  'reason',
  'references',
  'evidence',
  'remediation',
  'shell_fix',
] as const;

/** A header row, then one row per rule; CRLF line ends. */
export function csvExport(d: ScanExportData): string {
  const rows: string[][] = [[...CSV_HEADER]];
  const finished = d.scan.finished_at?.toISOString() ?? '';
  for (const r of d.results) {
    rows.push([
      d.host.hostname,
      d.host.address,
      d.scan.id,
      finished,
      r.rule_id,
      r.title ?? '',
      r.severity,
      r.status,
      r.reason ?? '',
      referencesText(r.references),
      r.evidence.map(evidenceLine).join(' | '),
      r.remediation ?? '',
      r.shell_fix ?? '',
    ]);
  }
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}
