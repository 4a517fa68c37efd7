import { z } from 'zod';
import { fleetSummary } from '../../core/db/sql/fleet-summary.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const count = z.number().int();

export const fleetSummaryRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/fleet/summary',
  permission: 'hosts:read',
  summary:
    'Fleet counts for the dashboard: hosts by liveness and by posture band (good ≥ 90 %, fair ≥ 70 %, poor, unscanned), scans queued, running and finished today (UTC)',
  tags: ['fleet'],
  responses: {
    200: {
      description: 'Fleet counts',
      schema: z.object({
        hosts: count,
        liveness: z.record(z.string(), count),
        posture: z.record(z.string(), count),
        scans: z.object({ queued: count, running: count, failed_today: count, completed_today: count }),
      }),
    },
  },
  handler: async ({ db }) => jsonResponse(await fleetSummary(db)),
});
