import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../engine/types.ts';
import { sha256Fingerprint } from '../../engine/transport/fingerprint.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { publicBlob } from '../helpers/sshd-keys.ts';
import { runCli } from './cli-run.ts';
import { findAll, parseXml } from './xml-lite.ts';

let lab: SshLab;
let plain: SshdHost;
let hardened: SshdHost;
let loose: SshdHost;
/** Only the host-key mismatch test talks to it, so its log proves what that test did or did not cause. */
let lonely: SshdHost;
let knownHosts: string;

const target = (user: string, h: SshdHost) => `${user}@${h.address}${h.port === 22 ? '' : `:${h.port}`}`;

beforeAll(async () => {
  lab = await SshLab.create();
  [plain, lonely, hardened, loose] = await Promise.all([
    lab.startHost(),
    lab.startHost(),
    lab.startHost({
      netns: true,
      etc: {
        sshdConfig:
          'PermitRootLogin no\nMaxAuthTries 3\nX11Forwarding no\nPermitEmptyPasswords no\nLoginGraceTime 60\n',
        files: {
          '/etc/login.defs':
            'PASS_MAX_DAYS 60\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 7\nUMASK 027\nENCRYPT_METHOD YESCRYPT\n',
        },
      },
      sysctls: {
        'net.ipv4.ip_forward': '0',
        'net.ipv4.conf.all.send_redirects': '0',
        'net.ipv4.conf.all.accept_redirects': '0',
      },
    }),
    lab.startHost({
      netns: true,
      etc: {
        sshdConfig:
          'PermitRootLogin yes\nMaxAuthTries 10\nX11Forwarding yes\nPermitEmptyPasswords yes\nLoginGraceTime 600\n',
        files: {
          '/etc/login.defs':
            'PASS_MAX_DAYS 99999\nPASS_MIN_DAYS 0\nPASS_WARN_AGE 0\nUMASK 022\nENCRYPT_METHOD MD5\n',
        },
      },
      sysctls: {
        'net.ipv4.ip_forward': '1',
        'net.ipv4.conf.all.send_redirects': '1',
        'net.ipv4.conf.all.accept_redirects': '1',
      },
    }),
  ]);
  knownHosts = join(lab.dir, 'known_hosts');
  writeFileSync(knownHosts, [plain, hardened, loose].map((h) => h.knownHostsLine()).join('\n') + '\n');
});
afterAll(async () => {
  await lab?.cleanup();
});

// The filesystem-wide walk takes ~20 s on a developer machine's large tree; it is the engine's and the
// bench's subject, not the CLI's, so these runs skip it.
const base = () => ['--key', lab.keys.clientKeyPath, '--known-hosts', knownHosts, '--traversal', 'skip'];

function applicable(r: ScanReport): number {
  return r.summary.total - r.summary.not_applicable;
}

