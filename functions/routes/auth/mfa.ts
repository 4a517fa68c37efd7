import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { seal } from '../../../core/crypto/envelope.ts';
import { deleteRecoveryCodes, replaceRecoveryCodes } from '../../../core/db/sql/recovery-codes.ts';
import { rolesOfUser } from '../../../core/db/sql/roles.ts';
import { setSessionRestricted } from '../../../core/db/sql/sessions.ts';
import {
  clearMfa,
  enableMfa,
  setPendingMfaSecret,
  userById,
  type UserRow,
} from '../../../core/db/sql/users.ts';
import type { Queryable } from '../../../core/db/types.ts';
import { mfaRequired, readMfaPolicy } from '../../../core/identity/mfa-policy.ts';
import { newRecoveryCode, RECOVERY_CODE_COUNT } from '../../../core/identity/opaque-tokens.ts';
import { verifyPassword } from '../../../core/identity/password-hash.ts';
import { base32Encode, matchTotp, newTotpSecret, provisioningUri } from '../../../core/identity/totp.ts';
import { permissionsOf } from '../../../core/rbac/roles.ts';
import { actorOf, principalOf, type Principal } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute, type RouteContext } from '../../http/route.ts';
import { enforceLimits } from '../../identity/rate-limit.ts';
import {
  checkSecondFactor,
  mfaSecretContext,
  openMfaSecret,
  recoveryCodeHash,
} from '../../identity/second-factor.ts';

const NO_STORE = { 'cache-control': 'no-store' };
const codesSchema = z.object({ recovery_codes: z.array(z.string()) });

async function limitMfa(ctx: RouteContext<unknown, unknown, unknown>, p: Principal): Promise<void> {
  const s = ctx.services.identity.settings;
  await enforceLimits(
    ctx.db,
    [{ key: `mfa:user:${p.userId}`, max: s.mfa_limit_per_account, windowSeconds: s.rate_window_seconds }],
    { actor: actorOf(p), ip: ctx.clientIp, what: 'mfa' },
  );
}

async function currentUser(db: Queryable, p: Principal): Promise<UserRow> {
  const user = await userById(db, p.userId);
  if (!user) throw new ApiError(404, 'not_found', 'no such user');
  return user;
}

/** Ten fresh single-use codes; only their hashes are kept. */
async function issueRecoveryCodes(tx: Queryable, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await replaceRecoveryCodes(tx, userId, await Promise.all(codes.map((c) => recoveryCodeHash(userId, c))));
  return codes;
}

export const mfaEnrolRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/mfa/enrol',
  permission: 'authenticated',
  allowRestricted: true,
  sessionOnly: true,
  summary: 'Start TOTP enrolment: a new secret and its otpauth:// provisioning URI (shown once)',
  tags: ['auth'],
  responses: {
    200: {
      description: 'Pending secret',
      schema: z.object({ secret: z.string(), provisioning_uri: z.string() }),
    },
    409: { description: 'MFA is already enabled' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const user = await currentUser(ctx.db, p);
    if (user.mfa_enabled_at)
      throw new ApiError(409, 'mfa_already_enabled', 'MFA is already enabled; disable it first');
    const secret = newTotpSecret();
    const envelope = await seal(await ctx.services.identity.keyring(), secret, mfaSecretContext(user.id));
    await ctx.db.transaction(async (tx) => {
      await setPendingMfaSecret(tx, user.id, envelope);
      await appendAuditEvents(tx, [
        {
          code: 'mfa.enrolment.started',
          actor: actorOf(p),
          target: { type: 'user', id: user.id },
          ip: ctx.clientIp,
        },
      ]);
    });
    return jsonResponse(
      { secret: base32Encode(secret), provisioning_uri: provisioningUri(secret, user.username) },
      200,
      NO_STORE,
    );
  },
});

