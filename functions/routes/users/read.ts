import { z } from 'zod';
import { roleNamesOfUsers } from '../../../core/db/sql/roles.ts';
import { listUsers } from '../../../core/db/sql/users.ts';
import { jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { loadTarget } from '../../identity/guard.ts';
import { decodeCursor, encodeCursor, idParams, userSchema, userView } from '../../identity/views.ts';
import { pageLimit, pageSchema } from '../../http/page.ts';

export const listUsersRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/users',
  permission: 'users:read',
  summary: 'List users by username (cursor pagination)',
  tags: ['users'],
  query: z
    .object({
      cursor: z.string().max(200).optional(),
      limit: pageLimit(50, 200),
      include_deleted: z.enum(['true', 'false']).default('false'),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of users',
      schema: pageSchema(userSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await listUsers(db, {
      after: decodeCursor(query.cursor),
      limit: query.limit + 1,
      includeDeleted: query.include_deleted === 'true',
    });
    const page = rows.slice(0, query.limit);
    const roles = await roleNamesOfUsers(
      db,
      page.map((u) => u.id),
    );
    const items = page.map((u) => userView(u, roles.get(u.id) ?? []));
    const last = page[page.length - 1];
    return jsonResponse({
      items,
      next_cursor: rows.length > query.limit && last ? encodeCursor(last.username) : null,
    });
  },
});

export const getUserRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/users/:id',
  permission: 'users:read',
  summary: 'One user',
  tags: ['users'],
  params: idParams,
  responses: { 200: { description: 'The user', schema: userSchema }, 404: { description: 'No such user' } },
  handler: async ({ db, params }) => {
    const t = await loadTarget(db, params.id);
    return jsonResponse(userView(t.user, t.roles));
  },
});
