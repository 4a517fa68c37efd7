import type { AlertRow } from '../db/sql/alerts.ts';
import type { NotifyPurpose } from '../alerts/jobs.ts';

/** What every channel renders: the alert as JSON plus a subject, a text and an HTML body. */
export interface Message {
  subject: string;
  text: string;
  html: string;
  /** The webhook body (docs/alerts.md, "Webhook payload"). */
  payload: Record<string, unknown>;
  /** Absolute link to the console page, when a public URL is configured. */
  url: string | null;
  /** Files e-mail attaches (a scheduled report's HTML); other channels ignore them. */
  attachments?: { filename: string; content: string; contentType: string }[];
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function heading(purpose: Exclude<NotifyPurpose, 'report'>): string {
  if (purpose === 'test') return '[OpenWatch] Test notification';
  return purpose === 'resolved' ? '[OpenWatch] Resolved' : '[OpenWatch] Alert';
}

/** Renders an alert (or, for `test`, a fixed test message) for delivery. */
export function renderMessage(
  purpose: Exclude<NotifyPurpose, 'report'>,
  alert: AlertRow | undefined,
  o: { channelName: string; consoleUrl: string | null; sentAt: Date },
): Message {
  const url = alert?.link && o.consoleUrl ? new URL(alert.link, o.consoleUrl).toString() : null;
  const title = alert?.title ?? `Test message for channel “${o.channelName}”`;
  const subject = `${heading(purpose)}: ${title}`.slice(0, 250);
  const facts: [string, string][] = alert
    ? [
        ['State', purpose === 'resolved' ? 'resolved' : alert.state],
        ['Severity', alert.severity ?? '—'],
        ['Host', alert.hostname ?? '—'],
        ['Rule', alert.rule_id ?? '—'],
        ['Occurrences', String(alert.occurrences)],
        ['First seen', alert.first_seen_at.toISOString()],
        ['Last seen', alert.last_seen_at.toISOString()],
      ]
    : [['Sent', o.sentAt.toISOString()]];
  const text = [subject, '', ...facts.map(([k, v]) => `${k}: ${v}`), ...(url ? ['', url] : [])].join('\n');
  const rows = facts.map(
    ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
  );
  const html = [
    `<h2>${escapeHtml(subject)}</h2>`,
    `<table>${rows.join('')}</table>`,
    ...(url ? [`<p><a href="${escapeHtml(url)}">Open in OpenWatch</a></p>`] : []),
  ].join('\n');
  const payload = {
    type: purpose === 'test' ? 'test' : `alert.${purpose}`,
    sent_at: o.sentAt.toISOString(),
    alert: alert
      ? {
          id: alert.id,
          title: alert.title,
          state: purpose === 'resolved' ? 'resolved' : alert.state,
          severity: alert.severity,
          event_kind: alert.event_kind,
          alert_rule: { id: alert.alert_rule_id, name: alert.rule_name },
          host: alert.host_id === null ? null : { id: alert.host_id, hostname: alert.hostname },
          rule_id: alert.rule_id,
          occurrences: alert.occurrences,
          first_seen_at: alert.first_seen_at.toISOString(),
          last_seen_at: alert.last_seen_at.toISOString(),
          link: alert.link,
          url,
        }
      : null,
  };
  return { subject, text, html, payload, url };
}
