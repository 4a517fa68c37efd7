import { z } from 'zod';
import {
  ALERT_ACTIONS,
  AlertStateError,
  changeAlertState,
  type AlertAction,
} from '../../../core/alerts/lifecycle.ts';
import * as sql from '../../../core/db/sql/alerts.ts';
import { listDeliveries } from '../../../core/db/sql/channels.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { page, pageLimit, pageSchema } from '../../http/page.ts';
import { defineRoute } from '../../http/route.ts';
import { alertSchema, alertView, deliverySchema, deliveryView } from './views.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
/** `<last_seen_at ISO>,<id>` of the last alert of the previous page. */
const alertCursor = z
  .string()
  .regex(/^[0-9T:.+-]+Z?,[0-9a-f-]{36}$/i)
  .transform((s, ctx) => {
    const [at = '', id = ''] = s.split(',');
    const date = new Date(at);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor from this list' });
      return z.NEVER;
    }
    return { at: date, id };
  });

export const listAlertsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts',
  permission: 'alerts:read',
  summary:
    'List alerts, most recently seen first, each with the caller’s read mark (filters: state, open, host_id, unread; cursor)',
  tags: ['alerts'],
  query: z
    .object({
      state: z.enum(sql.ALERT_STATES).optional(),
      open: flag.optional(),
      host_id: z.uuid().optional(),
      unread: flag.optional(),
      cursor: alertCursor.optional(),
      limit: pageLimit(50, 200),
    })
    .strict(),
  responses: { 200: { description: 'A page of alerts', schema: pageSchema(alertSchema) } },
  handler: async (ctx) => {
    const q = ctx.query;
    const rows = await sql.listAlerts(ctx.db, {
      userId: principalOf(ctx).userId,
      state: q.state,
      open: q.open,
      hostId: q.host_id,
      unread: q.unread,
      after: q.cursor,
      limit: q.limit + 1,
    });
    return jsonResponse(page(rows, q.limit, alertView, (r) => `${r.last_seen_at.toISOString()},${r.id}`));
  },
});

export const unreadAlertsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts/unread-count',
  permission: 'alerts:read',
  summary: 'Active alerts the caller has not marked read, in total and per severity (the notification bell)',
  tags: ['alerts'],
  responses: {
    200: {
      description: 'Unread counts',
      schema: z.object({ total: z.number(), by_severity: z.record(z.string(), z.number()) }),
    },
  },
  handler: async (ctx) => jsonResponse(await sql.unreadCounts(ctx.db, principalOf(ctx).userId)),
});

export const markAlertsReadRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/alerts/read',
  permission: 'alerts:read',
  summary: 'Mark alerts read for the caller (the given ids, or every active alert when `ids` is absent)',
  tags: ['alerts'],
  body: z.object({ ids: z.array(z.uuid()).min(1).max(500).optional() }).strict(),
  responses: { 200: { description: 'How many marks were added', schema: z.object({ marked: z.number() }) } },
  handler: async (ctx) => {
    const marked = await sql.markAlertsRead(ctx.db, principalOf(ctx).userId, ctx.body.ids ?? null);
    return jsonResponse({ marked });
  },
});

export const getAlertRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts/:id',
  permission: 'alerts:read',
  summary: 'One alert with its state, occurrences and the caller’s read mark',
  tags: ['alerts'],
  params: idParam,
  responses: {
    200: { description: 'The alert', schema: alertSchema },
    404: { description: 'No such alert' },
  },
  handler: async (ctx) => {
    const row = await sql.alertById(ctx.db, ctx.params.id, principalOf(ctx).userId);
    if (!row) throw new ApiError(404, 'not_found', 'no such alert');
    return jsonResponse(alertView(row));
  },
});

export const alertDeliveriesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts/:id/deliveries',
  permission: 'alerts:read',
  summary: 'The delivery log of an alert: every attempt to every channel, oldest first',
  tags: ['alerts'],
  params: idParam,
  responses: {
    200: { description: 'Delivery attempts', schema: z.object({ items: z.array(deliverySchema) }) },
    404: { description: 'No such alert' },
  },
  handler: async (ctx) => {
    if (!(await sql.alertById(ctx.db, ctx.params.id, null)))
      throw new ApiError(404, 'not_found', 'no such alert');
    const rows = await listDeliveries(ctx.db, { alertId: ctx.params.id });
    return jsonResponse({ items: rows.map(deliveryView) });
  },
});

const SILENCE_MAX_MS = 90 * 24 * 3600_000;

function actionRoute(action: AlertAction) {
  const body =
    action === 'silence'
      ? z
          .object({
            until: z.iso.datetime({ offset: true }),
            comment: z.string().trim().min(1).max(2000).optional(),
          })
          .strict()
      : z.object({ comment: z.string().trim().min(1).max(2000).optional() }).strict();
  return defineRoute({
    method: 'POST',
    path: `/api/v1/alerts/:id/${action}`,
    permission: 'alerts:manage',
    summary:
      action === 'silence'
        ? 'Silence an alert until a time (at most 90 days ahead); it becomes active again after'
        : `${action[0]?.toUpperCase()}${action.slice(1)} an alert`,
    tags: ['alerts'],
    params: idParam,
    body,
    responses: {
      200: { description: 'The alert after the change', schema: alertSchema },
      404: { description: 'No such alert' },
      409: { description: 'The alert is in a state this action does not apply to' },
    },
    handler: async (ctx) => {
      const p = principalOf(ctx);
      const b = ctx.body as { until?: string; comment?: string };
      const until = b.until === undefined ? undefined : new Date(b.until);
      if (until && (until.getTime() <= Date.now() || until.getTime() > Date.now() + SILENCE_MAX_MS))
        throw new ApiError(400, 'validation_error', 'invalid request body', [
          { field: 'body.until', message: 'must be in the future and at most 90 days ahead' },
        ]);
      try {
        await changeAlertState(ctx.db, ctx.params.id, action, {
          actor: actorOf(p),
          ip: ctx.clientIp,
          ...(until ? { until } : {}),
          ...(b.comment ? { comment: b.comment } : {}),
        });
      } catch (err) {
        if (err instanceof AlertStateError)
          throw new ApiError(err.code === 'not_found' ? 404 : 409, err.code, err.message, err.details);
        throw err;
      }
      const row = await sql.alertById(ctx.db, ctx.params.id, p.userId);
      if (!row) throw new ApiError(404, 'not_found', 'no such alert');
      return jsonResponse(alertView(row));
    },
  });
}

export const alertActionRoutes = ALERT_ACTIONS.map(actionRoute);
