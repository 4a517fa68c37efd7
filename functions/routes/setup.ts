import { z } from 'zod';
import { activeAdminExists } from '../../core/db/sql/setup.ts';
import { normaliseUsername, USERNAME_PATTERN } from '../../core/identity/accounts.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { completeSetup } from '../identity/setup.ts';
import { userSchema, userView } from '../identity/views.ts';

export const setupStatusRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/setup',
  permission: 'public',
  summary: 'Whether first-run setup is needed (no active administrator exists)',
  tags: ['auth'],
  responses: {
    200: { description: 'Setup state', schema: z.object({ setup_required: z.boolean() }) },
  },
  handler: async ({ db }) => jsonResponse({ setup_required: !(await activeAdminExists(db)) }),
});

export const completeSetupRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/setup',
  permission: 'public',
  summary: 'Create the first administrator with the one-time token of the setup link',
  tags: ['auth'],
  body: z
    .object({
      token: z.string().min(1).max(200),
      username: z
        .string()
        .transform(normaliseUsername)
        .pipe(z.string().regex(USERNAME_PATTERN, '2–63 of a-z 0-9 . _ -, starting with a letter or digit')),
      email: z.email().max(254),
      password: z.string().min(1).max(1024),
    })
    .strict(),
  responses: {
    201: {
      description: 'The administrator was created; the token is spent',
      schema: z.object({ user: userSchema }),
    },
    403: { description: 'setup_token_invalid: unknown, used, replaced or expired token' },
    409: { description: 'setup_complete: an administrator already exists' },
    422: { description: 'weak_password: the password does not meet the policy for administrators' },
    429: { description: 'Rate limited; see Retry-After' },
  },
  handler: async ({ body, db, services, clientIp }) => {
    const user = await completeSetup(db, services.identity, {
      token: body.token,
      username: body.username,
      email: body.email,
      password: body.password,
      ip: clientIp,
    });
    return jsonResponse({ user: userView(user, ['admin']) }, 201);
  },
});
