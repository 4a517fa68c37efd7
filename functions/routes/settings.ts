import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  MFA_POLICY_KEY,
  mfaPolicySchema,
  readMfaPolicy,
  writeMfaPolicy,
} from '../../core/identity/mfa-policy.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

export const getMfaPolicyRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/settings/mfa-policy',
  permission: 'settings:read',
  summary: 'Who must use MFA: none, admins (accounts that can manage users or roles) or all',
  tags: ['settings'],
  responses: { 200: { description: 'The policy', schema: mfaPolicySchema } },
  handler: async ({ db }) => jsonResponse(await readMfaPolicy(db)),
});

export const putMfaPolicyRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/settings/mfa-policy',
  permission: 'settings:manage',
  summary: 'Set the MFA policy; accounts it covers without MFA get a session restricted to enrolment',
  tags: ['settings'],
  body: mfaPolicySchema,
  responses: { 200: { description: 'The policy now', schema: mfaPolicySchema } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const before = await readMfaPolicy(tx);
      await writeMfaPolicy(tx, ctx.body);
      await appendAuditEvents(tx, [
        {
          code: 'config.changed',
          actor: actorOf(p),
          target: { type: 'setting', id: MFA_POLICY_KEY },
          ip: ctx.clientIp,
          details: { before, after: ctx.body },
        },
      ]);
    });
    return jsonResponse(ctx.body);
  },
});
