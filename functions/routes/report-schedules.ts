import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  deleteReportSchedule,
  insertReportSchedule,
  listReportSchedules,
  REPORT_INTERVALS,
  unknownChannelIds,
  type ReportScheduleRow,
} from '../../core/db/sql/report-schedules.ts';
import { REPORT_KINDS, REPORT_SCOPES } from '../../core/db/sql/reports.ts';
import { ReportRequestError, resolveReportScope } from '../../core/reports/scope.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { isoTime } from '../http/page.ts';
import { defineRoute } from '../http/route.ts';
import { idParams } from '../identity/views.ts';

const scheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(REPORT_KINDS),
  scope: z.object({ type: z.enum(REPORT_SCOPES), id: z.string().nullable() }),
  every: z.enum(REPORT_INTERVALS),
  channel_ids: z.array(z.string()),
  enabled: z.boolean(),
  next_run_at: z.string(),
  last_run_at: z.string().nullable(),
  last_report_id: z.string().nullable(),
  created_at: z.string(),
});

function scheduleView(s: ReportScheduleRow) {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    scope: { type: s.scope, id: s.scope_id },
    every: s.every,
    channel_ids: s.channel_ids,
    enabled: s.enabled,
    next_run_at: s.next_run_at.toISOString(),
    last_run_at: s.last_run_at?.toISOString() ?? null,
    last_report_id: s.last_report_id,
    created_at: s.created_at.toISOString(),
  };
}

export const listReportSchedulesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/report-schedules',
  permission: 'reports:read',
  summary: 'Report schedules: what is generated when, and which channels receive it',
  tags: ['reports'],
  responses: { 200: { description: 'Schedules', schema: z.object({ items: z.array(scheduleSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await listReportSchedules(db)).map(scheduleView) }),
});

export const createReportScheduleRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/report-schedules',
  permission: 'reports:create',
  summary:
    'Schedule a report (daily, weekly or monthly): each run stores a snapshot and delivers it to the channels (e-mail with the report attached, webhook with its JSON)',
  tags: ['reports'],
  body: z
    .object({
      name: z.string().trim().min(1).max(100),
      kind: z.enum(REPORT_KINDS),
      scope: z.enum(REPORT_SCOPES).default('fleet'),
      scope_id: z.uuid().optional(),
      every: z.enum(REPORT_INTERVALS),
      channel_ids: z.array(z.uuid()).max(20).default([]),
      /** The first run (default: one interval from now). */
      first_run_at: isoTime.optional(),
    })
    .strict(),
  responses: {
    201: { description: 'The schedule', schema: scheduleSchema },
    404: { description: 'No such host or group' },
    422: { description: 'scope_id missing or not allowed, or an unknown channel' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const row = await ctx.db.transaction(async (tx) => {
      try {
        await resolveReportScope(tx, { kind: b.kind, scope: b.scope, scope_id: b.scope_id });
      } catch (err) {
        if (err instanceof ReportRequestError) throw new ApiError(err.status, err.code, err.message);
        throw err;
      }
      const unknown = await unknownChannelIds(tx, b.channel_ids);
      if (unknown.length > 0)
        throw new ApiError(422, 'unknown_channel', 'no such notification channel', { channel_ids: unknown });
      const s = await insertReportSchedule(tx, {
        name: b.name,
        kind: b.kind,
        scope: b.scope,
        scope_id: b.scope_id ?? null,
        every: b.every,
        channel_ids: [...new Set(b.channel_ids)],
        firstRunAt: b.first_run_at ?? null,
        createdBy: p.userId,
      });
      await appendAuditEvents(tx, [
        {
          code: 'report_schedule.created',
          actor: actorOf(p),
          target: { type: 'report_schedule', id: s.id },
          ip: ctx.clientIp,
          details: {
            name: s.name,
            kind: s.kind,
            scope: s.scope,
            scope_id: s.scope_id,
            every: s.every,
            channel_ids: s.channel_ids,
          },
        },
      ]);
      return s;
    });
    return jsonResponse(scheduleView(row), 201);
  },
});

export const deleteReportScheduleRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/report-schedules/:id',
  permission: 'reports:create',
  summary: 'Delete a report schedule (its snapshots stay)',
  tags: ['reports'],
  params: idParams,
  responses: { 204: { description: 'Deleted' }, 404: { description: 'No such schedule' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const s = await deleteReportSchedule(tx, ctx.params.id);
      if (!s) throw new ApiError(404, 'not_found', 'no such report schedule');
      await appendAuditEvents(tx, [
        {
          code: 'report_schedule.deleted',
          actor: actorOf(p),
          target: { type: 'report_schedule', id: s.id },
          ip: ctx.clientIp,
          details: { name: s.name, kind: s.kind },
        },
      ]);
    });
    return new Response(null, { status: 204 });
  },
});
