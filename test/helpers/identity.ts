import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { identitySettingsSchema, type IdentitySettings } from '../../core/config/schema.ts';
import { createKeyring } from '../../core/crypto/envelope.ts';
import { deriveJobKey } from '../../core/crypto/job-signing.ts';
import { signingKeyFromPem, type SigningKey } from '../../core/identity/jwt.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import { nodeCommonPasswords } from '../../core/node/identity-runtime.ts';

export function newEd25519Pem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** An identity runtime with keys made up for this test (in memory, never written anywhere). */
export function testIdentityRuntime(
  settings: Partial<Record<keyof IdentitySettings, number>> = {},
  pem: string = newEd25519Pem(),
): IdentityRuntime & { setPem(pem: string): void } {
  let key: Promise<SigningKey> = signingKeyFromPem(pem);
  const raw = new Uint8Array(randomBytes(32));
  const keyring = createKeyring([raw]);
  const jobKey = deriveJobKey(raw);
  return {
    settings: identitySettingsSchema.parse(settings),
    signingKey: () => key,
    keyring: () => keyring,
    jobKey: () => jobKey,
    commonPasswords: nodeCommonPasswords,
    setPem(next: string) {
      key = signingKeyFromPem(next);
    },
  };
}
