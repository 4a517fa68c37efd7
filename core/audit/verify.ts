import { auditRowsAfter, type AuditRow } from '../db/sql/audit.ts';
import type { Queryable } from '../db/types.ts';
import { GENESIS_HASH, rowHash } from './chain.ts';

export interface ChainBreak {
  id: number;
  reason: string;
}

export interface VerifyResult {
  checked: number;
  lastId: number;
  broken: ChainBreak | undefined;
}

const BATCH = 1000;

async function check(row: AuditRow, prevId: number, prevHash: string): Promise<string | undefined> {
  const id = Number(row.id);
  if (id !== prevId + 1) return `rows ${prevId + 1}–${id - 1} are missing before it`;
  if (row.prev_hash !== prevHash)
    return `its prev_hash does not match row ${prevId}'s hash (row ${prevId} was rewritten with a new hash, or this row was altered)`;
  const hash = await rowHash({
    id,
    time: row.occurred_at.toISOString(),
    code: row.code,
    actor: { id: row.actor_id, name: row.actor_name },
    target: { type: row.target_type, id: row.target_id },
    ip: row.ip,
    details: row.details,
    prev_hash: row.prev_hash,
  });
  if (hash !== row.hash) return 'its content does not match its hash (the row was altered)';
  return undefined;
}

/** Walks the whole chain in id order and stops at the first row that does not verify. */
export async function verifyAuditChain(q: Queryable): Promise<VerifyResult> {
  let prevId = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await auditRowsAfter(q, prevId, BATCH);
    for (const row of rows) {
      const reason = await check(row, prevId, prevHash);
      if (reason) return { checked, lastId: prevId, broken: { id: Number(row.id), reason } };
      checked += 1;
      prevId = Number(row.id);
      prevHash = row.hash;
    }
    if (rows.length < BATCH) return { checked, lastId: prevId, broken: undefined };
  }
}
