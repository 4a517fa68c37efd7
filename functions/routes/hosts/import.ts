import { z } from 'zod';
import { audit } from '../../../core/audit/append.ts';
import { credentialById, credentialByName } from '../../../core/db/sql/credentials.ts';
import type { Queryable } from '../../../core/db/types.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { parseCsv } from '../../fleet/csv.ts';
import { takenHostNames } from '../../../core/db/sql/hosts.ts';
import { createHost, hostExists } from '../../fleet/host-store.ts';
import { newHostSchema, type NewHost } from '../../fleet/host-views.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { assertCleanInput } from '../../http/hygiene.ts';
import { defineRoute } from '../../http/route.ts';

export const IMPORT_MAX_BYTES = 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
export const CSV_COLUMNS = [
  'hostname',
  'address',
  'port',
  'environment',
  'tags',
  'description',
  'credential',
] as const;

const UUID = z.uuid();

const rowResultSchema = z.object({
  row: z.number().int(),
  /** `valid` only in a dry run: the row would be created. */
  status: z.enum(['created', 'valid', 'error']),
  id: z.string().optional(),
  hostname: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
type RowResult = z.infer<typeof rowResultSchema>;

/** A raw row: a JSON object, or a CSV record (line number kept for messages). */
interface RawRow {
  row: number;
  value: unknown;
  /** CSV's credential column: a credential name or id, resolved before validation. */
  credential?: string;
}

function csvRows(text: string): RawRow[] {
  const records = parseCsv(text);
  if (!records) throw new ApiError(400, 'invalid_csv', 'a quoted CSV cell is never closed');
  const [header, ...data] = records;
  const names = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  if (!names.includes('hostname') || unknown.length > 0)
    throw new ApiError(
      400,
      'invalid_csv',
      `the header row needs hostname and only: ${CSV_COLUMNS.join(',')}`,
      {
        unknown_columns: unknown,
      },
    );
  return data.map((r) => {
    const get = (col: string): string | undefined => {
      const i = names.indexOf(col);
      const v = i < 0 ? undefined : r.cells[i]?.trim();
      return v === '' ? undefined : v;
    };
    const tags = get('tags');
    const value: Record<string, unknown> = {
      hostname: get('hostname') ?? '',
      address: get('address'),
      port: get('port'),
      environment: get('environment'),
      tags: tags === undefined ? undefined : tags.split(/[;\s]+/).filter(Boolean),
      description: get('description'),
    };
    const credential = get('credential');
    return { row: r.line, value, ...(credential === undefined ? {} : { credential }) };
  });
}

function jsonRows(text: string): RawRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
  }
  const body = z
    .object({ hosts: z.array(z.unknown()) })
    .strict()
    .safeParse(parsed);
  if (!body.success)
    throw new ApiError(400, 'validation_error', 'invalid request body', [
      { field: 'body.hosts', message: 'expected {"hosts": [ … ]}' },
    ]);
  return body.data.hosts.map((value, i) => ({ row: i + 1, value }));
}

async function resolveCredential(db: Queryable, ref: string): Promise<string | undefined> {
  const c = UUID.safeParse(ref).success ? await credentialById(db, ref) : await credentialByName(db, ref);
  return c?.id;
}

async function readBody(request: Request): Promise<{ csv: boolean; text: string }> {
  const type = request.headers.get('content-type') ?? '';
  const csv = /^text\/csv\b/i.test(type);
  if (!csv && !/^application\/(.+\+)?json\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'send application/json or text/csv');
  const text = await request.text();
  if (new TextEncoder().encode(text).length > IMPORT_MAX_BYTES)
    throw new ApiError(413, 'payload_too_large', `request body exceeds ${IMPORT_MAX_BYTES} bytes`);
  return { csv, text };
}

