import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Fingerprint } from '../../engine/transport/fingerprint.ts';
import type { HostKeyPolicy } from '../../engine/transport/host-key.ts';
import { connectSsh } from '../../engine/transport/ssh.ts';
import { TransportError } from '../../engine/transport/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { publicBlob } from '../helpers/sshd-keys.ts';

let lab: SshLab;
/** Presents ed25519 and ECDSA host keys. */
let host: SshdHost;
let n = 0;

beforeAll(async () => {
  lab = await SshLab.create();
  host = await lab.startHost({ hostKeys: [lab.keys.hostKeyPath, lab.keys.ecdsaHostKeyPath] });
});
afterAll(async () => {
  await lab?.cleanup();
});

function knownHosts(...lines: string[]): string {
  const file = join(lab.dir, `known_hosts_${++n}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function connect(hostKey: HostKeyPolicy) {
  return connectSsh({
    host: host.address,
    port: host.port,
    username: lab.users.sudoNopasswd.name,
    privateKey: lab.keys.clientKey,
    hostKey,
  });
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('host key verification before authentication', () => {
  it('accepts a host listed in a plain known_hosts entry', async () => {
    const t = await connect({ knownHostsFile: knownHosts('# ours', host.knownHostsLine()) });
    expect(t.hostKey).toMatchObject({
      status: 'known',
      fingerprint: host.hostKeyFingerprint,
      keyType: 'ssh-ed25519',
    });
    expect((await t.exec('echo ok')).stdout.toString()).toBe('ok\n');
    await t.close();
    // What the mismatch test relies on: sshd logs every accepted authentication.
    expect(host.log()).toMatch(/Accepted publickey for /);
  });

  it('accepts a hashed |1| entry', async () => {
    const t = await connect({ knownHostsFile: knownHosts(host.knownHostsLine({ hashed: true })) });
    expect(t.hostKey.status).toBe('known');
    await t.close();
  });

  it('negotiates the key type the file knows when the host has several', async () => {
    const t = await connect({
      knownHostsFile: knownHosts(host.knownHostsLine({ keyPath: lab.keys.ecdsaHostKeyPath })),
    });
    expect(t.hostKey.keyType).toBe('ecdsa-sha2-nistp256');
    expect(t.hostKey.fingerprint).toBe(sha256Fingerprint(publicBlob(lab.keys.ecdsaHostKeyPath).blob));
    await t.close();
  });

  it('accepts a pinned SHA256 fingerprint', async () => {
    const t = await connect({ fingerprint: host.hostKeyFingerprint });
    expect(t.hostKey.status).toBe('pinned');
    await t.close();
  });

  it('refuses an unknown host and names the offered fingerprint', async () => {
    const err = await rejection(
      connect({ knownHostsFile: knownHosts('other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA') }),
    );
    expect(err.code).toBe('host_key_unknown');
    expect(err.message).toContain(host.hostKeyFingerprint);
  });

  it('with acceptNew reports the new fingerprint and records it, then knows the host', async () => {
    const file = join(lab.dir, 'fresh', 'known_hosts');
    const t = await connect({ knownHostsFile: file, acceptNew: true });
    expect(t.hostKey).toMatchObject({ status: 'accepted_new', fingerprint: host.hostKeyFingerprint });
    await t.close();
    expect(readFileSync(file, 'utf8')).toBe(`${host.knownHostsLine()}\n`);
    const again = await connect({ knownHostsFile: file });
    expect(again.hostKey.status).toBe('known');
    await again.close();
  });

  it('refuses a MISMATCHED key naming both fingerprints, and nothing runs', async () => {
    const marker = join(lab.dir, 'mismatch-marker');
    const file = knownHosts(host.knownHostsLine({ keyPath: lab.keys.otherHostKeyPath }));
    const expected = sha256Fingerprint(publicBlob(lab.keys.otherHostKeyPath).blob);
    const logBefore = host.log().length;
    const err = await rejection(
      connect({ knownHostsFile: file, acceptNew: true }).then((t) => t.exec(`touch ${marker}`)),
    );
    expect(err.code).toBe('host_key_mismatch');
    expect(err.message).toContain(expected);
    expect(err.message).toContain(host.hostKeyFingerprint);
    expect(existsSync(marker)).toBe(false);
    // The server never saw an authentication, so no session could have been opened.
    expect(host.log().slice(logBefore)).not.toMatch(/Accepted |session opened/);
    expect(readFileSync(file, 'utf8')).not.toContain(host.hostKeyBlob.toString('base64'));
  });

  it('refuses a pinned fingerprint that does not match', async () => {
    const pinned = sha256Fingerprint(publicBlob(lab.keys.otherHostKeyPath).blob);
    const err = await rejection(connect({ fingerprint: pinned }));
    expect(err.code).toBe('host_key_mismatch');
    expect(err.details).toEqual({
      expected: pinned,
      offered: host.hostKeyFingerprint,
      key_type: 'ssh-ed25519',
    });
  });
});
