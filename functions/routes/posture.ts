import { z } from 'zod';
import {
  postureByFramework,
  postureCounts,
  postureSeries,
  recentChanges,
  topFailingHosts,
  topFailingRules,
  type ChangeRow,
  type Scope,
} from '../../core/db/sql/posture.ts';
import { effectiveProfileCounts } from '../../core/db/sql/profiles.ts';
import { exceptedFailures } from '../../core/db/sql/exceptions.ts';
import { FRAMEWORKS } from '../../core/results/frameworks.ts';
import { postureScore, scoreWithExceptions, type PostureCounts } from '../../core/results/score.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime, page, pageLimit, pageSchema } from '../http/page.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const scopeQuery = {
  host_id: z.uuid().optional(),
  group_id: z.uuid().optional(),
  framework: z.enum(FRAMEWORKS).optional(),
};

export const countsSchema = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  error: z.number().int(),
  not_applicable: z.number().int(),
  not_assessable: z.number().int(),
});
/** pass ÷ (pass + fail) in [0, 1]; null = no data (docs/posture.md). */
const scoreSchema = z.number().min(0).max(1).nullable();

export function countsView(c: PostureCounts) {
  return {
    pass: c.pass,
    fail: c.fail,
    error: c.error,
    not_applicable: c.not_applicable,
    not_assessable: c.not_assessable,
  };
}

const scopeOf = (q: { host_id?: string; group_id?: string; framework?: string }): Scope => ({
  hostId: q.host_id,
  groupId: q.group_id,
  framework: q.framework,
});

export const postureRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/posture',
  permission: 'results:read',
  summary:
    "Posture score of the fleet, a host, a group or a framework, now or at a past time (`at`), with a per-framework breakdown; each host counts only its effective profile's rules",
  tags: ['posture'],
  query: z.object({ ...scopeQuery, at: isoTime.optional() }).strict(),
  responses: {
    200: {
      description: 'The score and verdict counts',
      schema: z.object({
        at: z.string().nullable(),
        score: scoreSchema,
        /** pass ÷ (pass + fail − excepted_fail): failures under an approved exception in force left out. */
        score_with_exceptions: scoreSchema,
        excepted_fail: z.number().int(),
        counts: countsSchema,
        hosts: z.object({ total: z.number().int(), assessed: z.number().int() }),
        frameworks: z.array(z.object({ framework: z.string(), score: scoreSchema, counts: countsSchema })),
        /** Hosts in scope per effective profile: each host is scored against its own (null: every rule). */
        profiles: z.array(
          z.object({
            profile_id: z.string().nullable(),
            source: z.enum(['host', 'group', 'os_default']).nullable(),
            hosts: z.number().int(),
          }),
        ),
      }),
    },
  },
  handler: async ({ db, query }) => {
    const scope = scopeOf(query);
    const profiles = await effectiveProfileCounts(db, scope);
    const c = await postureCounts(db, scope, query.at);
    const exceptedFail = await exceptedFailures(db, scope, query.at);
    const frameworks = await postureByFramework(
      db,
      scope,
      query.framework ? [query.framework] : FRAMEWORKS,
      query.at,
    );
    return jsonResponse({
      at: query.at?.toISOString() ?? null,
      score: postureScore(c),
      score_with_exceptions: scoreWithExceptions({ ...c, excepted_fail: exceptedFail }),
      excepted_fail: exceptedFail,
      counts: countsView(c),
      hosts: { total: c.hosts_total, assessed: c.hosts_assessed },
      frameworks: frameworks.map((f) => ({
        framework: f.framework,
        score: postureScore(f),
        counts: countsView(f),
      })),
      profiles,
    });
  },
});

/** The end of each of the last `days` UTC days, oldest first; today's is `now`. */
export function dayEnds(days: number, now: Date): { date: string; at: Date }[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => {
    const start = today - (days - 1 - i) * DAY_MS;
    return {
      date: new Date(start).toISOString().slice(0, 10),
      at: new Date(Math.min(start + DAY_MS, now.getTime())),
    };
  });
}

