import { numberedLines } from './lines.ts';

/** One `<domain> <type> <item> <value>` line of limits.conf / limits.d (pam_limits(8)). */
export interface LimitEntry {
  domain: string;
  /** `soft`, `hard` or `-` (both). */
  type: string;
  item: string;
  value: string;
  file: string;
  line: number;
}

/** pam_limits treats `unlimited`, `infinity` and `-1` alike; one spelling keeps comparisons honest. */
function limitValue(v: string): string {
  return /^(unlimited|infinity|-1)$/i.test(v) ? 'unlimited' : v;
}

/** Entries of the files in the order given; text after `#` is a comment, as pam_limits reads it. */
export function parseLimits(files: readonly { path: string; text: string }[]): LimitEntry[] {
  const out: LimitEntry[] = [];
  for (const f of files) {
    for (const l of numberedLines(f.text)) {
      const fields = (l.text.split('#')[0] ?? '').trim().split(/\s+/);
      const [domain, type, item, value] = fields;
      if (fields.length !== 4 || !domain || !type || !item || !value) continue;
      out.push({ domain, type, item: item.toLowerCase(), value: limitValue(value), file: f.path, line: l.n });
    }
  }
  return out;
}
