import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { emitScanCompleted } from '../events/scan-events.ts';
import {
  advanceHostRuleState,
  completeScan,
  insertEvidence,
  insertScanResults,
  lockHostResults,
  lockScan,
  type ResultColumns,
  type ScanCounts,
} from '../db/sql/results.ts';
import { failingRules, refreshHostPosture } from '../db/sql/posture-summary.ts';
import type { Db } from '../db/types.ts';
import type { Evidence, RuleResult, ScanReport } from '../../engine/types.ts';

/** The apply was refused: the scan is unknown, belongs to another host, or ended without results. */
export class ApplyResultsError extends Error {
  override name = 'ApplyResultsError';
  constructor(
    readonly code: 'scan_not_found' | 'host_mismatch' | 'scan_not_open' | 'duplicate_rule',
    message: string,
  ) {
    super(message);
  }
}

export interface ApplyInput {
  scanId: string;
  hostId: string;
  report: Pick<ScanReport, 'results'> & { timing?: Pick<ScanReport['timing'], 'started_at'> };
  completedAt: Date;
}

export interface ApplyOutcome {
  /** False when the scan had already completed: nothing was written. */
  applied: boolean;
  results: number;
  newEvidence: number;
  transactions: number;
}

/** The evidence table's key: SHA-256 (hex) of the canonical JSON of a verdict's evidence list. */
export function evidenceHash(evidence: readonly Evidence[]): { hash: string; body: string } {
  const body = canonicalJson(evidence);
  return { hash: createHash('sha256').update(body).digest('hex'), body };
}

function columns(results: readonly RuleResult[]): {
  cols: ResultColumns;
  evidence: Map<string, string>;
  counts: ScanCounts;
} {
  const cols: ResultColumns = { ruleIds: [], statuses: [], severities: [], reasons: [], evidenceHashes: [] };
  const evidence = new Map<string, string>();
  const counts: ScanCounts = { total: 0, pass: 0, fail: 0, error: 0, not_applicable: 0, not_assessable: 0 };
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.rule_id))
      throw new ApplyResultsError('duplicate_rule', `rule ${r.rule_id} appears twice in the report`);
    seen.add(r.rule_id);
    const { hash, body } = evidenceHash(r.evidence);
    evidence.set(hash, body);
    cols.ruleIds.push(r.rule_id);
    cols.statuses.push(r.status);
    cols.severities.push(r.severity);
    cols.reasons.push(r.reason ?? null);
    cols.evidenceHashes.push(hash);
    counts.total += 1;
    counts[r.status] += 1;
  }
  return { cols, evidence, counts };
}

/**
 * Records a finished scan in ONE transaction: evidence (deduplicated by content hash), the scan's
 * results, the host × rule state, a transaction row per verdict that appeared or changed, the posture
 * summaries (core/db/sql/posture-summary.ts), and the scan marked completed with its counts, and its events (core/events/scan-events.ts). Posture reads only
 * the state this writes, so a scan counts once it completed. Applying a completed scan again changes nothing (`applied: false`).
 */
export async function applyScanResults(db: Db, input: ApplyInput): Promise<ApplyOutcome> {
  const { cols, evidence, counts } = columns(input.report.results);
  const hashes = [...evidence.keys()].sort();
  const bodies = hashes.map((h) => evidence.get(h) ?? 'null');
  const startedAt = input.report.timing ? new Date(input.report.timing.started_at) : null;
  return db.transaction(async (tx) => {
    const scan = await lockScan(tx, input.scanId);
    if (!scan) throw new ApplyResultsError('scan_not_found', `scan ${input.scanId} does not exist`);
    if (scan.host_id !== input.hostId)
      throw new ApplyResultsError('host_mismatch', `scan ${input.scanId} is not a scan of ${input.hostId}`);
    if (scan.status === 'completed') return { applied: false, results: 0, newEvidence: 0, transactions: 0 };
    if (scan.status !== 'queued' && scan.status !== 'running')
      throw new ApplyResultsError('scan_not_open', `scan ${input.scanId} is ${scan.status}`);
    await lockHostResults(tx, input.hostId);
    const newEvidence = await insertEvidence(tx, hashes, bodies);
    const results = await insertScanResults(tx, input.scanId, cols);
    const failedBefore = await failingRules(tx, input.hostId);
    const transactions = await advanceHostRuleState(tx, input.hostId, input.scanId, input.completedAt, cols);
    await refreshHostPosture(tx, input.hostId, failedBefore);
    await completeScan(tx, input.scanId, counts, startedAt, input.completedAt);
    await emitScanCompleted(tx, {
      hostId: input.hostId,
      scanId: input.scanId,
      at: input.completedAt,
      counts: { ...counts },
    });
    return { applied: true, results, newEvidence, transactions };
  });
}
