import type { RuleResult, ScanReport } from '../types.ts';
import { evidenceLine, referencesText } from './references.ts';
import type { Formatter, HostError } from './types.ts';

/** Escapes for attributes and text alike, and drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(host: string, x: RuleResult): string {
  const open = `    <testcase classname="${xmlEscape(host)}" name="${xmlEscape(`${x.rule_id}: ${x.title}`)}">`;
  const body = [
    `severity: ${x.severity}`,
    `references: ${referencesText(x.references)}`,
    ...x.evidence.map(evidenceLine),
    ...(x.remediation ? ['', `fix: ${x.remediation.trimEnd()}`] : []),
    ...(x.shell_fix ? ['', `shell fix (not run): ${x.shell_fix}`] : []),
  ].join('\n');
  const msg = xmlEscape(x.reason ?? x.evidence[0]?.expected ?? x.status);
  switch (x.status) {
    case 'pass':
      return `${open}</testcase>`;
    case 'fail':
      return `${open}\n      <failure message="${msg}" type="${x.severity}">${xmlEscape(body)}</failure>\n    </testcase>`;
    case 'error':
      return `${open}\n      <error message="${msg}" type="error">${xmlEscape(body)}</error>\n    </testcase>`;
    case 'not_applicable':
    case 'not_assessable':
      return `${open}\n      <skipped message="${xmlEscape(`${x.status}${x.reason ? `: ${x.reason}` : ''}`)}"/>\n    </testcase>`;
  }
}

function suite(r: ScanReport): string {
  const s = r.summary;
  const skipped = s.not_applicable + s.not_assessable;
  return [
    `  <testsuite name="${xmlEscape(r.host)}" tests="${s.total}" failures="${s.fail}" errors="${s.error}" skipped="${skipped}" time="${secs(r.timing.duration_ms)}" timestamp="${xmlEscape(r.timing.started_at)}">`,
    ...r.results.map((x) => testcase(r.host, x)),
    '  </testsuite>',
  ].join('\n');
}

function errorSuite(e: HostError): string {
  return [
    `  <testsuite name="${xmlEscape(e.host)}" tests="1" failures="0" errors="1" skipped="0" time="0">`,
    `    <testcase classname="${xmlEscape(e.host)}" name="connect">`,
    `      <error message="${xmlEscape(e.message)}" type="${xmlEscape(e.code)}"/>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

/** JUnit XML: one testsuite per host; fail → failure, error → error, n/a and not assessable → skipped. */
export const formatJunit: Formatter = (out) => {
  const sum = (f: (r: ScanReport) => number) => out.reports.reduce((n, r) => n + f(r), 0);
  const tests = sum((r) => r.summary.total) + out.errors.length;
  const failures = sum((r) => r.summary.fail);
  const errors = sum((r) => r.summary.error) + out.errors.length;
  const skipped = sum((r) => r.summary.not_applicable + r.summary.not_assessable);
  const time = secs(sum((r) => r.timing.duration_ms));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="openwatch scan" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    ...out.reports.map(suite),
    ...out.errors.map(errorSuite),
    '</testsuites>',
    '',
  ].join('\n');
};