export const mfaVerifyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/mfa/verify',
  permission: 'authenticated',
  allowRestricted: true,
  sessionOnly: true,
  summary:
    'Finish enrolment with a code from the app: enables MFA and returns 10 recovery codes (shown once)',
  tags: ['auth'],
  body: z.object({ code: z.string().regex(/^\d{6}$/) }).strict(),
  responses: {
    200: { description: 'MFA enabled', schema: codesSchema },
    400: { description: 'The code does not match' },
    409: { description: 'No enrolment is pending' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await limitMfa(ctx, p);
    const user = await currentUser(ctx.db, p);
    if (!user.mfa_secret || user.mfa_enabled_at)
      throw new ApiError(409, 'no_pending_enrolment', 'start enrolment first (POST /api/v1/auth/mfa/enrol)');
    const step = await matchTotp(await openMfaSecret(ctx.services.identity, user), ctx.body.code, Date.now());
    if (step === undefined) throw new ApiError(400, 'invalid_code', 'the code does not match');
    const codes = await ctx.db.transaction(async (tx) => {
      await enableMfa(tx, user.id, step);
      const issued = await issueRecoveryCodes(tx, user.id);
      if (p.sessionId) await setSessionRestricted(tx, p.sessionId, false);
      await appendAuditEvents(tx, [
        { code: 'mfa.enabled', actor: actorOf(p), target: { type: 'user', id: user.id }, ip: ctx.clientIp },
      ]);
      return issued;
    });
    return jsonResponse({ recovery_codes: codes }, 200, NO_STORE);
  },
});

export const mfaDisableRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/mfa/disable',
  permission: 'authenticated',
  sessionOnly: true,
  summary: 'Turn MFA off, proving it with your password or a current code',
  tags: ['auth'],
  body: z
    .object({ password: z.string().min(1).max(1024).optional(), code: z.string().min(1).max(64).optional() })
    .strict()
    .refine((b) => b.password !== undefined || b.code !== undefined, 'give password or code'),
  responses: {
    204: { description: 'MFA disabled' },
    403: { description: 'Wrong password or code' },
    409: { description: 'MFA is not enabled, or the MFA policy requires it for this account' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await limitMfa(ctx, p);
    const user = await currentUser(ctx.db, p);
    if (!user.mfa_enabled_at) throw new ApiError(409, 'mfa_not_enabled', 'MFA is not enabled');
    const perms = permissionsOf(await rolesOfUser(ctx.db, user.id));
    if (mfaRequired(await readMfaPolicy(ctx.db), perms))
      throw new ApiError(409, 'mfa_required_by_policy', 'the MFA policy requires MFA for this account');
    const proven =
      (ctx.body.password !== undefined && (await verifyPassword(ctx.body.password, user.password_hash))) ||
      (ctx.body.code !== undefined &&
        (await checkSecondFactor(ctx.db, ctx.services.identity, user, ctx.body.code)).ok);
    if (!proven) throw new ApiError(403, 'invalid_credentials', 'wrong password or code');
    await ctx.db.transaction(async (tx) => {
      await clearMfa(tx, user.id);
      await deleteRecoveryCodes(tx, user.id);
      await appendAuditEvents(tx, [
        { code: 'mfa.disabled', actor: actorOf(p), target: { type: 'user', id: user.id }, ip: ctx.clientIp },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});

export const mfaRecoveryCodesRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/mfa/recovery-codes',
  permission: 'authenticated',
  sessionOnly: true,
  summary: 'Replace your recovery codes (needs a current TOTP code); the old ones stop working',
  tags: ['auth'],
  body: z.object({ code: z.string().regex(/^\d{6}$/) }).strict(),
  responses: { 200: { description: 'New codes', schema: codesSchema }, 403: { description: 'Wrong code' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await limitMfa(ctx, p);
    const user = await currentUser(ctx.db, p);
    if (!user.mfa_enabled_at) throw new ApiError(409, 'mfa_not_enabled', 'MFA is not enabled');
    if (!(await checkSecondFactor(ctx.db, ctx.services.identity, user, ctx.body.code)).ok)
      throw new ApiError(403, 'invalid_credentials', 'wrong code');
    const codes = await ctx.db.transaction(async (tx) => {
      const issued = await issueRecoveryCodes(tx, user.id);
      await appendAuditEvents(tx, [
        {
          code: 'mfa.recovery_codes.regenerated',
          actor: actorOf(p),
          target: { type: 'user', id: user.id },
          ip: ctx.clientIp,
        },
      ]);
      return issued;
    });
    return jsonResponse({ recovery_codes: codes }, 200, NO_STORE);
  },
});
