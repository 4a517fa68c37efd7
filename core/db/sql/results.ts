import type { Queryable } from '../types.ts';

/**
 * Writing a scan's results. Every statement takes whole columns as arrays (`unnest`), so the cost of a
 * scan is a fixed number of round trips whatever its rule count.
 */

export interface ScanLock {
  host_id: string;
  status: string;
}

/** Locks the scan row until the transaction ends, so two appliers of the same scan run one after the other. */
export async function lockScan(tx: Queryable, scanId: string): Promise<ScanLock | undefined> {
  const { rows } = await tx.query<ScanLock>(
    'select host_id::text as host_id, status from scans where id = $1 for update',
    [scanId],
  );
  return rows[0];
}

/**
 * Serialises result writers of one host until the transaction ends: state moves from one scan to the
 * next, and two scans of a host applied at once would both compare against the same previous state.
 */
export async function lockHostResults(tx: Queryable, hostId: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('openwatch.results:' || $1, 0))`, [hostId]);
}

/** Stores evidence bodies not yet known; `hashes` sorted so concurrent writers lock in the same order. */
export async function insertEvidence(
  tx: Queryable,
  hashes: readonly string[],
  bodies: readonly string[],
): Promise<number> {
  const { rowCount } = await tx.query(
    `insert into evidence (hash, body)
     select h, b::jsonb from unnest($1::text[], $2::text[]) as e(h, b)
     on conflict (hash) do nothing`,
    [hashes, bodies],
  );
  return rowCount;
}

/** Columns of one scan's results, index-aligned. */
export interface ResultColumns {
  ruleIds: string[];
  statuses: string[];
  severities: string[];
  reasons: (string | null)[];
  evidenceHashes: string[];
}

export async function insertScanResults(tx: Queryable, scanId: string, c: ResultColumns): Promise<number> {
  const { rowCount } = await tx.query(
    `insert into scan_results (scan_id, rule_id, status, severity, reason, evidence_hash)
     select $1, r, s, sev, reason, h
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as i(r, s, sev, reason, h)
     on conflict (scan_id, rule_id) do nothing`,
    [scanId, c.ruleIds, c.statuses, c.severities, c.reasons, c.evidenceHashes],
  );
  return rowCount;
}

/**
 * Moves host × rule state forward to this scan and records a transaction where a verdict appears or
 * changes, in one statement: `prev` reads the state as it was before the upsert (one snapshot). A scan
 * that completed before the state's last check (applied late) records its results but moves nothing.
 * Returns the number of transactions written.
 */
export async function advanceHostRuleState(
  tx: Queryable,
  hostId: string,
  scanId: string,
  completedAt: Date,
  c: ResultColumns,
): Promise<number> {
  const { rows } = await tx.query<{ transactions: number }>(
    `with input as (
       select * from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         as i(rule_id, status, severity, reason, evidence_hash)
     ), prev as (
       select i.*, s.status as previous_status
         from input i left join host_rule_state s on s.host_id = $1 and s.rule_id = i.rule_id
        where s.last_checked_at is null or s.last_checked_at <= $3
     ), tx as (
       insert into transactions (host_id, rule_id, scan_id, previous_status, status, severity, occurred_at)
       select $1, rule_id, $2, previous_status, status, severity, $3 from prev
        where previous_status is distinct from status
       on conflict (scan_id, host_id, rule_id) do nothing
       returning 1
     ), upsert as (
       insert into host_rule_state as s (host_id, rule_id, status, severity, reason, evidence_hash,
                                         last_scan_id, last_checked_at, status_since)
       select $1, rule_id, status, severity, reason, evidence_hash, $2, $3, $3 from prev
       on conflict (host_id, rule_id) do update
          set status = excluded.status, severity = excluded.severity, reason = excluded.reason,
              evidence_hash = excluded.evidence_hash, last_scan_id = excluded.last_scan_id,
              last_checked_at = excluded.last_checked_at, check_count = s.check_count + 1,
              status_since = case when s.status = excluded.status then s.status_since
                                  else excluded.status_since end
       returning 1
     )
     select (select count(*) from tx)::int as transactions`,
    [hostId, scanId, completedAt, c.ruleIds, c.statuses, c.severities, c.reasons, c.evidenceHashes],
  );
  return rows[0]?.transactions ?? 0;
}

export interface ScanCounts {
  total: number;
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
}

export async function completeScan(
  tx: Queryable,
  scanId: string,
  counts: ScanCounts,
  startedAt: Date | null,
  completedAt: Date,
): Promise<void> {
  await tx.query(
    `update scans set status = 'completed', total = $2, pass = $3, fail = $4, error = $5,
            not_applicable = $6, not_assessable = $7, error_code = null, error_message = null,
            started_at = coalesce(started_at, $8, $9), finished_at = $9
      where id = $1`,
    [
      scanId,
      counts.total,
      counts.pass,
      counts.fail,
      counts.error,
      counts.not_applicable,
      counts.not_assessable,
      startedAt,
      completedAt,
    ],
  );
}
