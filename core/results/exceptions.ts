import { appendAuditEvents, audit, type AuditActor } from '../audit/append.ts';
import { emitEvents } from '../events/emit.ts';
import { links, type NewEvent } from '../events/kinds.ts';
import * as sql from '../db/sql/exceptions.ts';
import type { Db, Queryable } from '../db/types.ts';

/**
 * The rule-exception workflow (docs/exceptions.md):
 *
 *   requested ──approve──▶ approved ──revoke──▶ revoked
 *       └──────reject────▶ rejected     └─(expires_at passes)─▶ expired (computed, never stored)
 *
 * Approving or rejecting takes a different user than the requester (four eyes; the database refuses it
 * too). Every change and its audit event commit in one transaction; the exception row is locked first,
 * so two deciders racing cannot both win.
 */

export type ExceptionErrorCode =
  | 'not_found'
  | 'host_not_found'
  | 'group_not_found'
  | 'rule_not_found'
  | 'invalid_state'
  | 'exception_expired'
  | 'self_approval_forbidden';

export class ExceptionError extends Error {
  override name = 'ExceptionError';
  constructor(
    readonly code: ExceptionErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface RequestInput {
  hostId: string | null;
  groupId: string | null;
  ruleId: string;
  reason: string;
  expiresAt: Date | null;
}

export interface Caller {
  actor: AuditActor & { id: string };
  ip: string;
}

async function exists(q: Queryable, statement: string, id: string): Promise<boolean> {
  const { rows } = await q.query(statement, [id]);
  return rows.length > 0;
}

async function checkTarget(q: Queryable, x: RequestInput): Promise<void> {
  if (x.hostId && !(await exists(q, 'select 1 from hosts where id = $1 and deleted_at is null', x.hostId)))
    throw new ExceptionError('host_not_found', 'no such host');
  if (x.groupId && !(await exists(q, 'select 1 from host_groups where id = $1', x.groupId)))
    throw new ExceptionError('group_not_found', 'no such group');
  if (!(await exists(q, 'select 1 from rule_catalog where rule_id = $1', x.ruleId)))
    throw new ExceptionError('rule_not_found', `no rule ${x.ruleId} in the catalog`);
}

const target = (id: string) => ({ type: 'exception', id });

function exceptionEvent(
  kind: 'exception.requested' | 'exception.decided',
  row: sql.ExceptionRow,
  data: Record<string, unknown>,
): NewEvent {
  return {
    kind,
    hostId: row.host_id,
    ruleId: row.rule_id,
    link: links.exception(row.id),
    data: { exception_id: row.id, group_id: row.group_id, state: row.state, ...data },
  };
}

export async function requestException(db: Db, x: RequestInput, c: Caller): Promise<sql.ExceptionRow> {
  return db.transaction(async (tx) => {
    await checkTarget(tx, x);
    const row = await sql.insertException(tx, { ...x, requestedBy: c.actor.id });
    await appendAuditEvents(tx, [
      {
        code: 'exception.requested',
        actor: c.actor,
        target: target(row.id),
        ip: c.ip,
        details: {
          rule_id: row.rule_id,
          host_id: row.host_id,
          group_id: row.group_id,
          expires_at: row.expires_at?.toISOString() ?? null,
          reason: row.reason,
        },
      },
    ]);
    await emitEvents(tx, [exceptionEvent('exception.requested', row, { requested_by: c.actor.name })]);
    return row;
  });
}

async function lockedOrThrow(tx: Queryable, id: string): Promise<sql.ExceptionRow> {
  const row = await sql.exceptionById(tx, id, true);
  if (!row) throw new ExceptionError('not_found', 'no such exception');
  return row;
}

function wrongState(row: sql.ExceptionRow, want: string): ExceptionError {
  return new ExceptionError('invalid_state', `the exception is ${row.state}, not ${want}`, {
    state: row.state,
  });
}

/** requested → approved | rejected, by someone other than the requester. */
export async function decideException(
  db: Db,
  id: string,
  decision: 'approved' | 'rejected',
  comment: string | null,
  c: Caller,
): Promise<sql.ExceptionRow> {
  const outcome = await db.transaction(async (tx) => {
    const row = await lockedOrThrow(tx, id);
    if (row.state !== 'requested') throw wrongState(row, 'requested');
    if (row.requested_by === c.actor.id) return { self: true as const, row };
    if (decision === 'approved' && row.expires_at && row.expires_at.getTime() <= Date.now())
      throw new ExceptionError('exception_expired', 'the requested expiry has already passed');
    if (!(await sql.decideException(tx, id, { state: decision, by: c.actor.id, comment })))
      throw wrongState(row, 'requested');
    await appendAuditEvents(tx, [
      {
        code: decision === 'approved' ? 'exception.approved' : 'exception.rejected',
        actor: c.actor,
        target: target(id),
        ip: c.ip,
        details: { rule_id: row.rule_id, host_id: row.host_id, group_id: row.group_id, comment },
      },
    ]);
    const updated = await sql.exceptionById(tx, id);
    if (!updated) throw new ExceptionError('not_found', 'no such exception');
    await emitEvents(tx, [
      exceptionEvent('exception.decided', updated, { decision, decided_by: c.actor.name }),
    ]);
    return { self: false as const, row: updated };
  });
  if (outcome.self) {
    await audit(db, {
      code: 'authz.denied',
      actor: c.actor,
      target: target(id),
      ip: c.ip,
      details: { reason: 'self_approval', decision },
    });
    throw new ExceptionError(
      'self_approval_forbidden',
      'an exception must be approved or rejected by someone other than its requester',
    );
  }
  return outcome.row;
}

/** approved (in force) → revoked. */
export async function revokeException(
  db: Db,
  id: string,
  reason: string | null,
  c: Caller,
): Promise<sql.ExceptionRow> {
  return db.transaction(async (tx) => {
    const row = await lockedOrThrow(tx, id);
    if (row.state !== 'approved' || !(await sql.revokeException(tx, id, { by: c.actor.id, reason })))
      throw wrongState(row, 'approved');
    await appendAuditEvents(tx, [
      {
        code: 'exception.revoked',
        actor: c.actor,
        target: target(id),
        ip: c.ip,
        details: { rule_id: row.rule_id, host_id: row.host_id, group_id: row.group_id, reason },
      },
    ]);
    const updated = await sql.exceptionById(tx, id);
    if (!updated) throw new ExceptionError('not_found', 'no such exception');
    return updated;
  });
}
