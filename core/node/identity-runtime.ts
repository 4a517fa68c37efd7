import { readFileSync, statSync } from 'node:fs';
import type { IdentitySettings } from '../config/schema.ts';
import type { Keyring } from '../crypto/envelope.ts';
import { cachedCommonPasswords } from '../identity/common-passwords.ts';
import { signingKeyFromPem, type SigningKey } from '../identity/jwt.ts';
import type { IdentityRuntime } from '../identity/runtime.ts';
import { deriveJobKey, type JobKey } from '../crypto/job-signing.ts';
import { credentialKeysSignature, loadCredentialKeyring } from './credential-keys.ts';
import { loadCredentialKey, loadJwtPrivateKey } from './keys.ts';
import { COMMON_PASSWORDS_FILE } from './paths.ts';

export const readCommonPasswordsFile = async (): Promise<Uint8Array<ArrayBuffer>> =>
  new Uint8Array(readFileSync(COMMON_PASSWORDS_FILE));

/** The blocklist for the CLI and the Node runtime, read once per process. */
export const nodeCommonPasswords = cachedCommonPasswords(readCommonPasswordsFile);

export async function signingKeyFromFile(path: string): Promise<SigningKey> {
  const pem = loadJwtPrivateKey(path).export({ type: 'pkcs8', format: 'pem' }).toString();
  return signingKeyFromPem(pem);
}

export interface NodeIdentityOptions {
  settings: IdentitySettings;
  jwtPrivateKeyFile: string;
  credentialKeyFile: string;
}

/**
 * The identity runtime of `openwatch serve`: keys from their files. The signing key is re-read when its
 * file changes, so `openwatch rotate-jwt-key` takes effect without a restart; likewise the keyring.
 */
export function nodeIdentityRuntime(o: NodeIdentityOptions): IdentityRuntime {
  let signing: { mtimeMs: number; key: Promise<SigningKey> } | undefined;
  return {
    settings: o.settings,
    signingKey: () => {
      const mtimeMs = statSync(o.jwtPrivateKeyFile).mtimeMs;
      if (!signing || signing.mtimeMs !== mtimeMs) {
        const key = signingKeyFromFile(o.jwtPrivateKeyFile);
        signing = { mtimeMs, key };
        key.catch(() => {
          signing = undefined;
        });
      }
      return signing.key;
    },
    ...nodeCredentialKeys(o.credentialKeyFile),
    commonPasswords: nodeCommonPasswords,
  };
}

/**
 * The credential keyring and the job-signing key from the configured key file. Every key generation
 * beside the file (core/node/credential-keys.ts) is loaded, and reloaded when one appears, so
 * `openwatch rotate-dek` takes effect without a restart. The job key comes from the base file, which
 * rotation never removes, so jobs signed before a rotation still verify after it.
 */
export function nodeCredentialKeys(credentialKeyFile: string): Pick<IdentityRuntime, 'keyring' | 'jobKey'> {
  let keyring: { signature: string; ring: Promise<Keyring> } | undefined;
  let jobKey: Promise<JobKey> | undefined;
  return {
    keyring: () => {
      const signature = credentialKeysSignature(credentialKeyFile);
      if (!keyring || keyring.signature !== signature) {
        const ring = loadCredentialKeyring(credentialKeyFile);
        keyring = { signature, ring };
        ring.catch(() => {
          keyring = undefined;
        });
      }
      return keyring.ring;
    },
    jobKey: () => (jobKey ??= deriveJobKey(new Uint8Array(loadCredentialKey(credentialKeyFile)))),
  };
}
