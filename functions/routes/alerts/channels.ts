import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { enqueueNotification } from '../../../core/alerts/jobs.ts';
import * as sql from '../../../core/db/sql/channels.ts';
import {
  CHANNEL_TYPES,
  channelConfigSchemas,
  channelSecretSchemas,
  sealChannelSecret,
} from '../../../core/notify/channels.ts';
import { actorOf, principalOf, type Principal } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { deliverySchema, deliveryView } from './views.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const name = z.string().trim().min(1).max(100);
const settings = z.record(z.string(), z.unknown());

const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  key_version: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Metadata and non-secret settings only: URLs (which carry tokens), signing secrets and passwords stay sealed. */
function channelView(c: sql.ChannelRow): z.infer<typeof channelSchema> {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    config: c.config,
    key_version: c.key_version,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

/** Validates a type's settings with its schema, reporting problems as body fields. */
function parsePart<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ApiError(
    400,
    'validation_error',
    'invalid request body',
    r.error.issues.map((i) => ({
      field: ['body', field, ...i.path.map(String)].join('.'),
      message: i.message,
    })),
  );
}

/** Who changed a channel: the audit event's actor, address and target. */
type Ctx = { principal: Principal | undefined; clientIp: string };
const audit = (
  ctx: Ctx,
  code: 'channel.created' | 'channel.updated' | 'channel.deleted' | 'channel.tested',
  c: sql.ChannelRow,
  details: Record<string, unknown> = {},
) => ({
  code,
  actor: actorOf(principalOf(ctx)),
  target: { type: 'notification_channel', id: c.id },
  ip: ctx.clientIp,
  details: { name: c.name, type: c.type, ...details },
});

export const listChannelsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/channels',
  permission: 'alerts:read',
  summary: 'List notification channels (metadata and non-secret settings only)',
  tags: ['alerts'],
  responses: { 200: { description: 'Channels', schema: z.object({ items: z.array(channelSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await sql.listChannels(db)).map(channelView) }),
});

export const createChannelRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/channels',
  permission: 'alerts:manage',
  summary:
    'Create a notification channel: webhook (HTTPS URL + signing secret), Slack incoming webhook, or SMTP email; secrets are sealed',
  tags: ['alerts'],
  body: z
    .object({
      name,
      type: z.enum(CHANNEL_TYPES),
      enabled: z.boolean().default(true),
      config: settings.default({}),
      secret: settings.default({}),
    })
    .strict(),
  responses: { 201: { description: 'Created', schema: channelSchema }, 409: { description: 'Name taken' } },
  handler: async (ctx) => {
    const b = ctx.body;
    const config = parsePart(channelConfigSchemas[b.type], b.config, 'config');
    const secret = parsePart(channelSecretSchemas[b.type], b.secret, 'secret');
    const ring = await ctx.services.identity.keyring();
    const id = crypto.randomUUID();
    const row = await ctx.db
      .transaction(async (tx) => {
        const c = await sql.insertChannel(tx, {
          id,
          name: b.name,
          type: b.type,
          config,
          secretEnc: await sealChannelSecret(ring, id, secret),
          keyVersion: ring.current,
          enabled: b.enabled,
          createdBy: principalOf(ctx).userId,
        });
        await appendAuditEvents(tx, [audit(ctx, 'channel.created', c)]);
        return c;
      })
      .catch(nameTaken);
    return jsonResponse(channelView(row), 201);
  },
});

function nameTaken(err: unknown): never {
  if (err && typeof err === 'object' && 'code' in err && err.code === '23505')
    throw new ApiError(409, 'channel_exists', 'a channel with this name exists; choose another name');
  throw err;
}

export const getChannelRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/channels/:id',
  permission: 'alerts:read',
  summary: 'One notification channel (no secrets)',
  tags: ['alerts'],
  params: idParam,
  responses: {
    200: { description: 'The channel', schema: channelSchema },
    404: { description: 'No such channel' },
  },
  handler: async ({ db, params }) => {
    const c = await sql.channelById(db, params.id);
    if (!c) throw new ApiError(404, 'not_found', 'no such channel');
    return jsonResponse(channelView(c));
  },
});

