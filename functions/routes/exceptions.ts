import { z } from 'zod';
import { audit } from '../../core/audit/append.ts';
import * as sql from '../../core/db/sql/exceptions.ts';
import {
  decideException,
  ExceptionError,
  requestException,
  revokeException,
  type Caller,
} from '../../core/results/exceptions.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute, type RouteContext } from '../http/route.ts';
import { page, pageLimit, pageSchema } from '../http/page.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const ruleId = z.string().regex(/^[a-z0-9][a-z0-9_]{0,127}$/);
const text = z.string().trim().min(1).max(2000);
const userRef = z.object({ id: z.string(), username: z.string().nullable() }).nullable();

const exceptionSchema = z.object({
  id: z.string(),
  host_id: z.string().nullable(),
  group_id: z.string().nullable(),
  rule_id: z.string(),
  reason: z.string(),
  state: z.enum(sql.EXCEPTION_STATES),
  expires_at: z.string().nullable(),
  requested_by: userRef,
  requested_at: z.string(),
  decided_by: userRef,
  decided_at: z.string().nullable(),
  decision_comment: z.string().nullable(),
  revoked_by: userRef,
  revoked_at: z.string().nullable(),
  revoke_reason: z.string().nullable(),
});

const ref = (id: string | null, username: string | null) => (id === null ? null : { id, username });

export function exceptionView(e: sql.ExceptionRow): z.infer<typeof exceptionSchema> {
  return {
    id: e.id,
    host_id: e.host_id,
    group_id: e.group_id,
    rule_id: e.rule_id,
    reason: e.reason,
    state: e.state,
    expires_at: e.expires_at?.toISOString() ?? null,
    requested_by: ref(e.requested_by, e.requested_by_name),
    requested_at: e.requested_at.toISOString(),
    decided_by: ref(e.decided_by, e.decided_by_name),
    decided_at: e.decided_at?.toISOString() ?? null,
    decision_comment: e.decision_comment,
    revoked_by: ref(e.revoked_by, e.revoked_by_name),
    revoked_at: e.revoked_at?.toISOString() ?? null,
    revoke_reason: e.revoke_reason,
  };
}

const STATUS: Record<ExceptionError['code'], number> = {
  not_found: 404,
  host_not_found: 422,
  group_not_found: 422,
  rule_not_found: 422,
  invalid_state: 409,
  exception_expired: 409,
  self_approval_forbidden: 403,
};

/** Runs a workflow step, answering its refusals as API errors. */
async function step<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ExceptionError)
      throw new ApiError(STATUS[err.code], err.code, err.message, err.details);
    throw err;
  }
}

function caller(ctx: { principal: Principal | undefined; clientIp: string }): Caller {
  return { actor: actorOf(principalOf(ctx)), ip: ctx.clientIp };
}

const changed = { description: 'The exception after the change', schema: exceptionSchema };

export const requestExceptionRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/exceptions',
  permission: 'exceptions:manage',
  summary: 'Request an exception to one rule for a host or a group (reason required; optional expiry)',
  tags: ['exceptions'],
  body: z
    .object({
      host_id: z.uuid().optional(),
      group_id: z.uuid().optional(),
      rule_id: ruleId,
      reason: text,
      expires_at: z.iso.datetime({ offset: true }).optional(),
    })
    .strict()
    .refine((b) => (b.host_id === undefined) !== (b.group_id === undefined), {
      message: 'give exactly one of host_id and group_id',
      path: ['host_id'],
    }),
  responses: {
    201: { description: 'Requested', schema: exceptionSchema },
    422: { description: 'No such host, group or rule' },
  },
  handler: async (ctx) => {
    const expiresAt = ctx.body.expires_at === undefined ? null : new Date(ctx.body.expires_at);
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new ApiError(400, 'validation_error', 'invalid request body', [
        { field: 'body.expires_at', message: 'must be in the future' },
      ]);
    const row = await step(() =>
      requestException(
        ctx.db,
        {
          hostId: ctx.body.host_id ?? null,
          groupId: ctx.body.group_id ?? null,
          ruleId: ctx.body.rule_id,
          reason: ctx.body.reason,
          expiresAt,
        },
        caller(ctx),
      ),
    );
    return jsonResponse(exceptionView(row), 201);
  },
});

