import type { SnapshotBodies, SnapshotRow } from '../db/sql/reports.ts';
import { snapshotFilename } from '../reports/snapshot.ts';
import type { Message } from './message.ts';

/**
 * A scheduled report for delivery: e-mail carries a short body, a console link when a public URL is
 * configured, and the report itself attached (the signed file when signed, else the HTML); a webhook gets
 * the snapshot's metadata and its data as JSON.
 */
export function renderReportMessage(
  s: SnapshotRow,
  bodies: SnapshotBodies,
  o: { consoleUrl: string | null; sentAt: Date },
): Message {
  const url = o.consoleUrl ? new URL(`/reports/${s.id}`, o.consoleUrl).toString() : null;
  const subject = `[OpenWatch] Report: ${s.title}`.slice(0, 250);
  const signed = s.key_id ? `Signed by report key ${s.key_id}.` : 'Not signed (no report key is configured).';
  const text = [
    subject,
    '',
    `Generated ${s.created_at.toISOString()}. ${signed}`,
    `SHA-256 (HTML): ${s.sha256_html}`,
    ...(url ? ['', url] : []),
  ].join('\n');
  const name = snapshotFilename(s.kind, s.created_at, 'html');
  const attachment = bodies.signed_html
    ? { filename: `${name}.signed.json`, content: bodies.signed_html, contentType: 'application/json' }
    : { filename: name, content: bodies.html, contentType: 'text/html' };
  return {
    subject,
    text,
    html: bodies.html,
    url,
    attachments: [attachment],
    payload: {
      type: 'report',
      sent_at: o.sentAt.toISOString(),
      report: {
        id: s.id,
        kind: s.kind,
        title: s.title,
        scope: { type: s.scope, id: s.scope_id, name: s.scope_name },
        created_at: s.created_at.toISOString(),
        sha256: { json: s.sha256_json, html: s.sha256_html },
        signed_by: s.key_id,
        url,
        data: JSON.parse(bodies.json) as unknown,
      },
    },
  };
}
