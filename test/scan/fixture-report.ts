import type { ScanReport } from '../../engine/types.ts';

/** A small report exercising every status and the awkward characters each format must survive. */
export function fixtureReport(host = 'root@10.0.0.5'): ScanReport {
  return {
    host,
    platform: { family: 'debian', id: 'debian', version: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
    capabilities: ['systemd', 'sshd'],
    timing: {
      started_at: '2026-01-01T00:00:00.000Z',
      finished_at: '2026-01-01T00:00:00.420Z',
      duration_ms: 420,
      collect_ms: 300,
      traversal_ms: 0,
      evaluate_ms: 20,
    },
    stats: { round_trips: 2, bytes_sent: 9000, bytes_received: 120000, facts: 80, truncated_facts: [] },
    results: [
      {
        rule_id: 'ssh-permit-root-login',
        title: 'SSH root login is disabled',
        severity: 'high',
        status: 'fail',
        references: {
          cis: { debian12: ['5.1.20'] },
          stig: ['V-238218'],
          nist_800_53: ['AC-6(2)'],
          cac: ['sshd_disable_root_login'],
        },
        evidence: [{ source: 'sshd -T', observed: 'yes', expected: 'permitrootlogin == no' }],
        remediation: 'Set `PermitRootLogin no` in /etc/ssh/sshd_config,\nthen reload sshd.\n',
        shell_fix: "printf '%s\\n' 'PermitRootLogin no' >> /etc/ssh/sshd_config",
      },
      {
        rule_id: 'banner-text',
        title: 'Banner says "authorised use only", <really> & truly',
        severity: 'low',
        status: 'error',
        reason: 'parse error: line 3, "bad\u0001byte"',
        references: {},
        evidence: [
          {
            source: '/etc/issue.net:1',
            observed: "=cmd|' /C calc'!A0",
            expected: 'contains, "quoted"\nnewline',
            note: 'multi\nline',
          },
        ],
      },
      {
        rule_id: 'sysctl-ip-forward',
        title: 'IP forwarding off',
        severity: 'medium',
        status: 'pass',
        references: { cac: ['sysctl_net_ipv4_ip_forward'] },
        evidence: [{ source: 'sysctl net.ipv4.ip_forward', observed: '0', expected: '== 0' }],
      },
      {
        rule_id: 'selinux-enforcing',
        title: 'SELinux enforcing',
        severity: 'high',
        status: 'not_applicable',
        reason: 'capability: selinux',
        references: {},
        evidence: [],
      },
      {
        rule_id: 'audit-rules',
        title: 'Audit rules loaded',
        severity: 'medium',
        status: 'not_assessable',
        reason: 'auditctl needs root',
        references: {},
        evidence: [{ source: 'auditctl -l', observed: null, expected: 'rules present' }],
      },
    ],
    summary: { total: 5, pass: 1, fail: 1, error: 1, not_applicable: 1, not_assessable: 1 },
  };
}
