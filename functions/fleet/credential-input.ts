import { z } from 'zod';
import type { Keyring } from '../../core/crypto/envelope.ts';
import type { CredentialInput } from '../../core/db/sql/credentials.ts';
import { sealCredentialField, type DecryptedCredential } from '../../core/fleet/credentials.ts';
import type { SshKeyParser } from '../../core/fleet/ssh-key.ts';
import { ApiError } from '../http/errors.ts';

export const credentialNameSchema = z.string().trim().min(1).max(100);
export const sshUsernameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'a POSIX user name: a-z 0-9 _ . -, starting with a letter or _');
export const privateKeySchema = z
  .string()
  .min(1)
  .max(16 * 1024);
export const secretSchema = z.string().min(1).max(1024);

/** The secrets of a credential in the clear, only between the request and the envelope. */
export interface PlainSecrets {
  authMethod: 'key' | 'password';
  secret: string;
  passphrase: string | null;
  sudoPassword: string | null;
}

/**
 * Checks a key credential's key (it parses with its passphrase, and is private), then seals every
 * secret under the keyring's current key with AAD naming this credential and field.
 */
export async function sealSecrets(
  keys: SshKeyParser | undefined,
  ring: Keyring,
  id: string,
  s: PlainSecrets,
): Promise<
  Pick<
    CredentialInput,
    'authMethod' | 'secretEnc' | 'passphraseEnc' | 'sudoPasswordEnc' | 'keyFingerprint' | 'keyVersion'
  >
> {
  let keyFingerprint: string | null = null;
  if (s.authMethod === 'key') {
    if (!keys)
      throw new ApiError(
        501,
        'key_parsing_unavailable',
        'this runtime cannot check SSH keys; store key credentials through openwatch serve',
      );
    const parsed = keys.parsePrivateKey(s.secret, s.passphrase ?? undefined);
    if (!parsed.ok)
      throw new ApiError(
        422,
        'invalid_private_key',
        parsed.reason === 'not_private'
          ? 'that is a public key; a private key is needed'
          : 'the private key does not parse (PEM or OpenSSH format), or the passphrase is missing or wrong',
      );
    keyFingerprint = parsed.fingerprint;
  }
  return {
    authMethod: s.authMethod,
    secretEnc: await sealCredentialField(ring, id, 'secret', s.secret),
    passphraseEnc:
      s.passphrase === null ? null : await sealCredentialField(ring, id, 'passphrase', s.passphrase),
    sudoPasswordEnc:
      s.sudoPassword === null ? null : await sealCredentialField(ring, id, 'sudo_password', s.sudoPassword),
    keyFingerprint,
    keyVersion: ring.current,
  };
}

export interface SecretsPatch {
  auth_method?: 'key' | 'password' | undefined;
  private_key?: string | undefined;
  passphrase?: string | null | undefined;
  password?: string | undefined;
  sudo_password?: string | null | undefined;
}

/**
 * The secrets after a PATCH: given fields replace stored ones, `null` removes an optional one, and a
 * new key drops the old key's passphrase unless a new one comes with it. Changing the method needs the
 * new method's secret.
 */
export function mergeSecrets(
  current: 'key' | 'password',
  plain: DecryptedCredential,
  b: SecretsPatch,
): PlainSecrets {
  const implied = b.private_key !== undefined ? 'key' : b.password !== undefined ? 'password' : current;
  const method = b.auth_method ?? implied;
  const given = method === 'key' ? b.private_key : b.password;
  if (method !== current && given === undefined)
    throw new ApiError(
      422,
      'secret_required',
      `changing to ${method} needs ${method === 'key' ? 'private_key' : 'password'}`,
    );
  const secret = given ?? (method === 'key' ? plain.privateKey : plain.password)?.reveal() ?? '';
  let passphrase: string | null = null;
  if (method === 'key')
    passphrase =
      b.passphrase !== undefined
        ? b.passphrase
        : given !== undefined
          ? null
          : (plain.passphrase?.reveal() ?? null);
  const sudoPassword =
    b.sudo_password !== undefined ? b.sudo_password : (plain.sudoPassword?.reveal() ?? null);
  return { authMethod: method, secret, passphrase, sudoPassword };
}
