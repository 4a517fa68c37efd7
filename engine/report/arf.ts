import { xmlEscape } from './junit.ts';
import { targetOf } from './stig.ts';
import type { Formatter } from './types.ts';
import { testResultXml, XCCDF_NS } from './xccdf.ts';

const ARF_NS = 'http://scap.nist.gov/schema/asset-reporting-format/1.1';
const CORE_NS = 'http://scap.nist.gov/schema/reporting-core/1.1';
const AI_NS = 'http://scap.nist.gov/schema/asset-identification/1.1';
const IS_ABOUT = 'http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#isAbout';

function asset(label: string, i: number): string {
  const { name, ip } = targetOf(label);
  return [
    `    <arf:asset id="asset${i}">`,
    '      <ai:computing-device>',
    ...(ip
      ? [
          `        <ai:connections><ai:connection><ai:ip-address><ai:ip-v4>${ip}</ai:ip-v4></ai:ip-address></ai:connection></ai:connections>`,
        ]
      : [`        <ai:fqdn>${xmlEscape(name)}</ai:fqdn>`]),
    `        <ai:hostname>${xmlEscape(name || ip)}</ai:hostname>`,
    '      </ai:computing-device>',
    '    </arf:asset>',
  ].join('\n');
}

/**
 * ARF 1.1 asset report collection: one asset and one XCCDF TestResult report per host, tied by an
 * `isAbout` relationship (`oscap ds rds-validate` checks it).
 */
export const formatArf: Formatter = (out) => {
  const reports = out.reports;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<arf:asset-report-collection xmlns:arf="${ARF_NS}" xmlns:core="${CORE_NS}" xmlns:ai="${AI_NS}">`,
    '  <core:relationships>',
    ...reports.map((_, i) =>
      [
        `    <core:relationship type="arfvocab:isAbout" subject="xccdf${i}" xmlns:arfvocab="${IS_ABOUT.slice(0, -'isAbout'.length)}">`,
        `      <core:ref>asset${i}</core:ref>`,
        '    </core:relationship>',
      ].join('\n'),
    ),
    '  </core:relationships>',
    '  <arf:assets>',
    ...reports.map((r, i) => asset(r.host, i)),
    '  </arf:assets>',
    '  <arf:reports>',
    ...reports.map((r, i) =>
      [
        `    <arf:report id="xccdf${i}">`,
        '      <arf:content>',
        testResultXml(r, `${r.host}_${i}`, ` xmlns="${XCCDF_NS}"`),
        '      </arf:content>',
        '    </arf:report>',
      ].join('\n'),
    ),
    '  </arf:reports>',
    '</arf:asset-report-collection>',
    '',
  ].join('\n');
};
