import type { RuleResult, ScanReport, Status } from '../types.ts';
import { evidenceLine } from './references.ts';
import type { FormatOptions } from './types.ts';

/** The STIGs OpenWatch rules reference, by the prefix of their STIG ids. */
const STIGS: Record<string, { stigid: string; title: string }> = {
  'RHEL-09': {
    stigid: 'RHEL_9_STIG',
    title: 'Red Hat Enterprise Linux 9 Security Technical Implementation Guide',
  },
  'UBTU-24': {
    stigid: 'CAN_Ubuntu_24-04_LTS_STIG',
    title: 'Canonical Ubuntu 24.04 LTS Security Technical Implementation Guide',
  },
  'UBTU-20': {
    stigid: 'CAN_Ubuntu_20-04_LTS_STIG',
    title: 'Canonical Ubuntu 20.04 LTS Security Technical Implementation Guide',
  },
};

/** STIG Viewer's statuses: CKL spelling, CKLB spelling. */
export const STIG_STATUS: Record<Status, { ckl: string; cklb: string }> = {
  pass: { ckl: 'NotAFinding', cklb: 'not_a_finding' },
  fail: { ckl: 'Open', cklb: 'open' },
  not_applicable: { ckl: 'Not_Applicable', cklb: 'not_applicable' },
  // Not evaluated to a verdict: a reviewer has to look.
  error: { ckl: 'Not_Reviewed', cklb: 'not_reviewed' },
  not_assessable: { ckl: 'Not_Reviewed', cklb: 'not_reviewed' },
};

/** One checklist item: a STIG id an OpenWatch rule evaluated. */
export interface StigItem {
  stigId: string;
  result: RuleResult;
  severity: 'low' | 'medium' | 'high';
  discussion: string;
  checkContent: string;
  fixText: string;
  findingDetails: string;
  comments: string;
}

export interface StigGroup {
  stigid: string;
  title: string;
  items: StigItem[];
}

function item(stigId: string, r: RuleResult, o: FormatOptions): StigItem {
  const text = o.rules?.get(r.rule_id);
  return {
    stigId,
    result: r,
    severity: r.severity === 'critical' ? 'high' : r.severity,
    discussion: text ? `${text.description.trim()}\n\n${text.rationale.trim()}` : '',
    checkContent: r.evidence.map((e) => `${e.source}: expected ${e.expected}`).join('\n'),
    fixText: (r.remediation ?? text?.remediation ?? '').trim(),
    findingDetails: [...(r.reason ? [r.reason] : []), ...r.evidence.map(evidenceLine)].join('\n'),
    comments: `Evaluated by OpenWatch rule ${r.rule_id}: ${r.status}.`,
  };
}

/** The STIG-mapped results of one host, grouped per STIG; rules without a STIG id are left out. */
export function stigGroups(report: ScanReport, o: FormatOptions): StigGroup[] {
  const groups = new Map<string, StigGroup>();
  for (const r of report.results) {
    for (const id of r.references.stig ?? []) {
      const prefix = id.split('-').slice(0, 2).join('-');
      const known = STIGS[prefix] ?? { stigid: prefix, title: `${prefix} STIG` };
      const g = groups.get(known.stigid) ?? { ...known, items: [] };
      g.items.push(item(id, r, o));
      groups.set(known.stigid, g);
    }
  }
  for (const g of groups.values()) g.items.sort((a, b) => a.stigId.localeCompare(b.stigId));
  return [...groups.values()].sort((a, b) => a.stigid.localeCompare(b.stigid));
}

/** Host name and IPv4 address from a scan's host label (`user@host:port (sudo)`). */
export function targetOf(label: string): { name: string; ip: string } {
  const first = label.split(/\s/)[0] ?? '';
  const host = (first.includes('@') ? first.slice(first.indexOf('@') + 1) : first)
    .replace(/:\d+$/, '')
    .replace(/[^\w.-]/g, '-');
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  return { name: isIp ? '' : host, ip: isIp ? host : '' };
}
