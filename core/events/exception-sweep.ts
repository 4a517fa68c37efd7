import { dueExceptionEvents } from '../db/sql/exception-events.ts';
import type { Db } from '../db/types.ts';
import { emitEvents } from './emit.ts';
import { links } from './kinds.ts';

/** How far ahead an approved exception is announced as expiring. */
export const EXPIRING_WITHIN_HOURS = 72;

/**
 * Expiry is computed when read, so nothing changes at the moment an exception expires; this periodic
 * sweep (functions/scheduled.ts) writes `exception.expiring` and `exception.expired` once each.
 */
export function sweepExceptionEvents(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await dueExceptionEvents(tx, EXPIRING_WITHIN_HOURS);
    await emitEvents(
      tx,
      due.map((e) => ({
        kind: e.kind,
        hostId: e.host_id,
        ruleId: e.rule_id,
        link: links.exception(e.id),
        data: { exception_id: e.id, group_id: e.group_id, expires_at: e.expires_at.toISOString() },
      })),
    );
    return due.length;
  });
}
