import type { RuleResult, ScanReport, Severity, Status } from '../types.ts';
import { evidenceLine } from './references.ts';
import { xmlEscape } from './junit.ts';
import type { Formatter } from './types.ts';

export const XCCDF_NS = 'http://checklists.nist.gov/xccdf/1.2';
/** ComplianceAsCode's XCCDF namespace: results for rules with a `cac` reference use its ids. */
const CAC_PREFIX = 'xccdf_org.ssgproject.content_rule_';
const OWN_PREFIX = 'xccdf_io.openwatch_rule_';
export const BENCHMARK_ID = 'xccdf_io.openwatch_benchmark_openwatch';

const RESULT: Record<Status, string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  not_applicable: 'notapplicable',
  not_assessable: 'unknown',
};

/** XCCDF's severities stop at high. */
const SEVERITY: Record<Severity, string> = { low: 'low', medium: 'medium', high: 'high', critical: 'high' };

/** Worst first: when two of our rules map to one ComplianceAsCode rule, the worse verdict stands. */
const RANK: Record<Status, number> = { fail: 0, error: 1, not_assessable: 2, pass: 3, not_applicable: 4 };

export interface XccdfRuleResult {
  idref: string;
  result: RuleResult;
}

const xccdfToken = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * One XCCDF rule-result per XCCDF rule id: the ComplianceAsCode id(s) of each rule where it has them
 * (a rule split from one CaC rule, or covering several, maps to each), else an OpenWatch id.
 */
export function xccdfRuleResults(results: readonly RuleResult[]): XccdfRuleResult[] {
  const byId = new Map<string, RuleResult>();
  for (const r of results) {
    const cac = r.references.cac ?? [];
    const ids =
      cac.length > 0 ? cac.map((c) => CAC_PREFIX + xccdfToken(c)) : [OWN_PREFIX + xccdfToken(r.rule_id)];
    for (const id of ids) {
      const prev = byId.get(id);
      if (!prev || RANK[r.status] < RANK[prev.status]) byId.set(id, r);
    }
  }
  return [...byId].sort(([a], [b]) => a.localeCompare(b)).map(([idref, result]) => ({ idref, result }));
}

/** The check behind a verdict is OpenWatch's own rule (docs/rules.md), named in Rule and rule-result alike. */
const checkRef = (ruleId: string) =>
  `<check system="https://openwatch.io/rules"><check-content-ref href="openwatch-rules" name="${xmlEscape(ruleId)}"/></check>`;

function message(r: RuleResult): string[] {
  const lines = [...(r.reason ? [r.reason] : []), ...r.evidence.map(evidenceLine)];
  return lines.map((l) => `      <message severity="info">${xmlEscape(l)}</message>`);
}

function ruleResultXml({ idref, result: r }: XccdfRuleResult, time: string): string {
  return [
    `    <rule-result idref="${idref}" role="full" severity="${SEVERITY[r.severity]}" time="${time}" weight="1.0">`,
    `      <result>${RESULT[r.status]}</result>`,
    ...(idref.startsWith(CAC_PREFIX)
      ? [`      <ident system="https://openwatch.io/rule">${xmlEscape(r.rule_id)}</ident>`]
      : []),
    ...message(r),
    ...(r.shell_fix
      ? [
          `      <fix system="urn:xccdf:fix:script:sh" strategy="configure" reboot="false">${xmlEscape(r.shell_fix)}</fix>`,
        ]
      : []),
    `      ${checkRef(r.rule_id)}`,
    '    </rule-result>',
  ].join('\n');
}

/** pass ÷ (pass + fail) × 100, as the posture score; 0 when nothing passed or failed. */
function score(r: ScanReport): string {
  const judged = r.summary.pass + r.summary.fail;
  return judged === 0 ? '0.00' : ((100 * r.summary.pass) / judged).toFixed(2);
}

/** An XCCDF 1.2 `TestResult` for one host's scan (namespace declared by the caller's root). */
export function testResultXml(r: ScanReport, idSuffix: string, ns = ''): string {
  const id = `xccdf_io.openwatch_testresult_${xccdfToken(idSuffix)}`;
  const end = r.timing.finished_at;
  return [
    `  <TestResult${ns} id="${id}" start-time="${r.timing.started_at}" end-time="${end}" test-system="cpe:/a:openwatch:openwatch" version="1">`,
    `    <benchmark href="#${BENCHMARK_ID}" id="${BENCHMARK_ID}"/>`,
    `    <title>OpenWatch scan of ${xmlEscape(r.host)}</title>`,
    `    <identity authenticated="true" privileged="true">openwatch</identity>`,
    `    <target>${xmlEscape(r.host)}</target>`,
    '    <target-facts>',
    `      <fact name="urn:xccdf:fact:asset:identifier:host_name" type="string">${xmlEscape(r.host)}</fact>`,
    `      <fact name="urn:xccdf:fact:asset:identifier:os_name" type="string">${xmlEscape(r.platform.name || r.platform.id)}</fact>`,
    `      <fact name="urn:xccdf:fact:asset:identifier:os_version" type="string">${xmlEscape(r.platform.version)}</fact>`,
    '    </target-facts>',
    ...xccdfRuleResults(r.results).map((x) => ruleResultXml(x, end)),
    `    <score system="urn:xccdf:scoring:default" maximum="100">${score(r)}</score>`,
    '  </TestResult>',
  ].join('\n');
}

function ruleXml(x: XccdfRuleResult): string {
  const r = x.result;
  return [
    `  <Rule id="${x.idref}" selected="true" severity="${SEVERITY[r.severity]}">`,
    `    <title>${xmlEscape(r.title)}</title>`,
    ...(r.remediation ? [`    <fixtext>${xmlEscape(r.remediation)}</fixtext>`] : []),
    `    ${checkRef(r.rule_id)}`,
    '  </Rule>',
  ].join('\n');
}

/**
 * XCCDF 1.2: a Benchmark holding the scanned rules and one TestResult per host (`oscap xccdf
 * validate` checks it). Rule ids are ComplianceAsCode's where the rule has a `cac` reference.
 */
export const formatXccdf: Formatter = (out) => {
  const rules = new Map<string, XccdfRuleResult>();
  for (const r of out.reports)
    for (const x of xccdfRuleResults(r.results)) if (!rules.has(x.idref)) rules.set(x.idref, x);
  const generated = out.reports[0]?.timing.finished_at ?? new Date().toISOString();
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Benchmark xmlns="${XCCDF_NS}" id="${BENCHMARK_ID}" resolved="true" xml:lang="en">`,
    `  <status date="${generated.slice(0, 10)}">accepted</status>`,
    '  <title>OpenWatch compliance scan</title>',
    '  <description>Rules evaluated by OpenWatch and their results.</description>',
    '  <version>1</version>',
    '  <metadata><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">OpenWatch</dc:creator></metadata>',
    ...[...rules.values()].map(ruleXml),
    ...out.reports.map((r, i) => testResultXml(r, `${r.host}_${i}`)),
    '</Benchmark>',
    '',
  ].join('\n');
};
