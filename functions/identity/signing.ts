import { registerSigningKey, verificationKey } from '../../core/db/sql/signing-keys.ts';
import type { Queryable } from '../../core/db/types.ts';
import { signAccessToken, type SigningKey } from '../../core/identity/jwt.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';

/**
 * Signs an access token with the runtime's key, registering its public half first (idempotent) so any
 * instance can verify it. A key already retired (rotated out) is refused: the instance is stale.
 */
export async function issueAccessToken(
  q: Queryable,
  identity: IdentityRuntime,
  claims: { sub: string; sid: string },
): Promise<string> {
  const key: SigningKey = await identity.signingKey();
  await registerSigningKey(q, { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk });
  if (!(await verificationKey(q, key.kid))) {
    throw new Error(
      `JWT signing key ${key.kid} is retired; deploy the current key (openwatch rotate-jwt-key)`,
    );
  }
  return signAccessToken(key, claims, identity.settings.access_token_minutes * 60);
}
