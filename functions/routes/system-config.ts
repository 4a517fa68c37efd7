import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  intervalScheduleSchema,
  readIntervalSchedule,
  readScanSchedule,
  scanScheduleSchema,
  settingKey,
  writeSchedule,
  type IntervalSchedule,
  type ScanSchedule,
  type ScheduleKind,
} from '../../core/schedule/config.ts';
import type { Queryable } from '../../core/db/types.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const TAGS = ['settings'];

function configChanged(p: Principal, ip: string, kind: ScheduleKind, before: unknown, after: unknown) {
  return {
    code: 'config.changed' as const,
    actor: actorOf(p),
    target: { type: 'setting', id: settingKey(kind) },
    ip,
    details: { before, after },
  };
}

export const getScanConfigRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/system/scan/config',
  permission: 'settings:read',
  summary: 'The scan schedule: intervals by posture, the per-run cap and global maintenance',
  tags: TAGS,
  responses: { 200: { description: 'The scan schedule', schema: scanScheduleSchema } },
  handler: async ({ db }) => jsonResponse(await readScanSchedule(db)),
});

export const putScanConfigRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/system/scan/config',
  permission: 'settings:manage',
  summary: 'Replace the scan schedule',
  tags: TAGS,
  body: scanScheduleSchema,
  responses: { 200: { description: 'The scan schedule now', schema: scanScheduleSchema } },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const after: ScanSchedule = ctx.body;
    await ctx.db.transaction(async (tx) => {
      const before = await readScanSchedule(tx);
      await writeSchedule(tx, 'scan', after);
      await appendAuditEvents(tx, [configChanged(p, ctx.clientIp, 'scan', before, after)]);
    });
    return jsonResponse(after);
  },
});

function intervalRoutes(kind: 'discovery' | 'liveness', what: string) {
  const path = `/api/v1/system/${kind}/config`;
  const read = (q: Queryable) => readIntervalSchedule(q, kind);
  const get = defineRoute({
    method: 'GET',
    path,
    permission: 'settings:read',
    summary: `The ${what} schedule`,
    tags: TAGS,
    responses: { 200: { description: `The ${what} schedule`, schema: intervalScheduleSchema } },
    handler: async ({ db }) => jsonResponse(await read(db)),
  });
  const put = defineRoute({
    method: 'PUT',
    path,
    permission: 'settings:manage',
    summary: `Replace the ${what} schedule`,
    tags: TAGS,
    body: intervalScheduleSchema,
    responses: { 200: { description: `The ${what} schedule now`, schema: intervalScheduleSchema } },
    handler: async (ctx) => {
      const p = principalOf(ctx);
      const after: IntervalSchedule = ctx.body;
      await ctx.db.transaction(async (tx) => {
        const before = await read(tx);
        await writeSchedule(tx, kind, after);
        await appendAuditEvents(tx, [configChanged(p, ctx.clientIp, kind, before, after)]);
      });
      return jsonResponse(after);
    },
  });
  return { get, put };
}

const discovery = intervalRoutes('discovery', 'host discovery');
const liveness = intervalRoutes('liveness', 'liveness check');
export const getDiscoveryConfigRoute = discovery.get;
export const putDiscoveryConfigRoute = discovery.put;
export const getLivenessConfigRoute = liveness.get;
export const putLivenessConfigRoute = liveness.put;
