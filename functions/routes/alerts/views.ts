import { z } from 'zod';
import { ALERT_STATES, type AlertRow } from '../../../core/db/sql/alerts.ts';
import type { DeliveryRow } from '../../../core/db/sql/channels.ts';

export const alertSchema = z.object({
  id: z.string(),
  title: z.string(),
  state: z.enum(ALERT_STATES),
  severity: z.string().nullable(),
  event_kind: z.string(),
  alert_rule: z.object({ id: z.string(), name: z.string() }),
  host: z.object({ id: z.string(), hostname: z.string().nullable() }).nullable(),
  rule_id: z.string().nullable(),
  link: z.string().nullable(),
  silenced_until: z.string().nullable(),
  occurrences: z.number(),
  first_event_id: z.string(),
  last_event_id: z.string(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  state_changed_at: z.string(),
  state_changed_by: z.string().nullable(),
  resolved_at: z.string().nullable(),
  read: z.boolean(),
});

export function alertView(a: AlertRow): z.infer<typeof alertSchema> {
  return {
    id: a.id,
    title: a.title,
    state: a.state,
    severity: a.severity,
    event_kind: a.event_kind,
    alert_rule: { id: a.alert_rule_id, name: a.rule_name },
    host: a.host_id === null ? null : { id: a.host_id, hostname: a.hostname },
    rule_id: a.rule_id,
    link: a.link,
    silenced_until: a.silenced_until?.toISOString() ?? null,
    occurrences: a.occurrences,
    first_event_id: a.first_event_id,
    last_event_id: a.last_event_id,
    first_seen_at: a.first_seen_at.toISOString(),
    last_seen_at: a.last_seen_at.toISOString(),
    state_changed_at: a.state_changed_at.toISOString(),
    state_changed_by: a.state_changed_by,
    resolved_at: a.resolved_at?.toISOString() ?? null,
    read: a.read,
  };
}

export const deliverySchema = z.object({
  id: z.string(),
  alert_id: z.string().nullable(),
  channel: z.object({ id: z.string(), name: z.string() }),
  purpose: z.enum(['fired', 'resolved', 'test']),
  attempt: z.number(),
  ok: z.boolean(),
  detail: z.string(),
  attempted_at: z.string(),
});

export function deliveryView(d: DeliveryRow): z.infer<typeof deliverySchema> {
  return {
    id: d.id,
    alert_id: d.alert_id,
    channel: { id: d.channel_id, name: d.channel_name },
    purpose: d.purpose,
    attempt: d.attempt,
    ok: d.ok,
    detail: d.detail,
    attempted_at: d.attempted_at.toISOString(),
  };
}
