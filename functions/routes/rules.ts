import { z } from 'zod';
import { getCatalogRule, listCatalog, type CatalogRow } from '../../core/db/sql/rule-catalog.ts';
import { FRAMEWORKS } from '../../core/results/frameworks.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { page, pageLimit, pageSchema } from '../http/page.ts';
import { countsSchema } from './posture.ts';

const ruleId = z.string().regex(/^[a-z0-9][a-z0-9_]{0,199}$/);
const word = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);

export const ruleSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  category: z.string(),
  tags: z.array(z.string()),
  references: z.record(z.string(), z.unknown()),
  platforms: z.array(
    z.object({ family: z.string(), min_version: z.string().optional(), max_version: z.string().optional() }),
  ),
  corpus_version: z.string(),
});

export function ruleView(r: CatalogRow) {
  return {
    id: r.rule_id,
    title: r.title,
    severity: r.severity,
    category: r.category,
    tags: r.tags,
    references: r.refs,
    platforms: r.platforms,
    corpus_version: r.corpus_version,
  };
}

export const listRulesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/rules',
  permission: 'rules:read',
  summary:
    'The rule catalog by id (filters: framework, severity, platform family, tag, category, q = text in id or title; cursor)',
  tags: ['rules'],
  query: z
    .object({
      framework: z.enum(FRAMEWORKS).optional(),
      severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      platform: word.optional(),
      tag: word.optional(),
      category: word.optional(),
      q: z.string().min(1).max(100).optional(),
      cursor: ruleId.optional(),
      limit: pageLimit(),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of rules',
      schema: pageSchema(ruleSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await listCatalog(db, {
      framework: query.framework,
      severity: query.severity,
      platform: query.platform,
      tag: query.tag,
      category: query.category,
      q: query.q,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return jsonResponse(page(rows, query.limit, ruleView, (r) => r.rule_id));
  },
});

/** How result views carry guidance: present on failures, null elsewhere. */
export const guidanceShape = {
  remediation: z.string().nullable().describe('How to fix a failure (prose and configuration snippets)'),
  shell_fix: z
    .string()
    .nullable()
    .describe('A shell fix for the failure, shown as text only (OpenWatch never runs it); review first'),
};

export const getRuleRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/rules/:id',
  permission: 'rules:read',
  summary: 'One rule with its guidance: description, rationale, remediation, check summary, variables',
  tags: ['rules'],
  params: z.object({ id: ruleId }).strict(),
  responses: {
    200: {
      description: 'The rule',
      schema: ruleSchema.extend({
        description: z.string(),
        rationale: z.string(),
        remediation: z.string(),
        check_summary: z.string(),
        variables: z.record(
          z.string(),
          z.object({ type: z.string(), default: z.unknown(), description: z.string() }),
        ),
        shell_fix: guidanceShape.shell_fix,
        fleet: countsSchema.describe("The rule's current verdicts across live hosts"),
      }),
    },
    404: { description: 'No such rule in the catalog' },
  },
  handler: async ({ db, params }) => {
    const r = await getCatalogRule(db, params.id);
    if (!r)
      throw new ApiError(
        404,
        'not_found',
        `no rule '${params.id}' in the catalog; list them with GET /api/v1/rules`,
      );
    return jsonResponse({
      ...ruleView(r),
      description: r.description,
      rationale: r.rationale,
      remediation: r.remediation,
      check_summary: r.check_summary,
      variables: r.variables,
      shell_fix: r.shell_fix,
      fleet: r.fleet,
    });
  },
});
