import { evidenceLine, referencesText } from './references.ts';
import type { Formatter } from './types.ts';

const HEADER = [
  'host',
  'rule_id',
  'title',
  'severity',
  'status',
  'reason',
  'references',
  'evidence',
  'remediation',
  'shell_fix',
];

/**
 * One RFC 4180 cell: quoted when it holds `"`, `,`, CR or LF (quotes doubled). A cell a spreadsheet
 * would run as a formula (starting with = + - @, a tab or CR) gets a leading `'` first: scan output
 * carries host-controlled text, and `-2+3` is as much a formula as `=2+3`.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const formatCsv: Formatter = (out) => {
  const rows: string[][] = [HEADER];
  for (const r of out.reports) {
    for (const x of r.results) {
      rows.push([
        r.host,
        x.rule_id,
        x.title,
        x.severity,
        x.status,
        x.reason ?? '',
        referencesText(x.references),
        x.evidence.map(evidenceLine).join(' | '),
        x.remediation ?? '',
        x.shell_fix ?? '',
      ]);
    }
  }
  for (const e of out.errors)
    rows.push([e.host, '', '', '', 'error', `${e.code}: ${e.message}`, '', '', '', '']);
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
};
