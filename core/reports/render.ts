import { htmlDocument, htmlEscape as e, stackedBars, table } from '../../engine/report/html.ts';
import { evidenceLine } from '../../engine/report/references.ts';
import type { ReportData } from './data.ts';

export const REPORT_TITLES = {
  executive: 'Executive posture report',
  attestation: 'Host attestation',
  exception_register: 'Exception register',
  change_report: 'Change report',
} as const;

const pct = (s: number | null) => (s === null ? 'no data' : `${(s * 100).toFixed(1)} %`);

interface Counts {
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
}
const countsText = (c: Counts) =>
  `${c.pass} pass, ${c.fail} fail, ${c.error} error, ${c.not_assessable} not assessable, ${c.not_applicable} not applicable`;

export function reportTitle(d: Pick<ReportData, 'kind' | 'scope'>): string {
  const scope = d.scope.type === 'fleet' ? 'fleet' : `${d.scope.type} ${d.scope.name ?? d.scope.id ?? ''}`;
  return `${REPORT_TITLES[d.kind]} — ${scope}`;
}

function executive(x: NonNullable<Extract<ReportData, { kind: 'executive' }>['executive']>): string {
  const p = x.posture;
  const trend = x.trend.slice(-31).map((t) => ({ label: t.at.slice(0, 10), counts: t.counts }));
  return [
    `<h2>Posture</h2><p>Score ${pct(p.score)} (with approved exceptions ${pct(p.score_with_exceptions)}): ${countsText(p.counts)}. Coverage: ${p.hosts.assessed} of ${p.hosts.total} hosts assessed.</p>`,
    table(
      ['profile', 'source', 'hosts'],
      x.profiles.map((r) => [e(r.profile_id ?? 'every rule'), e(r.source ?? '—'), String(r.hosts)]),
      [2],
    ),
    '<h2>Trend</h2>',
    stackedBars(trend),
    table(
      ['day', 'score', 'pass', 'fail'],
      x.trend.map((t) => [e(t.at.slice(0, 10)), pct(t.score), String(t.counts.pass), String(t.counts.fail)]),
      [1, 2, 3],
    ),
    '<h2>Top risks: rules failing on the most hosts</h2>',
    table(
      ['rule', 'severity', 'failing hosts'],
      x.top_failing_rules.map((r) => [
        `${e(r.rule_id)}<br><span class="muted">${e(r.title ?? '')}</span>`,
        e(r.severity),
        String(r.failing_hosts),
      ]),
      [2],
    ),
    '<h2>Hosts failing the most rules</h2>',
    table(
      ['host', 'score', 'fail'],
      x.top_failing_hosts.map((h) => [e(h.hostname), pct(h.score), String(h.counts.fail)]),
      [1, 2],
    ),
  ].join('\n');
}

function attestation(x: NonNullable<Extract<ReportData, { kind: 'attestation' }>['attestation']>): string {
  return x.hosts
    .map((h) => {
      if (!h.scan) return `<h2>${e(h.hostname)}</h2><p>No completed scan: nothing to attest.</p>`;
      return [
        `<h2>${e(h.hostname)}${h.os ? ` — ${e(h.os)}` : ''}</h2>`,
        `<p>Scan ${e(h.scan.id)} completed ${e(h.scan.finished_at ?? '')} against ${e(h.scan.profile_id ?? 'every rule')}: score ${pct(h.scan.score)}; ${countsText(h.scan.counts)}.</p>`,
        table(
          ['rule', 'status', 'evidence'],
          h.results.map((r) => [
            `${e(r.rule_id)}<br><span class="muted">${e(r.title ?? '')}</span>`,
            e(r.status),
            `<pre>${e([...(r.reason ? [r.reason] : []), ...r.evidence.map(evidenceLine)].join('\n'))}</pre>`,
          ]),
        ),
      ].join('\n');
    })
    .join('\n');
}

function register(x: NonNullable<Extract<ReportData, { kind: 'exception_register' }>['exceptions']>): string {
  return table(
    ['target', 'rule', 'state', 'reason', 'requested', 'decided', 'expires'],
    x.map((r) => [
      e(r.target),
      `${e(r.rule_id)}<br><span class="muted">${e(r.title ?? '')}</span>`,
      e(r.state),
      e(r.reason),
      `${e(r.requested_at.slice(0, 10))}<br>${e(r.requested_by ?? '')}`,
      `${e(r.decided_at?.slice(0, 10) ?? '')}<br>${e(r.decided_by ?? '')}`,
      e(r.expires_at?.slice(0, 10) ?? 'never'),
    ]),
  );
}

function changes(x: NonNullable<Extract<ReportData, { kind: 'change_report' }>['change_report']>): string {
  return [
    `<h2>Posture</h2><p>At the start: ${pct(x.posture_at_start.score)} (${countsText(x.posture_at_start.counts)}). At the end: ${pct(x.posture_at_end.score)} (${countsText(x.posture_at_end.counts)}).</p>`,
    `<h2>Verdicts that moved to or from fail (${x.changes.length}${x.truncated ? ', more not shown' : ''})</h2>`,
    table(
      ['when', 'host', 'rule', 'severity', 'from', 'to'],
      x.changes.map((c) => [
        e(c.at),
        e(c.hostname),
        `${e(c.rule_id)}<br><span class="muted">${e(c.title ?? '')}</span>`,
        e(c.severity),
        e(c.from ?? 'new'),
        e(c.to),
      ]),
    ),
  ].join('\n');
}

function body(d: ReportData): string {
  switch (d.kind) {
    case 'executive':
      return executive(d.executive);
    case 'attestation':
      return attestation(d.attestation);
    case 'exception_register':
      return register(d.exceptions);
    case 'change_report':
      return changes(d.change_report);
  }
}

/** The snapshot's self-contained HTML document (the scan report's styles and plot). */
export function renderReportHtml(d: ReportData): string {
  const title = reportTitle(d);
  const period = d.period ? ` Period ${e(d.period.from)} to ${e(d.period.to)}.` : '';
  return htmlDocument(
    title,
    [`<h1>${e(title)}</h1>`, `<p class="muted">Generated ${e(d.generated_at)}.${period}</p>`, body(d)].join(
      '\n',
    ),
  );
}
