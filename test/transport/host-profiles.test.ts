import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshTransport } from '../../engine/transport/ssh.ts';
import { SudoTransport } from '../../engine/transport/sudo.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

/** The harness itself: two differently configured hosts, each in its own network and mount namespace. */
let lab: SshLab;
let hardened: SshdHost;
let loose: SshdHost;

beforeAll(async () => {
  lab = await SshLab.create();
  [hardened, loose] = await Promise.all([
    lab.startHost({
      netns: true,
      etc: {
        sshdConfig: 'PermitRootLogin no\nMaxAuthTries 3\n',
        files: { '/etc/login.defs': 'PASS_MAX_DAYS 60\nPASS_MIN_DAYS 1\n' },
      },
      sysctls: { 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.all.send_redirects': '0' },
    }),
    lab.startHost({
      netns: true,
      etc: {
        sshdConfig: 'PermitRootLogin yes\nMaxAuthTries 10\n',
        files: { '/etc/login.defs': 'PASS_MAX_DAYS 99999\n' },
      },
      sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.send_redirects': '1' },
    }),
  ]);
});
afterAll(async () => {
  await lab?.cleanup();
});

async function facts(h: SshdHost): Promise<string> {
  const t: SshTransport = await connectSsh({
    host: h.address,
    port: h.port,
    username: lab.users.sudoNopasswd.name,
    privateKey: lab.keys.clientKey,
    hostKey: { fingerprint: h.hostKeyFingerprint },
  });
  try {
    const r = await new SudoTransport(t).exec(
      'sshd -T | grep -E "^(permitrootlogin|maxauthtries) "; grep ^PASS_MAX_DAYS /etc/login.defs; sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.send_redirects',
    );
    expect(r.code).toBe(0);
    return r.stdout.toString();
  } finally {
    await t.close();
  }
}

describe('host profiles', () => {
  it('serve different sshd_config, login.defs and net sysctls to a scanner', async () => {
    expect(hardened.address).toMatch(/^10\.200\./);
    expect(hardened.port).toBe(22);
    expect(await facts(hardened)).toBe('maxauthtries 3\npermitrootlogin no\nPASS_MAX_DAYS 60\n0\n0\n');
    expect(await facts(loose)).toBe('maxauthtries 10\npermitrootlogin yes\nPASS_MAX_DAYS 99999\n1\n1\n');
  });

  it('leave the real host untouched and clean up namespaces on stop', async () => {
    expect(execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward']).toString().trim()).toBe('0');
    const ns = loose.netns?.name ?? '';
    expect(execFileSync('ip', ['netns', 'list']).toString()).toContain(ns);
    await loose.stop();
    expect(execFileSync('ip', ['netns', 'list']).toString()).not.toMatch(new RegExp(`^${ns}\\b`, 'm'));
  });
});
