import type { RuleResult, ScanReport, Status } from '../types.ts';
import { evidenceLine, referencesText } from './references.ts';
import type { Formatter } from './types.ts';

/** Text for HTML content and attribute values alike. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const STATUS_COLOURS: Record<Status, string> = {
  pass: '#2e7d32',
  fail: '#c62828',
  error: '#6a1b9a',
  not_assessable: '#ef6c00',
  not_applicable: '#9e9e9e',
};
const ORDER: Status[] = ['fail', 'error', 'not_assessable', 'pass', 'not_applicable'];

/** Inline CSS: the file is self-contained (no fetches), prints on A4, and reads in any browser. */
export const REPORT_CSS = `
body{font:11pt/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;margin:2em}
h1{font-size:18pt;margin:0 0 .2em}h2{font-size:14pt;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.4em 0;font-size:9.5pt;table-layout:fixed}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0}td.n{text-align:right}pre{white-space:pre-wrap;margin:0;font-size:8.5pt}
.st{font-weight:600}.muted{color:#666}.sig{font-family:monospace;font-size:8pt;word-break:break-all}
@page{size:A4;margin:14mm}@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}`;

/** A horizontal stacked bar per row (host, or date), labelled, as inline SVG. */
export function stackedBars(rows: Array<{ label: string; counts: Partial<Record<Status, number>> }>): string {
  const width = 640;
  const labelW = 180;
  const barH = 18;
  const gap = 8;
  const height = rows.length * (barH + gap) + 30;
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const y = i * (barH + gap);
    const total = ORDER.reduce((n, s) => n + (row.counts[s] ?? 0), 0) || 1;
    let x = labelW;
    parts.push(`<text x="0" y="${y + 13}" font-size="11">${htmlEscape(row.label.slice(0, 28))}</text>`);
    for (const s of ORDER) {
      const w = ((row.counts[s] ?? 0) / total) * (width - labelW);
      if (w > 0)
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${STATUS_COLOURS[s]}"><title>${s}: ${row.counts[s] ?? 0}</title></rect>`,
        );
      x += w;
    }
  });
  const legendY = rows.length * (barH + gap) + 12;
  ORDER.forEach((s, i) => {
    parts.push(`<rect x="${i * 120}" y="${legendY}" width="10" height="10" fill="${STATUS_COLOURS[s]}"/>`);
    parts.push(`<text x="${i * 120 + 14}" y="${legendY + 9}" font-size="10">${s.replace('_', ' ')}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="results by status" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** A full HTML document with the report CSS; `body` is already escaped markup. */
export function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title><style>${REPORT_CSS}</style></head><body>\n${body}\n</body></html>\n`;
}

export function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h) => `<th>${htmlEscape(h)}</th>`).join('');
  const trs = rows.map(
    (r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`,
  );
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

const status = (s: Status) =>
  `<span class="st" style="color:${STATUS_COLOURS[s]}">${s.replace('_', ' ')}</span>`;

function failureRows(results: RuleResult[]): string[][] {
  return results
    .filter((x) => x.status === 'fail')
    .map((x) => [
      htmlEscape(x.severity),
      `${htmlEscape(x.rule_id)}<br><span class="muted">${htmlEscape(x.title)}</span>`,
      `<pre>${htmlEscape(x.evidence.map(evidenceLine).join('\n'))}</pre>`,
      `<pre>${htmlEscape([x.remediation ?? '', x.shell_fix ? `\n$ ${x.shell_fix}` : ''].join('').trim())}</pre>`,
    ]);
}

function hostSection(r: ScanReport): string {
  const s = r.summary;
  return [
    `<h2>${htmlEscape(r.host)} — ${htmlEscape(r.platform.name || `${r.platform.id} ${r.platform.version}`)}</h2>`,
    `<p>${s.total} rules, scanned ${htmlEscape(r.timing.started_at)} in ${r.timing.duration_ms} ms: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.not_assessable} not assessable, ${s.not_applicable} not applicable.</p>`,
    '<h3>Failures and how to fix them</h3>',
    table(['severity', 'rule', 'evidence', 'fix'], failureRows(r.results)),
    '<h3>All results</h3>',
    table(
      ['rule', 'status', 'references', 'evidence'],
      r.results.map((x) => [
        htmlEscape(x.rule_id),
        status(x.status),
        htmlEscape(referencesText(x.references)),
        `<pre>${htmlEscape([...(x.reason ? [x.reason] : []), ...x.evidence.map(evidenceLine)].join('\n'))}</pre>`,
      ]),
    ),
  ].join('\n');
}

/** A self-contained HTML report of a scan run: a status plot, then per host its failures with fixes and every result. */
export const formatHtml: Formatter = (out) => {
  const rows = out.reports.map((r) => ({ label: r.host, counts: { ...r.summary } }));
  const body = [
    '<h1>OpenWatch scan report</h1>',
    `<p class="muted">${out.reports.length} host(s) scanned${out.errors.length ? `, ${out.errors.length} not scanned` : ''}.</p>`,
    stackedBars(rows),
    ...out.errors.map(
      (e) => `<p>${htmlEscape(e.host)}: not scanned — ${htmlEscape(`${e.code}: ${e.message}`)}</p>`,
    ),
    ...out.reports.map(hostSection),
  ].join('\n');
  return htmlDocument('OpenWatch scan report', body);
};
