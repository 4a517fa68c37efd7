import { z } from 'zod';
import { listCatalog, type CatalogRow } from '../../core/db/sql/rule-catalog.ts';
import { FRAMEWORKS } from '../../core/results/frameworks.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { page, pageLimit, pageSchema } from '../http/page.ts';

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
