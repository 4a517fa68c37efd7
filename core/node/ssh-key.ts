import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedPrivateKey, SshKeyParser } from '../fleet/ssh-key.ts';

/** OpenSSH's `SHA256:<base64 without padding>` of a public key blob (wire format). */
export function sshFingerprint(publicBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Checks that `pem` is a private key (PEM or OpenSSH format) that opens with `passphrase`, and names
 * it by the fingerprint of its public half, as `ssh-keygen -lf` would. ssh2 is Node-only (native
 * bindings), so this lives here and reaches the API through AppServices.
 */
export function parsePrivateKey(pem: string, passphrase?: string): ParsedPrivateKey {
  const key = ssh2.utils.parseKey(pem, passphrase);
  if (key instanceof Error) return { ok: false, reason: 'invalid' };
  if (!key.isPrivateKey()) return { ok: false, reason: 'not_private' };
  return { ok: true, keyType: key.type, fingerprint: sshFingerprint(key.getPublicSSH()) };
}

export const nodeSshKeys: SshKeyParser = { parsePrivateKey };
