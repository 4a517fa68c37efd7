import { getScan, type ScanRow } from '../db/sql/scans.ts';
import { guidanceColumns, type ResultGuidance } from '../db/sql/rule-catalog.ts';
import type { Queryable } from '../db/types.ts';
import type { Evidence } from '../../engine/types.ts';

export interface ExportHost {
  id: string;
  hostname: string;
  address: string;
  environment: string;
  os_family: string | null;
  os_id: string | null;
  os_version: string | null;
  os_name: string | null;
  kernel: string | null;
}

export interface ExportResult extends ResultGuidance {
  rule_id: string;
  /** From the rule catalog; null when the rule has left the corpus since the scan. */
  title: string | null;
  severity: string;
  status: 'pass' | 'fail' | 'error' | 'not_applicable' | 'not_assessable';
  reason: string | null;
  /** The rule's framework references (`{}` when the rule is not in the catalog). */
  references: Record<string, unknown>;
  evidence: Evidence[];
}

/** Everything an export is built from: the scan, its host (soft-deleted hosts included) and its results. */
export interface ScanExportData {
  scan: ScanRow;
  host: ExportHost;
  results: ExportResult[];
}

async function exportHost(db: Queryable, id: string): Promise<ExportHost | undefined> {
  const { rows } = await db.query<ExportHost>(
    `select id::text as id, hostname, address, environment, os_family, os_id, os_version, os_name, kernel
       from hosts where id = $1`,
    [id],
  );
  return rows[0];
}

export async function exportResults(db: Queryable, scanId: string): Promise<ExportResult[]> {
  const { rows } = await db.query<ExportResult>(
    `select r.rule_id, rc.title, r.severity, r.status, r.reason,
            coalesce(rc.refs, '{}'::jsonb) as "references", e.body as evidence, ${guidanceColumns('r.status')}
       from scan_results r
       join evidence e on e.hash = r.evidence_hash
       left join rule_catalog rc on rc.rule_id = r.rule_id
      where r.scan_id = $1
      order by r.rule_id`,
    [scanId],
  );
  return rows;
}

export type LoadOutcome =
  | { kind: 'ok'; data: ScanExportData }
  | { kind: 'not_found' }
  | { kind: 'not_completed'; status: ScanRow['status'] };

/** The scan's export data; only a completed scan has results to export. */
export async function loadScanExport(db: Queryable, scanId: string): Promise<LoadOutcome> {
  const scan = await getScan(db, scanId);
  if (!scan) return { kind: 'not_found' };
  if (scan.status !== 'completed') return { kind: 'not_completed', status: scan.status };
  const host = await exportHost(db, scan.host_id);
  if (!host) return { kind: 'not_found' };
  return { kind: 'ok', data: { scan, host, results: await exportResults(db, scan.id) } };
}
