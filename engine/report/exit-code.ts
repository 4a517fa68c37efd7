import type { ScanOutput } from './types.ts';

/** `openwatch scan` exit codes; 2 (usage) is decided before any scanning. */
export const EXIT = { ok: 0, findings: 1, usage: 2, unreachable: 3 } as const;

/**
 * 3 when any host could not be scanned (an unscanned host must never look compliant), else 1 when any
 * rule failed or errored (a gate should not pass on checks that could not run), else 0.
 */
export function exitCodeFor(out: ScanOutput): number {
  if (out.errors.length > 0) return EXIT.unreachable;
  const bad = out.reports.some((r) => r.summary.fail > 0 || r.summary.error > 0);
  return bad ? EXIT.findings : EXIT.ok;
}
