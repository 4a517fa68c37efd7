import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ScanReport } from '../../engine/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { runCli } from './cli-run.ts';

/**
 * Two hosts in their own network and mount namespaces, each with a real sshd, whose files exercise the
 * semantic classes of issue 14. What is real: sshd, the SSH session, `sshd -T` run by the scan against the
 * host's /etc/ssh, net.* sysctls (per network namespace), the absence of auditctl and of a running systemd
 * on this machine. What is laid over the machine's own files (overlayfs in the host's private mount
 * namespace, nothing on the machine changes): the sysctl.d, sysctl.conf, audit rules.d, modprobe.d, sshd
 * config and unit-link files listed below.
 */
let lab: SshLab;
let conflicted: SshdHost;
let clean: SshdHost;
let knownHosts: string;
let overrides: string;

const RULES = [
  'sysctl_net_ipv4_ip_forward',
  'sysctl_net_ipv4_conf_all_send_redirects',
  'audit_rules_usergroup_modification_passwd',
  'audit_rules_usergroup_modification_group',
  'sshd_disable_root_login',
  'socket_systemd_journal_remote_disabled',
];

const JOURNAL_REMOTE_SOCKET = '[Socket]\nListenStream=19532\n[Install]\nWantedBy=sockets.target\n';

beforeAll(async () => {
  lab = await SshLab.create();
  [conflicted, clean] = await Promise.all([
    lab.startHost({
      netns: true,
      sysctls: { 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.all.send_redirects': '0' },
      etc: {
        overlay: {
          // Runtime 0 and the later file says 0, but an earlier file still says 1.
          '/etc/sysctl.d/10-router.conf': 'net.ipv4.ip_forward = 1\n',
          // No 99-sysctl.conf link: sysctl --system still loads /etc/sysctl.conf, and its 1 is wrong.
          '/etc/sysctl.d/99-sysctl.conf': null,
          '/etc/sysctl.d/60-net.conf': 'net.ipv4.ip_forward = 0\nnet.ipv4.conf.all.send_redirects = 0\n',
          '/etc/sysctl.conf': 'net.ipv4.conf.all.send_redirects = 1\n',
          // Audit rules on disk only (this machine has no auditctl); the group watch is missing.
          '/etc/audit/rules.d/50-identity.rules': '-w /etc/passwd -p wa -k identity\n',
          // A misspelt keyword: sshd -T rejects the file, the compliant line must not save it.
          '/etc/ssh/sshd_config': 'PermitRootLogin no\nPermitRootLogn no\n',
          '/usr/lib/modprobe.d/cramfs.conf': 'install cramfs /bin/false\nblacklist cramfs\n',
          '/lib/systemd/system/systemd-journal-remote.socket': JOURNAL_REMOTE_SOCKET,
          '/etc/systemd/system/sockets.target.wants/systemd-journal-remote.socket': {
            link: '/lib/systemd/system/systemd-journal-remote.socket',
          },
        },
      },
    }),
    lab.startHost({
      netns: true,
      sysctls: { 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.all.send_redirects': '0' },
      etc: {
        overlay: {
          '/etc/sysctl.d/60-net.conf': 'net.ipv4.ip_forward = 0\n',
          // No 99-sysctl.conf link either: /etc/sysctl.conf counts as configured (sysctl --system reads it).
          '/etc/sysctl.d/99-sysctl.conf': null,
          '/etc/sysctl.conf': 'net.ipv4.conf.all.send_redirects = 0\n',
          '/etc/audit/rules.d/50-identity.rules':
            '-w /etc/passwd -p wa -k identity\n-w /etc/group -p wa -k identity\n',
          '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n',
          '/usr/lib/modprobe.d/cramfs.conf': 'install cramfs /bin/false\nblacklist cramfs\n',
          '/lib/systemd/system/systemd-journal-remote.socket': JOURNAL_REMOTE_SOCKET,
          '/etc/systemd/system/systemd-journal-remote.socket': { link: '/dev/null' },
        },
      },
    }),
  ]);
  knownHosts = join(lab.dir, 'known_hosts');
  writeFileSync(knownHosts, [conflicted, clean].map((h) => h.knownHostsLine()).join('\n') + '\n');
  // This machine is itself a container (/.dockerenv), which the sysctl rules exclude; the namespace hosts
  // share that marker. Scan with copies of the bundled sysctl rules minus that gate, checks unchanged.
  overrides = join(lab.dir, 'rules', 'sysctl');
  mkdirSync(overrides, { recursive: true });
  for (const id of ['sysctl_net_ipv4_ip_forward', 'sysctl_net_ipv4_conf_all_send_redirects']) {
    const text = readFileSync(join(import.meta.dirname, '../../rules/sysctl', `${id}.yml`), 'utf8');
    const rule = parse(text) as { implementations: Array<{ when?: unknown }> };
    for (const impl of rule.implementations) {
      if (JSON.stringify(impl.when) === '{"not":"container"}') delete impl.when;
    }
    const ungated = stringify(rule);
    expect(ungated).not.toContain('container');
    writeFileSync(join(overrides, `${id}.yml`), ungated);
  }
});

afterAll(async () => {
  await lab?.cleanup();
});

async function scan(h: SshdHost): Promise<Map<string, ScanReport['results'][number]>> {
  const r = await runCli([
    'scan',
    `root@${h.address}`,
    '--key',
    lab.keys.clientKeyPath,
    '--known-hosts',
    knownHosts,
    '--traversal',
    'skip',
    '--format',
    'json',
    '--rules',
    join(overrides, '..'),
    ...RULES.flatMap((id) => ['--rule', id]),
  ]);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as ScanReport;
  expect(report.summary.error).toBe(0);
  return new Map(report.results.map((x) => [x.rule_id, x]));
}

describe.concurrent('benchmark semantics on namespace hosts with real sshd', { timeout: 120_000 }, () => {
  it('fails what an auditor would fail on the conflicted host, naming every location', async () => {
    const r = await scan(conflicted);
    const fwd = r.get('sysctl_net_ipv4_ip_forward');
    expect(fwd?.status).toBe('fail');
    expect(fwd?.evidence.map((e) => `${e.source}=${String(e.observed)}`)).toEqual(
      expect.arrayContaining(['/etc/sysctl.d/60-net.conf:1=0', '/etc/sysctl.d/10-router.conf:1=1']),
    );
    const redirects = r.get('sysctl_net_ipv4_conf_all_send_redirects');
    expect(redirects?.status).toBe('fail');
    expect(redirects?.evidence.find((e) => e.source === '/etc/sysctl.conf:1')).toMatchObject({
      observed: '1',
      note: expect.stringMatching(/no 99-sysctl.conf link/),
    });

    const passwd = r.get('audit_rules_usergroup_modification_passwd');
    expect(passwd?.status).toBe('pass');
    expect(passwd?.evidence[0]?.note).toMatch(/auditctl -l unavailable .*judged from the rule files/);
    expect(r.get('audit_rules_usergroup_modification_group')?.status).toBe('fail');

    const root = r.get('sshd_disable_root_login');
    expect(root?.status).toBe('fail');
    expect(root?.evidence[0]).toMatchObject({ source: 'sshd -T' });
    expect(String(root?.evidence[0]?.observed)).toMatch(/PermitRootLogn/);

    const journal = r.get('socket_systemd_journal_remote_disabled');
    expect(journal?.status).toBe('fail');
    expect(journal?.evidence[0]?.note).toMatch(/systemd is not running/);
    expect(journal?.evidence[0]?.source).toContain('/etc/systemd/system/sockets.target.wants/');
  });

  it('passes the same rules on the clean host, from the same kinds of evidence', async () => {
    const r = await scan(clean);
    const statuses = Object.fromEntries(RULES.map((id) => [id, r.get(id)?.status]));
    expect(statuses).toEqual(Object.fromEntries(RULES.map((id) => [id, 'pass'])));
    expect(r.get('sysctl_net_ipv4_conf_all_send_redirects')?.evidence[1]).toMatchObject({
      source: '/etc/sysctl.conf:1',
      note: expect.stringMatching(/sysctl --system/),
    });
    expect(r.get('sshd_disable_root_login')?.evidence.map((e) => e.source)).toEqual([
      'sshd -T',
      '/etc/ssh/sshd_config:2',
    ]);
    expect(r.get('socket_systemd_journal_remote_disabled')?.evidence[0]?.observed).toMatch(
      /LoadState=masked/,
    );
  });
});
