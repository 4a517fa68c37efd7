import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { rolesByNames } from '../../../core/db/sql/roles.ts';
import { SQLSTATE, sqlState } from '../../../core/db/types.ts';
import { createUser, normaliseUsername, USERNAME_PATTERN } from '../../../core/identity/accounts.ts';
import { permissionsOf } from '../../../core/rbac/roles.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { assertCanGrant } from '../../identity/guard.ts';
import { userSchema, userView } from '../../identity/views.ts';
import { weakPassword } from '../auth/password.ts';

export const roleList = z.array(z.string().regex(/^[a-z][a-z0-9_]{1,62}$/)).max(20);

export const createUserRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/users',
  permission: 'users:manage',
  summary: 'Create a user with an initial password and roles',
  tags: ['users'],
  body: z
    .object({
      username: z
        .string()
        .transform(normaliseUsername)
        .pipe(z.string().regex(USERNAME_PATTERN, '2–63 of a-z 0-9 . _ -, starting with a letter or digit')),
      email: z.email().max(254),
      display_name: z.string().max(200).default(''),
      password: z.string().min(1).max(1024),
      roles: roleList.default([]),
    })
    .strict(),
  responses: {
    201: { description: 'Created', schema: userSchema },
    403: { description: 'The roles grant permissions you do not hold' },
    409: { description: 'The username is taken (also by a deleted user)' },
    422: { description: 'The password does not meet the policy, or a role does not exist' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    await assertCanGrant(
      ctx.db,
      p,
      ctx.clientIp,
      permissionsOf(await rolesByNames(ctx.db, b.roles)),
      'user roles',
    );
    const common = await ctx.services.identity.commonPasswords();
    let result;
    try {
      result = await ctx.db.transaction(async (tx) => {
        const r = await createUser(
          tx,
          {
            username: b.username,
            email: b.email,
            displayName: b.display_name,
            password: b.password,
            roles: b.roles,
          },
          common,
        );
        if (r.ok)
          await appendAuditEvents(tx, [
            {
              code: 'user.created',
              actor: actorOf(p),
              target: { type: 'user', id: r.user.id },
              ip: ctx.clientIp,
              details: { username: r.user.username, roles: b.roles },
            },
          ]);
        return r;
      });
    } catch (err) {
      if (sqlState(err) === SQLSTATE.uniqueViolation)
        throw new ApiError(409, 'username_taken', 'that username is taken');
      throw err;
    }
    if (!result.ok) {
      if (result.reason === 'weak_password') throw weakPassword(result.messages);
      if (result.reason === 'username_taken')
        throw new ApiError(409, 'username_taken', 'that username is taken');
      throw new ApiError(422, 'unknown_role', 'a role does not exist');
    }
    return jsonResponse(userView(result.user, b.roles), 201);
  },
});
