import { appendAuditEvents, type AuditActor } from '../audit/append.ts';
import type { AuditCode } from '../audit/events.ts';
import * as sql from '../db/sql/alerts.ts';
import type { Db } from '../db/types.ts';
import { emitEvents } from '../events/emit.ts';
import { links } from '../events/kinds.ts';

export const ALERT_ACTIONS = ['acknowledge', 'silence', 'reopen', 'resolve', 'dismiss'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** Each action: the state it leads to, the states it may start from, and its audit code. */
const TRANSITIONS: Record<AlertAction, { to: sql.AlertState; from: sql.AlertState[]; code: AuditCode }> = {
  acknowledge: { to: 'acknowledged', from: ['active', 'silenced'], code: 'alert.acknowledged' },
  silence: { to: 'silenced', from: ['active', 'acknowledged', 'silenced'], code: 'alert.silenced' },
  reopen: { to: 'active', from: ['acknowledged', 'silenced'], code: 'alert.reopened' },
  resolve: { to: 'resolved', from: ['active', 'acknowledged', 'silenced'], code: 'alert.resolved' },
  dismiss: { to: 'dismissed', from: ['active', 'acknowledged', 'silenced'], code: 'alert.dismissed' },
};

export class AlertStateError extends Error {
  override name = 'AlertStateError';
  constructor(
    readonly code: 'not_found' | 'invalid_state',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * A user's change to an alert, with its audit event and `alert.changed` in one transaction.
 * `until` is required for silence (the caller validates it lies in the future).
 */
export async function changeAlertState(
  db: Db,
  id: string,
  action: AlertAction,
  c: { actor: AuditActor; ip: string; until?: Date; comment?: string },
): Promise<void> {
  const t = TRANSITIONS[action];
  await db.transaction(async (tx) => {
    const before = await sql.alertById(tx, id, null);
    if (!before) throw new AlertStateError('not_found', 'no such alert');
    const moved = await sql.setAlertState(tx, id, t.to, {
      from: t.from,
      by: c.actor.id,
      silencedUntil: action === 'silence' ? (c.until ?? null) : null,
    });
    if (!moved)
      throw new AlertStateError(
        'invalid_state',
        `an alert that is ${before.state} cannot be told to ${action}`,
        {
          state: before.state,
          allowed_from: t.from,
        },
      );
    await appendAuditEvents(tx, [
      {
        code: t.code,
        actor: c.actor,
        target: { type: 'alert', id },
        ip: c.ip,
        details: {
          from: before.state,
          to: t.to,
          ...(c.until ? { until: c.until.toISOString() } : {}),
          ...(c.comment ? { comment: c.comment } : {}),
        },
      },
    ]);
    await emitEvents(tx, [
      {
        kind: 'alert.changed',
        hostId: before.host_id,
        ruleId: before.rule_id,
        severity: before.severity as 'low' | 'medium' | 'high' | 'critical' | null,
        link: links.alert(id),
        data: { alert_id: id, from: before.state, state: t.to, by: c.actor.name },
      },
    ]);
  });
}
