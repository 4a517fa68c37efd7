import { z } from 'zod';
import { audit, type AuditEvent } from '../../core/audit/append.ts';
import { groupById } from '../../core/db/sql/groups.ts';
import { listHosts } from '../../core/db/sql/host-list.ts';
import type { HostRow } from '../../core/db/sql/hosts.ts';
import type { Queryable } from '../../core/db/types.ts';
import { requestScan, ScanConflictError } from '../../core/scans/request.ts';
import { actorOf, principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { ruleSelectionBody, ruleSelectionOf, selectionResponse } from './scans.ts';

const PAGE = 500;
const itemSchema = z.object({
  host_id: z.string(),
  scan_id: z.string().optional(),
  status: z.enum(['queued', 'skipped']),
  reason: z.enum(['in_maintenance', 'scan_in_progress']).optional(),
});
type Item = z.infer<typeof itemSchema>;

/** Every live member (manual and automatic), page by page in hostname order. */
async function members(q: Queryable, groupId: string): Promise<HostRow[]> {
  const out: HostRow[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const page = await listHosts(q, {
      groupId,
      limit: PAGE,
      ...(last ? { after: { key: null, name: last.hostname.toLowerCase(), id: last.id } } : {}),
    });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

export const requestGroupScansRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/groups/:id/scans',
  permission: 'scans:run',
  summary:
    'Queue a scan of every member host; hosts in maintenance or with a scan queued or running are skipped',
  tags: ['scans'],
  params: z.object({ id: z.uuid() }).strict(),
  body: z.object(ruleSelectionBody).strict(),
  responses: {
    202: {
      description: 'One entry per member host: queued with its scan, or skipped with the reason',
      schema: z.object({ group_id: z.string(), items: z.array(itemSchema) }),
    },
    422: selectionResponse,
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const group = await groupById(ctx.db, ctx.params.id);
    if (!group) throw new ApiError(404, 'not_found', 'no such group');
    const ruleIds = await ruleSelectionOf(ctx.db, ctx.body);
    const jobKey = await ctx.services.identity.jobKey();
    const items: Item[] = [];
    for (const host of await members(ctx.db, group.id)) {
      if (host.in_maintenance) {
        items.push({ host_id: host.id, status: 'skipped', reason: 'in_maintenance' });
        continue;
      }
      try {
        const { scan } = await requestScan(ctx.db, jobKey, {
          hostId: host.id,
          requestedBy: p.userId,
          source: 'group',
          ruleIds,
        });
        items.push({ host_id: host.id, scan_id: scan.id, status: 'queued' });
      } catch (err) {
        if (!(err instanceof ScanConflictError)) throw err;
        items.push({ host_id: host.id, status: 'skipped', reason: 'scan_in_progress' });
      }
    }
    const queued = items.filter((i) => i.status === 'queued');
    const actor = actorOf(p);
    const events: AuditEvent[] = [
      {
        code: 'group.scans.requested',
        actor,
        target: { type: 'host_group', id: group.id },
        ip: ctx.clientIp,
        details: { queued: queued.length, skipped: items.length - queued.length },
      },
      ...queued.map((i): AuditEvent => ({
        code: 'scan.requested',
        actor,
        target: { type: 'host', id: i.host_id },
        ip: ctx.clientIp,
        details: { scan_id: i.scan_id, group_id: group.id },
      })),
    ];
    await audit(ctx.db, ...events);
    return jsonResponse({ group_id: group.id, items }, 202);
  },
});
