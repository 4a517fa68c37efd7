import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import * as sql from '../../../core/db/sql/alert-rules.ts';
import { unknownChannelIds } from '../../../core/db/sql/channels.ts';
import type { Queryable } from '../../../core/db/types.ts';
import { EVENT_KINDS, SEVERITIES } from '../../../core/events/kinds.ts';
import { actorOf, principalOf, type Principal } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';

const idParam = z.object({ id: z.uuid() }).strict();
/** Alerts come from the event log's own kinds; the evaluator's alert.* events never open alerts. */
const RULE_KINDS = Object.keys(EVENT_KINDS).filter((k) => !k.startsWith('alert.')) as [string, ...string[]];

const thresholdSchema = z
  .object({
    field: z.string().regex(/^[a-z_]{1,64}$/),
    eq: z.union([z.string().max(200), z.number(), z.boolean()]).optional(),
    lte: z.number().optional(),
    gte: z.number().optional(),
  })
  .strict()
  .refine((t) => t.eq !== undefined || t.lte !== undefined || t.gte !== undefined, 'give eq, lte or gte');

const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    event_kind: z.enum(RULE_KINDS),
    min_severity: z.enum(SEVERITIES).nullable().default(null),
    host_tags: z.array(z.string().min(1).max(64)).max(50).default([]),
    group_ids: z.array(z.uuid()).max(50).default([]),
    framework: z
      .string()
      .regex(/^[a-z0-9_]{1,40}$/)
      .nullable()
      .default(null),
    threshold: thresholdSchema.nullable().default(null),
    dedup_window_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .default(86400),
    channel_ids: z.array(z.uuid()).max(20).default([]),
    enabled: z.boolean().default(true),
  })
  .strict();

const ruleSchema = z.object({
  id: z.string(),
  builtin: z.string().nullable(),
  name: z.string(),
  event_kind: z.string(),
  min_severity: z.string().nullable(),
  host_tags: z.array(z.string()),
  group_ids: z.array(z.string()),
  framework: z.string().nullable(),
  threshold: z.record(z.string(), z.unknown()).nullable(),
  dedup_window_seconds: z.number(),
  channel_ids: z.array(z.string()),
  enabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

function ruleView(r: sql.AlertRuleRow): z.infer<typeof ruleSchema> {
  return {
    id: r.id,
    builtin: r.builtin_key,
    name: r.name,
    event_kind: r.event_kind,
    min_severity: r.min_severity,
    host_tags: r.host_tags,
    group_ids: r.group_ids,
    framework: r.framework,
    threshold: r.threshold === null ? null : { ...r.threshold },
    dedup_window_seconds: r.dedup_window_seconds,
    channel_ids: r.channel_ids,
    enabled: r.enabled,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

function input(b: z.output<typeof ruleBody>): sql.AlertRuleInput {
  return {
    name: b.name,
    eventKind: b.event_kind,
    minSeverity: b.min_severity,
    hostTags: b.host_tags,
    groupIds: b.group_ids,
    framework: b.framework,
    threshold: b.threshold,
    dedupWindowSeconds: b.dedup_window_seconds,
    channelIds: b.channel_ids,
    enabled: b.enabled,
  };
}

/** The audit event of a rule change: who, from where, and the rule as it is now. */
function ruleAudit(
  ctx: { principal: Principal | undefined; clientIp: string },
  code: 'alert_rule.created' | 'alert_rule.updated',
  r: sql.AlertRuleRow,
) {
  return {
    code,
    actor: actorOf(principalOf(ctx)),
    target: { type: 'alert_rule', id: r.id },
    ip: ctx.clientIp,
    details: ruleView(r),
  };
}

async function checkChannels(tx: Queryable, ids: readonly string[]): Promise<void> {
  const unknown = await unknownChannelIds(tx, ids);
  if (unknown.length > 0)
    throw new ApiError(422, 'channel_not_found', 'create the notification channels first', { unknown });
}

export const listAlertRulesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alert-rules',
  permission: 'alerts:read',
  summary: 'List alert rules: the built-in defaults first, then custom rules',
  tags: ['alerts'],
  responses: { 200: { description: 'Alert rules', schema: z.object({ items: z.array(ruleSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await sql.listAlertRules(db)).map(ruleView) }),
});

export const createAlertRuleRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/alert-rules',
  permission: 'alerts:manage',
  summary:
    'Create a custom alert rule (event kind, severity ≥, host tags/groups, framework, threshold, channels)',
  tags: ['alerts'],
  body: ruleBody,
  responses: {
    201: { description: 'Created', schema: ruleSchema },
    422: { description: 'A channel does not exist' },
  },
  handler: async (ctx) => {
    const row = await ctx.db.transaction(async (tx) => {
      await checkChannels(tx, ctx.body.channel_ids);
      const r = await sql.insertAlertRule(tx, input(ctx.body));
      await appendAuditEvents(tx, [ruleAudit(ctx, 'alert_rule.created', r)]);
      return r;
    });
    return jsonResponse(ruleView(row), 201);
  },
});

export const updateAlertRuleRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/alert-rules/:id',
  permission: 'alerts:manage',
  summary: 'Replace an alert rule; a built-in rule keeps its event kind and threshold',
  tags: ['alerts'],
  params: idParam,
  body: ruleBody,
  responses: {
    200: { description: 'The rule after the change', schema: ruleSchema },
    404: { description: 'No such rule' },
    422: { description: 'A channel does not exist' },
  },
  handler: async (ctx) => {
    const row = await ctx.db.transaction(async (tx) => {
      await checkChannels(tx, ctx.body.channel_ids);
      const r = await sql.updateAlertRule(tx, ctx.params.id, input(ctx.body));
      if (!r) throw new ApiError(404, 'not_found', 'no such alert rule');
      await appendAuditEvents(tx, [ruleAudit(ctx, 'alert_rule.updated', r)]);
      return r;
    });
    return jsonResponse(ruleView(row));
  },
});

export const deleteAlertRuleRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/alert-rules/:id',
  permission: 'alerts:manage',
  summary: 'Delete a custom alert rule and its alerts (built-in rules can only be disabled)',
  tags: ['alerts'],
  params: idParam,
  responses: {
    204: { description: 'Deleted' },
    404: { description: 'No such custom rule' },
    409: { description: 'A built-in rule' },
  },
  handler: async (ctx) => {
    await ctx.db.transaction(async (tx) => {
      const r = await sql.alertRuleById(tx, ctx.params.id);
      if (!r) throw new ApiError(404, 'not_found', 'no such alert rule');
      if (r.builtin_key !== null)
        throw new ApiError(409, 'builtin_rule', 'a built-in rule cannot be deleted; disable it instead');
      await sql.deleteAlertRule(tx, r.id);
      await appendAuditEvents(tx, [
        {
          code: 'alert_rule.deleted',
          actor: actorOf(principalOf(ctx)),
          target: { type: 'alert_rule', id: r.id },
          ip: ctx.clientIp,
          details: { name: r.name },
        },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});
