import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  deleteRole,
  insertRole,
  listRoles,
  roleByName,
  roleTokenCount,
  updateRole,
  type RoleRow,
} from '../../core/db/sql/roles.ts';
import { PERMISSIONS, PERMISSION_NAMES, isPermission } from '../../core/rbac/permissions.ts';
import { BUILTIN_ROLES, isBuiltinRole, permissionsOf } from '../../core/rbac/roles.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { assertCanGrant } from '../identity/guard.ts';

const roleSchema = z.object({
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  permissions: z.array(z.string()),
});
const nameParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/) });
const permissionList = z
  .array(z.string().refine(isPermission, 'not a permission in the registry'))
  .max(PERMISSION_NAMES.length)
  .transform((ps) => [...new Set(ps)].sort());

function roleView(r: RoleRow) {
  return {
    name: r.name,
    description: isBuiltinRole(r.name) ? BUILTIN_ROLES[r.name].description : r.description,
    builtin: r.builtin,
    permissions: [...permissionsOf([r])].sort(),
  };
}

async function customRole(q: Parameters<typeof roleByName>[0], name: string): Promise<RoleRow> {
  const role = await roleByName(q, name);
  if (!role) throw new ApiError(404, 'not_found', 'no such role');
  if (role.builtin) throw new ApiError(409, 'builtin_role', 'built-in roles cannot be changed');
  return role;
}

export const listPermissionsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/permissions',
  permission: 'roles:read',
  summary: 'The permission registry',
  tags: ['roles'],
  responses: {
    200: {
      description: 'Every permission',
      schema: z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) }),
    },
  },
  handler: async () =>
    jsonResponse({ items: PERMISSION_NAMES.map((name) => ({ name, description: PERMISSIONS[name] })) }),
});

export const listRolesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/roles',
  permission: 'roles:read',
  summary: 'Built-in and custom roles with their permissions',
  tags: ['roles'],
  responses: { 200: { description: 'Roles', schema: z.object({ items: z.array(roleSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await listRoles(db)).map(roleView) }),
});

export const getRoleRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/roles/:name',
  permission: 'roles:read',
  summary: 'One role',
  tags: ['roles'],
  params: nameParams,
  responses: { 200: { description: 'The role', schema: roleSchema }, 404: { description: 'No such role' } },
  handler: async ({ db, params }) => {
    const role = await roleByName(db, params.name);
    if (!role) throw new ApiError(404, 'not_found', 'no such role');
    return jsonResponse(roleView(role));
  },
});

export const createRoleRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/roles',
  permission: 'roles:manage',
  summary: 'Create a custom role (only with permissions you hold)',
  tags: ['roles'],
  body: z
    .object({
      name: nameParams.shape.name,
      description: z.string().max(500).default(''),
      permissions: permissionList,
    })
    .strict(),
  responses: {
    201: { description: 'Created', schema: roleSchema },
    403: { description: 'It would grant permissions you do not hold' },
    409: { description: 'The name is taken (built-in names included)' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await assertCanGrant(ctx.db, p, ctx.clientIp, ctx.body.permissions, 'role permissions');
    const role = await ctx.db.transaction(async (tx) => {
      const r = await insertRole(tx, ctx.body);
      if (r)
        await appendAuditEvents(tx, [
          {
            code: 'role.created',
            actor: actorOf(p),
            target: { type: 'role', id: r.name },
            ip: ctx.clientIp,
            details: { permissions: ctx.body.permissions },
          },
        ]);
      return r;
    });
    if (!role) throw new ApiError(409, 'role_exists', 'a role with that name exists');
    return jsonResponse(roleView(role), 201);
  },
});

export const updateRoleRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/roles/:name',
  permission: 'roles:manage',
  summary: 'Change a custom role (you must hold its old and new permissions)',
  tags: ['roles'],
  params: nameParams,
  body: z
    .object({ description: z.string().max(500).optional(), permissions: permissionList.optional() })
    .strict(),
  responses: {
    200: { description: 'Updated', schema: roleSchema },
    403: { description: 'It holds or would grant permissions you do not hold' },
    404: { description: 'No such role' },
    409: { description: 'Built-in role' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const before = await customRole(ctx.db, ctx.params.name);
    const oldPerms = permissionsOf([before]);
    await assertCanGrant(
      ctx.db,
      p,
      ctx.clientIp,
      [...oldPerms, ...(ctx.body.permissions ?? [])],
      'role permissions',
    );
    const role = await ctx.db.transaction(async (tx) => {
      const r = await updateRole(tx, before.name, {
        description: ctx.body.description,
        permissions: ctx.body.permissions,
      });
      await appendAuditEvents(tx, [
        {
          code: 'role.updated',
          actor: actorOf(p),
          target: { type: 'role', id: before.name },
          ip: ctx.clientIp,
          details: { before: [...oldPerms].sort(), after: ctx.body.permissions ?? [...oldPerms].sort() },
        },
      ]);
      return r;
    });
    if (!role) throw new ApiError(404, 'not_found', 'no such role');
    return jsonResponse(roleView(role));
  },
});

export const deleteRoleRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/roles/:name',
  permission: 'roles:manage',
  summary: 'Delete a custom role (its holders lose it; refused while live API tokens are bound to it)',
  tags: ['roles'],
  params: nameParams,
  responses: {
    204: { description: 'Deleted' },
    404: { description: 'No such role' },
    409: { description: 'Built-in or in use' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const role = await customRole(ctx.db, ctx.params.name);
    await assertCanGrant(ctx.db, p, ctx.clientIp, permissionsOf([role]), 'role permissions');
    if ((await roleTokenCount(ctx.db, role.name)) > 0)
      throw new ApiError(409, 'role_in_use', 'API tokens are bound to this role; revoke them first');
    await ctx.db.transaction(async (tx) => {
      await deleteRole(tx, role.name);
      await appendAuditEvents(tx, [
        {
          code: 'role.deleted',
          actor: actorOf(p),
          target: { type: 'role', id: role.name },
          ip: ctx.clientIp,
          details: { permissions: role.permissions ?? [] },
        },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});
