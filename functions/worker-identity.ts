import { deriveJobKey } from '../core/crypto/job-signing.ts';
import commonPasswordsGz from '../core/identity/common-passwords.txt.gz';
import { identitySettingsSchema } from '../core/config/schema.ts';
import { fromBase64 } from '../core/crypto/bytes.ts';
import { createKeyring } from '../core/crypto/envelope.ts';
import { cachedCommonPasswords } from '../core/identity/common-passwords.ts';
import { signingKeyFromPem } from '../core/identity/jwt.ts';
import type { IdentityRuntime } from '../core/identity/runtime.ts';

/** The identity bindings of the worker: secrets for the keys, vars for the settings. */
export interface IdentityEnv {
  /** PKCS#8 PEM of the access-token signing key (`wrangler secret put JWT_PRIVATE_KEY < key.pem`). */
  JWT_PRIVATE_KEY?: string;
  /** Base64 of the 32-byte data-encryption key (`wrangler secret put CREDENTIAL_KEY`). */
  CREDENTIAL_KEY?: string;
  [setting: `OPENWATCH_IDENTITY_${string}`]: string | undefined;
}

// Immutable data, parsed at most once per isolate.
const commonPasswords = cachedCommonPasswords(async () => new Uint8Array(commonPasswordsGz));

/** [identity] settings from OPENWATCH_IDENTITY_<KEY> vars, through the same schema as the config file. */
export function identitySettingsFromEnv(env: IdentityEnv) {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    if (name.startsWith('OPENWATCH_IDENTITY_') && typeof value === 'string')
      raw[name.slice('OPENWATCH_IDENTITY_'.length).toLowerCase()] = value;
  }
  return identitySettingsSchema.parse(raw);
}

export function workerIdentityRuntime(env: IdentityEnv): IdentityRuntime {
  return {
    settings: identitySettingsFromEnv(env),
    signingKey: async () => {
      if (!env.JWT_PRIVATE_KEY) throw new Error('the JWT_PRIVATE_KEY secret is not set');
      return signingKeyFromPem(env.JWT_PRIVATE_KEY);
    },
    keyring: async () => {
      if (!env.CREDENTIAL_KEY) throw new Error('the CREDENTIAL_KEY secret is not set');
      return createKeyring([fromBase64(env.CREDENTIAL_KEY.trim())]);
    },
    jobKey: async () => {
      if (!env.CREDENTIAL_KEY) throw new Error('the CREDENTIAL_KEY secret is not set');
      return deriveJobKey(fromBase64(env.CREDENTIAL_KEY.trim()));
    },
    commonPasswords,
  };
}
