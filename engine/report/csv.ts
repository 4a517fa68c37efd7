import { evidenceLine, referencesText } from './references.ts';
import type { Formatter } from './types.ts';

const HEADER = ['host', 'rule_id', 'title', 'severity', 'status', 'reason', 'references', 'evidence'];

/**
 * RFC 4180 quoting. A cell a spreadsheet would run as a formula (=, +, @, or - not starting a number)
 * gets a leading apostrophe: scan output carries host-controlled text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+@\t\r]|^-(?![\d.])/.test(value) ? `'${value}` : value;
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
      ]);
    }
  }
  for (const e of out.errors) rows.push([e.host, '', '', '', 'error', `${e.code}: ${e.message}`, '', '']);
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
};
