import { z } from 'zod';
import { getProfile, listProfiles, profileRuleRows } from '../../core/db/sql/profiles.ts';
import { jsonResponse, ApiError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const summarySchema = z.object({
  id: z.string(),
  title: z.string(),
  benchmark: z.string(),
  rule_count: z.number().int(),
});

export const profileParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9_]{0,63}$/) });

export const listProfilesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/profiles',
  permission: 'rules:read',
  summary: 'Benchmark profiles (CIS, STIG, PCI DSS, baseline) with their rule counts',
  tags: ['profiles'],
  responses: { 200: { description: 'Profiles', schema: z.object({ items: z.array(summarySchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: await listProfiles(db) }),
});

export const getProfileRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/profiles/:id',
  permission: 'rules:read',
  summary: 'One profile: its rules (with title and severity), variables and the OSes it is the default for',
  tags: ['profiles'],
  params: profileParams,
  responses: {
    200: {
      description: 'The profile',
      schema: summarySchema.extend({
        description: z.string(),
        default_for: z.array(
          z.object({
            family: z.string(),
            min_version: z.string().optional(),
            max_version: z.string().optional(),
          }),
        ),
        variables: z.record(z.string(), z.unknown()),
        rules: z.array(
          z.object({ rule_id: z.string(), title: z.string().nullable(), severity: z.string().nullable() }),
        ),
      }),
    },
    404: { description: 'No such profile' },
  },
  handler: async ({ db, params }) => {
    const p = await getProfile(db, params.id);
    if (!p) throw new ApiError(404, 'not_found', 'no such profile');
    const rules = await profileRuleRows(db, p.rules);
    return jsonResponse({
      id: p.id,
      title: p.title,
      benchmark: p.benchmark,
      rule_count: p.rule_count,
      description: p.description,
      default_for: p.default_for,
      variables: p.variables,
      rules,
    });
  },
});
