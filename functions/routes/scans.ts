import { z } from 'zod';
import { guidanceShape } from './rules.ts';
import { audit } from '../../core/audit/append.ts';
import { cancelJob } from '../../core/db/sql/jobs.ts';
import { hostById } from '../../core/db/sql/hosts.ts';
import * as scans from '../../core/db/sql/scans.ts';
import { emitEvents } from '../../core/events/emit.ts';
import { links } from '../../core/events/kinds.ts';
import { requestScan, ScanConflictError } from '../../core/scans/request.ts';
import { resolveRuleSelection, RuleSelectionError } from '../../core/scans/selection.ts';
import type { Queryable } from '../../core/db/types.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { page, pageLimit, pageSchema } from '../http/page.ts';

const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const RESULT_STATUSES = ['pass', 'fail', 'error', 'not_applicable', 'not_assessable'] as const;
const idParam = z.object({ id: z.uuid() }).strict();
const ruleId = z.string().regex(/^[a-z0-9][a-z0-9_]{0,127}$/);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

const scanSchema = z.object({
  id: z.string(),
  host_id: z.string(),
  source: z.enum(['api', 'group', 'schedule']),
  status: z.enum(STATUSES),
  rule_ids: z.array(z.string()).nullable(),
  counts: z
    .object({
      total: z.number(),
      pass: z.number(),
      fail: z.number(),
      error: z.number(),
      not_applicable: z.number(),
      not_assessable: z.number(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /**
   * Retry state from the scan's job: attempts started, the limit, and when the next attempt is due while
   * a failed one waits to be retried (`error` then holds that attempt's kind and message).
   */
  attempts: z.number().int(),
  max_attempts: z.number().int().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export function scanView(s: scans.ScanRow): z.infer<typeof scanSchema> {
  return {
    id: s.id,
    host_id: s.host_id,
    source: s.source,
    status: s.status,
    rule_ids: s.rule_ids,
    counts:
      s.total === null
        ? null
        : {
            total: s.total,
            pass: s.pass ?? 0,
            fail: s.fail ?? 0,
            error: s.error ?? 0,
            not_applicable: s.not_applicable ?? 0,
            not_assessable: s.not_assessable ?? 0,
          },
    error: s.error_code ? { code: s.error_code, message: s.error_message ?? '' } : null,
    attempts: s.attempts ?? 0,
    max_attempts: s.max_attempts,
    next_attempt_at: s.next_attempt_at?.toISOString() ?? null,
    created_at: s.created_at.toISOString(),
    started_at: s.started_at?.toISOString() ?? null,
    finished_at: s.finished_at?.toISOString() ?? null,
  };
}

/** What a scan request may choose: rule ids and/or one framework (their rules only). */
export const ruleSelectionBody = {
  rule_ids: z.array(ruleId).min(1).max(2000).optional(),
  framework: z.string().min(1).max(64).optional(),
};

export const selectionResponse = {
  description: 'unknown_rule / unknown_framework / no_matching_rule: the bad values are in details',
};

/** The scan's rule ids (null: all), or 422 naming the rule ids or framework that do not exist. */
export async function ruleSelectionOf(
  q: Queryable,
  body: { rule_ids?: string[] | undefined; framework?: string | undefined },
): Promise<string[] | null> {
  try {
    return await resolveRuleSelection(q, { ruleIds: body.rule_ids, framework: body.framework });
  } catch (err) {
    if (err instanceof RuleSelectionError) throw new ApiError(422, err.code, err.message, err.details);
    throw err;
  }
}

export const requestScanRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/:id/scans',
  permission: 'scans:run',
  summary: 'Queue a scan of one host (Idempotency-Key honoured; 409 while one is queued or running)',
  tags: ['scans'],
  params: idParam,
  body: z.object(ruleSelectionBody).strict(),
  responses: {
    202: { description: 'Queued', schema: scanSchema },
    200: { description: 'The scan an earlier request with this Idempotency-Key created', schema: scanSchema },
    409: { description: 'A scan of this host is already queued or running' },
    422: selectionResponse,
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const key = ctx.request.headers.get('idempotency-key');
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiError(400, 'validation_error', 'Idempotency-Key must be 1–128 of A-Z a-z 0-9 . _ : -');
    }
    const host = await hostById(ctx.db, ctx.params.id);
    if (!host) throw new ApiError(404, 'not_found', 'no such host');
    const ruleIds = await ruleSelectionOf(ctx.db, ctx.body);
    try {
      const { scan, created } = await requestScan(ctx.db, await ctx.services.identity.jobKey(), {
        hostId: host.id,
        requestedBy: p.userId,
        source: 'api',
        ruleIds,
        idempotencyKey: key,
      });
      if (created) {
        await audit(ctx.db, {
          code: 'scan.requested',
          actor: actorOf(p),
          target: { type: 'host', id: host.id },
          ip: ctx.clientIp,
          details: { scan_id: scan.id },
        });
      }
      return jsonResponse(scanView(scan), created ? 202 : 200);
    } catch (err) {
      if (err instanceof ScanConflictError) {
        throw new ApiError(409, 'scan_in_progress', err.message, { scan_id: err.active.id });
      }
      throw err;
    }
  },
});

export const listScansRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/scans',
  permission: 'scans:read',
  summary: 'List scans, newest first (filters: host_id, status; cursor)',
  tags: ['scans'],
  query: z
    .object({
      host_id: z.uuid().optional(),
      status: z.enum(STATUSES).optional(),
      cursor: z.uuid().optional(),
      limit: pageLimit(50, 500),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of scans',
      schema: pageSchema(scanSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await scans.listScans(db, {
      ...(query.host_id ? { hostId: query.host_id } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { after: query.cursor } : {}),
      limit: query.limit,
    });
    return jsonResponse(page(rows, query.limit, scanView, (r) => r.id));
  },
});

export const getScanRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/scans/:id',
  permission: 'scans:read',
  summary: 'One scan with its status, counts and error',
  tags: ['scans'],
  params: idParam,
  responses: { 200: { description: 'The scan', schema: scanSchema } },
  handler: async ({ db, params }) => {
    const scan = await scans.getScan(db, params.id);
    if (!scan) throw new ApiError(404, 'not_found', 'no such scan');
    return jsonResponse(scanView(scan));
  },
});

