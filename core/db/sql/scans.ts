import type { Queryable } from '../types.ts';
import { guidanceColumns, type ResultGuidance } from './rule-catalog.ts';

export type ScanStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ScanSource = 'api' | 'group' | 'schedule';

export interface ScanRow {
  id: string;
  host_id: string;
  requested_by: string | null;
  source: ScanSource;
  status: ScanStatus;
  job_id: string | null;
  rule_ids: string[] | null;
  idempotency_key: string | null;
  total: number | null;
  pass: number | null;
  fail: number | null;
  error: number | null;
  not_applicable: number | null;
  not_assessable: number | null;
  error_code: string | null;
  error_message: string | null;
  /** From the scan's job: attempts started so far, the limit, and when the next one is due (retrying). */
  attempts: number | null;
  max_attempts: number | null;
  next_attempt_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `id, host_id, requested_by, source, status, job_id::text as job_id, rule_ids, idempotency_key,
  total, pass, fail, error, not_applicable, not_assessable, error_code, error_message, created_at,
  started_at, finished_at,
  (select j.attempts from jobs j where j.id = scans.job_id) as attempts,
  (select j.max_attempts from jobs j where j.id = scans.job_id) as max_attempts,
  (select j.run_at from jobs j
    where j.id = scans.job_id and j.state = 'queued' and j.attempts > 0) as next_attempt_at`;

export interface NewScan {
  hostId: string;
  requestedBy: string | null;
  source: ScanSource;
  ruleIds: string[] | null;
  idempotencyKey: string | null;
}

export async function insertScan(db: Queryable, s: NewScan): Promise<ScanRow> {
  const { rows } = await db.query<ScanRow>(
    `insert into scans (host_id, requested_by, source, rule_ids, idempotency_key)
     values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [s.hostId, s.requestedBy, s.source, s.ruleIds, s.idempotencyKey],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into scans returned no row');
  return row;
}

export async function attachJob(db: Queryable, scanId: string, jobId: string): Promise<void> {
  await db.query('update scans set job_id = $2 where id = $1', [scanId, jobId]);
}

export async function scanByIdempotencyKey(
  db: Queryable,
  requestedBy: string,
  key: string,
): Promise<ScanRow | undefined> {
  const { rows } = await db.query<ScanRow>(
    `select ${COLUMNS} from scans where requested_by = $1 and idempotency_key = $2`,
    [requestedBy, key],
  );
  return rows[0];
}

export async function activeScanForHost(db: Queryable, hostId: string): Promise<ScanRow | undefined> {
  const { rows } = await db.query<ScanRow>(
    `select ${COLUMNS} from scans where host_id = $1 and status in ('queued', 'running')
     order by created_at desc limit 1`,
    [hostId],
  );
  return rows[0];
}

export async function getScan(db: Queryable, id: string): Promise<ScanRow | undefined> {
  const { rows } = await db.query<ScanRow>(`select ${COLUMNS} from scans where id = $1`, [id]);
  return rows[0];
}

/** queued → running; false when the scan is no longer queued (cancelled meanwhile). */
export async function markScanRunning(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update scans set status = 'running', started_at = coalesce(started_at, now())
      where id = $1 and status in ('queued', 'running')`,
    [id],
  );
  return rowCount === 1;
}

/**
 * An attempt failed: its kind and message go on the scan. On the last attempt (`final`) the scan ends as
 * failed; otherwise it keeps its status while the retry waits, so it never shows `error: null` meanwhile.
 */
export async function markScanFailed(
  db: Queryable,
  id: string,
  code: string,
  message: string,
  final = true,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update scans set error_code = $2, error_message = left($3, 2000),
            status = case when $4 then 'failed' else status end,
            finished_at = case when $4 then now() else finished_at end
      where id = $1 and status in ('queued', 'running')`,
    [id, code, message, final],
  );
  return rowCount === 1;
}

export async function markScanCancelled(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update scans set status = 'cancelled', finished_at = now() where id = $1 and status in ('queued', 'running')`,
    [id],
  );
  return rowCount === 1;
}

export interface ScanFilter {
  hostId?: string;
  status?: ScanStatus;
  /** Keyset cursor: the id of the last scan of the previous page. */
  after?: string;
  limit: number;
}

/** Newest first; fetches limit + 1 so the caller knows whether another page exists. */
export async function listScans(db: Queryable, f: ScanFilter): Promise<ScanRow[]> {
  const { rows } = await db.query<ScanRow>(
    `select ${COLUMNS} from scans
      where ($1::uuid is null or host_id = $1)
        and ($2::text is null or status = $2)
        and ($3::uuid is null or (created_at, id) < (select created_at, id from scans where id = $3))
      order by created_at desc, id desc
      limit $4`,
    [f.hostId ?? null, f.status ?? null, f.after ?? null, f.limit + 1],
  );
  return rows;
}

export interface ScanResultRow extends ResultGuidance {
  rule_id: string;
  status: string;
  reason: string | null;
  severity: string;
  evidence: unknown;
}

export async function scanResults(db: Queryable, scanId: string, status?: string): Promise<ScanResultRow[]> {
  const { rows } = await db.query<ScanResultRow>(
    `select r.rule_id, r.status, r.reason, r.severity, e.body as evidence, ${guidanceColumns('r.status')}
       from scan_results r join evidence e on e.hash = r.evidence_hash
       left join rule_catalog rc on rc.rule_id = r.rule_id
      where r.scan_id = $1 and ($2::text is null or r.status = $2)
      order by r.rule_id`,
    [scanId, status ?? null],
  );
  return rows;
}
