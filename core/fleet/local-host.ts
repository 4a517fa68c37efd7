import { appendAuditEvents, audit } from '../audit/append.ts';
import type { JobKey } from '../crypto/job-signing.ts';
import { insertLocalHostOnce, LOCAL_HOST } from '../db/sql/local-host.ts';
import type { Db } from '../db/types.ts';
import { requestDiscovery, requestScan } from '../scans/request.ts';
import { SYSTEM_ACTOR } from './host-keys.ts';

export interface RegisteredLocalHost {
  hostId: string;
  scanId: string;
}

/**
 * Development mode's "see value in the first minute": registers this machine as the `local` host and
 * queues its first scan and a discovery at once (the schedules take over from there). Idempotent: a
 * machine registered before, even if deleted since, is left alone and undefined is returned.
 *
 * The first scan skips the filesystem-wide walk: on a developer machine `find -xdev /` over checkouts and
 * node_modules took 30 s of a 31 s scan here (bench/RESULTS.md), and the point is a result within the
 * minute. Scheduled scans afterwards use the runner's traversal setting.
 */
export async function registerLocalHost(db: Db, jobKey: JobKey): Promise<RegisteredLocalHost | undefined> {
  const hostId = await db.transaction(async (tx) => {
    const id = await insertLocalHostOnce(tx);
    if (id === undefined) return undefined;
    await appendAuditEvents(tx, [
      {
        code: 'host.created',
        actor: SYSTEM_ACTOR,
        target: { type: 'host', id },
        details: {
          hostname: LOCAL_HOST.hostname,
          environment: LOCAL_HOST.environment,
          source: 'development_mode',
        },
      },
    ]);
    return id;
  });
  if (hostId === undefined) return undefined;
  const { scan } = await requestScan(db, jobKey, {
    hostId,
    requestedBy: null,
    source: 'schedule',
    traversal: 'skip',
  });
  await requestDiscovery(db, jobKey, hostId);
  await audit(db, {
    code: 'scan.requested',
    actor: SYSTEM_ACTOR,
    target: { type: 'host', id: hostId },
    details: { scan_id: scan.id, source: 'development_mode' },
  });
  return { hostId, scanId: scan.id };
}
