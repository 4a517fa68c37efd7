import { insertEvents, lockEventLog } from '../db/sql/events.ts';
import type { Queryable } from '../db/types.ts';
import type { NewEvent } from './kinds.ts';

/**
 * Appends events inside the caller's transaction (the outbox): they commit with the change that caused
 * them or not at all. Call it as the transaction's last step: the event-log lock is held until commit,
 * so the shorter the tail, the less other writers wait.
 */
export async function emitEvents(tx: Queryable, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  await lockEventLog(tx);
  const now = new Date();
  return insertEvents(tx, {
    kinds: events.map((e) => e.kind),
    occurredAt: events.map((e) => e.occurredAt ?? now),
    hostIds: events.map((e) => e.hostId ?? null),
    ruleIds: events.map((e) => e.ruleId ?? null),
    severities: events.map((e) => e.severity ?? null),
    links: events.map((e) => e.link ?? null),
    data: events.map((e) => JSON.stringify(e.data ?? {})),
  });
}
