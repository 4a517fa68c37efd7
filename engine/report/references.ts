import type { Evidence, References } from '../types.ts';

/** `cis:1.1.1,1.1.2; stig:V-1; nist_800_53:AC-6` — compact, for one-line formats. */
export function referencesText(refs: References): string {
  const parts: string[] = [];
  for (const [framework, value] of Object.entries(refs)) {
    if (Array.isArray(value)) {
      if (value.length) parts.push(`${framework}:${value.join(',')}`);
    } else if (value && typeof value === 'object') {
      // CIS references are keyed by benchmark (e.g. debian12): `cis[debian12]:1.1.1`.
      for (const [bench, ids] of Object.entries(value as Record<string, string[] | undefined>)) {
        if (ids?.length) parts.push(`${framework}[${bench}]:${ids.join(',')}`);
      }
    }
  }
  return parts.join('; ');
}

/** `source: observed (expected …)` per piece of evidence. */
export function evidenceLine(e: Evidence): string {
  const observed = e.observed === null ? '<absent>' : e.observed;
  return `${e.source}: ${observed} (expected ${e.expected})${e.note ? ` — ${e.note}` : ''}`;
}
