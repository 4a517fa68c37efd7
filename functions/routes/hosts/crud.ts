import { appendAuditEvents } from '../../../core/audit/append.ts';
import { groupsOfHost, hostById, softDeleteHost, updateHost } from '../../../core/db/sql/hosts.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { createHost, hostWriteError } from '../../fleet/host-store.ts';
import { hostPatchSchema, hostSchema, hostView, newHostSchema } from '../../fleet/host-views.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { idParams } from '../../identity/views.ts';

const notFound = (): ApiError => new ApiError(404, 'not_found', 'no such host');

export const createHostRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts',
  permission: 'hosts:manage',
  summary: 'Register a host',
  tags: ['hosts'],
  body: newHostSchema,
  responses: {
    201: { description: 'Created', schema: hostSchema },
    409: { description: 'host_exists: the hostname is taken in that environment' },
    422: { description: 'unknown_credential' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const host = await createHost(ctx.db, ctx.body, { actor: actorOf(p), ip: ctx.clientIp, source: 'api' });
    return jsonResponse(hostView(host, []), 201);
  },
});

export const getHostRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id',
  permission: 'hosts:read',
  summary: 'One host with its OS facts and groups',
  tags: ['hosts'],
  params: idParams,
  responses: { 200: { description: 'The host', schema: hostSchema }, 404: { description: 'No such host' } },
  handler: async ({ db, params }) => {
    const host = await hostById(db, params.id);
    if (!host) throw notFound();
    return jsonResponse(hostView(host, await groupsOfHost(db, host.id)));
  },
});

export const updateHostRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/hosts/:id',
  permission: 'hosts:manage',
  summary: 'Change a host (maintenance on/off included)',
  tags: ['hosts'],
  params: idParams,
  body: hostPatchSchema,
  responses: {
    200: { description: 'Updated', schema: hostSchema },
    404: { description: 'No such host' },
    409: { description: 'host_exists: the hostname is taken in that environment' },
    422: { description: 'unknown_credential' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    let host;
    try {
      host = await ctx.db.transaction(async (tx) => {
        const h = await updateHost(tx, ctx.params.id, {
          hostname: b.hostname,
          address: b.address,
          port: b.port,
          environment: b.environment,
          tags: b.tags,
          description: b.description,
          credentialId: b.credential_id,
          useSudo: b.use_sudo,
          hostKeyPolicy: b.host_key_policy,
          maintenance: b.maintenance,
        });
        if (h)
          await appendAuditEvents(tx, [
            {
              code: 'host.updated',
              actor: actorOf(p),
              target: { type: 'host', id: h.id },
              ip: ctx.clientIp,
              details: { hostname: h.hostname, changes: b },
            },
          ]);
        return h;
      });
    } catch (err) {
      throw hostWriteError(err);
    }
    if (!host) throw notFound();
    return jsonResponse(hostView(host, await groupsOfHost(ctx.db, host.id)));
  },
});

export const deleteHostRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/hosts/:id',
  permission: 'hosts:manage',
  summary: 'Remove a host (soft: its history stays, its hostname is free again)',
  tags: ['hosts'],
  params: idParams,
  responses: { 204: { description: 'Removed' }, 404: { description: 'No such host' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const host = await ctx.db.transaction(async (tx) => {
      const h = await softDeleteHost(tx, ctx.params.id);
      if (h)
        await appendAuditEvents(tx, [
          {
            code: 'host.deleted',
            actor: actorOf(p),
            target: { type: 'host', id: h.id },
            ip: ctx.clientIp,
            details: { hostname: h.hostname, environment: h.environment },
          },
        ]);
      return h;
    });
    if (!host) throw notFound();
    return new Response(null, { status: 204 });
  },
});
