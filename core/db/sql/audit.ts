import type { Queryable } from '../types.ts';

/** Arbitrary constant for pg_advisory_xact_lock: "openwatch audit chain". Every appender takes it. */
export const AUDIT_LOCK_ID = 7_246_981_113n;

export interface AuditRow {
  id: string;
  occurred_at: Date;
  code: string;
  actor_id: string | null;
  actor_name: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'id, occurred_at, code, actor_id, actor_name, target_type, target_id, ip, details, prev_hash, hash';

/** Serialises appends until the surrounding transaction ends, so two writers cannot fork the chain. */
export async function lockAuditChain(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_ID.toString()]);
}

export async function lastAuditLink(tx: Queryable): Promise<{ id: number; hash: string } | undefined> {
  const { rows } = await tx.query<{ id: string; hash: string }>(
    'select id, hash from audit_events order by id desc limit 1',
  );
  const row = rows[0];
  return row ? { id: Number(row.id), hash: row.hash } : undefined;
}

/** The id and hash of one row, for comparing the chain with an anchored head. */
export async function auditLink(q: Queryable, id: number): Promise<{ id: number; hash: string } | undefined> {
  const { rows } = await q.query<{ id: string; hash: string }>(
    'select id, hash from audit_events where id = $1',
    [id],
  );
  const row = rows[0];
  return row ? { id: Number(row.id), hash: row.hash } : undefined;
}

export async function insertAuditRow(
  tx: Queryable,
  r: {
    id: number;
    occurredAt: string;
    code: string;
    actorId: string | null;
    actorName: string;
    targetType: string | null;
    targetId: string | null;
    ip: string | null;
    details: Record<string, unknown>;
    prevHash: string;
    hash: string;
  },
): Promise<void> {
  await tx.query(
    `insert into audit_events (${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
    [
      r.id,
      r.occurredAt,
      r.code,
      r.actorId,
      r.actorName,
      r.targetType,
      r.targetId,
      r.ip,
      JSON.stringify(r.details),
      r.prevHash,
      r.hash,
    ],
  );
}

export interface AuditFilter {
  code: string | undefined;
  /** A user id or an actor name. */
  actor: string | undefined;
  since: Date | undefined;
  until: Date | undefined;
  /** Rows with a smaller id than this (newest first). */
  before: number | undefined;
  limit: number;
}

export async function listAuditRows(q: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await q.query<AuditRow>(
    `select ${COLUMNS} from audit_events
     where ($1::text is null or code = $1 or starts_with(code, $1 || '.'))
       and ($2::text is null or actor_name = $2 or actor_id::text = $2)
       and ($3::timestamptz is null or occurred_at >= $3)
       and ($4::timestamptz is null or occurred_at < $4)
       and ($5::bigint is null or id < $5)
     order by id desc limit $6`,
    [f.code ?? null, f.actor ?? null, f.since ?? null, f.until ?? null, f.before ?? null, f.limit],
  );
  return rows;
}

/** Rows in chain order after `afterId`, for verification. */
export async function auditRowsAfter(q: Queryable, afterId: number, limit: number): Promise<AuditRow[]> {
  const { rows } = await q.query<AuditRow>(
    `select ${COLUMNS} from audit_events where id > $1 order by id limit $2`,
    [afterId, limit],
  );
  return rows;
}
