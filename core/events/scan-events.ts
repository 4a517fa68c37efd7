import { scanScoreCounts, scanVerdictFlips } from '../db/sql/scan-events.ts';
import type { Queryable } from '../db/types.ts';
import { postureScore } from '../results/score.ts';
import { emitEvents } from './emit.ts';
import { links, severityRank, type NewEvent, type Severity } from './kinds.ts';

/** Score bands, highest first: a score (0–1) is in the first band whose floor it reaches. */
export const SCORE_BANDS = [
  { band: 'compliant', floor: 0.9 },
  { band: 'good', floor: 0.75 },
  { band: 'fair', floor: 0.5 },
  { band: 'poor', floor: 0 },
] as const;

export function scoreBand(score: number | null): string | null {
  if (score === null) return null;
  return SCORE_BANDS.find((b) => score >= b.floor)?.band ?? 'poor';
}

const points = (score: number) => Math.round(score * 1000) / 10;

function worst(severities: readonly string[]): Severity | null {
  let best: Severity | null = null;
  for (const s of severities) if (severityRank(s) > severityRank(best)) best = s as Severity;
  return best;
}

/**
 * The events of a completed scan, appended in its results transaction: completed, each rule that
 * regressed (pass → fail) or recovered, the score's drift and band change.
 */
export async function emitScanCompleted(
  tx: Queryable,
  o: { hostId: string; scanId: string; at: Date; counts: Record<string, number> },
): Promise<void> {
  const flips = await scanVerdictFlips(tx, o.hostId, o.scanId);
  const c = await scanScoreCounts(tx, o.hostId, o.scanId);
  const before = postureScore({ pass: c.before_pass, fail: c.before_fail });
  const after = postureScore(c);
  const base = { hostId: o.hostId, occurredAt: o.at };
  const events: NewEvent[] = [
    {
      ...base,
      kind: 'scan.completed',
      link: links.scan(o.scanId),
      data: { scan_id: o.scanId, counts: o.counts, score: after },
    },
  ];
  for (const f of flips) {
    events.push({
      ...base,
      kind: f.status === 'fail' ? 'rule.regressed' : 'rule.recovered',
      ruleId: f.rule_id,
      severity: f.severity as Severity,
      link: links.hostRule(o.hostId, f.rule_id),
      data: { scan_id: o.scanId, previous_status: f.previous_status, status: f.status },
    });
  }
  if (before !== null && after !== null && before !== after) {
    const regressed = flips.filter((f) => f.status === 'fail');
    const newlyFailing = Object.fromEntries(
      ['critical', 'high', 'medium', 'low'].map((s) => [s, regressed.filter((f) => f.severity === s).length]),
    );
    events.push({
      ...base,
      kind: 'drift.detected',
      severity: worst(regressed.map((f) => f.severity)),
      link: links.scan(o.scanId),
      data: {
        scan_id: o.scanId,
        score_before: before,
        score_after: after,
        delta_points: Math.round((points(after) - points(before)) * 10) / 10,
        newly_failing: newlyFailing,
      },
    });
  }
  const [bandBefore, bandAfter] = [scoreBand(before), scoreBand(after)];
  if (bandAfter !== null && bandBefore !== bandAfter) {
    events.push({
      ...base,
      kind: 'score.band_changed',
      link: links.host(o.hostId),
      data: { scan_id: o.scanId, from: bandBefore, to: bandAfter, score: after },
    });
  }
  await emitEvents(tx, events);
}
