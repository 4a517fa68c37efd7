import { emitEvents } from '../events/emit.ts';
import { links } from '../events/kinds.ts';
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