export const cancelScanRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/scans/:id/cancel',
  permission: 'scans:run',
  summary: 'Cancel a queued or running scan (a running one stops at its next heartbeat)',
  tags: ['scans'],
  params: idParam,
  responses: {
    200: { description: 'Cancelled', schema: scanSchema },
    409: { description: 'The scan already finished' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const result = await ctx.db.transaction(async (tx) => {
      const scan = await scans.getScan(tx, ctx.params.id);
      if (!scan) throw new ApiError(404, 'not_found', 'no such scan');
      if (!(await scans.markScanCancelled(tx, scan.id))) {
        throw new ApiError(409, 'scan_finished', `the scan is already ${scan.status}`);
      }
      if (scan.job_id) await cancelJob(tx, scan.job_id);
      await emitEvents(tx, [
        {
          kind: 'scan.cancelled',
          hostId: scan.host_id,
          link: links.scan(scan.id),
          data: { scan_id: scan.id, by: p.username },
        },
      ]);
      return scans.getScan(tx, scan.id);
    });
    await audit(ctx.db, {
      code: 'scan.cancelled',
      actor: actorOf(p),
      target: { type: 'scan', id: ctx.params.id },
      ip: ctx.clientIp,
    });
    if (!result) throw new ApiError(404, 'not_found', 'no such scan');
    return jsonResponse(scanView(result));
  },
});

export const scanResultsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/scans/:id/results',
  permission: 'results:read',
  summary: "A scan's per-rule verdicts with their evidence (filter: status)",
  tags: ['scans'],
  params: idParam,
  query: z.object({ status: z.enum(RESULT_STATUSES).optional() }).strict(),
  responses: {
    200: {
      description: 'Per-rule results',
      schema: z.object({
        scan: scanSchema,
        results: z.array(
          z.object({
            rule_id: z.string(),
            status: z.string(),
            reason: z.string().nullable(),
            severity: z.string(),
            evidence: z.unknown(),
            ...guidanceShape,
          }),
        ),
      }),
    },
  },
  handler: async ({ db, params, query }) => {
    const scan = await scans.getScan(db, params.id);
    if (!scan) throw new ApiError(404, 'not_found', 'no such scan');
    return jsonResponse({
      scan: scanView(scan),
      results: await scans.scanResults(db, scan.id, query.status),
    });
  },
});
