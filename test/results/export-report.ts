import type { RuleResult } from '../../engine/types.ts';

export const STARTED = '2026-11-20T09:59:58.000Z';
export const FINISHED = new Date('2026-11-20T10:00:02.000Z');
export const INJECTION = '=HYPERLINK("http://evil.example","x")';

/** A realistic report: every status, catalog and off-catalog rules, host-controlled awkward text. */
export const REPORT: RuleResult[] = [
  {
    rule_id: 'sshd_disable_root_login',
    title: 'Disable SSH root login',
    severity: 'high',
    status: 'fail',
    references: { cis: { debian12: ['5.1.20'] }, stig: ['UBTU-24-100010'], nist_800_53: ['AC-6(2)', 'IA-2'] },
    evidence: [
      {
        source: '/etc/ssh/sshd_config:33',
        observed: 'PermitRootLogin yes',
        expected: 'permitrootlogin == no',
      },
    ],
  },
  {
    rule_id: 'sysctl_net_ipv4_ip_forward',
    title: 'Disable IPv4 forwarding',
    severity: 'medium',
    status: 'pass',
    references: { nist_800_53: ['CM-6(a)', 'SC-5'] },
    evidence: [{ source: 'sysctl net.ipv4.ip_forward', observed: '0', expected: '== 0' }],
  },
  {
    rule_id: 'banner_etc_issue_cis',
    title: 'Configure /etc/issue',
    severity: 'low',
    status: 'error',
    reason: 'parse error: line 3, "bad, quoted"',
    references: { cis: { debian12: ['1.7.2'] } },
    evidence: [
      {
        source: '/etc/issue:1',
        observed: INJECTION,
        expected: '-no os details\nand "quotes"',
        note: '@note',
      },
    ],
  },
  {
    rule_id: 'selinux_not_disabled',
    title: 'SELinux not disabled',
    severity: 'high',
    status: 'not_applicable',
    reason: 'platform',
    references: { nist_800_53: ['AC-3'] },
    evidence: [],
  },
  {
    rule_id: 'zz_local_rule',
    title: 'A local rule the catalog does not know',
    severity: 'medium',
    status: 'not_assessable',
    references: {},
    evidence: [{ source: '+cmd', observed: null, expected: 'present ```fence```' }],
  },
];
