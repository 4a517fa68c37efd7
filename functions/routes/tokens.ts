import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  apiTokenById,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  type ApiTokenRow,
} from '../../core/db/sql/api-tokens.ts';
import { roleByName } from '../../core/db/sql/roles.ts';
import {
  API_TOKEN_PREFIX,
  newOpaqueToken,
  opaqueTokenHash,
  tokenHint,
} from '../../core/identity/opaque-tokens.ts';
import { permissionsOf } from '../../core/rbac/roles.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute, type RouteContext } from '../http/route.ts';
import { assertCanGrant, assertCanManageToken } from '../identity/guard.ts';
import { idParams } from '../identity/views.ts';

const DAY_MS = 24 * 3600 * 1000;

const tokenSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  username: z.string(),
  name: z.string(),
  role: z.string(),
  hint: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked: z.boolean(),
});

function tokenView(t: ApiTokenRow) {
  return {
    id: t.id,
    user_id: t.user_id,
    username: t.username,
    name: t.name,
    role: t.role,
    hint: t.hint,
    created_at: t.created_at.toISOString(),
    expires_at: t.expires_at?.toISOString() ?? null,
    last_used_at: t.last_used_at?.toISOString() ?? null,
    revoked: t.revoked_at !== null,
  };
}

const listSchema = z.object({ items: z.array(tokenSchema) });

async function revoke(ctx: RouteContext<{ id: string }, unknown, unknown>, p: Principal, ownOnly: boolean) {
  const token = await apiTokenById(ctx.db, ctx.params.id);
  if (!token || (ownOnly && token.user_id !== p.userId))
    throw new ApiError(404, 'not_found', 'no such token');
  await assertCanManageToken(ctx.db, p, ctx.clientIp, token);
  await ctx.db.transaction(async (tx) => {
    if (!(await revokeApiToken(tx, token.id))) return;
    await appendAuditEvents(tx, [
      {
        code: 'api_token.revoked',
        actor: actorOf(p),
        target: { type: 'api_token', id: token.id },
        ip: ctx.clientIp,
        details: { name: token.name, owner: token.username },
      },
    ]);
  });
  return new Response(null, { status: 204 });
}

export const listMyTokensRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/auth/tokens',
  permission: 'authenticated',
  summary: 'Your API tokens (never their secrets)',
  tags: ['tokens'],
  responses: { 200: { description: 'Tokens', schema: listSchema } },
  handler: async (ctx) =>
    jsonResponse({ items: (await listApiTokens(ctx.db, principalOf(ctx).userId)).map(tokenView) }),
});

export const createTokenRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/tokens',
  permission: 'authenticated',
  sessionOnly: true,
  summary: 'Create an API token bound to a role no higher than yours; the secret is shown once',
  tags: ['tokens'],
  body: z
    .object({
      name: z.string().min(1).max(100),
      role: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
      expires_in_days: z.number().int().min(1).max(3650).optional(),
    })
    .strict(),
  responses: {
    201: {
      description: 'Created; `token` is shown only now',
      schema: tokenSchema.extend({ token: z.string() }),
    },
    403: { description: 'The role grants permissions you do not hold' },
    422: { description: 'No such role' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const role = await roleByName(ctx.db, ctx.body.role);
    if (!role) throw new ApiError(422, 'unknown_role', 'no such role');
    await assertCanGrant(ctx.db, p, ctx.clientIp, permissionsOf([role]), 'API token role');
    const secret = newOpaqueToken(API_TOKEN_PREFIX);
    const expiresAt = ctx.body.expires_in_days
      ? new Date(Date.now() + ctx.body.expires_in_days * DAY_MS)
      : null;
    const row = await ctx.db.transaction(async (tx) => {
      const r = await insertApiToken(tx, {
        userId: p.userId,
        name: ctx.body.name,
        role: role.name,
        tokenHash: await opaqueTokenHash(secret),
        hint: tokenHint(secret),
        expiresAt,
      });
      await appendAuditEvents(tx, [
        {
          code: 'api_token.created',
          actor: actorOf(p),
          target: { type: 'api_token', id: r.id },
          ip: ctx.clientIp,
          details: { name: r.name, role: r.role, expires_at: r.expires_at?.toISOString() ?? null },
        },
      ]);
      return r;
    });
    return jsonResponse({ ...tokenView(row), token: secret }, 201, { 'cache-control': 'no-store' });
  },
});

export const revokeMyTokenRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/auth/tokens/:id',
  permission: 'authenticated',
  summary: 'Revoke one of your API tokens',
  tags: ['tokens'],
  params: idParams,
  responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token of yours' } },
  handler: async (ctx) => revoke(ctx, principalOf(ctx), true),
});

export const listAllTokensRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/tokens',
  permission: 'tokens:manage',
  summary: "Every user's API tokens (never their secrets)",
  tags: ['tokens'],
  responses: { 200: { description: 'Tokens', schema: listSchema } },
  handler: async (ctx) => jsonResponse({ items: (await listApiTokens(ctx.db, null)).map(tokenView) }),
});

export const revokeAnyTokenRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/tokens/:id',
  permission: 'tokens:manage',
  summary: "Revoke any user's API token",
  tags: ['tokens'],
  params: idParams,
  responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token' } },
  handler: async (ctx) => revoke(ctx, principalOf(ctx), false),
});
