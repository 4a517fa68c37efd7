import { envelopeContext, open, seal, type Keyring } from '../crypto/envelope.ts';
import { credentialForHost, type CredentialRow } from '../db/sql/credentials.ts';
import type { Queryable } from '../db/types.ts';
import { Secret } from '../secret.ts';

/** The envelope columns of `credentials`; each is sealed with AAD `credentials:<id>:<field>`. */
export const CREDENTIAL_SECRET_FIELDS = {
  secret: 'secret_enc',
  passphrase: 'passphrase_enc',
  sudo_password: 'sudo_password_enc',
} as const;
export type CredentialSecretField = keyof typeof CREDENTIAL_SECRET_FIELDS;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function sealCredentialField(
  ring: Keyring,
  id: string,
  field: CredentialSecretField,
  plaintext: string,
): Promise<string> {
  return seal(ring, new Uint8Array(encoder.encode(plaintext)), envelopeContext('credentials', id, field));
}

export async function openCredentialField(
  ring: Keyring,
  id: string,
  field: CredentialSecretField,
  envelope: string,
): Promise<string> {
  return decoder.decode(await open(ring, envelope, envelopeContext('credentials', id, field)));
}

/**
 * What the runner connects with. Only ever held in memory; every secret is a {@link Secret}, so logging
 * or serialising a credential shows "[redacted]" and only `reveal()` at the point of use gives the value.
 */
export interface DecryptedCredential {
  id: string;
  name: string;
  username: string;
  authMethod: 'key' | 'password';
  /** The private key (PEM/OpenSSH) for `key`. */
  privateKey?: Secret;
  passphrase?: Secret;
  /** The login password for `password`. */
  password?: Secret;
  sudoPassword?: Secret;
}

export async function decryptCredential(ring: Keyring, c: CredentialRow): Promise<DecryptedCredential> {
  const secret = new Secret(await openCredentialField(ring, c.id, 'secret', c.secret_enc));
  const out: DecryptedCredential = {
    id: c.id,
    name: c.name,
    username: c.username,
    authMethod: c.auth_method,
  };
  if (c.auth_method === 'key') out.privateKey = secret;
  else out.password = secret;
  if (c.passphrase_enc !== null)
    out.passphrase = new Secret(await openCredentialField(ring, c.id, 'passphrase', c.passphrase_enc));
  if (c.sudo_password_enc !== null)
    out.sudoPassword = new Secret(
      await openCredentialField(ring, c.id, 'sudo_password', c.sudo_password_enc),
    );
  return out;
}

/**
 * The decrypted credential a live host connects with: its own, else the system default; undefined when
 * it has neither (or the host does not exist).
 */
export async function loadCredentialForHost(
  db: Queryable,
  keyring: Keyring,
  hostId: string,
): Promise<DecryptedCredential | undefined> {
  const row = await credentialForHost(db, hostId);
  return row ? decryptCredential(keyring, row) : undefined;
}