export const listExceptionsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/exceptions',
  permission: 'exceptions:read',
  summary:
    'List exceptions, newest request first (filters: host_id — its own and its groups’, group_id, rule_id, state; cursor)',
  tags: ['exceptions'],
  query: z
    .object({
      host_id: z.uuid().optional(),
      group_id: z.uuid().optional(),
      rule_id: ruleId.optional(),
      state: z.enum(sql.EXCEPTION_STATES).optional(),
      cursor: z.uuid().optional(),
      limit: pageLimit(),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of exceptions',
      schema: pageSchema(exceptionSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await sql.listExceptions(db, {
      hostId: query.host_id,
      groupId: query.group_id,
      ruleId: query.rule_id,
      state: query.state,
      after: query.cursor,
      limit: query.limit,
    });
    return jsonResponse(page(rows, query.limit, exceptionView, (r) => r.id));
  },
});

export const getExceptionRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/exceptions/:id',
  permission: 'exceptions:read',
  summary: 'One exception with its state (`expired` once an approved one passes its expiry) and history',
  tags: ['exceptions'],
  params: idParam,
  responses: { 200: { description: 'The exception', schema: exceptionSchema } },
  handler: async ({ db, params }) => {
    const row = await sql.exceptionById(db, params.id);
    if (!row) throw new ApiError(404, 'not_found', 'no such exception');
    return jsonResponse(exceptionView(row));
  },
});

const decisionBody = z.object({ comment: text.optional() }).strict();

function decisionRoute(decision: 'approved' | 'rejected') {
  const verb = decision === 'approved' ? 'approve' : 'reject';
  return defineRoute({
    method: 'POST',
    path: `/api/v1/exceptions/:id/${verb}`,
    permission: 'exceptions:approve',
    summary: `${decision === 'approved' ? 'Approve' : 'Reject'} a requested exception (not your own request: 403 self_approval_forbidden)`,
    tags: ['exceptions'],
    params: idParam,
    body: decisionBody,
    responses: {
      200: changed,
      403: { description: 'The caller requested this exception' },
      409: { description: 'Not in state requested (or, to approve, its expiry has passed)' },
    },
    handler: async (ctx) => {
      const row = await step(() =>
        decideException(ctx.db, ctx.params.id, decision, ctx.body.comment ?? null, caller(ctx)),
      );
      return jsonResponse(exceptionView(row));
    },
  });
}

export const approveExceptionRoute = decisionRoute('approved');
export const rejectExceptionRoute = decisionRoute('rejected');

type RevokeCtx = RouteContext<{ id: string }, undefined, { reason?: string | undefined }>;

/** Revoking takes exceptions:manage or exceptions:approve; the route's gate is exceptions:read. */
async function assertMayRevoke(ctx: RevokeCtx): Promise<void> {
  const p = principalOf(ctx);
  if (p.permissions.has('exceptions:manage') || p.permissions.has('exceptions:approve')) return;
  await audit(ctx.db, {
    code: 'authz.denied',
    actor: actorOf(p),
    ip: ctx.clientIp,
    details: {
      route: 'POST /api/v1/exceptions/:id/revoke',
      permission: 'exceptions:manage|exceptions:approve',
      reason: 'forbidden',
      via: p.kind,
    },
  });
  throw new ApiError(403, 'forbidden', 'requires permission exceptions:manage or exceptions:approve', {
    permission: 'exceptions:manage|exceptions:approve',
  });
}

export const revokeExceptionRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/exceptions/:id/revoke',
  permission: 'exceptions:read',
  summary: 'Revoke an approved exception in force (requires exceptions:manage or exceptions:approve as well)',
  tags: ['exceptions'],
  params: idParam,
  body: z.object({ reason: text.optional() }).strict(),
  responses: {
    200: changed,
    403: { description: 'Neither exceptions:manage nor exceptions:approve' },
    409: { description: 'Not approved (or already expired)' },
  },
  handler: async (ctx) => {
    if (!(await sql.exceptionById(ctx.db, ctx.params.id)))
      throw new ApiError(404, 'not_found', 'no such exception');
    await assertMayRevoke(ctx);
    const row = await step(() =>
      revokeException(ctx.db, ctx.params.id, ctx.body.reason ?? null, caller(ctx)),
    );
    return jsonResponse(exceptionView(row));
  },
});
