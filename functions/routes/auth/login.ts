import { z } from 'zod';
import { REFRESH_COOKIE, CSRF_COOKIE, CSRF_HEADER, parseCookies } from '../../auth/cookies.ts';
import { ApiError } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { auditRejectedLogin, login } from '../../identity/login.ts';
import { refresh } from '../../identity/refresh.ts';
import { tokenResponse } from '../../identity/sessions.ts';

const client = z.enum(['api', 'browser']).default('api');

const tokens = z.object({
  token_type: z.enum(['Bearer', 'cookie']),
  access_token: z.string().optional(),
  refresh_token: z.string().optional(),
  csrf_token: z.string().optional(),
  expires_in: z.number().int(),
  session_expires_at: z.string(),
  mfa_enrolment_required: z.boolean(),
});

export const loginRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/login',
  permission: 'public',
  summary: 'Sign in with username, password and (when enrolled) a one-time code',
  tags: ['auth'],
  body: z
    .object({
      username: z.string().min(1).max(200),
      password: z.string().min(1).max(1024),
      otp: z.string().min(1).max(64).optional(),
      /** `browser`: tokens in HttpOnly cookies plus a CSRF token; `api`: tokens in the body. */
      client,
    })
    .strict(),
  onRejectedInput: ({ db, clientIp, body, issues }) => auditRejectedLogin(db, clientIp, body, issues),
  responses: {
    200: { description: 'Signed in', schema: tokens },
    401: { description: 'Invalid credentials, or a one-time code is required (mfa_required)' },
    429: { description: 'Rate limited or locked out; see Retry-After' },
  },
  handler: async ({ body, db, services, log, clientIp, request }) => {
    const issued = await login(db, services.identity, log, {
      username: body.username,
      password: body.password,
      otp: body.otp,
      client: body.client,
      ip: clientIp,
      userAgent: request.headers.get('user-agent') ?? '',
    });
    return tokenResponse(issued, services.identity, body.client);
  },
});

export const refreshRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/refresh',
  permission: 'public',
  summary: 'Exchange a refresh token (body, or the refresh cookie plus X-CSRF-Token) for a new pair',
  tags: ['auth'],
  body: z.object({ refresh_token: z.string().min(1).max(200).optional() }).strict(),
  responses: {
    200: { description: 'New tokens; the refresh token given is now spent', schema: tokens },
    401: { description: 'Unknown, spent (the session is then revoked), expired or revoked' },
  },
  handler: async ({ body, db, services, log, clientIp, request }) => {
    const cookies = parseCookies(request.headers.get('cookie'));
    const fromCookie = body.refresh_token === undefined;
    const token = body.refresh_token ?? cookies.get(REFRESH_COOKIE);
    if (!token) throw new ApiError(401, 'unauthenticated', 'authentication required');
    const kind = fromCookie ? 'browser' : 'api';
    const issued = await refresh(db, services.identity, log, {
      token,
      client: kind,
      csrf: fromCookie
        ? { header: request.headers.get(CSRF_HEADER) ?? '', cookie: cookies.get(CSRF_COOKIE) ?? '' }
        : undefined,
      ip: clientIp,
    });
    return tokenResponse(issued, services.identity, kind);
  },
});
