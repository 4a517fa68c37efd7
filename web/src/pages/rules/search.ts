export interface RulesSearch {
  rule?: string;
  q?: string;
  framework?: string;
  severity?: string;
  category?: string;
}

export function rulesSearch(s: Record<string, unknown>): RulesSearch {
  const out: RulesSearch = {};
  for (const k of ['rule', 'q', 'framework', 'severity', 'category'] as const) {
    const v = s[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}
