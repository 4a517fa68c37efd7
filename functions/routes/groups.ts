import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  addGroupMember,
  deleteGroup,
  groupById,
  groupHosts,
  insertGroup,
  listGroups,
  removeGroupMember,
  setGroupMembers,
  updateGroup,
  type GroupRow,
} from '../../core/db/sql/groups.ts';
import { liveHostIds } from '../../core/db/sql/hosts.ts';
import { SQLSTATE, sqlState, type Queryable } from '../../core/db/types.ts';
import { osFamilySchema } from '../../core/fleet/validate.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { idParams } from '../identity/views.ts';

const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  auto_os_family: z.string().nullable(),
  maintenance: z.boolean(),
  host_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
const memberSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  environment: z.string(),
  address: z.string(),
  membership: z.enum(['manual', 'auto']),
});

function groupView(g: GroupRow) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    auto_os_family: g.auto_os_family,
    maintenance: g.maintenance,
    host_count: g.host_count,
    created_at: g.created_at.toISOString(),
    updated_at: g.updated_at.toISOString(),
  };
}

const name = z.string().trim().min(1).max(100);
const description = z.string().max(2000);
const notFound = (): ApiError => new ApiError(404, 'not_found', 'no such group');
const nameTaken = (err: unknown): ApiError => {
  if (sqlState(err) === SQLSTATE.uniqueViolation)
    return new ApiError(409, 'group_exists', 'a group with that name exists');
  throw err;
};
const memberParams = z.object({ id: z.uuid(), hostId: z.uuid() });

function event(
  p: Principal,
  ip: string,
  code: 'group.created' | 'group.updated' | 'group.deleted' | 'group.members.changed',
  id: string,
  details: Record<string, unknown>,
) {
  return { code, actor: actorOf(p), target: { type: 'host_group', id }, ip, details };
}

async function liveGroup(q: Queryable, id: string): Promise<GroupRow> {
  const g = await groupById(q, id);
  if (!g) throw notFound();
  return g;
}

export const listGroupsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/groups',
  permission: 'hosts:read',
  summary: 'Host groups with their member counts',
  tags: ['groups'],
  responses: { 200: { description: 'Groups', schema: z.object({ items: z.array(groupSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await listGroups(db)).map(groupView) }),
});

export const createGroupRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/groups',
  permission: 'hosts:manage',
  summary: 'Create a host group (auto_os_family adds every host of that OS family)',
  tags: ['groups'],
  body: z
    .object({
      name,
      description: description.default(''),
      auto_os_family: osFamilySchema.nullable().default(null),
      maintenance: z.boolean().default(false),
    })
    .strict(),
  responses: {
    201: { description: 'Created', schema: groupSchema },
    409: { description: 'group_exists' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const group = await ctx.db
      .transaction(async (tx) => {
        const g = await insertGroup(tx, {
          name: b.name,
          description: b.description,
          autoOsFamily: b.auto_os_family,
          maintenance: b.maintenance,
        });
        await appendAuditEvents(tx, [event(p, ctx.clientIp, 'group.created', g.id, { ...b, name: g.name })]);
        return g;
      })
      .catch((err: unknown) => {
        throw nameTaken(err);
      });
    return jsonResponse(groupView(group), 201);
  },
});

export const getGroupRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/groups/:id',
  permission: 'hosts:read',
  summary: 'One host group with its members (manual and automatic)',
  tags: ['groups'],
  params: idParams,
  responses: {
    200: { description: 'The group', schema: groupSchema.extend({ hosts: z.array(memberSchema) }) },
    404: { description: 'No such group' },
  },
  handler: async ({ db, params }) => {
    const g = await liveGroup(db, params.id);
    return jsonResponse({ ...groupView(g), hosts: await groupHosts(db, g.id) });
  },
});

