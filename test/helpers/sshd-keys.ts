import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './sshd-sys.ts';

/** Key material shared by every host and user of one lab: generating keys is the slow part of a host. */
export interface LabKeys {
  /** ed25519 host key (private key path); every host of the lab presents it unless told otherwise. */
  hostKeyPath: string;
  /** A second host key type (ECDSA P-256), for known_hosts files naming several key types. */
  ecdsaHostKeyPath: string;
  /** A different ed25519 key, to impersonate a re-keyed (or spoofed) host. */
  otherHostKeyPath: string;
  clientKeyPath: string;
  clientKey: string;
  /** The same kind of client key, encrypted with `passphrase`. */
  encryptedClientKey: string;
  encryptedClientKeyPath: string;
  passphrase: string;
  /** A valid key that no authorized_keys lists. */
  strangerKey: string;
  authorizedKeys: string;
}

async function keygen(path: string, type: 'ed25519' | 'ecdsa', passphrase = ''): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'openwatch-test', '-f', path]);
}

export async function generateLabKeys(dir: string): Promise<LabKeys> {
  const p = (name: string) => join(dir, name);
  const passphrase = 'correct horse battery staple';
  await Promise.all([
    keygen(p('host_ed25519'), 'ed25519'),
    keygen(p('host_ecdsa'), 'ecdsa'),
    keygen(p('other_host_ed25519'), 'ed25519'),
    keygen(p('client'), 'ed25519'),
    keygen(p('client_enc'), 'ed25519', passphrase),
    keygen(p('stranger'), 'ed25519'),
  ]);
  return {
    hostKeyPath: p('host_ed25519'),
    ecdsaHostKeyPath: p('host_ecdsa'),
    otherHostKeyPath: p('other_host_ed25519'),
    clientKeyPath: p('client'),
    clientKey: readFileSync(p('client'), 'utf8'),
    encryptedClientKey: readFileSync(p('client_enc'), 'utf8'),
    encryptedClientKeyPath: p('client_enc'),
    passphrase,
    strangerKey: readFileSync(p('stranger'), 'utf8'),
    authorizedKeys: readFileSync(p('client.pub'), 'utf8') + readFileSync(p('client_enc.pub'), 'utf8'),
  };
}

/** Public key blob of a private key file, from its `.pub` companion. */
export function publicBlob(privateKeyPath: string): { type: string; blob: Buffer } {
  const [type = '', b64 = ''] = readFileSync(`${privateKeyPath}.pub`, 'utf8').trim().split(/\s+/);
  return { type, blob: Buffer.from(b64, 'base64') };
}
