import { z } from 'zod';
import { audit } from '../../core/audit/append.ts';
import { csvExport } from '../../core/export/csv.ts';
import { jsonExport } from '../../core/export/json.ts';
import { loadScanExport } from '../../core/export/load.ts';
import { oscalExport } from '../../core/export/oscal.ts';
import { oscalPlanExport } from '../../core/export/oscal-plan.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const FORMATS = ['json', 'csv', 'oscal', 'oscal-ap'] as const;

/** `openwatch-<hostname>-<scan id prefix>-results.json` — hostnames are DNS-safe by the hosts table's check. */
function filename(hostname: string, scanId: string, format: (typeof FORMATS)[number]): string {
  const safe = hostname.replace(/[^A-Za-z0-9.-]/g, '_');
  const suffix = {
    csv: 'results.csv',
    oscal: 'oscal-ar.json',
    'oscal-ap': 'oscal-ap.json',
    json: 'results.json',
  }[format];
  return `openwatch-${safe}-${scanId.slice(0, 8)}-${suffix}`;
}

export const exportScanRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/scans/:id/export',
  permission: 'reports:export',
  summary:
    "Download a completed scan's results as JSON, CSV, OSCAL Assessment Results (oscal) or Assessment Plan (oscal-ap)",
  tags: ['scans'],
  params: z.object({ id: z.uuid() }).strict(),
  query: z.object({ format: z.enum(FORMATS).default('json') }).strict(),
  responses: {
    200: { description: 'The results as an attachment (see docs/exports.md for each format)' },
    404: { description: 'No such scan' },
    409: { description: 'The scan has not completed' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const { format } = ctx.query;
    const loaded = await loadScanExport(ctx.db, ctx.params.id);
    if (loaded.kind === 'not_found') throw new ApiError(404, 'not_found', 'no such scan');
    if (loaded.kind === 'not_completed') {
      throw new ApiError(
        409,
        'scan_not_completed',
        `the scan is ${loaded.status}; only a completed scan has results`,
      );
    }
    const { data } = loaded;
    await audit(ctx.db, {
      code: 'report.exported',
      actor: actorOf(p),
      target: { type: 'scan', id: data.scan.id },
      ip: ctx.clientIp,
      details: { format, host_id: data.host.id, results: data.results.length },
    });
    const headers = {
      'content-disposition': `attachment; filename="${filename(data.host.hostname, data.scan.id, format)}"`,
      'cache-control': 'no-store',
    };
    const now = new Date();
    if (format === 'csv') {
      return new Response(csvExport(data), {
        status: 200,
        headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
      });
    }
    const doc =
      format === 'oscal'
        ? oscalExport(data, now)
        : format === 'oscal-ap'
          ? oscalPlanExport(data, now)
          : jsonExport(data, now);
    return jsonResponse(doc, 200, headers);
  },
});