export const updateGroupRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/groups/:id',
  permission: 'hosts:manage',
  summary: 'Change a host group (name, description, automatic OS family, maintenance)',
  tags: ['groups'],
  params: idParams,
  body: z
    .object({
      name: name.optional(),
      description: description.optional(),
      auto_os_family: osFamilySchema.nullable().optional(),
      maintenance: z.boolean().optional(),
    })
    .strict(),
  responses: {
    200: { description: 'Updated', schema: groupSchema },
    404: { description: 'No such group' },
    409: { description: 'group_exists' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const group = await ctx.db
      .transaction(async (tx) => {
        const g = await updateGroup(tx, ctx.params.id, {
          name: b.name,
          description: b.description,
          autoOsFamily: b.auto_os_family,
          maintenance: b.maintenance,
        });
        if (g) await appendAuditEvents(tx, [event(p, ctx.clientIp, 'group.updated', g.id, { changes: b })]);
        return g;
      })
      .catch((err: unknown) => {
        throw nameTaken(err);
      });
    if (!group) throw notFound();
    return jsonResponse(groupView(group));
  },
});

export const deleteGroupRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/groups/:id',
  permission: 'hosts:manage',
  summary: 'Delete a host group (its hosts stay)',
  tags: ['groups'],
  params: idParams,
  responses: { 204: { description: 'Deleted' }, 404: { description: 'No such group' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const g = await liveGroup(tx, ctx.params.id);
      await deleteGroup(tx, g.id);
      await appendAuditEvents(tx, [event(p, ctx.clientIp, 'group.deleted', g.id, { name: g.name })]);
    });
    return new Response(null, { status: 204 });
  },
});

export const setGroupHostsRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/groups/:id/hosts',
  permission: 'hosts:manage',
  summary: "Replace a group's manual members (automatic members are not affected)",
  tags: ['groups'],
  params: idParams,
  body: z.object({ host_ids: z.array(z.uuid()).max(10_000) }).strict(),
  responses: {
    200: { description: 'The members now', schema: z.object({ hosts: z.array(memberSchema) }) },
    404: { description: 'No such group' },
    422: { description: 'unknown_host: an id names no live host' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const ids = [...new Set(ctx.body.host_ids)];
    await ctx.db.transaction(async (tx) => {
      const g = await liveGroup(tx, ctx.params.id);
      const live = new Set(await liveHostIds(tx, ids));
      const missing = ids.filter((id) => !live.has(id));
      if (missing.length > 0)
        throw new ApiError(422, 'unknown_host', 'some host ids name no host', { host_ids: missing });
      const change = await setGroupMembers(tx, g.id, ids);
      await appendAuditEvents(tx, [event(p, ctx.clientIp, 'group.members.changed', g.id, change)]);
    });
    return jsonResponse({ hosts: await groupHosts(ctx.db, ctx.params.id) });
  },
});

export const addGroupHostRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/groups/:id/hosts/:hostId',
  permission: 'hosts:manage',
  summary: 'Add a host to a group by hand',
  tags: ['groups'],
  params: memberParams,
  responses: { 204: { description: 'A member' }, 404: { description: 'No such group or host' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const g = await liveGroup(tx, ctx.params.id);
      if ((await liveHostIds(tx, [ctx.params.hostId])).length === 0)
        throw new ApiError(404, 'not_found', 'no such host');
      if (await addGroupMember(tx, g.id, ctx.params.hostId))
        await appendAuditEvents(tx, [
          event(p, ctx.clientIp, 'group.members.changed', g.id, { added: [ctx.params.hostId], removed: [] }),
        ]);
    });
    return new Response(null, { status: 204 });
  },
});

export const removeGroupHostRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/groups/:id/hosts/:hostId',
  permission: 'hosts:manage',
  summary: 'Remove a manual member (a host matched by the automatic OS family stays a member)',
  tags: ['groups'],
  params: memberParams,
  responses: { 204: { description: 'Not a manual member' }, 404: { description: 'No such group' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const g = await liveGroup(tx, ctx.params.id);
      if (await removeGroupMember(tx, g.id, ctx.params.hostId))
        await appendAuditEvents(tx, [
          event(p, ctx.clientIp, 'group.members.changed', g.id, { added: [], removed: [ctx.params.hostId] }),
        ]);
    });
    return new Response(null, { status: 204 });
  },
});
