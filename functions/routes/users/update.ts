import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { rolesByNames, setUserRoles } from '../../../core/db/sql/roles.ts';
import { updateUserProfile } from '../../../core/db/sql/users.ts';
import { permissionsOf } from '../../../core/rbac/roles.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import {
  assertAdminRemains,
  assertCanGrant,
  assertCanManage,
  assertNotSelf,
  loadTarget,
} from '../../identity/guard.ts';
import { idParams, userSchema, userView } from '../../identity/views.ts';
import { roleList } from './create.ts';

export const updateUserRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/users/:id',
  permission: 'users:manage',
  summary: "Update a user's profile (e-mail, display name)",
  tags: ['users'],
  params: idParams,
  body: z
    .object({ email: z.email().max(254).optional(), display_name: z.string().max(200).optional() })
    .strict(),
  responses: { 200: { description: 'Updated', schema: userSchema }, 404: { description: 'No such user' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const target = await loadTarget(ctx.db, ctx.params.id);
    await assertCanManage(ctx.db, p, ctx.clientIp, target, 'update profile');
    const user = await ctx.db.transaction(async (tx) => {
      const u = await updateUserProfile(tx, target.user.id, {
        email: ctx.body.email,
        displayName: ctx.body.display_name,
      });
      await appendAuditEvents(tx, [
        {
          code: 'user.updated',
          actor: actorOf(p),
          target: { type: 'user', id: target.user.id },
          ip: ctx.clientIp,
          details: { fields: Object.keys(ctx.body) },
        },
      ]);
      return u;
    });
    if (!user) throw new ApiError(404, 'not_found', 'no such user');
    return jsonResponse(userView(user, target.roles));
  },
});

export const setUserRolesRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/users/:id/roles',
  permission: 'users:manage',
  summary: "Replace a user's roles (their permissions are the union)",
  tags: ['users'],
  params: idParams,
  body: z.object({ roles: roleList }).strict(),
  responses: {
    200: { description: 'Updated', schema: userSchema },
    403: { description: 'A role grants permissions you do not hold, or the user holds some you do not' },
    409: { description: 'Your own roles, or the last administrator' },
    422: { description: 'A role does not exist' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const target = await loadTarget(ctx.db, ctx.params.id);
    assertNotSelf(p, target, 'change the roles of');
    await assertCanManage(ctx.db, p, ctx.clientIp, target, 'change roles');
    const roles = [...new Set(ctx.body.roles)].sort();
    const grants = await rolesByNames(ctx.db, roles);
    if (grants.length !== roles.length) throw new ApiError(422, 'unknown_role', 'a role does not exist');
    await assertCanGrant(ctx.db, p, ctx.clientIp, permissionsOf(grants), 'user roles');
    await ctx.db.transaction(async (tx) => {
      await assertAdminRemains(tx, target, !roles.includes('admin'));
      await setUserRoles(tx, target.user.id, roles);
      await appendAuditEvents(tx, [
        {
          code: 'user.roles.changed',
          actor: actorOf(p),
          target: { type: 'user', id: target.user.id },
          ip: ctx.clientIp,
          details: { before: target.roles, after: roles },
        },
      ]);
    });
    return jsonResponse(userView(target.user, roles));
  },
});
