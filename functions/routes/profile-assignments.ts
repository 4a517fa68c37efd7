import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import { groupById } from '../../core/db/sql/groups.ts';
import { hostById } from '../../core/db/sql/hosts.ts';
import { rebuildPostureSummary } from '../../core/db/sql/posture-summary.ts';
import {
  assignGroupProfile,
  bundledOsDefaults,
  assignHostProfile,
  clearGroupProfile,
  clearHostProfile,
  groupProfile,
  hostProfiles,
  OS_DEFAULTS_KEY,
  profileExists,
} from '../../core/db/sql/profiles.ts';
import { getSetting, putSetting } from '../../core/db/sql/settings.ts';
import type { Queryable } from '../../core/db/types.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { idParams } from '../identity/views.ts';
import { profileParams } from './profiles.ts';

const assignBody = z.object({ profile_id: profileParams.shape.id }).strict();
const hostProfileSchema = z.object({
  /** The host's own assignment (it may name a profile that has since left the corpus). */
  assigned: z.string().nullable(),
  /** What scans run and scores count: host > group > OS default > null (every rule). */
  effective: z.object({
    profile_id: z.string().nullable(),
    source: z.enum(['host', 'group', 'os_default']).nullable(),
  }),
});
const groupProfileSchema = z.object({ assigned: z.string().nullable() });

async function requireProfile(q: Queryable, id: string): Promise<void> {
  if (!(await profileExists(q, id)))
    throw new ApiError(422, 'unknown_profile', `no profile '${id}'`, { profile_id: id });
}

async function requireHost(q: Queryable, id: string): Promise<void> {
  if (!(await hostById(q, id))) throw new ApiError(404, 'not_found', 'no such host');
}

async function requireGroup(q: Queryable, id: string): Promise<void> {
  if (!(await groupById(q, id))) throw new ApiError(404, 'not_found', 'no such group');
}

function event(
  p: Principal,
  ip: string,
  code: 'profile.assigned' | 'profile.unassigned',
  target: { type: 'host' | 'host_group'; id: string },
  details: Record<string, unknown>,
) {
  return { code, actor: actorOf(p), target, ip, details };
}

async function hostView(q: Queryable, hostId: string) {
  const h = await hostProfiles(q, hostId);
  return { assigned: h.assigned, effective: { profile_id: h.profile_id, source: h.source } };
}

export const getHostProfileRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id/profile',
  permission: 'hosts:read',
  summary: "A host's own profile and its effective profile (host > group > OS default > every rule)",
  tags: ['profiles'],
  params: idParams,
  responses: {
    200: { description: 'The profiles', schema: hostProfileSchema },
    404: { description: 'No such host' },
  },
  handler: async ({ db, params }) => {
    await requireHost(db, params.id);
    return jsonResponse(await hostView(db, params.id));
  },
});

export const putHostProfileRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/hosts/:id/profile',
  permission: 'hosts:manage',
  summary:
    "Assign a profile to a host: its next scans run that profile's rules and its score counts only them",
  tags: ['profiles'],
  params: idParams,
  body: assignBody,
  responses: {
    200: { description: 'The profiles now', schema: hostProfileSchema },
    404: { description: 'No such host' },
    422: { description: 'unknown_profile' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const view = await ctx.db.transaction(async (tx) => {
      await requireHost(tx, ctx.params.id);
      await requireProfile(tx, ctx.body.profile_id);
      const previous = await assignHostProfile(tx, ctx.params.id, ctx.body.profile_id, p.userId);
      await appendAuditEvents(tx, [
        event(
          p,
          ctx.clientIp,
          'profile.assigned',
          { type: 'host', id: ctx.params.id },
          {
            profile_id: ctx.body.profile_id,
            previous,
          },
        ),
      ]);
      return hostView(tx, ctx.params.id);
    });
    return jsonResponse(view);
  },
});

export const deleteHostProfileRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/hosts/:id/profile',
  permission: 'hosts:manage',
  summary: "Remove a host's own profile: it falls back to its group's, then its OS default",
  tags: ['profiles'],
  params: idParams,
  responses: {
    200: { description: 'The profiles now', schema: hostProfileSchema },
    404: { description: 'No such host' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const view = await ctx.db.transaction(async (tx) => {
      await requireHost(tx, ctx.params.id);
      const removed = await clearHostProfile(tx, ctx.params.id);
      if (removed !== null)
        await appendAuditEvents(tx, [
          event(
            p,
            ctx.clientIp,
            'profile.unassigned',
            { type: 'host', id: ctx.params.id },
            { profile_id: removed },
          ),
        ]);
      return hostView(tx, ctx.params.id);
    });
    return jsonResponse(view);
  },
});

