import { z } from 'zod';
import { jobView, listJobs, type JobView } from '../../core/db/sql/job-list.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { page, pageLimit, pageSchema } from '../http/page.ts';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** A job id: the queue's bigint identity, as decimal text. */
const jobId = z.string().regex(/^[1-9]\d{0,17}$/, 'a job id is a positive integer');
const time = z.string();

const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(STATES),
  priority: z.number().int(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  /** When the job is (or was) due: for a queued job after a failure, its next attempt. */
  run_at: time,
  /** The runner holding its lease while running. */
  locked_by: z.string().nullable(),
  lease_expires_at: time.nullable(),
  /** The last failed attempt's error; cleared when an attempt succeeds. */
  last_error: z.string().nullable(),
  concurrency_key: z.string().nullable(),
  created_at: time,
  updated_at: time,
  finished_at: time.nullable(),
});

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function view(j: JobView): z.infer<typeof jobSchema> {
  return {
    ...j,
    run_at: j.run_at.toISOString(),
    lease_expires_at: iso(j.lease_expires_at),
    created_at: j.created_at.toISOString(),
    updated_at: j.updated_at.toISOString(),
    finished_at: iso(j.finished_at),
  };
}

export const listJobsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/jobs',
  permission: 'jobs:read',
  summary:
    'The job queue, newest first: kind, state, attempts, next run, lease holder and last error (filters: kind, state, failing; cursor)',
  tags: ['jobs'],
  query: z
    .object({
      kind: z
        .string()
        .regex(/^[a-z][a-z_]{0,31}$/)
        .optional(),
      state: z.enum(STATES).optional(),
      failing: z.enum(['true', 'false']).optional(),
      cursor: jobId.optional(),
      limit: pageLimit(50, 500),
    })
    .strict(),
  responses: { 200: { description: 'A page of jobs', schema: pageSchema(jobSchema) } },
  handler: async ({ db, query }) => {
    const rows = await listJobs(db, {
      kind: query.kind,
      state: query.state,
      failing: query.failing === undefined ? undefined : query.failing === 'true',
      before: query.cursor,
      limit: query.limit,
    });
    return jsonResponse(page(rows, query.limit, view, (r) => r.id));
  },
});

export const getJobRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/jobs/:id',
  permission: 'jobs:read',
  summary: 'One job of the queue',
  tags: ['jobs'],
  params: z.object({ id: jobId }).strict(),
  responses: { 200: { description: 'The job', schema: jobSchema } },
  handler: async ({ db, params }) => {
    const job = await jobView(db, params.id);
    if (!job) throw new ApiError(404, 'not_found', 'no such job');
    return jsonResponse(view(job));
  },
});
