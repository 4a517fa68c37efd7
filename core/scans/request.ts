import { signJob, type JobKey } from '../crypto/job-signing.ts';
import { enqueueJob, type JobRow } from '../db/sql/jobs.ts';
import { emitEvents } from '../events/emit.ts';
import { links } from '../events/kinds.ts';
import * as scans from '../db/sql/scans.ts';
import type { Db, Queryable } from '../db/types.ts';

export const SCAN_JOB = 'scan';

/** The signed job payload: ids only; the runner loads everything else from the database. */
export interface ScanJobPayload {
  scan_id: string;
  host_id: string;
  /** Set only by the server (development mode's first scan); otherwise the runner's own setting. */
  traversal?: 'inline' | 'separate' | 'skip';
}

export class ScanConflictError extends Error {
  override name = 'ScanConflictError';
  constructor(readonly active: scans.ScanRow) {
    super(`a scan of this host is already ${active.status}`);
  }
}

export interface ScanRequest {
  hostId: string;
  requestedBy: string | null;
  source: scans.ScanSource;
  ruleIds?: string[] | null;
  idempotencyKey?: string | null;
  traversal?: ScanJobPayload['traversal'];
}

/**
 * Records a scan and its signed job in one transaction. A repeated Idempotency-Key returns the scan it
 * created before; a host with a queued or running scan is a conflict (the queue's per-host concurrency
 * key makes that hold under races too).
 */
export async function requestScan(
  db: Db,
  jobKey: JobKey,
  req: ScanRequest,
): Promise<{ scan: scans.ScanRow; created: boolean }> {
  return db.transaction(async (tx) => {
    if (req.idempotencyKey && req.requestedBy) {
      const seen = await scans.scanByIdempotencyKey(tx, req.requestedBy, req.idempotencyKey);
      if (seen) return { scan: seen, created: false };
    }
    const active = await scans.activeScanForHost(tx, req.hostId);
    if (active) throw new ScanConflictError(active);
    const scan = await scans.insertScan(tx, {
      hostId: req.hostId,
      requestedBy: req.requestedBy,
      source: req.source,
      ruleIds: req.ruleIds ?? null,
      idempotencyKey: req.idempotencyKey ?? null,
    });
    const payload: ScanJobPayload = {
      scan_id: scan.id,
      host_id: req.hostId,
      ...(req.traversal ? { traversal: req.traversal } : {}),
    };
    const job = await enqueueJob(tx, {
      kind: SCAN_JOB,
      payload,
      signature: await signJob(jobKey, SCAN_JOB, payload),
      concurrencyKey: `scan:${req.hostId}`,
    });
    if (!job) throw new ScanConflictError(scan);
    await scans.attachJob(tx, scan.id, job.id);
    await emitEvents(tx, [
      {
        kind: 'scan.queued',
        hostId: req.hostId,
        link: links.scan(scan.id),
        data: { scan_id: scan.id, source: req.source },
      },
    ]);
    return { scan: { ...scan, job_id: job.id }, created: true };
  });
}

export const DISCOVERY_JOB = 'discovery';
export const LIVENESS_JOB = 'liveness';

/** The signed payload of the per-host maintenance jobs (discovery, liveness). */
export interface HostJobPayload {
  host_id: string;
}

async function enqueueHostJob(
  db: Queryable,
  jobKey: JobKey,
  kind: typeof DISCOVERY_JOB | typeof LIVENESS_JOB,
  hostId: string,
): Promise<JobRow | undefined> {
  const payload: HostJobPayload = { host_id: hostId };
  return enqueueJob(db, {
    kind,
    payload,
    signature: await signJob(jobKey, kind, payload),
    concurrencyKey: `${kind}:${hostId}`,
  });
}

/** Queues a discovery of the host's facts; undefined when one is already queued or running. */
export function requestDiscovery(db: Queryable, jobKey: JobKey, hostId: string): Promise<JobRow | undefined> {
  return enqueueHostJob(db, jobKey, DISCOVERY_JOB, hostId);
}

/** Queues a liveness check of the host; undefined when one is already queued or running. */
export function requestLiveness(db: Queryable, jobKey: JobKey, hostId: string): Promise<JobRow | undefined> {
  return enqueueHostJob(db, jobKey, LIVENESS_JOB, hostId);
}
