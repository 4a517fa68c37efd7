import { z } from 'zod';
import { audit } from '../../core/audit/append.ts';
import { listAuditRows, type AuditFilter, type AuditRow } from '../../core/db/sql/audit.ts';
import type { Queryable } from '../../core/db/types.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime, page, pageLimit, pageSchema } from '../http/page.ts';

/** An export holds at most this many rows; narrow it with since/until for more. */
export const EXPORT_MAX_ROWS = 100_000;
const PAGE = 1000;

const filters = {
  code: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)*$/)
    .max(100)
    .optional(),
  actor: z.string().min(1).max(200).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
};

const eventSchema = z.object({
  id: z.number().int(),
  time: z.string(),
  code: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});

function eventView(r: AuditRow) {
  return {
    id: Number(r.id),
    time: r.occurred_at.toISOString(),
    code: r.code,
    actor: { id: r.actor_id, name: r.actor_name },
    target: { type: r.target_type, id: r.target_id },
    ip: r.ip,
    details: r.details,
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

export const listAuditRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/audit/events',
  permission: 'audit:read',
  summary: 'Search audit events, newest first (filters: code or code prefix, actor, since/until; cursor)',
  tags: ['audit'],
  query: z
    .object({
      ...filters,
      cursor: z
        .string()
        .regex(/^\d{1,18}$/)
        .optional(),
      limit: pageLimit(),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of events',
      schema: pageSchema(eventSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await listAuditRows(db, {
      code: query.code,
      actor: query.actor,
      since: query.since,
      until: query.until,
      before: query.cursor === undefined ? undefined : Number(query.cursor),
      limit: query.limit + 1,
    });
    return jsonResponse(page(rows, query.limit, eventView, (r) => String(r.id)));
  },
});

async function allRows(db: Queryable, f: Omit<AuditFilter, 'before' | 'limit'>): Promise<AuditRow[]> {
  const out: AuditRow[] = [];
  let before: number | undefined;
  while (out.length < EXPORT_MAX_ROWS) {
    const rows = await listAuditRows(db, {
      ...f,
      before,
      limit: Math.min(PAGE, EXPORT_MAX_ROWS - out.length),
    });
    out.push(...rows);
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || !last) break;
    before = Number(last.id);
  }
  return out;
}

/** A CSV cell: quoted, and a leading = + - @ neutralised so spreadsheets do not run it as a formula. */
function cell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

const CSV_COLUMNS = [
  'id',
  'time',
  'code',
  'actor_id',
  'actor_name',
  'target_type',
  'target_id',
  'ip',
  'details',
  'prev_hash',
  'hash',
];

function toCsv(rows: AuditRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const e = eventView(r);
    lines.push(
      [
        e.id,
        e.time,
        e.code,
        e.actor.id,
        e.actor.name,
        e.target.type,
        e.target.id,
        e.ip,
        e.details,
        e.prev_hash,
        e.hash,
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export const exportAuditRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/audit/events/export',
  permission: 'audit:export',
  summary: `Export audit events as CSV or JSON (newest first, at most ${EXPORT_MAX_ROWS} rows)`,
  tags: ['audit'],
  query: z.object({ ...filters, format: z.enum(['csv', 'json']).default('json') }).strict(),
  responses: { 200: { description: 'The events as a download' } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const { format, ...f } = ctx.query;
    const rows = await allRows(ctx.db, { code: f.code, actor: f.actor, since: f.since, until: f.until });
    await audit(ctx.db, {
      code: 'audit.exported',
      actor: actorOf(p),
      ip: ctx.clientIp,
      details: {
        format,
        rows: rows.length,
        filters: {
          code: f.code,
          actor: f.actor,
          since: f.since?.toISOString(),
          until: f.until?.toISOString(),
        },
      },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const headers = {
      'content-disposition': `attachment; filename="openwatch-audit-${stamp}.${format}"`,
      'cache-control': 'no-store',
    };
    if (format === 'json') return jsonResponse({ items: rows.map(eventView) }, 200, headers);
    return new Response(toCsv(rows), {
      status: 200,
      headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    });
  },
});