export const getGroupProfileRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/groups/:id/profile',
  permission: 'hosts:read',
  summary: "A group's profile (its members without their own use it)",
  tags: ['profiles'],
  params: idParams,
  responses: {
    200: { description: 'The profile', schema: groupProfileSchema },
    404: { description: 'No such group' },
  },
  handler: async ({ db, params }) => {
    await requireGroup(db, params.id);
    return jsonResponse({ assigned: await groupProfile(db, params.id) });
  },
});

export const putGroupProfileRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/groups/:id/profile',
  permission: 'hosts:manage',
  summary:
    'Assign a profile to a group: members without a profile of their own are scanned and scored against it',
  tags: ['profiles'],
  params: idParams,
  body: assignBody,
  responses: {
    200: { description: 'The profile now', schema: groupProfileSchema },
    404: { description: 'No such group' },
    422: { description: 'unknown_profile' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      await requireGroup(tx, ctx.params.id);
      await requireProfile(tx, ctx.body.profile_id);
      const previous = await assignGroupProfile(tx, ctx.params.id, ctx.body.profile_id, p.userId);
      await appendAuditEvents(tx, [
        event(
          p,
          ctx.clientIp,
          'profile.assigned',
          { type: 'host_group', id: ctx.params.id },
          {
            profile_id: ctx.body.profile_id,
            previous,
          },
        ),
      ]);
    });
    return jsonResponse({ assigned: ctx.body.profile_id });
  },
});

export const deleteGroupProfileRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/groups/:id/profile',
  permission: 'hosts:manage',
  summary: "Remove a group's profile",
  tags: ['profiles'],
  params: idParams,
  responses: {
    200: { description: 'The profile now', schema: groupProfileSchema },
    404: { description: 'No such group' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      await requireGroup(tx, ctx.params.id);
      const removed = await clearGroupProfile(tx, ctx.params.id);
      if (removed !== null)
        await appendAuditEvents(tx, [
          event(
            p,
            ctx.clientIp,
            'profile.unassigned',
            { type: 'host_group', id: ctx.params.id },
            {
              profile_id: removed,
            },
          ),
        ]);
    });
    return jsonResponse({ assigned: null });
  },
});

const osDefaultSchema = z
  .object({
    family: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
    version: z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'must be a dotted number, e.g. 12 or 24.04'),
    profile_id: profileParams.shape.id,
  })
  .strict();
const osDefaultsSchema = z.object({
  /** True while the setting was never written: the profiles' own `default_for` apply. */
  bundled: z.boolean(),
  items: z.array(osDefaultSchema),
});

async function readOsDefaults(q: Queryable): Promise<z.infer<typeof osDefaultsSchema>> {
  const stored = await getSetting(q, OS_DEFAULTS_KEY);
  if (stored !== undefined) return { bundled: false, items: z.array(osDefaultSchema).parse(stored) };
  return { bundled: true, items: await bundledOsDefaults(q) };
}

export const getOsDefaultsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/settings/profile-defaults',
  permission: 'settings:read',
  summary: 'The profile each OS (family and version) gets when neither the host nor a group assigns one',
  tags: ['profiles'],
  responses: { 200: { description: 'The OS defaults', schema: osDefaultsSchema } },
  handler: async ({ db }) => jsonResponse(await readOsDefaults(db)),
});

export const putOsDefaultsRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/settings/profile-defaults',
  permission: 'settings:manage',
  summary: 'Replace the OS defaults (an empty list: hosts without an assignment run every rule)',
  tags: ['profiles'],
  body: z.object({ items: z.array(osDefaultSchema).max(100) }).strict(),
  responses: {
    200: { description: 'The OS defaults now', schema: osDefaultsSchema },
    422: { description: 'unknown_profile, or the same OS listed twice' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const items = ctx.body.items;
    const keys = items.map((i) => `${i.family} ${i.version}`);
    if (new Set(keys).size !== keys.length)
      throw new ApiError(422, 'duplicate_os', 'each OS family and version may be listed once');
    const now = await ctx.db.transaction(async (tx) => {
      for (const i of items) await requireProfile(tx, i.profile_id);
      const before = await readOsDefaults(tx);
      await putSetting(tx, OS_DEFAULTS_KEY, items);
      await rebuildPostureSummary(tx);
      await appendAuditEvents(tx, [
        {
          code: 'config.changed',
          actor: actorOf(p),
          target: { type: 'setting', id: OS_DEFAULTS_KEY },
          ip: ctx.clientIp,
          details: { before: before.items, after: items },
        },
      ]);
      return readOsDefaults(tx);
    });
    return jsonResponse(now);
  },
});
