import { emitEvents } from '../events/emit.ts';
import { links } from '../events/kinds.ts';
import { cancelJob } from '../db/sql/jobs.ts';
import * as scans from '../db/sql/scans.ts';
import type { Db } from '../db/types.ts';

/** queued → running with its `scan.started` event; false when the scan is no longer queued or running. */
export function startScan(db: Db, scanId: string, hostId: string, attempt: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await scans.markScanRunning(tx, scanId))) return false;
    await emitEvents(tx, [
      { kind: 'scan.started', hostId, link: links.scan(scanId), data: { scan_id: scanId, attempt } },
    ]);
    return true;
  });
}

/**
 * Records a failed attempt on an open scan; on the last attempt (`final`) the scan ends as failed with its
 * `scan.failed` event (nothing when it had already ended).
 */
export function failScan(
  db: Db,
  scanId: string,
  hostId: string,
  code: string,
  message: string,
  final = true,
): Promise<void> {
  return db.transaction(async (tx) => {
    if (!(await scans.markScanFailed(tx, scanId, code, message, final)) || !final) return;
    await emitEvents(tx, [
      { kind: 'scan.failed', hostId, link: links.scan(scanId), data: { scan_id: scanId, code, message } },
    ]);
  });
}

/**
 * queued | running → cancelled, its job with it, and the `scan.cancelled` event, in one transaction.
 * Null for no such scan; `cancelled: false` (nothing written) when it had already ended.
 */
export function cancelScan(
  db: Db,
  scanId: string,
  by: { id: string; name: string },
): Promise<{ cancelled: boolean; scan: scans.ScanRow } | null> {
  return db.transaction(async (tx) => {
    const scan = await scans.getScan(tx, scanId);
    if (!scan) return null;
    if (!(await scans.markScanCancelled(tx, scan.id))) return { cancelled: false, scan };
    if (scan.job_id) await cancelJob(tx, scan.job_id);
    await emitEvents(tx, [
      {
        kind: 'scan.cancelled',
        hostId: scan.host_id,
        link: links.scan(scan.id),
        data: { scan_id: scan.id, previous_status: scan.status, cancelled_by: by.name },
      },
    ]);
    return { cancelled: true, scan: (await scans.getScan(tx, scan.id)) ?? scan };
  });
}
