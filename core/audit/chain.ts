import { sha256Hex } from '../crypto/bytes.ts';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The content a row's hash covers, exactly as stored. */
export interface ChainedContent {
  id: number;
  /** ISO 8601 with milliseconds, UTC (what Date#toISOString gives, and gives back from the column). */
  time: string;
  code: string;
  actor: { id: string | null; name: string };
  target: { type: string | null; id: string | null };
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in order. jsonb reorders keys
 * and the hash must survive a round trip through the database, so key order never matters.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const out = JSON.stringify(value);
    return out === undefined ? 'null' : out;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function rowHash(content: ChainedContent): Promise<string> {
  return sha256Hex(canonicalJson(content));
}
