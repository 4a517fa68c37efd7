import { z } from 'zod';
import { SCHEMA_VERSION } from '../../core/db/schema-version.ts';
import { appliedSchemaVersion, ping } from '../../core/db/sql/health.ts';
import type { Queryable } from '../../core/db/types.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

/** A ping that cannot hang a probe: a database that does not answer in time counts as down. */
export const PING_TIMEOUT_MS = 3_000;

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function dbUp(db: Queryable): Promise<boolean> {
  try {
    return await withTimeout(ping(db), PING_TIMEOUT_MS);
  } catch {
    return false;
  }
}

const healthSchema = z.object({
  status: z.enum(['healthy', 'degraded']),
  db_connected: z.boolean(),
  version: z.string(),
});

export const health = defineRoute({
  method: 'GET',
  path: '/api/v1/health',
  permission: 'public',
  summary: 'Service health, including database reachability',
  tags: ['system'],
  responses: {
    200: { description: 'Healthy', schema: healthSchema },
    503: { description: 'Degraded: the database is unreachable', schema: healthSchema },
  },
  handler: async ({ db, services, log }) => {
    const up = await dbUp(db);
    if (!up) log.warn('health: database unreachable');
    return jsonResponse(
      { status: up ? 'healthy' : 'degraded', db_connected: up, version: services.buildInfo.version },
      up ? 200 : 503,
    );
  },
});

export const live = defineRoute({
  method: 'GET',
  path: '/health/live',
  permission: 'public',
  summary: 'Liveness probe: the process is serving requests',
  tags: ['system'],
  responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('alive') }) } },
  handler: async () => jsonResponse({ status: 'alive' }),
});

const readySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  db_connected: z.boolean(),
  schema_version: z.number().int(),
  required_schema_version: z.number().int(),
});

export const ready = defineRoute({
  method: 'GET',
  path: '/health/ready',
  permission: 'public',
  summary: 'Readiness probe: the database is reachable and migrated',
  tags: ['system'],
  responses: {
    200: { description: 'Ready', schema: readySchema },
    503: { description: 'Not ready', schema: readySchema },
  },
  handler: async ({ db }) => {
    let version = 0;
    let up = false;
    try {
      version = await withTimeout(appliedSchemaVersion(db), PING_TIMEOUT_MS);
      up = true;
    } catch {
      up = false;
    }
    const ok = up && version >= SCHEMA_VERSION;
    return jsonResponse(
      {
        status: ok ? 'ready' : 'not_ready',
        db_connected: up,
        schema_version: version,
        required_schema_version: SCHEMA_VERSION,
      },
      ok ? 200 : 503,
    );
  },
});
