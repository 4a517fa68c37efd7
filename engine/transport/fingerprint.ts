import { createHash } from 'node:crypto';

/** OpenSSH's `SHA256:<unpadded base64>` fingerprint of a public key blob (SSH wire format). */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts `SHA256:abc…` with or without base64 padding; returns the canonical form or undefined. */
export function normaliseFingerprint(input: string): string | undefined {
  const m = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(input.trim());
  return m?.[1] === undefined ? undefined : `SHA256:${m[1]}`;
}

/** The key type named inside a public key blob, e.g. `ssh-ed25519`; the blob starts with it. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len > 64 || blob.length < 4 + len) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}
