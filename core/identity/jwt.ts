import {
  calculateJwkThumbprint,
  exportJWK,
  importJWK,
  importPKCS8,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
} from 'jose';

/**
 * Access tokens: short-lived JWTs signed with EdDSA (Ed25519) or ES256, named by `kid` (the RFC 7638
 * thumbprint of the public key) so several keys can verify at once while the newest signs.
 */
export const ISSUER = 'openwatch';
export const AUDIENCE = 'openwatch-api';
export const TOKEN_TYPE = 'at+jwt';
export type JwtAlg = 'EdDSA' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: JwtAlg;
  privateKey: CryptoKey;
  publicJwk: Record<string, string>;
}

export interface AccessClaims {
  sub: string;
  sid: string;
}

export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

function publicPart(jwk: JWK): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['kty', 'crv', 'x', 'y'] as const) {
    const v = jwk[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Reads a PKCS#8 PEM private key (Ed25519 or P-256) into a signing key with its kid. */
export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  const text = pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem;
  for (const alg of ['EdDSA', 'ES256'] as const) {
    let privateKey: CryptoKey;
    try {
      privateKey = await importPKCS8(text.trim(), alg, { extractable: true });
    } catch {
      continue;
    }
    const publicJwk = publicPart(await exportJWK(privateKey));
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    return { kid, alg, privateKey, publicJwk };
  }
  throw new Error('the JWT signing key must be an Ed25519 or P-256 private key in PKCS#8 PEM');
}

export async function signAccessToken(
  key: SigningKey,
  claims: AccessClaims,
  lifetimeSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: TOKEN_TYPE })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + lifetimeSeconds)
    .sign(key.privateKey);
}

export interface VerificationKey {
  alg: string;
  publicJwk: Record<string, string>;
}

/**
 * Verifies signature, algorithm (only EdDSA/ES256, and only the one registered for the kid), type,
 * issuer, audience and expiry. Every failure is a TokenRejected whose message is for the log only.
 */
export async function verifyAccessToken(
  token: string,
  lookup: (kid: string) => Promise<VerificationKey | undefined>,
): Promise<AccessClaims> {
  // A failing lookup (the database is away) is not a verdict on the token: it is rethrown as it is,
  // so the caller answers 503 and the client stays signed in.
  let lookupFailure: { err: unknown } | undefined;
  const getKey = async (header: JWTHeaderParameters) => {
    if (!header.kid) throw new TokenRejected('token has no kid');
    let found: VerificationKey | undefined;
    try {
      found = await lookup(header.kid);
    } catch (err) {
      lookupFailure = { err };
      throw err;
    }
    if (!found) throw new TokenRejected(`unknown or retired kid ${header.kid}`);
    if (found.alg !== header.alg)
      throw new TokenRejected(`alg ${header.alg} does not match key ${header.kid}`);
    return importJWK(found.publicJwk as JWK, found.alg);
  };
  try {
    const { payload } = await jwtVerify(token, getKey, {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: TOKEN_TYPE,
      algorithms: ['EdDSA', 'ES256'],
      requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
      throw new TokenRejected('sub and sid must be strings');
    return { sub: payload.sub, sid: payload.sid };
  } catch (err) {
    if (lookupFailure) throw lookupFailure.err;
    if (err instanceof TokenRejected) throw err;
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'invalid';
    throw new TokenRejected(`${code}: ${err instanceof Error ? err.message : 'invalid token'}`);
  }
}
