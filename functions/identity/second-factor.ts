import { open, envelopeContext } from '../../core/crypto/envelope.ts';
import { useRecoveryCode } from '../../core/db/sql/recovery-codes.ts';
import { claimTotpStep, type UserRow } from '../../core/db/sql/users.ts';
import type { Queryable } from '../../core/db/types.ts';
import {
  normaliseRecoveryCode,
  opaqueTokenHash,
  RECOVERY_CODE_SHAPE,
} from '../../core/identity/opaque-tokens.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import { matchTotp } from '../../core/identity/totp.ts';

export function mfaSecretContext(userId: string): string {
  return envelopeContext('users', userId, 'mfa_secret');
}

export async function openMfaSecret(identity: IdentityRuntime, user: Pick<UserRow, 'id' | 'mfa_secret'>) {
  if (!user.mfa_secret) throw new Error('user has no MFA secret');
  return open(await identity.keyring(), user.mfa_secret, mfaSecretContext(user.id));
}

/** Recovery codes are stored as SHA-256 of the normalised code, salted by the user id. */
export function recoveryCodeHash(userId: string, code: string): Promise<string> {
  return opaqueTokenHash(`${userId}:${normaliseRecoveryCode(code)}`);
}

export type SecondFactor = { ok: true; via: 'totp' | 'recovery_code' } | { ok: false };

/**
 * Checks a TOTP code (current step ±1, and only a step newer than the last one used, so a code cannot
 * be replayed) or spends a recovery code.
 */
export async function checkSecondFactor(
  q: Queryable,
  identity: IdentityRuntime,
  user: Pick<UserRow, 'id' | 'mfa_secret'>,
  code: string,
  now = Date.now(),
): Promise<SecondFactor> {
  const input = code.trim();
  if (/^\d{6}$/.test(input)) {
    const step = await matchTotp(await openMfaSecret(identity, user), input, now);
    if (step === undefined) return { ok: false };
    return (await claimTotpStep(q, user.id, step)) ? { ok: true, via: 'totp' } : { ok: false };
  }
  if (RECOVERY_CODE_SHAPE.test(normaliseRecoveryCode(input))) {
    const used = await useRecoveryCode(q, user.id, await recoveryCodeHash(user.id, input));
    return used ? { ok: true, via: 'recovery_code' } : { ok: false };
  }
  return { ok: false };
}
