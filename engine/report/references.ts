import type { Evidence, References } from '../types.ts';

/**
 * `cis[debian12]:1.1.1,1.1.2; stig:V-1; nist_800_53:AC-6` — compact, for one-line formats. Takes any
 * object, so references read back from the database (jsonb) format the same as a rule's own.
 */
export function referencesText(refs: References | Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [framework, value] of Object.entries(refs as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      if (value.length) parts.push(`${framework}:${value.map(String).join(',')}`);
    } else if (value !== null && typeof value === 'object') {
      // CIS references are keyed by benchmark (e.g. debian12): `cis[debian12]:1.1.1`.
      for (const [bench, ids] of Object.entries(value)) {
        if (Array.isArray(ids) && ids.length)
          parts.push(`${framework}[${bench}]:${ids.map(String).join(',')}`);
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
