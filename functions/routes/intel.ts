import { z } from 'zod';
import { audit } from '../../core/audit/append.ts';
import { hostById } from '../../core/db/sql/hosts.ts';
import * as sql from '../../core/db/sql/intel.ts';
import { compareDebVersions } from '../../core/intel/debversion.ts';
import { compareRpmVersions } from '../../core/intel/rpmversion.ts';
import { requestIntel } from '../../core/intel/jobs.ts';
import { INTEL_SECTIONS } from '../../core/intel/sections.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { pageLimit } from '../http/page.ts';
import { defineRoute } from '../http/route.ts';
import type { Db } from '../../core/db/types.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const item = z.record(z.string(), z.unknown());
const version = z.string().regex(/^[A-Za-z0-9.+~^_:-]{1,100}$/, 'a Debian or RPM version');

async function liveHost(db: Db, id: string) {
  const host = await hostById(db, id);
  if (!host) throw new ApiError(404, 'not_found', 'no such host');
  return host;
}

export const collectIntelRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/:id/intel/collect',
  permission: 'scans:run',
  summary:
    'Queue a collection of the host’s inventory (packages, services, users, ports, network, mounts, kernel)',
  tags: ['intelligence'],
  params: idParam,
  responses: {
    202: { description: 'Queued', schema: z.object({ job_id: z.string() }) },
    404: { description: 'No such host' },
    409: { description: 'A collection is already queued or running' },
  },
  handler: async (ctx) => {
    await liveHost(ctx.db, ctx.params.id);
    const job = await requestIntel(ctx.db, await ctx.services.identity.jobKey(), ctx.params.id);
    if (!job)
      throw new ApiError(409, 'intel_in_progress', 'a collection of this host is already queued or running');
    await audit(ctx.db, {
      code: 'host.intel.requested',
      actor: actorOf(principalOf(ctx)),
      target: { type: 'host', id: ctx.params.id },
      ip: ctx.clientIp,
      details: { job_id: job.id },
    });
    return jsonResponse({ job_id: job.id }, 202);
  },
});

export const hostIntelRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id/intel',
  permission: 'hosts:read',
  summary: 'The host’s current inventory by section (when each was last collected and last changed)',
  tags: ['intelligence'],
  params: idParam,
  query: z.object({ section: z.enum(INTEL_SECTIONS).optional() }).strict(),
  responses: {
    200: {
      description: 'Sections',
      schema: z.object({
        sections: z.array(
          z.object({
            section: z.string(),
            collected_at: z.string(),
            changed_at: z.string(),
            items: z.array(item),
          }),
        ),
      }),
    },
    404: { description: 'No such host' },
  },
  handler: async (ctx) => {
    await liveHost(ctx.db, ctx.params.id);
    const rows = await sql.hostIntel(ctx.db, ctx.params.id, ctx.query.section);
    return jsonResponse({
      sections: rows.map((r) => ({
        section: r.section,
        collected_at: r.collected_at.toISOString(),
        changed_at: r.changed_at.toISOString(),
        items: r.items,
      })),
    });
  },
});

export const hostIntelChangesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id/intel/changes',
  permission: 'hosts:read',
  summary:
    'The history of the host’s inventory, newest first: per collection and section, items added, removed, changed',
  tags: ['intelligence'],
  params: idParam,
  query: z
    .object({
      section: z.enum(INTEL_SECTIONS).optional(),
      cursor: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional(),
      limit: pageLimit(50, 200),
    })
    .strict(),
  responses: {
    200: {
      description: 'Changes',
      schema: z.object({
        items: z.array(
          z.object({
            id: z.string(),
            section: z.string(),
            collected_at: z.string(),
            added: z.array(item),
            removed: z.array(item),
            changed: z.array(z.object({ key: z.string(), before: item, after: item })),
          }),
        ),
        next_cursor: z.string().nullable(),
      }),
    },
  },
  handler: async (ctx) => {
    await liveHost(ctx.db, ctx.params.id);
    const rows = await sql.intelChanges(ctx.db, ctx.params.id, {
      section: ctx.query.section,
      before: ctx.query.cursor,
      limit: ctx.query.limit + 1,
    });
    const shown = rows.slice(0, ctx.query.limit);
    return jsonResponse({
      items: shown.map((r) => ({ ...r, collected_at: r.collected_at.toISOString() })),
      next_cursor: rows.length > ctx.query.limit ? (shown.at(-1)?.id ?? null) : null,
    });
  },
});

/** The answer of a fleet query: the matching hosts, each with what matched. */
function matchingHosts(fields: Record<string, z.ZodString>) {
  const row = z.object({ host_id: z.string(), hostname: z.string(), ...fields });
  return { 200: { description: 'Matching hosts', schema: z.object({ items: z.array(row) }) } };
}

export const fleetPackagesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intel/packages',
  permission: 'hosts:read',
  summary:
    "Hosts with a package installed, optionally only versions below (version_lt) or at least (version_gte) a version — each host in its own package format's order (RPM on RHEL-family hosts, Debian elsewhere)",
  tags: ['intelligence'],
  query: z
    .object({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,127}$/),
      version_lt: version.optional(),
      version_gte: version.optional(),
    })
    .strict(),
  responses: matchingHosts({ version: z.string(), arch: z.string() }),
  handler: async ({ db, query }) => {
    const rows = (await sql.hostsWithPackage(db, query.name)).filter((r) => {
      // The collector reads rpm only where there is no dpkg, which discovery sees as the RHEL family.
      const compare = r.os_family === 'rhel' ? compareRpmVersions : compareDebVersions;
      return (
        (query.version_lt === undefined || compare(r.version, query.version_lt) < 0) &&
        (query.version_gte === undefined || compare(r.version, query.version_gte) >= 0)
      );
    });
    return jsonResponse({
      items: rows.map(({ host_id, hostname, version, arch }) => ({ host_id, hostname, version, arch })),
    });
  },
});

export const fleetPortsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/intel/ports',
  permission: 'hosts:read',
  summary: 'Hosts listening on a port (tcp and udp unless proto is given), with the address and process',
  tags: ['intelligence'],
  query: z
    .object({ port: z.coerce.number().int().min(1).max(65535), proto: z.enum(['tcp', 'udp']).optional() })
    .strict(),
  responses: matchingHosts({ proto: z.string(), address: z.string(), process: z.string() }),
  handler: async ({ db, query }) =>
    jsonResponse({ items: await sql.hostsListeningOn(db, query.port, query.proto ?? null) }),
});
