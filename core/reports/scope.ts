import { groupById } from '../db/sql/groups.ts';
import { hostById } from '../db/sql/hosts.ts';
import type { ReportKind, ReportScope } from '../db/sql/reports.ts';
import type { Queryable } from '../db/types.ts';
import type { ReportRequest } from './data.ts';

/** A report request that cannot be served; `status` 404 (unknown host or group) or 422. */
export class ReportRequestError extends Error {
  constructor(
    readonly status: 404 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReportRequestError';
  }
}

const PERIODIC: readonly ReportKind[] = ['executive', 'change_report'];

/** Checks a requested kind, scope and period, and names the host or group the report covers. */
export async function resolveReportScope(
  q: Queryable,
  r: {
    kind: ReportKind;
    scope: ReportScope;
    scope_id?: string | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
  },
): Promise<ReportRequest> {
  const base = { kind: r.kind, scope: r.scope, from: r.from ?? null, to: r.to ?? null };
  if ((r.from || r.to) && !PERIODIC.includes(r.kind))
    throw new ReportRequestError(422, 'period_not_applicable', `a ${r.kind} report has no period`);
  if (r.from && r.to && r.from >= r.to)
    throw new ReportRequestError(422, 'bad_period', '`from` must be before `to`');
  if (r.scope === 'fleet') {
    if (r.scope_id)
      throw new ReportRequestError(422, 'scope_id_not_allowed', 'a fleet report takes no scope_id');
    return { ...base, scopeId: null, scopeName: null };
  }
  if (!r.scope_id)
    throw new ReportRequestError(422, 'scope_id_required', `a ${r.scope} report needs scope_id`);
  const name =
    r.scope === 'host' ? (await hostById(q, r.scope_id))?.hostname : (await groupById(q, r.scope_id))?.name;
  if (name === undefined) throw new ReportRequestError(404, 'not_found', `no such ${r.scope}`);
  return { ...base, scopeId: r.scope_id, scopeName: name };
}
