import { z } from 'zod';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const verifySchema = z.object({
  intact: z.boolean(),
  checked: z.number().int(),
  last_id: z.number().int(),
  broken: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
  verified_at: z.string(),
});

export const verifyAuditRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/audit/verify',
  permission: 'audit:read',
  summary:
    'Walk the audit hash chain as `openwatch audit verify` does: intact, or the first event that does not verify (altered, or missing events before it). The head anchored outside the database is checked by the CLI only',
  tags: ['audit'],
  responses: { 200: { description: 'The chain’s state', schema: verifySchema } },
  handler: async ({ db }) => {
    const r = await verifyAuditChain(db);
    return jsonResponse({
      intact: r.broken === undefined,
      checked: r.checked,
      last_id: r.lastId,
      broken: r.broken ?? null,
      verified_at: new Date().toISOString(),
    });
  },
});
