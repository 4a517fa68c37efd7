import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { rolesOfUser } from '../../../core/db/sql/roles.ts';
import { revokeSession } from '../../../core/db/sql/sessions.ts';
import { updateUserProfile, userById } from '../../../core/db/sql/users.ts';
import { PERMISSIONS, type PermissionName } from '../../../core/rbac/permissions.ts';
import { clearedCookies } from '../../auth/cookies.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { userSchema, userView } from '../../identity/views.ts';

const meSchema = userSchema.extend({
  auth: z.object({
    kind: z.enum(['session', 'api_token']),
    session_id: z.string().nullable(),
    token_id: z.string().nullable(),
    restricted: z.boolean(),
  }),
});

export const meRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/auth/me',
  permission: 'authenticated',
  allowRestricted: true,
  summary: 'The signed-in user and how they authenticated',
  tags: ['auth'],
  responses: { 200: { description: 'The caller', schema: meSchema } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const user = await userById(ctx.db, p.userId);
    if (!user) throw new ApiError(401, 'unauthenticated', 'authentication required');
    return jsonResponse({
      ...userView(
        user,
        (await rolesOfUser(ctx.db, p.userId)).map((r) => r.name),
      ),
      auth: { kind: p.kind, session_id: p.sessionId, token_id: p.tokenId, restricted: p.restricted },
    });
  },
});

export const myPermissionsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/auth/me/permissions',
  permission: 'authenticated',
  allowRestricted: true,
  summary: "The caller's effective permissions (the union of their roles; for API tokens, the token's)",
  tags: ['auth'],
  responses: {
    200: {
      description: 'Permissions',
      schema: z.object({
        roles: z.array(z.string()),
        permissions: z.array(z.object({ name: z.string(), description: z.string() })),
      }),
    },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const names = [...p.permissions].sort();
    return jsonResponse({
      roles: p.roles,
      permissions: names.map((name: PermissionName) => ({ name, description: PERMISSIONS[name] })),
    });
  },
});

export const updateMeRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/auth/me',
  permission: 'authenticated',
  sessionOnly: true,
  summary: 'Update your own profile (e-mail, display name)',
  tags: ['auth'],
  body: z
    .object({ email: z.email().max(254).optional(), display_name: z.string().max(200).optional() })
    .strict(),
  responses: { 200: { description: 'Updated', schema: userSchema } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const user = await ctx.db.transaction(async (tx) => {
      const u = await updateUserProfile(tx, p.userId, {
        email: ctx.body.email,
        displayName: ctx.body.display_name,
      });
      await appendAuditEvents(tx, [
        {
          code: 'user.updated',
          actor: actorOf(p),
          target: { type: 'user', id: p.userId },
          ip: ctx.clientIp,
          details: { fields: Object.keys(ctx.body), self: true },
        },
      ]);
      return u;
    });
    if (!user) throw new ApiError(404, 'not_found', 'no such user');
    return jsonResponse(userView(user, p.roles));
  },
});

export const logoutRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/logout',
  permission: 'authenticated',
  allowRestricted: true,
  sessionOnly: true,
  summary: 'Sign out: revoke this session (its refresh tokens) and clear the session cookies',
  tags: ['auth'],
  responses: { 204: { description: 'Signed out' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    if (p.sessionId === null) throw new ApiError(403, 'session_required', 'API tokens cannot sign out');
    const sessionId = p.sessionId;
    await ctx.db.transaction(async (tx) => {
      await revokeSession(tx, sessionId, 'logout');
      await appendAuditEvents(tx, [
        {
          code: 'auth.logout',
          actor: actorOf(p),
          target: { type: 'session', id: sessionId },
          ip: ctx.clientIp,
        },
      ]);
    });
    const res = new Response(null, { status: 204 });
    for (const c of clearedCookies()) res.headers.append('set-cookie', c);
    return res;
  },
});
