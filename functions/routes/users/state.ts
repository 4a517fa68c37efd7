import { appendAuditEvents, type AuditEvent } from '../../../core/audit/append.ts';
import { revokeUserApiTokens } from '../../../core/db/sql/api-tokens.ts';
import { unlockSubject } from '../../../core/db/sql/lockouts.ts';
import { deleteRecoveryCodes } from '../../../core/db/sql/recovery-codes.ts';
import { revokeUserSessions } from '../../../core/db/sql/sessions.ts';
import { clearMfa, setDisabled, softDeleteUser } from '../../../core/db/sql/users.ts';
import type { Queryable } from '../../../core/db/types.ts';
import { actorOf, principalOf, type Principal } from '../../auth/principal.ts';
import { jsonResponse } from '../../http/errors.ts';
import { defineRoute, type AnyRoute } from '../../http/route.ts';
import {
  assertAdminRemains,
  assertCanManage,
  assertNotSelf,
  loadTarget,
  type Target,
} from '../../identity/guard.ts';
import { idParams, userSchema, userView } from '../../identity/views.ts';

interface Action {
  path: string;
  method: 'POST' | 'DELETE';
  summary: string;
  what: string;
  /** Refused on one's own account, and on the last administrator. */
  guardSelf: boolean;
  code: AuditEvent['code'];
  /** 204 instead of the user (a deleted user is no longer shown). */
  noContent?: boolean;
  apply(tx: Queryable, t: Target, p: Principal): Promise<Record<string, unknown>>;
}

/** Revokes every session and API token of the user: a disabled or deleted account stops at once. */
async function cutOff(tx: Queryable, userId: string, reason: string) {
  return {
    sessions_revoked: await revokeUserSessions(tx, userId, reason),
    api_tokens_revoked: await revokeUserApiTokens(tx, userId),
  };
}

function stateRoute(a: Action): AnyRoute {
  return defineRoute({
    method: a.method,
    path: a.path,
    permission: 'users:manage',
    summary: a.summary,
    tags: ['users'],
    params: idParams,
    responses: {
      ...(a.noContent
        ? { 204: { description: 'Done' } }
        : { 200: { description: 'Done; the user as it is now', schema: userSchema } }),
      403: { description: 'The user holds permissions you do not' },
      404: { description: 'No such user' },
      409: { description: 'Your own account, or the last administrator' },
    },
    handler: async (ctx) => {
      const p = principalOf(ctx);
      const target = await loadTarget(ctx.db, ctx.params.id);
      if (a.guardSelf) assertNotSelf(p, target, a.what);
      await assertCanManage(ctx.db, p, ctx.clientIp, target, a.what);
      await ctx.db.transaction(async (tx) => {
        if (a.guardSelf) await assertAdminRemains(tx, target, true);
        const details = await a.apply(tx, target, p);
        await appendAuditEvents(tx, [
          {
            code: a.code,
            actor: actorOf(p),
            target: { type: 'user', id: target.user.id },
            ip: ctx.clientIp,
            details,
          },
        ]);
      });
      if (a.noContent) return new Response(null, { status: 204 });
      const after = await loadTarget(ctx.db, target.user.id);
      return jsonResponse(userView(after.user, after.roles));
    },
  });
}

export const disableUserRoute = stateRoute({
  method: 'POST',
  path: '/api/v1/users/:id/disable',
  summary: 'Disable a user: sign-in refused, sessions and API tokens revoked',
  what: 'disable',
  guardSelf: true,
  code: 'user.disabled',
  apply: async (tx, t) => {
    await setDisabled(tx, t.user.id, true);
    return { username: t.user.username, ...(await cutOff(tx, t.user.id, 'user_disabled')) };
  },
});

export const enableUserRoute = stateRoute({
  method: 'POST',
  path: '/api/v1/users/:id/enable',
  summary: 'Enable a disabled user (revoked sessions and tokens stay revoked)',
  what: 'enable',
  guardSelf: false,
  code: 'user.enabled',
  apply: async (tx, t) => {
    await setDisabled(tx, t.user.id, false);
    return { username: t.user.username };
  },
});

export const deleteUserRoute = stateRoute({
  method: 'DELETE',
  path: '/api/v1/users/:id',
  summary: 'Delete a user (soft: the row stays for the audit trail; the username is never reused)',
  what: 'delete',
  guardSelf: true,
  code: 'user.deleted',
  noContent: true,
  apply: async (tx, t) => {
    await softDeleteUser(tx, t.user.id);
    return { username: t.user.username, ...(await cutOff(tx, t.user.id, 'user_deleted')) };
  },
});

export const unlockUserRoute = stateRoute({
  method: 'POST',
  path: '/api/v1/users/:id/unlock',
  summary: "Clear a user's failed-login count and lockout",
  what: 'unlock',
  guardSelf: false,
  code: 'auth.unlock',
  apply: async (tx, t) => ({
    username: t.user.username,
    was_locked: await unlockSubject(tx, t.user.username),
  }),
});

export const resetUserMfaRoute = stateRoute({
  method: 'DELETE',
  path: '/api/v1/users/:id/mfa',
  summary: "Remove a user's MFA (lost device); their sessions are revoked",
  what: 'reset MFA of',
  guardSelf: false,
  code: 'mfa.reset',
  apply: async (tx, t) => {
    await clearMfa(tx, t.user.id);
    await deleteRecoveryCodes(tx, t.user.id);
    return {
      username: t.user.username,
      sessions_revoked: await revokeUserSessions(tx, t.user.id, 'mfa_reset'),
    };
  },
});
