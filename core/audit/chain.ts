import { sha256Hex } from '../crypto/bytes.ts';
import { canonicalJson } from '../canonical-json.ts';

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

export function rowHash(content: ChainedContent): Promise<string> {
  return sha256Hex(canonicalJson(content));
}
