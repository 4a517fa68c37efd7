import { appendAuditEvents, type AuditActor } from '../audit/append.ts';
import { sha256Hex, utf8 } from '../crypto/bytes.ts';
import { insertSnapshot, type SnapshotRow } from '../db/sql/reports.ts';
import type { Db, Queryable } from '../db/types.ts';
import { reportData, reportPeriod, type ReportRequest } from './data.ts';
import type { ReportKey } from './key.ts';
import { renderReportHtml, reportTitle } from './render.ts';
import { signedReportText, signReport } from './signing.ts';

export interface SnapshotOrigin {
  /** The user who asked, or `system` for a schedule. */
  actor: AuditActor;
  ip: string | null;
  scheduleId: string | null;
}

/** The file names a snapshot downloads as (also inside its signed envelope). */
export const snapshotFilename = (kind: string, at: Date, ext: 'html' | 'json') =>
  `openwatch-${kind.replace(/_/g, '-')}-${at.toISOString().slice(0, 10)}.${ext}`;

/**
 * Builds a report snapshot: its data (JSON) and HTML from the database as it is now, both signed with
 * the report key when one is configured (unsigned otherwise: hashes only), stored immutably and audited,
 * in one transaction so the data is one consistent read.
 */
export async function createSnapshot(
  db: Db,
  req: ReportRequest,
  key: ReportKey | undefined,
  origin: SnapshotOrigin,
): Promise<SnapshotRow> {
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read');
    return writeSnapshot(tx, req, key, origin, new Date());
  });
}

/** `createSnapshot` inside the caller's transaction (a report schedule's run). */
export async function writeSnapshot(
  tx: Queryable,
  req: ReportRequest,
  key: ReportKey | undefined,
  origin: SnapshotOrigin,
  now: Date,
): Promise<SnapshotRow> {
  const data = await reportData(tx, req, now);
  const json = JSON.stringify(data, null, 2) + '\n';
  const html = renderReportHtml(data);
  const sign = async (content: string, mediaType: string, ext: 'html' | 'json') =>
    key
      ? signedReportText(
          await signReport(
            {
              kind: req.kind,
              media_type: mediaType,
              filename: snapshotFilename(req.kind, now, ext),
              content: utf8(content),
            },
            key.privateKey,
            key.rawPublicKey,
            now,
          ),
        )
      : null;
  const signedJson = await sign(json, 'application/json', 'json');
  const signedHtml = await sign(html, 'text/html', 'html');
  const period = reportPeriod(req, now);
  const row = await insertSnapshot(tx, {
    kind: req.kind,
    scope: req.scope,
    scopeId: req.scopeId,
    scopeName: req.scopeName,
    periodFrom: period?.from ?? null,
    periodTo: period?.to ?? null,
    title: reportTitle(data),
    json,
    html,
    sha256Json: await sha256Hex(utf8(json)),
    sha256Html: await sha256Hex(utf8(html)),
    keyId: signedJson ? (JSON.parse(signedJson) as { signature: { key_id: string } }).signature.key_id : null,
    signedJson,
    signedHtml,
    scheduleId: origin.scheduleId,
    createdBy: origin.actor.id,
  });
  await appendAuditEvents(tx, [
    {
      code: 'report.created',
      actor: origin.actor,
      target: { type: 'report', id: row.id },
      ip: origin.ip,
      details: {
        kind: row.kind,
        scope: row.scope,
        scope_id: row.scope_id,
        signed: row.key_id !== null,
        key_id: row.key_id,
        schedule_id: origin.scheduleId,
      },
    },
  ]);
  return row;
}
