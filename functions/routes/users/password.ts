import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { revokeUserSessions } from '../../../core/db/sql/sessions.ts';
import { setPasswordHash } from '../../../core/db/sql/users.ts';
import { hashPassword } from '../../../core/identity/password-hash.ts';
import { checkPassword } from '../../../core/identity/password-policy.ts';
import { isPrivileged } from '../../../core/rbac/roles.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { assertCanManage, loadTarget } from '../../identity/guard.ts';
import { idParams } from '../../identity/views.ts';
import { weakPassword } from '../auth/password.ts';

export const resetPasswordRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/users/:id/password',
  permission: 'users:manage',
  summary: "Set a user's password (administrator reset); their sessions are revoked",
  tags: ['users'],
  params: idParams,
  body: z.object({ new_password: z.string().min(1).max(1024) }).strict(),
  responses: {
    204: { description: 'Password set' },
    403: { description: 'The user holds permissions you do not' },
    409: { description: 'Your own account: use POST /api/v1/auth/me/password' },
    422: { description: 'The password does not meet the policy' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const target = await loadTarget(ctx.db, ctx.params.id);
    if (target.user.id === p.userId)
      throw new ApiError(409, 'self_action', 'change your own password with POST /api/v1/auth/me/password');
    await assertCanManage(ctx.db, p, ctx.clientIp, target, 'reset password');
    const policy = checkPassword(ctx.body.new_password, {
      username: target.user.username,
      email: target.user.email,
      privileged: isPrivileged(target.permissions),
      common: await ctx.services.identity.commonPasswords(),
    });
    if (!policy.ok) throw weakPassword(policy.messages);
    const hash = await hashPassword(ctx.body.new_password);
    await ctx.db.transaction(async (tx) => {
      await setPasswordHash(tx, target.user.id, hash);
      const revoked = await revokeUserSessions(tx, target.user.id, 'password_reset');
      await appendAuditEvents(tx, [
        {
          code: 'user.password.reset',
          actor: actorOf(p),
          target: { type: 'user', id: target.user.id },
          ip: ctx.clientIp,
          details: { username: target.user.username, sessions_revoked: revoked },
        },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});
