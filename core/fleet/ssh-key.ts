export type ParsedPrivateKey =
  | { ok: true; keyType: string; fingerprint: string }
  /** `invalid`: not a key, or encrypted and the passphrase is missing or wrong (ssh2 does not tell them apart). */
  | { ok: false; reason: 'invalid' | 'not_private' };

/** Parses SSH private keys: ssh2 on Node (core/node/ssh-key.ts); workerd has none (native bindings). */
export interface SshKeyParser {
  parsePrivateKey(pem: string, passphrase?: string): ParsedPrivateKey;
}
