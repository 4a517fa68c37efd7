import { z } from 'zod';
import { getCatalogRule } from '../../core/db/sql/rule-catalog.ts';
import { getRuleText } from '../../core/db/sql/rule-text.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { ruleSchema, ruleView } from './rules.ts';

const count = z.number().int();

export const getRuleRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/rules/:id',
  permission: 'rules:read',
  summary:
    "One rule: its catalog entry, description, rationale, remediation and the fleet's current verdicts",
  tags: ['rules'],
  params: z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9_]{0,199}$/) }).strict(),
  responses: {
    200: {
      description: 'The rule',
      schema: ruleSchema.extend({
        description: z.string(),
        rationale: z.string(),
        remediation: z.string(),
        fleet: z.object({
          pass: count,
          fail: count,
          error: count,
          not_applicable: count,
          not_assessable: count,
        }),
      }),
    },
  },
  handler: async ({ db, params }) => {
    const rule = await getCatalogRule(db, params.id);
    const text = rule && (await getRuleText(db, params.id));
    if (!rule || !text) throw new ApiError(404, 'not_found', 'no such rule in the catalog');
    return jsonResponse({
      ...ruleView(rule),
      description: text.description,
      rationale: text.rationale,
      remediation: text.remediation,
      fleet: text.counts,
    });
  },
});
