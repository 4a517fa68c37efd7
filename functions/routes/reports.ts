import { z } from 'zod';
import { audit } from '../../core/audit/append.ts';
import {
  getSnapshot,
  listSnapshots,
  REPORT_KINDS,
  REPORT_SCOPES,
  snapshotBodies,
  type SnapshotRow,
} from '../../core/db/sql/reports.ts';
import { ReportTooLarge } from '../../core/reports/data.ts';
import { ReportRequestError, resolveReportScope } from '../../core/reports/scope.ts';
import { createSnapshot, snapshotFilename } from '../../core/reports/snapshot.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { isoTime, page, pageLimit, pageSchema } from '../http/page.ts';
import { defineRoute } from '../http/route.ts';
import { decodeCursor, encodeCursor, idParams } from '../identity/views.ts';

const snapshotSchema = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  scope: z.object({ type: z.enum(REPORT_SCOPES), id: z.string().nullable(), name: z.string().nullable() }),
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  title: z.string(),
  sha256: z.object({ json: z.string(), html: z.string() }),
  /** The report key's id when the snapshot is signed; null when no report key was configured. */
  signed_by: z.string().nullable(),
  schedule_id: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
});

function snapshotView(s: SnapshotRow) {
  return {
    id: s.id,
    kind: s.kind,
    scope: { type: s.scope, id: s.scope_id, name: s.scope_name },
    period:
      s.period_from && s.period_to
        ? { from: s.period_from.toISOString(), to: s.period_to.toISOString() }
        : null,
    title: s.title,
    sha256: { json: s.sha256_json, html: s.sha256_html },
    signed_by: s.key_id,
    schedule_id: s.schedule_id,
    created_by: s.created_by,
    created_at: s.created_at.toISOString(),
  };
}

export const reportRequestSchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    scope: z.enum(REPORT_SCOPES).default('fleet'),
    /** The host or group id; required for those scopes, refused for the fleet. */
    scope_id: z.uuid().optional(),
    /** Executive and change reports: the period (default: the 30 days up to now). */
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();

export const createReportRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/reports',
  permission: 'reports:create',
  summary:
    'Generate an immutable report snapshot (executive, attestation, exception register or change report) of the fleet, a group or a host; signed when a report key is configured',
  tags: ['reports'],
  body: reportRequestSchema,
  responses: {
    201: { description: 'The stored snapshot', schema: snapshotSchema },
    404: { description: 'No such host or group' },
    422: {
      description:
        'scope_id missing or not allowed, a period where none applies, from ≥ to, or too many hosts',
    },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const key = await ctx.services.reportKey?.();
    try {
      const req = await resolveReportScope(ctx.db, ctx.body);
      const row = await createSnapshot(ctx.db, req, key, {
        actor: actorOf(p),
        ip: ctx.clientIp,
        scheduleId: null,
      });
      return jsonResponse(snapshotView(row), 201);
    } catch (err) {
      if (err instanceof ReportTooLarge) throw new ApiError(422, 'report_too_large', err.message);
      if (err instanceof ReportRequestError) throw new ApiError(err.status, err.code, err.message);
      throw err;
    }
  },
});

export const listReportsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/reports',
  permission: 'reports:read',
  summary: 'Report snapshots, newest first',
  tags: ['reports'],
  query: z
    .object({
      kind: z.enum(REPORT_KINDS).optional(),
      cursor: z.string().optional(),
      limit: pageLimit(50, 200),
    })
    .strict(),
  responses: { 200: { description: 'One page of snapshots', schema: pageSchema(snapshotSchema) } },
  handler: async ({ db, query }) => {
    const decoded = decodeCursor(query.cursor)?.split('|');
    const before =
      decoded?.length === 2 && decoded[0] && decoded[1] && !Number.isNaN(Date.parse(decoded[0]))
        ? { at: new Date(decoded[0]), id: decoded[1] }
        : undefined;
    if (query.cursor !== undefined && !before)
      throw new ApiError(400, 'bad_cursor', 'the cursor is not valid');
    const rows = await listSnapshots(db, { kind: query.kind, before, limit: query.limit + 1 });
    return jsonResponse(
      page(rows, query.limit, snapshotView, (r) => encodeCursor(`${r.created_at.toISOString()}|${r.id}`)),
    );
  },
});

async function snapshotOr404(db: Parameters<typeof getSnapshot>[0], id: string): Promise<SnapshotRow> {
  const s = await getSnapshot(db, id);
  if (!s) throw new ApiError(404, 'not_found', 'no such report');
  return s;
}

export const getReportRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/reports/:id',
  permission: 'reports:read',
  summary: "One report snapshot's metadata and its data",
  tags: ['reports'],
  params: idParams,
  responses: {
    200: { description: 'The snapshot', schema: snapshotSchema.extend({ data: z.unknown() }) },
    404: { description: 'No such report' },
  },
  handler: async ({ db, params }) => {
    const s = await snapshotOr404(db, params.id);
    const bodies = await snapshotBodies(db, params.id);
    return jsonResponse({ ...snapshotView(s), data: JSON.parse(bodies?.json ?? 'null') as unknown });
  },
});

export const downloadReportRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/reports/:id/download',
  permission: 'reports:read',
  summary:
    'Download a snapshot as HTML or JSON: a signed report file (`openwatch report verify` checks it) when signed, else the document itself with its SHA-256 in a header',
  tags: ['reports'],
  params: idParams,
  query: z.object({ format: z.enum(['html', 'json']).default('html') }).strict(),
  responses: {
    200: { description: 'The signed report file, or the unsigned document' },
    404: { description: 'No such report' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const s = await snapshotOr404(ctx.db, ctx.params.id);
    const bodies = await snapshotBodies(ctx.db, s.id);
    if (!bodies) throw new ApiError(404, 'not_found', 'no such report');
    const { format } = ctx.query;
    const signed = format === 'html' ? bodies.signed_html : bodies.signed_json;
    await audit(ctx.db, {
      code: 'report.downloaded',
      actor: actorOf(p),
      target: { type: 'report', id: s.id },
      ip: ctx.clientIp,
      details: { format, signed: signed !== null },
    });
    const name = snapshotFilename(s.kind, s.created_at, format);
    const common = {
      'cache-control': 'no-store',
      'x-content-sha256': format === 'html' ? s.sha256_html : s.sha256_json,
    };
    if (signed !== null)
      return new Response(signed, {
        headers: {
          ...common,
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${name}.signed.json"`,
        },
      });
    return new Response(format === 'html' ? bodies.html : bodies.json, {
      headers: {
        ...common,
        'content-type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        // A downloaded HTML report must not run anything in the API's origin.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      },
    });
  },
});
