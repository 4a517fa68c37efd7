import { z } from 'zod';
import { appendAuditEvents, audit } from '../../../core/audit/append.ts';
import { revokeUserSessions } from '../../../core/db/sql/sessions.ts';
import { setPasswordHash, userById } from '../../../core/db/sql/users.ts';
import { hashPassword, verifyPassword } from '../../../core/identity/password-hash.ts';
import { checkPassword } from '../../../core/identity/password-policy.ts';
import { isPrivileged } from '../../../core/rbac/roles.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { enforceLimits } from '../../identity/rate-limit.ts';

export function weakPassword(messages: string[]): ApiError {
  return new ApiError(
    422,
    'weak_password',
    'the new password does not meet the password policy',
    messages.map((m) => ({ field: 'password', message: `password ${m}` })),
  );
}

export const changePasswordRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/me/password',
  permission: 'authenticated',
  sessionOnly: true,
  summary: 'Change your own password (signs out your other sessions)',
  tags: ['auth'],
  body: z
    .object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) })
    .strict(),
  responses: {
    204: { description: 'Changed' },
    403: { description: 'The current password is wrong' },
    422: { description: 'The new password does not meet the policy' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const s = ctx.services.identity.settings;
    await enforceLimits(
      ctx.db,
      [
        {
          key: `password:user:${p.userId}`,
          max: s.login_limit_per_account,
          windowSeconds: s.rate_window_seconds,
        },
      ],
      { actor: actorOf(p), ip: ctx.clientIp, what: 'password_change' },
    );
    const user = await userById(ctx.db, p.userId);
    if (!user) throw new ApiError(404, 'not_found', 'no such user');
    if (!(await verifyPassword(ctx.body.current_password, user.password_hash))) {
      await audit(ctx.db, {
        code: 'auth.login.failed',
        actor: actorOf(p),
        target: { type: 'user', id: p.userId },
        ip: ctx.clientIp,
        details: { username: p.username, reason: 'bad_current_password' },
      });
      throw new ApiError(403, 'invalid_credentials', 'the current password is wrong');
    }
    const policy = checkPassword(ctx.body.new_password, {
      username: user.username,
      email: user.email,
      privileged: isPrivileged(p.permissions),
      common: await ctx.services.identity.commonPasswords(),
    });
    if (!policy.ok) throw weakPassword(policy.messages);
    const hash = await hashPassword(ctx.body.new_password);
    await ctx.db.transaction(async (tx) => {
      await setPasswordHash(tx, p.userId, hash);
      const revoked = await revokeUserSessions(tx, p.userId, 'password_changed', p.sessionId);
      await appendAuditEvents(tx, [
        {
          code: 'auth.password.changed',
          actor: actorOf(p),
          target: { type: 'user', id: p.userId },
          ip: ctx.clientIp,
          details: { other_sessions_revoked: revoked },
        },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});
