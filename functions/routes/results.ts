import { z } from 'zod';
import { activeExceptionsForHost, type ActiveException } from '../../core/db/sql/exceptions.ts';
import { hostExists, hostResults, hostResultsAt, type HostResultRow } from '../../core/db/sql/posture.ts';
import { postureScore, type PostureCounts } from '../../core/results/score.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { isoTime } from '../http/page.ts';
import { defineRoute } from '../http/route.ts';
import { countsView } from './posture.ts';
import { guidanceShape } from './rules.ts';

const STATUSES = ['pass', 'fail', 'error', 'not_applicable', 'not_assessable'] as const;

function resultView(r: HostResultRow, exception: ActiveException | undefined) {
  return {
    rule_id: r.rule_id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    reason: r.reason,
    evidence: r.evidence,
    last_scan_id: r.last_scan_id,
    last_checked_at: r.last_checked_at.toISOString(),
    status_since: r.status_since.toISOString(),
    check_count: r.check_count,
    remediation: r.remediation,
    shell_fix: r.shell_fix,
    exception: exception
      ? { id: exception.id, state: exception.state, expires_at: exception.expires_at?.toISOString() ?? null }
      : null,
  };
}

export const hostResultsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/hosts/:id/results',
  permission: 'results:read',
  summary:
    "A host's verdict per rule with evidence and its posture score: now, or at a past time (`at`: each rule as the last completed scan at or before it left it)",
  tags: ['posture'],
  params: z.object({ id: z.uuid() }),
  query: z.object({ status: z.enum(STATUSES).optional(), at: isoTime.optional() }).strict(),
  responses: {
    200: {
      description:
        'Per-rule state, by rule id (empty, score null, before the first completed scan or before `at`)',
      schema: z.object({
        host_id: z.string(),
        at: z.string().nullable(),
        score: z.number().nullable(),
        counts: z.record(z.string(), z.number()),
        items: z.array(
          z.object({
            rule_id: z.string(),
            title: z.string().nullable(),
            severity: z.string(),
            status: z.enum(STATUSES),
            reason: z.string().nullable(),
            evidence: z.unknown(),
            last_scan_id: z.string(),
            last_checked_at: z.string(),
            status_since: z.string(),
            check_count: z.number().int(),
            ...guidanceShape,
            /** An approved exception in force for this rule on this host (at `at`); the status is unchanged. */
            exception: z
              .object({ id: z.string(), state: z.literal('approved'), expires_at: z.string().nullable() })
              .nullable(),
          }),
        ),
      }),
    },
    404: { description: 'No such host' },
  },
  handler: async ({ db, params, query }) => {
    if (!(await hostExists(db, params.id))) throw new ApiError(404, 'not_found', 'no such host');
    const rows = query.at ? await hostResultsAt(db, params.id, query.at) : await hostResults(db, params.id);
    const exceptions = await activeExceptionsForHost(db, params.id, query.at);
    const excepted = new Map(exceptions.map((e) => [e.rule_id, e]));
    const counts: PostureCounts = { pass: 0, fail: 0, error: 0, not_applicable: 0, not_assessable: 0 };
    for (const r of rows) if (r.status in counts) counts[r.status as keyof PostureCounts] += 1;
    return jsonResponse({
      host_id: params.id,
      at: query.at?.toISOString() ?? null,
      score: postureScore(counts),
      counts: countsView(counts),
      items: rows
        .filter((r) => query.status === undefined || r.status === query.status)
        .map((r) => resultView(r, excepted.get(r.rule_id))),
    });
  },
});
