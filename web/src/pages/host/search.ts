export interface HostSearch {
  /** The rule whose evidence is open. */
  rule?: string;
  /** Show posture as it was at this ISO time. */
  at?: string;
  status?: string;
}

export function hostSearch(s: Record<string, unknown>): HostSearch {
  const out: HostSearch = {};
  for (const k of ['rule', 'at', 'status'] as const) {
    const v = s[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}
