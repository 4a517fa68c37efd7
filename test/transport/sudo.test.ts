import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshTransport } from '../../engine/transport/ssh.ts';
import { SudoTransport } from '../../engine/transport/sudo.ts';
import { TransportError } from '../../engine/transport/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import type { TestUser } from '../helpers/sshd-users.ts';

let lab: SshLab;
let host: SshdHost;
const open: SshTransport[] = [];

beforeAll(async () => {
  lab = await SshLab.create();
  host = await lab.startHost();
});
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
  await lab?.cleanup();
});

async function as(user: TestUser): Promise<SshTransport> {
  const t = await connectSsh({
    host: host.address,
    port: host.port,
    username: user.name,
    privateKey: lab.keys.clientKey,
    hostKey: { fingerprint: host.hostKeyFingerprint },
  });
  open.push(t);
  return t;
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('sudo decorator', () => {
  it('runs as root with sudo -n for a NOPASSWD user, shell syntax intact', async () => {
    const sudo = new SudoTransport(await as(lab.users.sudoNopasswd));
    const r = await sudo.exec(`id -u; printf '%s\\n' "it's \\$HOME" | tr a-z A-Z; exit 4`);
    expect(r.code).toBe(4);
    expect(r.stdout.toString()).toBe(`0\nIT'S $HOME\n`);
    expect(sudo.target).toContain('(sudo)');
  });

  it('passes the caller stdin through to the command', async () => {
    const sudo = new SudoTransport(await as(lab.users.sudoNopasswd));
    expect((await sudo.exec('wc -l', { stdin: 'a\nb\n' })).stdout.toString().trim()).toBe('2');
  });

  it('refuses with sudo_refused when a password is required but none given', async () => {
    const err = await rejection(new SudoTransport(await as(lab.users.sudoPassword)).exec('id -u'));
    expect(err.code).toBe('sudo_refused');
    expect(err.message).toMatch(/needs a password/);
  });

  it('refuses a user that is not in sudoers', async () => {
    const err = await rejection(
      new SudoTransport(await as(lab.users.noSudo), { password: lab.users.noSudo.password }).exec('id -u'),
    );
    expect(err.code).toBe('sudo_refused');
    expect(err.message).toMatch(/not allowed/);
  });

  it('sends the password on stdin only, and the command still gets its own stdin', async () => {
    const user = lab.users.sudoPassword;
    const sudo = new SudoTransport(await as(user), { password: user.password });
    expect(sudo.wrap('id -u')).not.toContain(user.password);
    const r = await sudo.exec('id -u; cat', { stdin: 'payload\n' });
    expect(r.stdout.toString()).toBe('0\npayload\n');
    // -k: a second run within sudo's timestamp window must consume the password again, not leak it.
    const again = await sudo.exec('cat');
    expect(again.stdout.toString()).toBe('');
  });

  it('refuses a wrong sudo password', async () => {
    const err = await rejection(
      new SudoTransport(await as(lab.users.sudoPassword), { password: 'wrong-password' }).exec('id -u'),
    );
    expect(err.code).toBe('sudo_refused');
    expect(err.message).toMatch(/rejected/);
    expect(err.message).not.toContain('wrong-password');
  });

  it('does not mistake a command that prints sudo-like errors and exits 1 for a refusal', async () => {
    const sudo = new SudoTransport(await as(lab.users.sudoNopasswd));
    const r = await sudo.exec('echo "sudo: a password is required" >&2; exit 1');
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe('sudo: a password is required\n');
  });
});
