import { z } from 'zod';
import {
  HOST_SORTS,
  isSortKey,
  listHosts,
  POSTURE_BANDS,
  type HostListKey,
  type HostListRow,
  type HostSort,
} from '../../../core/db/sql/host-list.ts';
import { LIVENESS_STATES } from '../../../core/fleet/liveness.ts';
import { environmentSchema, tagSchema } from '../../../core/fleet/validate.ts';
import { hostSchema, hostView } from '../../fleet/host-views.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { page, pageLimit, pageSchema } from '../../http/page.ts';
import { defineRoute } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../identity/views.ts';

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of: ${values.join(', ')}` });

/** A cursor names its sort and order, so one issued for another sort is refused, not misread. */
const cursorSchema = z.tuple([
  z.enum(HOST_SORTS),
  z.enum(['asc', 'desc']),
  z.string().max(300).nullable(),
  z.string().max(300),
  z.uuid(),
]);

/** JSON with every non-ASCII character escaped: cursors are base64 of Latin-1 text, OS names are not. */
const asciiJson = (v: unknown): string =>
  JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function parseCursor(
  cursor: string | undefined,
  sort: HostSort,
  order: 'asc' | 'desc',
): HostListKey | undefined {
  const raw = decodeCursor(cursor);
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success || c.data[0] !== sort || c.data[1] !== order || !isSortKey(sort, c.data[2]))
    throw new ApiError(
      400,
      'invalid_cursor',
      'the cursor is not one this API issued for this sort and order',
    );
  return { key: c.data[2], name: c.data[3], id: c.data[4] };
}

export const listHostsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts',
  permission: 'hosts:read',
  summary:
    'List hosts, sorted (sort: name, address, os, score, last_scan, liveness; order: asc, desc; ties by ' +
    'name) and filtered (environment, tag, group, q on hostname/address, maintenance, os, os_version ' +
    'prefix, posture band, liveness), with a cursor',
  tags: ['hosts'],
  query: z
    .object({
      environment: environmentSchema.optional(),
      tag: tagSchema.optional(),
      group: z.uuid().optional(),
      q: z.string().trim().min(1).max(200).optional(),
      maintenance: z.enum(['true', 'false']).optional(),
      os: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a distribution id such as ubuntu or rhel')
        .optional(),
      os_version: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._-]{1,32}$/, 'a version or its prefix such as 22 or 22.04')
        .optional(),
      posture: oneOf(POSTURE_BANDS).optional(),
      liveness: oneOf(LIVENESS_STATES).optional(),
      sort: oneOf(HOST_SORTS).default('name'),
      order: oneOf(['asc', 'desc'] as const).default('asc'),
      cursor: z.string().max(1000).optional(),
      limit: pageLimit(),
    })
    .strict(),
  responses: {
    200: { description: 'A page of hosts', schema: pageSchema(hostSchema) },
    400: {
      description: 'validation_error (an unknown sort or filter value names the valid ones), invalid_cursor',
    },
  },
  handler: async ({ db, query }) => {
    const rows = await listHosts(db, {
      environment: query.environment,
      tag: query.tag,
      groupId: query.group,
      q: query.q,
      maintenance: query.maintenance === undefined ? undefined : query.maintenance === 'true',
      os: query.os,
      osVersion: query.os_version,
      posture: query.posture,
      liveness: query.liveness,
      sort: query.sort,
      order: query.order,
      after: parseCursor(query.cursor, query.sort, query.order),
      limit: query.limit + 1,
    });
    const cursorOf = (h: HostListRow) =>
      encodeCursor(asciiJson([query.sort, query.order, h.sort_key, h.hostname.toLowerCase(), h.id]));
    return jsonResponse(page(rows, query.limit, (h) => hostView(h), cursorOf));
  },
});