export const updateChannelRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/channels/:id',
  permission: 'alerts:manage',
  summary:
    'Change a channel: name, enabled, settings (merged), or its secret part (replaced whole when given)',
  tags: ['alerts'],
  params: idParam,
  body: z
    .object({
      name: name.optional(),
      enabled: z.boolean().optional(),
      config: settings.optional(),
      secret: settings.optional(),
    })
    .strict(),
  responses: {
    200: { description: 'The channel after the change', schema: channelSchema },
    404: { description: 'No such channel' },
  },
  handler: async (ctx) => {
    const ring = await ctx.services.identity.keyring();
    const row = await ctx.db
      .transaction(async (tx) => {
        const before = await sql.channelById(tx, ctx.params.id, true);
        if (!before) throw new ApiError(404, 'not_found', 'no such channel');
        const b = ctx.body;
        const config = parsePart(
          channelConfigSchemas[before.type],
          { ...before.config, ...b.config },
          'config',
        );
        const secretEnc =
          b.secret === undefined
            ? before.secret_enc
            : await sealChannelSecret(
                ring,
                before.id,
                parsePart(channelSecretSchemas[before.type], b.secret, 'secret'),
              );
        const c = await sql.updateChannel(tx, {
          id: before.id,
          name: b.name ?? before.name,
          config,
          secretEnc,
          keyVersion: b.secret === undefined ? before.key_version : ring.current,
          enabled: b.enabled ?? before.enabled,
        });
        if (!c) throw new ApiError(404, 'not_found', 'no such channel');
        await appendAuditEvents(tx, [audit(ctx, 'channel.updated', c, { fields: Object.keys(b) })]);
        return c;
      })
      .catch(nameTaken);
    return jsonResponse(channelView(row));
  },
});

export const deleteChannelRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/channels/:id',
  permission: 'alerts:manage',
  summary: 'Delete a channel (and drop it from every alert rule’s routing)',
  tags: ['alerts'],
  params: idParam,
  responses: { 204: { description: 'Deleted' }, 404: { description: 'No such channel' } },
  handler: async (ctx) => {
    await ctx.db.transaction(async (tx) => {
      const c = await sql.channelById(tx, ctx.params.id, true);
      if (!c || !(await sql.deleteChannel(tx, c.id))) throw new ApiError(404, 'not_found', 'no such channel');
      await appendAuditEvents(tx, [audit(ctx, 'channel.deleted', c)]);
    });
    return new Response(null, { status: 204 });
  },
});

export const testChannelRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/channels/:id/test',
  permission: 'alerts:manage',
  summary: 'Send a test message through a channel (queued; the outcome shows in the channel’s delivery log)',
  tags: ['alerts'],
  params: idParam,
  responses: {
    202: { description: 'Queued', schema: z.object({ job_id: z.string() }) },
    404: { description: 'No such channel' },
  },
  handler: async (ctx) => {
    const jobKey = await ctx.services.identity.jobKey();
    const jobId = await ctx.db.transaction(async (tx) => {
      const c = await sql.channelById(tx, ctx.params.id);
      if (!c) throw new ApiError(404, 'not_found', 'no such channel');
      const id = await enqueueNotification(tx, jobKey, { channel_id: c.id, alert_id: null, purpose: 'test' });
      await appendAuditEvents(tx, [audit(ctx, 'channel.tested', c, { job_id: id })]);
      return id;
    });
    return jsonResponse({ job_id: jobId }, 202);
  },
});

export const channelDeliveriesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/channels/:id/deliveries',
  permission: 'alerts:read',
  summary: 'The delivery log of a channel (alerts and tests), oldest first, at most 500',
  tags: ['alerts'],
  params: idParam,
  responses: {
    200: { description: 'Delivery attempts', schema: z.object({ items: z.array(deliverySchema) }) },
    404: { description: 'No such channel' },
  },
  handler: async ({ db, params }) => {
    if (!(await sql.channelById(db, params.id))) throw new ApiError(404, 'not_found', 'no such channel');
    return jsonResponse({
      items: (await sql.listDeliveries(db, { channelId: params.id })).map(deliveryView),
    });
  },
});
