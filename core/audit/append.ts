import { redact } from '../log.ts';
import * as sql from '../db/sql/audit.ts';
import type { Db, Queryable } from '../db/types.ts';
import { GENESIS_HASH, rowHash } from './chain.ts';
import type { AuditCode } from './events.ts';
import { storableText, truncateText } from '../text.ts';

export interface AuditActor {
  id: string | null;
  /** A username, or `anonymous` / `system` / `cli`. */
  name: string;
}

export interface AuditEvent {
  code: AuditCode;
  actor: AuditActor;
  target?: { type: string; id: string };
  ip?: string | null;
  details?: Record<string, unknown>;
}

export const ANONYMOUS: AuditActor = { id: null, name: 'anonymous' };
export const CLI_ACTOR: AuditActor = { id: null, name: 'cli' };
const MAX_STRING = 1000;

/**
 * Secret-looking fields redacted (the logger's rule), text made storable (jsonb refuses NULs and lone
 * surrogates) and cut by code point, so a cut never leaves half an emoji behind.
 */
function cleanDetails(details: Record<string, unknown>): Record<string, unknown> {
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return truncateText(storableText(v), MAX_STRING);
    if (Array.isArray(v)) return v.map(clean);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x)]));
    return v;
  };
  return clean(redact(details)) as Record<string, unknown>;
}

/**
 * Appends events inside the caller's transaction: takes the chain lock (held until that transaction
 * ends), reads the last row's id and hash, and links each new row to it. Appending in the same
 * transaction as the change it records means neither exists without the other.
 */
export async function appendAuditEvents(tx: Queryable, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.lockAuditChain(tx);
  const last = await sql.lastAuditLink(tx);
  let id = last?.id ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  for (const e of events) {
    id += 1;
    const content = {
      id,
      time: new Date().toISOString(),
      code: e.code,
      actor: { id: e.actor.id, name: e.actor.name },
      target: { type: e.target?.type ?? null, id: e.target?.id ?? null },
      ip: e.ip ?? null,
      details: cleanDetails(e.details ?? {}),
      prev_hash: prevHash,
    };
    const hash = await rowHash(content);
    await sql.insertAuditRow(tx, {
      id,
      occurredAt: content.time,
      code: content.code,
      actorId: content.actor.id,
      actorName: content.actor.name,
      targetType: content.target.type,
      targetId: content.target.id,
      ip: content.ip,
      details: content.details,
      prevHash,
      hash,
    });
    prevHash = hash;
  }
}

/** Appends in a transaction of its own, for events that are not part of a larger change. */
export function audit(db: Db, ...events: AuditEvent[]): Promise<void> {
  return db.transaction((tx) => appendAuditEvents(tx, events));
}
