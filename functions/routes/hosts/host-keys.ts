import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import {
  hostKeyByFingerprint,
  insertHostKey,
  listHostKeys,
  lockHostKey,
  retirePinnedHostKey,
  setHostKeyStatus,
  type HostKeyRow,
} from '../../../core/db/sql/host-keys.ts';
import { liveHostIds } from '../../../core/db/sql/hosts.ts';
import type { Queryable } from '../../../core/db/types.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { idParams } from '../../identity/views.ts';

export const HOST_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;

const hostKeySchema = z.object({
  id: z.string(),
  key_type: z.string(),
  fingerprint: z.string(),
  status: z.enum(['pinned', 'pending', 'rejected', 'retired']),
  first_seen_at: z.string(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
});

function hostKeyView(k: HostKeyRow): z.infer<typeof hostKeySchema> {
  return {
    id: k.id,
    key_type: k.key_type,
    fingerprint: k.fingerprint,
    status: k.status,
    first_seen_at: k.first_seen_at.toISOString(),
    decided_by: k.decided_by,
    decided_at: k.decided_at?.toISOString() ?? null,
  };
}

const keyParams = z.object({ id: z.uuid(), keyId: z.uuid() });

async function liveHost(q: Queryable, id: string): Promise<void> {
  if ((await liveHostIds(q, [id])).length === 0) throw new ApiError(404, 'not_found', 'no such host');
}

async function pendingKey(q: Queryable, hostId: string, keyId: string): Promise<HostKeyRow> {
  await liveHost(q, hostId);
  const k = await lockHostKey(q, hostId, keyId);
  if (!k) throw new ApiError(404, 'not_found', 'no such host key');
  if (k.status !== 'pending') throw new ApiError(409, 'not_pending', `the key is ${k.status}, not pending`);
  return k;
}

export const listHostKeysRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id/host-keys',
  permission: 'hosts:read',
  summary: "A host's SSH keys: pinned, pending approval, rejected and retired",
  tags: ['hosts'],
  params: idParams,
  responses: {
    200: { description: 'Keys', schema: z.object({ items: z.array(hostKeySchema) }) },
    404: { description: 'No such host' },
  },
  handler: async ({ db, params }) => {
    await liveHost(db, params.id);
    return jsonResponse({ items: (await listHostKeys(db, params.id)).map(hostKeyView) });
  },
});

export const pinHostKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/:id/host-keys',
  permission: 'hosts:manage',
  summary: 'Pre-provision (pin) a host key fingerprint; the previously pinned key is retired',
  tags: ['hosts'],
  params: idParams,
  body: z
    .object({
      key_type: z.enum(HOST_KEY_TYPES),
      fingerprint: z
        .string()
        .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'SHA256:<43 base64 characters>, as ssh-keygen -lf prints it'),
    })
    .strict(),
  responses: { 201: { description: 'Pinned', schema: hostKeySchema }, 404: { description: 'No such host' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const key = await ctx.db.transaction(async (tx) => {
      await liveHost(tx, ctx.params.id);
      const retired = await retirePinnedHostKey(tx, ctx.params.id, p.userId);
      const known = await hostKeyByFingerprint(tx, ctx.params.id, b.fingerprint);
      const k = known
        ? await setHostKeyStatus(tx, known.id, 'pinned', p.userId)
        : await insertHostKey(tx, {
            hostId: ctx.params.id,
            keyType: b.key_type,
            fingerprint: b.fingerprint,
            status: 'pinned',
            decidedBy: p.userId,
          });
      if (!k) throw new Error('pinned key not recorded');
      await appendAuditEvents(tx, [
        {
          code: 'host_key.pinned',
          actor: actorOf(p),
          target: { type: 'host', id: ctx.params.id },
          ip: ctx.clientIp,
          details: {
            fingerprint: k.fingerprint,
            key_type: k.key_type,
            retired: retired ?? null,
            source: 'api',
          },
        },
      ]);
      return k;
    });
    return jsonResponse(hostKeyView(key), 201);
  },
});

export const approveHostKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/:id/host-keys/:keyId/approve',
  permission: 'hosts:manage',
  summary: 'Approve a pending host key: it becomes the pinned key, the previous pinned key is retired',
  tags: ['hosts'],
  params: keyParams,
  responses: {
    200: { description: 'Pinned', schema: hostKeySchema },
    404: { description: 'No such host or key' },
    409: { description: 'not_pending' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const key = await ctx.db.transaction(async (tx) => {
      const k = await pendingKey(tx, ctx.params.id, ctx.params.keyId);
      const retired = await retirePinnedHostKey(tx, ctx.params.id, p.userId);
      const pinned = await setHostKeyStatus(tx, k.id, 'pinned', p.userId);
      await appendAuditEvents(tx, [
        {
          code: 'host_key.approved',
          actor: actorOf(p),
          target: { type: 'host', id: ctx.params.id },
          ip: ctx.clientIp,
          details: { fingerprint: k.fingerprint, key_type: k.key_type, retired: retired ?? null },
        },
      ]);
      return pinned;
    });
    return jsonResponse(hostKeyView(key));
  },
});

export const rejectHostKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/:id/host-keys/:keyId/reject',
  permission: 'hosts:manage',
  summary: 'Reject a pending host key (the pinned key stays; the rejected one is never trusted on first use)',
  tags: ['hosts'],
  params: keyParams,
  responses: {
    200: { description: 'Rejected', schema: hostKeySchema },
    404: { description: 'No such host or key' },
    409: { description: 'not_pending' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const key = await ctx.db.transaction(async (tx) => {
      const k = await pendingKey(tx, ctx.params.id, ctx.params.keyId);
      const rejected = await setHostKeyStatus(tx, k.id, 'rejected', p.userId);
      await appendAuditEvents(tx, [
        {
          code: 'host_key.rejected',
          actor: actorOf(p),
          target: { type: 'host', id: ctx.params.id },
          ip: ctx.clientIp,
          details: { fingerprint: k.fingerprint, key_type: k.key_type },
        },
      ]);
      return rejected;
    });
    return jsonResponse(hostKeyView(key));
  },
});
