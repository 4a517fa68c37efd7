import type { RuleResult, ScanReport, Severity, Status } from '../types.ts';
import { evidenceLine } from './references.ts';
import type { Formatter, FormatOptions } from './types.ts';

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Problems first; within a group, worst severity first. Passing and n/a rules get one line each. */
const GROUPS: Array<{ status: Status; title: string; detail: boolean; color: string }> = [
  { status: 'fail', title: 'FAIL', detail: true, color: '31' },
  { status: 'error', title: 'ERROR', detail: true, color: '35' },
  { status: 'not_assessable', title: 'NOT ASSESSABLE', detail: true, color: '33' },
  { status: 'pass', title: 'PASS', detail: false, color: '32' },
  { status: 'not_applicable', title: 'NOT APPLICABLE', detail: false, color: '90' },
];

function paint(on: boolean | undefined, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

/** A labelled block: the label on the first line, the text indented below it. */
function block(label: string, text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  return [
    `      ${label}:`,
    ...text
      .trimEnd()
      .split('\n')
      .map((l) => (l.trim() ? `        ${l}` : '')),
  ];
}

function ruleLines(x: RuleResult, detail: boolean, o: FormatOptions): string[] {
  const head = `  [${x.severity}] ${x.rule_id} — ${x.title}`;
  if (!detail) return [x.reason ? `${head} (${x.reason})` : head];
  const rule = o.explain ? o.rules?.get(x.rule_id) : undefined;
  return [
    head,
    ...(x.reason ? [`      reason: ${x.reason}`] : []),
    ...x.evidence.map((e) => `      ${evidenceLine(e)}`),
    ...block('about', rule?.description),
    ...block('why', rule?.rationale),
    ...block('fix', x.remediation),
    ...block('shell fix (not run; review first)', x.shell_fix),
  ];
}

function hostSection(r: ScanReport, o: FormatOptions): string[] {
  const p = r.platform;
  const lines = [
    paint(o.color, '1', `== ${r.host} — ${p.name || `${p.id} ${p.version}`}`),
    `   ${r.summary.total} rules in ${r.timing.duration_ms} ms (${r.stats.round_trips} round trips, ${r.stats.bytes_received} bytes received)`,
  ];
  for (const g of GROUPS) {
    const items = r.results
      .filter((x) => x.status === g.status)
      .sort(
        (a, b) =>
          SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule_id.localeCompare(b.rule_id),
      );
    if (items.length === 0) continue;
    lines.push('', paint(o.color, g.color, `${g.title} (${items.length})`));
    for (const x of items) lines.push(...ruleLines(x, g.detail, o));
  }
  const s = r.summary;
  lines.push(
    '',
    `Summary: ${paint(o.color, '32', `${s.pass} pass`)}, ${paint(o.color, '31', `${s.fail} fail`)}, ${s.error} error, ${s.not_assessable} not assessable, ${s.not_applicable} not applicable`,
    '',
  );
  return lines;
}

/** Human output, grouped by verdict. Colour only when the caller says the output is a terminal. */
export const formatText: Formatter = (out, o) => {
  const lines = out.reports.flatMap((r) => hostSection(r, o));
  for (const e of out.errors)
    lines.push(paint(o.color, '31', `== ${e.host} — not scanned: ${e.code}: ${e.message}`), '');
  return lines.join('\n');
};
