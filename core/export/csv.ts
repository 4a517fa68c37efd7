import type { Evidence } from '../../engine/types.ts';
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
] as const;

/**
 * One RFC 4180 cell: quoted when it holds `"`, `,`, CR or LF (quotes doubled). A cell a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or CR) gets a leading `'` first: evidence is
 * host-controlled text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `cis[debian12]:1.1.1,1.1.2; stig:V-1` */
export function referencesText(refs: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [framework, value] of Object.entries(refs)) {
    if (Array.isArray(value)) {
      if (value.length) parts.push(`${framework}:${value.map(String).join(',')}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [bench, ids] of Object.entries(value)) {
        if (Array.isArray(ids) && ids.length)
          parts.push(`${framework}[${bench}]:${ids.map(String).join(',')}`);
      }
    }
  }
  return parts.join('; ');
}

/** `source: observed (expected …)`, one piece of evidence. */
export function evidenceText(e: Evidence): string {
  const observed = e.observed === null ? '<absent>' : e.observed;
  return `${e.source}: ${observed} (expected ${e.expected})${e.note ? ` — ${e.note}` : ''}`;
}

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
      r.evidence.map(evidenceText).join(' | '),
    ]);
  }
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}
