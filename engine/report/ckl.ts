import { randomUUID } from 'node:crypto';
import type { ScanReport } from '../types.ts';
import { xmlEscape } from './junit.ts';
import { STIG_STATUS, stigGroups, targetOf, type StigGroup, type StigItem } from './stig.ts';
import type { FormatOptions, Formatter } from './types.ts';

/** The VULN attributes in the order STIG Viewer 2 writes them. */
function attributes(i: StigItem, g: StigGroup, targetKey: string): Array<[string, string]> {
  return [
    // No V- number is known for an OpenWatch rule: the STIG id stands in as the item's key.
    ['Vuln_Num', i.stigId],
    ['Severity', i.severity],
    ['Group_Title', i.result.title],
    ['Rule_ID', i.result.rule_id],
    ['Rule_Ver', i.stigId],
    ['Rule_Title', i.result.title],
    ['Vuln_Discuss', i.discussion],
    ['IA_Controls', ''],
    ['Check_Content', i.checkContent],
    ['Fix_Text', i.fixText],
    ['False_Positives', ''],
    ['False_Negatives', ''],
    ['Documentable', 'false'],
    ['Mitigations', ''],
    ['Potential_Impact', ''],
    ['Third_Party_Tools', 'OpenWatch'],
    ['Mitigation_Control', ''],
    ['Responsibility', ''],
    ['Security_Override_Guidance', ''],
    ['Check_Content_Ref', 'M'],
    ['Weight', '10.0'],
    ['Class', 'Unclass'],
    ['STIGRef', g.title],
    ['TargetKey', targetKey],
    ['STIG_UUID', ''],
    ['LEGACY_ID', ''],
    ['CCI_REF', ''],
  ];
}

function vuln(i: StigItem, g: StigGroup, targetKey: string): string {
  const data = attributes(i, g, targetKey).map(
    ([k, v]) =>
      `\t\t\t\t<STIG_DATA>\n\t\t\t\t\t<VULN_ATTRIBUTE>${k}</VULN_ATTRIBUTE>\n\t\t\t\t\t<ATTRIBUTE_DATA>${xmlEscape(v)}</ATTRIBUTE_DATA>\n\t\t\t\t</STIG_DATA>`,
  );
  return [
    '\t\t\t<VULN>',
    ...data,
    `\t\t\t\t<STATUS>${STIG_STATUS[i.result.status].ckl}</STATUS>`,
    `\t\t\t\t<FINDING_DETAILS>${xmlEscape(i.findingDetails)}</FINDING_DETAILS>`,
    `\t\t\t\t<COMMENTS>${xmlEscape(i.comments)}</COMMENTS>`,
    '\t\t\t\t<SEVERITY_OVERRIDE></SEVERITY_OVERRIDE>',
    '\t\t\t\t<SEVERITY_JUSTIFICATION></SEVERITY_JUSTIFICATION>',
    '\t\t\t</VULN>',
  ].join('\n');
}

function stigInfo(g: StigGroup, r: ScanReport): string {
  const si: Array<[string, string]> = [
    ['version', '1'],
    ['classification', 'UNCLASSIFIED'],
    ['customname', ''],
    ['stigid', g.stigid],
    ['description', `${g.title}: the items OpenWatch evaluated on ${r.host}.`],
    ['filename', `openwatch-${g.stigid}.xml`],
    ['releaseinfo', `OpenWatch scan ${r.timing.finished_at}`],
    ['title', g.title],
    ['uuid', randomUUID()],
    ['notice', 'terms-of-use'],
    ['source', 'OpenWatch'],
  ];
  return si
    .map(([k, v]) =>
      v === ''
        ? `\t\t\t\t<SI_DATA>\n\t\t\t\t\t<SID_NAME>${k}</SID_NAME>\n\t\t\t\t</SI_DATA>`
        : `\t\t\t\t<SI_DATA>\n\t\t\t\t\t<SID_NAME>${k}</SID_NAME>\n\t\t\t\t\t<SID_DATA>${xmlEscape(v)}</SID_DATA>\n\t\t\t\t</SI_DATA>`,
    )
    .join('\n');
}

/** A STIG Viewer 2 checklist (CKL) for one host; only the STIG-mapped rules appear. */
export function cklFor(r: ScanReport, o: FormatOptions): string {
  const t = targetOf(r.host);
  const targetKey = '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!--DISA STIG Viewer :: 2.17-->',
    '<CHECKLIST>',
    '\t<ASSET>',
    '\t\t<ROLE>None</ROLE>',
    '\t\t<ASSET_TYPE>Computing</ASSET_TYPE>',
    '\t\t<MARKING>CUI</MARKING>',
    `\t\t<HOST_NAME>${xmlEscape(t.name)}</HOST_NAME>`,
    `\t\t<HOST_IP>${t.ip}</HOST_IP>`,
    '\t\t<HOST_MAC></HOST_MAC>',
    `\t\t<HOST_FQDN>${xmlEscape(t.name.includes('.') ? t.name : '')}</HOST_FQDN>`,
    `\t\t<TARGET_COMMENT>${xmlEscape(`${r.platform.name} — scanned by OpenWatch ${r.timing.finished_at}`)}</TARGET_COMMENT>`,
    '\t\t<TECH_AREA></TECH_AREA>',
    `\t\t<TARGET_KEY>${targetKey}</TARGET_KEY>`,
    '\t\t<WEB_OR_DATABASE>false</WEB_OR_DATABASE>',
    '\t\t<WEB_DB_SITE></WEB_DB_SITE>',
    '\t\t<WEB_DB_INSTANCE></WEB_DB_INSTANCE>',
    '\t</ASSET>',
    '\t<STIGS>',
    ...stigGroups(r, o).map((g) =>
      [
        '\t\t<iSTIG>',
        '\t\t\t<STIG_INFO>',
        stigInfo(g, r),
        '\t\t\t</STIG_INFO>',
        ...g.items.map((i) => vuln(i, g, targetKey)),
        '\t\t</iSTIG>',
      ].join('\n'),
    ),
    '\t</STIGS>',
    '</CHECKLIST>',
    '',
  ].join('\n');
}

/** CKL describes one asset: the CLI refuses it for inventories, so this formats the single host. */
export const formatCkl: Formatter = (out, o) => out.reports.map((r) => cklFor(r, o)).join('');
