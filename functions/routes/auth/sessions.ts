import { z } from 'zod';
import { appendAuditEvents } from '../../../core/audit/append.ts';
import { listLiveSessions, revokeOwnSession, type SessionRow } from '../../../core/db/sql/sessions.ts';
import { clearedCookies } from '../../auth/cookies.ts';
import { actorOf, principalOf } from '../../auth/principal.ts';
import { ApiError, jsonResponse } from '../../http/errors.ts';
import { defineRoute } from '../../http/route.ts';
import { idParams } from '../../identity/views.ts';

const sessionSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  last_used_at: z.string(),
  expires_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
});

function sessionView(s: SessionRow, currentId: string | null): z.infer<typeof sessionSchema> {
  return {
    id: s.id,
    created_at: s.created_at.toISOString(),
    last_used_at: s.last_seen_at.toISOString(),
    expires_at: s.expires_at.toISOString(),
    ip: s.ip,
    user_agent: s.user_agent,
    current: s.id === currentId,
  };
}

export const listMySessionsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/auth/sessions',
  permission: 'authenticated',
  summary:
    'Your signed-in sessions that can still be used, most recently used first; `current` marks the one making this request',
  tags: ['auth'],
  responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(sessionSchema) }) } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const idle = ctx.services.identity.settings.session_idle_minutes * 60;
    const rows = await listLiveSessions(ctx.db, p.userId, idle);
    return jsonResponse({ items: rows.map((s) => sessionView(s, p.sessionId)) });
  },
});

export const revokeMySessionRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/auth/sessions/:id',
  permission: 'authenticated',
  sessionOnly: true,
  summary:
    'Revoke one of your sessions (its next request answers 401); revoking the current one signs you out and clears its cookies',
  tags: ['auth'],
  params: idParams,
  responses: {
    204: { description: 'Revoked' },
    404: { description: 'No live session of yours with this id' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const id = ctx.params.id;
    const revoked = await ctx.db.transaction(async (tx) => {
      if (!(await revokeOwnSession(tx, p.userId, id, 'revoked by user'))) return false;
      await appendAuditEvents(tx, [
        {
          code: 'auth.session.revoked',
          actor: actorOf(p),
          target: { type: 'session', id },
          ip: ctx.clientIp,
          details: { current: id === p.sessionId },
        },
      ]);
      return true;
    });
    if (!revoked) throw new ApiError(404, 'not_found', 'no such session');
    const res = new Response(null, { status: 204 });
    if (id === p.sessionId) for (const c of clearedCookies()) res.headers.append('set-cookie', c);
    return res;
  },
});
