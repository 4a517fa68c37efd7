import { randomBytes, sha256, toBase64Url, toHex } from '../crypto/bytes.ts';

/**
 * Opaque bearer secrets: 32 random bytes, base64url, behind a prefix that names their kind (so secret
 * scanners and logs can recognise them). Only their SHA-256 is stored: a stolen table yields nothing
 * usable, and lookup by hash means no secret is ever compared in variable time.
 */
export const REFRESH_PREFIX = 'owr_';
export const API_TOKEN_PREFIX = 'owk_';
const SECRET_BYTES = 32;
const SHAPE = /^ow[rk]_[A-Za-z0-9_-]{43}$/;

export function newOpaqueToken(prefix: typeof REFRESH_PREFIX | typeof API_TOKEN_PREFIX): string {
  return prefix + toBase64Url(randomBytes(SECRET_BYTES));
}

export function isOpaqueToken(value: string, prefix: string): boolean {
  return value.startsWith(prefix) && SHAPE.test(value);
}

/** Hex SHA-256 of the whole token, as stored. */
export async function opaqueTokenHash(token: string): Promise<string> {
  return toHex(await sha256(token));
}

/** A short, non-secret handle shown in token lists: the prefix and the first 6 characters. */
export function tokenHint(token: string): string {
  return token.slice(0, 10);
}

/** Recovery codes: 10 per enrolment, `xxxx-xxxx-xxxx` in an unambiguous alphabet (60 bits each). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_SHAPE = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;

export function newRecoveryCode(): string {
  const bytes = randomBytes(24);
  let out = '';
  for (const b of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 248) continue;
    out += RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length];
    if (out.length === 12) break;
  }
  if (out.length < 12) return newRecoveryCode();
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

export function normaliseRecoveryCode(input: string): string {
  return input.trim().toLowerCase().replace(/\s+/g, '');
}