export const importHostsRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/hosts/import',
  permission: 'hosts:manage',
  summary:
    'Bulk import: JSON {hosts:[…]} (each as POST /hosts) or text/csv with the header ' +
    `${CSV_COLUMNS.join(',')} (tags separated by ; credential by name or id). Each row stands alone. ` +
    'dry_run=true validates every row the same way (taken names included) and writes nothing.',
  tags: ['hosts'],
  query: z.object({ dry_run: z.enum(['true', 'false']).default('false') }).strict(),
  responses: {
    200: {
      description: 'One result per row (status valid instead of created in a dry run)',
      schema: z.object({
        dry_run: z.boolean(),
        created: z.number(),
        valid: z.number(),
        failed: z.number(),
        results: z.array(rowResultSchema),
      }),
    },
    400: { description: 'Not a JSON {hosts} object or a CSV with a known header' },
    413: { description: `More than ${IMPORT_MAX_BYTES} bytes or ${IMPORT_MAX_ROWS} rows` },
    415: { description: 'Neither application/json nor text/csv' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const dryRun = ctx.query.dry_run === 'true';
    const { csv, text } = await readBody(ctx.request);
    const rows = csv ? csvRows(text) : jsonRows(text);
    // This route reads its own body (CSV or JSON), so it applies the boundary's text check itself.
    assertCleanInput(
      rows.map((r) => r.value),
      'body.hosts',
    );
    if (rows.length > IMPORT_MAX_ROWS)
      throw new ApiError(413, 'too_many_rows', `at most ${IMPORT_MAX_ROWS} rows per import`);
    const checked: Checked[] = [];
    for (const r of rows) checked.push(await checkRow(ctx.db, r));
    const results = dryRun
      ? await previewRows(ctx.db, checked)
      : await createRows(ctx.db, checked, { actor: actorOf(p), ip: ctx.clientIp });
    const count = (s: RowResult['status']) => results.filter((r) => r.status === s).length;
    const summary = { created: count('created'), valid: count('valid'), failed: count('error') };
    if (!dryRun)
      await audit(ctx.db, {
        code: 'host.imported',
        actor: actorOf(p),
        ip: ctx.clientIp,
        details: { format: csv ? 'csv' : 'json', rows: rows.length, ...summary },
      });
    return jsonResponse({ dry_run: dryRun, ...summary, results });
  },
});

/** A row that passed its own checks (the host it would create), or its error. */
type Checked = { row: number; host: NewHost } | RowResult;
const isResult = (c: Checked): c is RowResult => 'status' in c;
const nameKey = (h: NewHost) => `${h.hostname.toLowerCase()} ${h.environment}`;

/** The same checks as an import, writing nothing: a name taken by a live host or an earlier row fails. */
async function previewRows(db: Queryable, checked: Checked[]): Promise<RowResult[]> {
  const taken = await takenHostNames(
    db,
    checked.flatMap((c) => (isResult(c) ? [] : [c.host])),
  );
  const firstRow = new Map<string, number>();
  return checked.map((c) => {
    if (isResult(c)) return c;
    const key = nameKey(c.host);
    const earlier = firstRow.get(key);
    if (taken.has(key) || earlier !== undefined) {
      const e = hostExists();
      const why = earlier === undefined ? e.message : `${e.message} (as row ${earlier})`;
      return { row: c.row, status: 'error', hostname: c.host.hostname, code: e.code, message: why };
    }
    firstRow.set(key, c.row);
    return { row: c.row, status: 'valid', hostname: c.host.hostname };
  });
}

async function createRows(
  db: Parameters<typeof createHost>[0],
  checked: Checked[],
  who: { actor: ReturnType<typeof actorOf>; ip: string },
): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for (const c of checked) {
    if (isResult(c)) {
      out.push(c);
      continue;
    }
    try {
      const host = await createHost(db, c.host, { ...who, source: 'import' });
      out.push({ row: c.row, status: 'created', id: host.id, hostname: host.hostname });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      out.push({
        row: c.row,
        status: 'error',
        hostname: c.host.hostname,
        code: err.code,
        message: err.message,
      });
    }
  }
  return out;
}

/** A row as a valid new host, or its error (unknown credential, field problems). */
async function checkRow(db: Queryable, r: RawRow): Promise<Checked> {
  let value = r.value;
  if (r.credential !== undefined) {
    const id = await resolveCredential(db, r.credential);
    if (!id)
      return {
        row: r.row,
        status: 'error',
        code: 'unknown_credential',
        message: `no credential ${r.credential}`,
      };
    value = { ...(value as Record<string, unknown>), credential_id: id };
  }
  const parsed = newHostSchema.safeParse(value);
  const named = (value as { hostname?: unknown } | null)?.hostname;
  if (!parsed.success)
    return {
      row: r.row,
      status: 'error',
      ...(typeof named === 'string' && named !== '' ? { hostname: named.slice(0, 253) } : {}),
      code: 'validation_error',
      message: 'invalid host',
      details: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
    };
  return { row: r.row, host: parsed.data };
}