// Concurrent: each test is a few CLI subprocesses against shared, read-only hosts.
describe.concurrent('openwatch scan end to end against real sshd', { timeout: 240_000 }, () => {
  it('scans as a plain-shell user through sudo and prints the documented json', async () => {
    const r = await runCli([
      'scan',
      target(lab.users.sudoNopasswd.name, plain),
      ...base(),
      '--sudo',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ScanReport & { schema_version: number };
    expect(report.schema_version).toBe(1);
    expect(report.host).toContain(lab.users.sudoNopasswd.name);
    expect(report.platform.family).toBe('debian');
    expect(report.summary.total).toBeGreaterThan(0);
    expect(applicable(report)).toBeGreaterThanOrEqual(Math.ceil(report.summary.total * 0.5));
    expect(report.summary.error).toBe(0);
    expect(r.code).toBe(report.summary.fail > 0 ? 1 : 0);
    // sudo gave root: root-only facts were readable.
    expect(report.capabilities).toContain('root');
  });

  it('scans with a root login and agrees with the sudo scan', async () => {
    const [asRoot, viaSudo] = await Promise.all([
      runCli(['scan', target('root', plain), ...base(), '--format', 'json']),
      runCli(['scan', target(lab.users.sudoNopasswd.name, plain), ...base(), '--sudo', '--format', 'json']),
    ]);
    const a = JSON.parse(asRoot.stdout) as ScanReport;
    const b = JSON.parse(viaSudo.stdout) as ScanReport;
    expect(a.results.map((x) => [x.rule_id, x.status])).toEqual(b.results.map((x) => [x.rule_id, x.status]));
  });

  it('gives two differently configured hosts different verdicts exactly where their config differs', async () => {
    const scan = async (h: SshdHost) => {
      const r = await runCli([
        'scan',
        target(lab.users.sudoNopasswd.name, h),
        ...base(),
        '--sudo',
        '--format',
        'json',
      ]);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as ScanReport;
    };
    const [a, b] = await Promise.all([scan(hardened), scan(loose)]);
    const verdict = new Map(a.results.map((x) => [x.rule_id, x.status]));
    const differing = b.results.filter((x) => verdict.get(x.rule_id) !== x.status).map((x) => x.rule_id);
    expect(differing).toContain('sshd_disable_root_login');
    expect(a.results.find((x) => x.rule_id === 'sshd_disable_root_login')?.status).toBe('pass');
    expect(b.results.find((x) => x.rule_id === 'sshd_disable_root_login')?.status).toBe('fail');
    // Everything else on the two hosts is the same machine, so no other verdict may differ.
    for (const id of differing) expect(id).toMatch(/ssh|sysctl|login_defs|pass|password|umask|accounts/);
  });

  it('writes every format, parseable', async () => {
    const t = target(lab.users.sudoNopasswd.name, plain);
    const [jsonl, csv, junit, text] = await Promise.all(
      ['jsonl', 'csv', 'junit', 'text'].map((f) => runCli(['scan', t, ...base(), '--sudo', '--format', f])),
    );
    const lines = (jsonl?.stdout ?? '')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.at(-1)?.type).toBe('summary');
    expect(lines.filter((l) => l.type === 'result').length).toBeGreaterThan(0);
    expect(csv?.stdout.split('\r\n')[0]).toBe(
      'host,rule_id,title,severity,status,reason,references,evidence,remediation,shell_fix',
    );
    const doc = parseXml(junit?.stdout ?? '');
    expect(findAll(doc, 'testcase').length).toBe(lines.length - 1);
    expect(text?.stdout).toMatch(/Summary: \d+ pass, \d+ fail/);
    const out = join(lab.dir, 'report.json');
    const toFile = await runCli(['scan', t, ...base(), '--sudo', '--format', 'json', '--output', out]);
    expect(toFile.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as ScanReport).results.length).toBeGreaterThan(0);
  });

  it('authenticates with a password from the environment and sudo with a password on stdin', async () => {
    const user = lab.users.sudoPassword;
    const r = await runCli(
      [
        'scan',
        target(user.name, plain),
        '--known-hosts',
        knownHosts,
        '--password-env',
        'OW_PW',
        '--sudo-password-env',
        'OW_SUDO',
        '--traversal',
        'skip',
        '--format',
        'json',
      ],
      {
        OW_PW: user.password,
        OW_SUDO: user.password,
      },
    );
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as ScanReport).capabilities).toContain('root');
  });

  it('exits 3 on sudo refusal, naming it', async () => {
    const r = await runCli(['scan', target(lab.users.sudoPassword.name, plain), ...base(), '--sudo']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sudo_refused: .*needs a password/);
  });

  it('refuses a mismatched host key with exit 3, naming both fingerprints, and runs nothing', async () => {
    const wrong = join(lab.dir, 'known_hosts_wrong');
    writeFileSync(wrong, lonely.knownHostsLine({ keyPath: lab.keys.otherHostKeyPath }) + '\n');
    const before = lonely.log().length;
    const r = await runCli([
      'scan',
      target('root', lonely),
      '--key',
      lab.keys.clientKeyPath,
      '--known-hosts',
      wrong,
      '--accept-new-host-key',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('host_key_mismatch');
    expect(r.stderr).toContain(sha256Fingerprint(publicBlob(lab.keys.otherHostKeyPath).blob));
    expect(r.stderr).toContain(lonely.hostKeyFingerprint);
    expect(r.stdout).not.toContain('sshd_disable_root_login');
    expect(lonely.log().slice(before)).not.toMatch(/Accepted /);
  });

  it('refuses an unknown host, and with --accept-new-host-key reports and records it', async () => {
    const fresh = join(lab.dir, 'fresh', 'known_hosts');
    mkdirSync(join(lab.dir, 'fresh'), { recursive: true });
    const t = target(lab.users.sudoNopasswd.name, plain);
    const refused = await runCli(['scan', t, '--key', lab.keys.clientKeyPath, '--known-hosts', fresh]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('host_key_unknown');
    const accepted = await runCli([
      'scan',
      t,
      '--key',
      lab.keys.clientKeyPath,
      '--known-hosts',
      fresh,
      '--accept-new-host-key',
      '--rule',
      'sshd_disable_root_login',
      '--sudo',
    ]);
    expect(accepted.code === 0 || accepted.code === 1).toBe(true);
    expect(accepted.stderr).toContain(`accepted new ssh-ed25519 host key ${plain.hostKeyFingerprint}`);
    expect(readFileSync(fresh, 'utf8')).toBe(plain.knownHostsLine() + '\n');
    const pinned = await runCli([
      'scan',
      t,
      '--key',
      lab.keys.clientKeyPath,
      '--known-hosts',
      '/nonexistent',
      '--host-key-fingerprint',
      plain.hostKeyFingerprint,
      '--rule',
      'sshd_disable_root_login',
    ]);
    expect(pinned.stderr).toBe('');
  });

  it('exits 3 for an unreachable host and for a wrong key', async () => {
    const down = await runCli(['scan', 'root@127.0.0.1:1', ...base()]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('unreachable');
    const strangerKey = join(lab.dir, 'stranger');
    writeFileSync(strangerKey, lab.keys.strangerKey, { mode: 0o600 });
    const denied = await runCli([
      'scan',
      target('root', plain),
      '--key',
      strangerKey,
      '--known-hosts',
      knownHosts,
    ]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('auth_failed');
  });

  it('scans an inventory concurrently; an unreachable entry makes it exit 3 but the others report', async () => {
    const inv = join(lab.dir, 'inventory.yml');
    writeFileSync(
      inv,
      [
        'defaults:',
        `  user: ${lab.users.sudoNopasswd.name}`,
        '  sudo: true',
        'hosts:',
        `  - ${hardened.address}`,
        `  - host: ${loose.address}`,
        `  - root@${plain.address}:${plain.port}`,
        '  - host: 127.0.0.1',
        '    port: 1',
        '',
      ].join('\n'),
    );
    const r = await runCli(['scan', '--inventory', inv, ...base(), '--format', 'json', '--concurrency', '3']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as {
      reports: ScanReport[];
      errors: Array<{ host: string; code: string }>;
    };
    expect(doc.reports.map((x) => x.host)).toHaveLength(3);
    expect(doc.errors).toEqual([expect.objectContaining({ code: 'unreachable' })]);
  });

  it('exits 2 for a malformed custom rule, naming file, line and field', async () => {
    const dir = join(lab.dir, 'custom-rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'broken.yml'), 'id: broken\ntitle: Broken\nseverity: extreme\n');
    const r = await runCli(['scan', '--local', '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yml:3: severity: /);
  });

  it('exits 2 for bad flags and bad variables', async () => {
    expect((await runCli(['scan', '--local', '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['scan', '--local', '--no-such-flag'])).code).toBe(2);
    expect((await runCli(['scan', '--local', '--var', 'nonsense'])).code).toBe(2);
    const unknownVar = await runCli(['scan', '--local', '--var', 'no_such_variable=1']);
    expect(unknownVar.code).toBe(2);
    expect(unknownVar.stderr).toContain('no_such_variable');
    expect((await runCli(['scan', 'root@bad host'])).code).toBe(2);
    expect((await runCli(['scan', '--local', '--rule', 'no_such_rule'])).code).toBe(2);
  });
});