export const postureTrendRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/posture/trend',
  permission: 'results:read',
  summary: 'Daily posture score over the last `days` UTC days (the state at the end of each day)',
  tags: ['posture'],
  query: z.object({ ...scopeQuery, days: z.coerce.number().int().min(1).max(365).default(30) }).strict(),
  responses: {
    200: {
      description: 'One point per day, oldest first',
      schema: z.object({
        days: z.array(
          z.object({ date: z.string(), at: z.string(), score: scoreSchema, counts: countsSchema }),
        ),
      }),
    },
  },
  handler: async ({ db, query }) => {
    const ends = dayEnds(query.days, new Date());
    const series = await postureSeries(
      db,
      scopeOf(query),
      ends.map((e) => e.at),
    );
    return jsonResponse({
      days: ends.map((e, i) => {
        const c = series[i] ?? { pass: 0, fail: 0, error: 0, not_applicable: 0, not_assessable: 0 };
        return { date: e.date, at: e.at.toISOString(), score: postureScore(c), counts: countsView(c) };
      }),
    });
  },
});

export const topFailingRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/posture/top-failing',
  permission: 'results:read',
  summary: 'Rules failing on the most hosts, and hosts failing the most rules',
  tags: ['posture'],
  query: z.object({ ...scopeQuery, limit: pageLimit(10, 100) }).strict(),
  responses: {
    200: {
      description: 'Top failing rules and hosts',
      schema: z.object({
        rules: z.array(
          z.object({
            rule_id: z.string(),
            title: z.string().nullable(),
            severity: z.string(),
            failing_hosts: z.number().int(),
          }),
        ),
        hosts: z.array(
          z.object({ host_id: z.string(), hostname: z.string(), score: scoreSchema, counts: countsSchema }),
        ),
      }),
    },
  },
  handler: async ({ db, query }) => {
    const scope = scopeOf(query);
    const rules = await topFailingRules(db, scope, query.limit);
    const hosts = await topFailingHosts(db, scope, query.limit);
    return jsonResponse({
      rules,
      hosts: hosts.map((h) => ({
        host_id: h.host_id,
        hostname: h.hostname,
        score: postureScore(h),
        counts: countsView(h),
      })),
    });
  },
});

const changeSchema = z.object({
  id: z.string(),
  time: z.string(),
  host: z.object({ id: z.string(), hostname: z.string() }),
  rule: z.object({ id: z.string(), title: z.string().nullable() }),
  severity: z.string(),
  previous_status: z.string().nullable(),
  status: z.string(),
  scan_id: z.string(),
});

function changeView(r: ChangeRow) {
  return {
    id: r.id,
    time: r.occurred_at.toISOString(),
    host: { id: r.host_id, hostname: r.hostname },
    rule: { id: r.rule_id, title: r.title },
    severity: r.severity,
    previous_status: r.previous_status,
    status: r.status,
    scan_id: r.scan_id,
  };
}

export const changesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/changes',
  permission: 'results:read',
  summary: 'Verdicts that moved to or from fail since a time (default: 7 days), newest first (cursor)',
  tags: ['posture'],
  query: z
    .object({
      ...scopeQuery,
      since: isoTime.optional(),
      cursor: z
        .string()
        .regex(/^\d{1,18}$/)
        .optional(),
      limit: pageLimit(),
    })
    .strict(),
  responses: {
    200: {
      description: 'A page of changes',
      schema: pageSchema(changeSchema),
    },
  },
  handler: async ({ db, query }) => {
    const rows = await recentChanges(db, scopeOf(query), {
      since: query.since ?? new Date(Date.now() - 7 * DAY_MS),
      before: query.cursor === undefined ? undefined : Number(query.cursor),
      limit: query.limit + 1,
    });
    return jsonResponse(page(rows, query.limit, changeView, (r) => r.id));
  },
});
