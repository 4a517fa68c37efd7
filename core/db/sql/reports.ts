import type { Queryable } from '../types.ts';
import { SCOPE, scopeParams, type Scope } from './posture.ts';

export const REPORT_KINDS = ['executive', 'attestation', 'exception_register', 'change_report'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_SCOPES = ['fleet', 'group', 'host'] as const;
export type ReportScope = (typeof REPORT_SCOPES)[number];

export interface SnapshotInput {
  kind: ReportKind;
  scope: ReportScope;
  scopeId: string | null;
  scopeName: string | null;
  periodFrom: Date | null;
  periodTo: Date | null;
  title: string;
  json: string;
  html: string;
  sha256Json: string;
  sha256Html: string;
  keyId: string | null;
  signedJson: string | null;
  signedHtml: string | null;
  scheduleId: string | null;
  createdBy: string | null;
}

/** A snapshot without its bodies, as lists show it. */
export interface SnapshotRow {
  id: string;
  kind: ReportKind;
  scope: ReportScope;
  scope_id: string | null;
  scope_name: string | null;
  period_from: Date | null;
  period_to: Date | null;
  title: string;
  sha256_json: string;
  sha256_html: string;
  key_id: string | null;
  schedule_id: string | null;
  created_by: string | null;
  created_at: Date;
}

export interface SnapshotBodies {
  json: string;
  html: string;
  signed_json: string | null;
  signed_html: string | null;
}

const COLUMNS = `id::text as id, kind, scope, scope_id::text as scope_id, scope_name, period_from, period_to,
  title, sha256_json, sha256_html, key_id, schedule_id::text as schedule_id, created_by::text as created_by,
  created_at`;

export async function insertSnapshot(q: Queryable, s: SnapshotInput): Promise<SnapshotRow> {
  const { rows } = await q.query<SnapshotRow>(
    `insert into report_snapshots (kind, scope, scope_id, scope_name, period_from, period_to, title, json, html,
                                   sha256_json, sha256_html, key_id, signed_json, signed_html, schedule_id,
                                   created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     returning ${COLUMNS}`,
    [
      s.kind,
      s.scope,
      s.scopeId,
      s.scopeName,
      s.periodFrom,
      s.periodTo,
      s.title,
      s.json,
      s.html,
      s.sha256Json,
      s.sha256Html,
      s.keyId,
      s.signedJson,
      s.signedHtml,
      s.scheduleId,
      s.createdBy,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('snapshot insert returned nothing');
  return row;
}

/** Newest first; `before` is the previous page's last (created_at, id). */
export async function listSnapshots(
  q: Queryable,
  f: { kind: ReportKind | undefined; before: { at: Date; id: string } | undefined; limit: number },
): Promise<SnapshotRow[]> {
  const { rows } = await q.query<SnapshotRow>(
    `select ${COLUMNS} from report_snapshots
      where ($1::text is null or kind = $1)
        and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [f.kind ?? null, f.before?.at ?? null, f.before?.id ?? null, f.limit],
  );
  return rows;
}

export async function getSnapshot(q: Queryable, id: string): Promise<SnapshotRow | undefined> {
  const { rows } = await q.query<SnapshotRow>(`select ${COLUMNS} from report_snapshots where id = $1`, [id]);
  return rows[0];
}

export async function snapshotBodies(q: Queryable, id: string): Promise<SnapshotBodies | undefined> {
  const { rows } = await q.query<SnapshotBodies>(
    'select json, html, signed_json, signed_html from report_snapshots where id = $1',
    [id],
  );
  return rows[0];
}

export interface PeriodChange {
  occurred_at: Date;
  hostname: string;
  rule_id: string;
  title: string | null;
  severity: string;
  previous_status: string | null;
  status: string;
}

/** Verdicts that moved to or from fail in [from, to), oldest first, at most `limit`. */
export async function changesInPeriod(
  q: Queryable,
  scope: Scope,
  from: Date,
  to: Date,
  limit: number,
): Promise<PeriodChange[]> {
  const { rows } = await q.query<PeriodChange>(
    `select x.occurred_at, h.hostname, x.rule_id, rc.title, x.severity, x.previous_status, x.status
       from transactions x join hosts h on h.id = x.host_id
       left join rule_catalog rc on rc.rule_id = x.rule_id
      where (x.status = 'fail' or x.previous_status = 'fail') and x.occurred_at >= $4 and x.occurred_at < $5
        and ${SCOPE}
      order by x.occurred_at, x.id limit $6`,
    [...scopeParams(scope), from, to, limit],
  );
  return rows;
}

export interface AttestedScan {
  host_id: string;
  hostname: string;
  os_name: string | null;
  scan_id: string | null;
  finished_at: Date | null;
  profile_id: string | null;
  pass: number | null;
  fail: number | null;
  error: number | null;
  not_applicable: number | null;
  not_assessable: number | null;
}

/** Every live host in scope with its latest completed scan (null scan when it has none). */
export async function latestCompletedScans(q: Queryable, scope: Scope): Promise<AttestedScan[]> {
  const { rows } = await q.query<AttestedScan>(
    `select h.id::text as host_id, h.hostname, h.os_name, s.id::text as scan_id, s.finished_at, s.profile_id,
            s.pass, s.fail, s.error, s.not_applicable, s.not_assessable
       from hosts h
       left join lateral (select * from scans s where s.host_id = h.id and s.status = 'completed'
                           order by s.finished_at desc limit 1) s on true
      where h.deleted_at is null and ($1::uuid is null or h.id = $1)
        and ($2::uuid is null or exists (select 1 from host_group_members m where m.group_id = $2 and m.host_id = h.id))
      order by h.hostname, h.id`,
    [scope.hostId ?? null, scope.groupId ?? null],
  );
  return rows;
}

export interface RegisterEntry {
  id: string;
  target: string;
  rule_id: string;
  title: string | null;
  reason: string;
  state: string;
  requested_by: string | null;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  expires_at: Date | null;
}

/**
 * Exceptions touching the scope: for a host, its own and its groups'; for a group, the group's and its
 * members'; for the fleet, all. `state` is `expired` for an approved one past its expiry.
 */
export async function exceptionRegister(q: Queryable, scope: Scope): Promise<RegisterEntry[]> {
  const { rows } = await q.query<RegisterEntry>(
    `select x.id::text as id, coalesce('host ' || h.hostname, 'group ' || g.name) as target, x.rule_id, rc.title,
            x.reason,
            case when x.state = 'approved' and x.expires_at <= now() then 'expired' else x.state end as state,
            ru.username as requested_by, x.requested_at, du.username as decided_by, x.decided_at, x.expires_at
       from rule_exceptions x
       left join hosts h on h.id = x.host_id
       left join host_groups g on g.id = x.group_id
       left join rule_catalog rc on rc.rule_id = x.rule_id
       left join users ru on ru.id = x.requested_by
       left join users du on du.id = x.decided_by
      where (x.host_id is null or h.deleted_at is null)
        and ($1::uuid is null or x.host_id = $1
             or x.group_id in (select m.group_id from host_group_members m where m.host_id = $1))
        and ($2::uuid is null or x.group_id = $2
             or x.host_id in (select m.host_id from host_group_members m where m.group_id = $2))
      order by x.requested_at, x.id`,
    [scope.hostId ?? null, scope.groupId ?? null],
  );
  return rows;
}
