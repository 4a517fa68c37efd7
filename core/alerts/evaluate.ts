import { appendAuditEvents, type AuditEvent } from '../audit/append.ts';
import type { JobKey } from '../crypto/job-signing.ts';
import { hostScopes, listAlertRules, ruleFrameworks, type AlertRuleRow } from '../db/sql/alert-rules.ts';
import * as sql from '../db/sql/alerts.ts';
import { eventsAfter, type EventRow } from '../db/sql/events.ts';
import type { Db, Queryable } from '../db/types.ts';
import { emitEvents } from '../events/emit.ts';
import { links, type NewEvent } from '../events/kinds.ts';
import { enqueueNotification, type NotifyPurpose } from './jobs.ts';
import { alertTitle, clearedBy, dedupKey, ruleMatches, type MatchContext } from './match.ts';

export const SYSTEM = { id: null, name: 'system' };
const BATCH = 500;

export interface EvaluationOutcome {
  events: number;
  fired: number;
  folded: number;
  resolved: number;
}

/** What one batch decided, written at its end. */
class Batch {
  readonly outcome: EvaluationOutcome = { events: 0, fired: 0, folded: 0, resolved: 0 };
  readonly audit: AuditEvent[] = [];
  readonly events: NewEvent[] = [];
  readonly deliveries: { alertId: string; channelIds: string[]; purpose: NotifyPurpose }[] = [];

  note(alertId: string, rule: AlertRuleRow, purpose: NotifyPurpose, e: EventRow, notify: boolean): void {
    const code = purpose === 'fired' ? 'alert.fired' : 'alert.resolved';
    const details = { alert_rule: rule.name, event_id: e.id, event_kind: e.kind };
    this.audit.push({ code, actor: SYSTEM, target: { type: 'alert', id: alertId }, details });
    this.events.push({
      kind: purpose === 'fired' ? 'alert.fired' : 'alert.changed',
      hostId: e.host_id,
      ruleId: e.rule_id,
      severity: e.severity as NewEvent['severity'],
      link: links.alert(alertId),
      data: { alert_id: alertId, alert_rule_id: rule.id, state: purpose === 'fired' ? 'active' : 'resolved' },
    });
    if (notify && rule.channel_ids.length > 0)
      this.deliveries.push({ alertId, channelIds: rule.channel_ids, purpose });
  }
}

async function resolve(tx: Queryable, b: Batch, rule: AlertRuleRow, e: EventRow): Promise<void> {
  const clears = clearedBy(rule, e);
  if (!clears) return;
  for (const id of await sql.openAlertsFor(tx, rule.id, clears.hostId, clears.ruleId)) {
    if (!(await sql.setAlertState(tx, id, 'resolved', { from: sql.OPEN_STATES, by: null }))) continue;
    b.outcome.resolved += 1;
    b.note(id, rule, 'resolved', e, true);
  }
}

async function fire(
  tx: Queryable,
  b: Batch,
  rule: AlertRuleRow,
  e: EventRow,
  ctx: MatchContext,
): Promise<void> {
  const key = dedupKey(e);
  const existing = await sql.dedupCandidate(tx, rule.id, key);
  const windowMs = rule.dedup_window_seconds * 1000;
  const within = existing && e.occurred_at.getTime() - existing.last_seen_at.getTime() <= windowMs;
  if (existing && (existing.state !== 'dismissed' || within)) {
    await sql.recordOccurrence(tx, existing.id, e.id, e.occurred_at);
    b.outcome.folded += 1;
    // Past the window an open, unhandled alert notifies again as a reminder.
    if (!within && existing.state === 'active') b.note(existing.id, rule, 'fired', e, true);
    return;
  }
  const id = await sql.insertAlert(tx, {
    alertRuleId: rule.id,
    dedupKey: key,
    eventKind: e.kind,
    hostId: e.host_id,
    ruleId: e.rule_id,
    severity: e.severity,
    title: alertTitle(rule, e, ctx),
    link: e.link,
    eventId: e.id,
    at: e.occurred_at,
  });
  b.outcome.fired += 1;
  b.note(id, rule, 'fired', e, true);
}

async function evaluateBatch(tx: Queryable, jobKey: JobKey, batchSize: number): Promise<EvaluationOutcome> {
  const b = new Batch();
  const cursor = await sql.lockAlertCursor(tx);
  for (const id of await sql.expireSilences(tx))
    b.audit.push({ code: 'alert.silence_expired', actor: SYSTEM, target: { type: 'alert', id } });
  const events = await eventsAfter(tx, { after: cursor, limit: batchSize });
  const last = events.at(-1);
  if (last) {
    const rules = await listAlertRules(tx, true);
    const hostIds = [...new Set(events.flatMap((e) => (e.host_id ? [e.host_id] : [])))];
    const ruleIds = [...new Set(events.flatMap((e) => (e.rule_id ? [e.rule_id] : [])))];
    const ctx: MatchContext = {
      hosts: await hostScopes(tx, hostIds),
      frameworks: await ruleFrameworks(tx, ruleIds),
    };
    for (const e of events) {
      for (const rule of rules) {
        await resolve(tx, b, rule, e);
        if (ruleMatches(rule, e, ctx)) await fire(tx, b, rule, e, ctx);
      }
    }
    await sql.advanceAlertCursor(tx, last.id);
    b.outcome.events = events.length;
  }
  for (const d of b.deliveries)
    for (const channelId of d.channelIds)
      await enqueueNotification(tx, jobKey, {
        channel_id: channelId,
        alert_id: d.alertId,
        purpose: d.purpose,
      });
  await appendAuditEvents(tx, b.audit);
  await emitEvents(tx, b.events);
  return b.outcome;
}

/**
 * Reads the event log from the alerts cursor in batches, each in one transaction that holds the
 * cursor's row lock (so evaluators never interleave): silences that ran out are lifted, matching events
 * open or fold into alerts (dedup by kind + host + rule within the rule's window), clearing events
 * resolve them, and each notification is queued as a job in the same transaction.
 */
export async function evaluateAlerts(
  db: Db,
  jobKey: JobKey,
  o: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<EvaluationOutcome> {
  const total: EvaluationOutcome = { events: 0, fired: 0, folded: 0, resolved: 0 };
  for (;;) {
    const r = await db.transaction((tx) => evaluateBatch(tx, jobKey, o.batchSize ?? BATCH));
    total.events += r.events;
    total.fired += r.fired;
    total.folded += r.folded;
    total.resolved += r.resolved;
    if (r.events < (o.batchSize ?? BATCH) || o.signal?.aborted) return total;
  }
}
