import type { Evidence, Status } from '../types.ts';

/** What one check leaf (or a combination of leaves) concluded. */
export interface Outcome {
  status: Status;
  reason?: string;
  evidence: Evidence[];
}

export function outcome(ok: boolean, evidence: Evidence[]): Outcome {
  return { status: ok ? 'pass' : 'fail', evidence };
}

export function notAssessable(reason: string, evidence: Evidence[] = []): Outcome {
  return { status: 'not_assessable', reason, evidence };
}

export function notApplicable(reason: string, evidence: Evidence[] = []): Outcome {
  return { status: 'not_applicable', reason, evidence };
}

export function errorOutcome(reason: string, evidence: Evidence[] = []): Outcome {
  return { status: 'error', reason, evidence };
}
