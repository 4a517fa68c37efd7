import type { JobKey } from '../crypto/job-signing.ts';
import type { IdentitySettings } from '../config/schema.ts';
import type { Keyring } from '../crypto/envelope.ts';
import type { CommonPasswords } from './common-passwords.ts';
import type { SigningKey } from './jwt.ts';

/**
 * What identity code needs from its runtime, supplied by `openwatch serve` (files) and by the worker
 * (secret bindings) alike. Each is loaded lazily: a probe request touches none of them.
 */
export interface IdentityRuntime {
  settings: IdentitySettings;
  /** The private key that signs new access tokens (the newest key). */
  signingKey(): Promise<SigningKey>;
  /** Data-encryption keys for envelopes (TOTP secrets). */
  keyring(): Promise<Keyring>;
  /** The HMAC key that signs and verifies job payloads, derived from the base credential key. */
  jobKey(): Promise<JobKey>;
  commonPasswords(): Promise<CommonPasswords>;
}
