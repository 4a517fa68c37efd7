import { effectiveProfileCounts } from '../db/sql/profiles.ts';
import { exceptedFailures } from '../db/sql/exceptions.ts';
import {
  postureCounts,
  postureSeries,
  topFailingHosts,
  topFailingRules,
  type Scope,
} from '../db/sql/posture.ts';
import {
  changesInPeriod,
  exceptionRegister,
  latestCompletedScans,
  type ReportKind,
  type ReportScope,
} from '../db/sql/reports.ts';
import type { Queryable } from '../db/types.ts';
import { exportResults } from '../export/load.ts';
import { postureScore, scoreWithExceptions, type PostureCounts } from '../results/score.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A change report lists at most this many verdict changes (the count says when more happened). */
export const MAX_CHANGES = 5000;
/** An attestation covers at most this many hosts; larger scopes are narrowed by group. */
export const MAX_ATTESTED_HOSTS = 500;

export interface ReportRequest {
  kind: ReportKind;
  scope: ReportScope;
  scopeId: string | null;
  scopeName: string | null;
  from: Date | null;
  to: Date | null;
}

const counts = (c: PostureCounts): PostureCounts => ({
  pass: c.pass,
  fail: c.fail,
  error: c.error,
  not_applicable: c.not_applicable,
  not_assessable: c.not_assessable,
});

const scopeOf = (r: ReportRequest): Scope =>
  r.scope === 'host'
    ? { hostId: r.scopeId ?? undefined }
    : r.scope === 'group'
      ? { groupId: r.scopeId ?? undefined }
      : {};

async function posture(q: Queryable, scope: Scope, at?: Date) {
  const c = await postureCounts(q, scope, at);
  const excepted = await exceptedFailures(q, scope, at);
  return {
    score: postureScore(c),
    score_with_exceptions: scoreWithExceptions({ ...c, excepted_fail: excepted }),
    counts: counts(c),
    hosts: { total: c.hosts_total, assessed: c.hosts_assessed },
  };
}

/** Fleet posture, its daily trend over the period, top risks and coverage. */
async function executive(q: Queryable, scope: Scope, from: Date, to: Date) {
  const days = Math.max(1, Math.min(366, Math.ceil((to.getTime() - from.getTime()) / DAY_MS)));
  const ends = Array.from(
    { length: days },
    (_, i) => new Date(Math.min(from.getTime() + (i + 1) * DAY_MS, to.getTime())),
  );
  const series = await postureSeries(q, scope, ends);
  return {
    posture: await posture(q, scope),
    trend: series.map((s) => ({ at: s.at.toISOString(), score: postureScore(s), counts: counts(s) })),
    top_failing_rules: await topFailingRules(q, scope, 10),
    top_failing_hosts: (await topFailingHosts(q, scope, 10)).map((h) => ({
      hostname: h.hostname,
      score: postureScore(h),
      counts: counts(h),
    })),
    profiles: await effectiveProfileCounts(q, scope),
  };
}

/** Each host's latest completed scan with every result and its evidence. */
async function attestation(q: Queryable, scope: Scope) {
  const scans = await latestCompletedScans(q, scope);
  if (scans.length > MAX_ATTESTED_HOSTS) throw new ReportTooLarge(scans.length);
  const hosts = [];
  for (const s of scans) {
    const results = s.scan_id ? await exportResults(q, s.scan_id) : [];
    hosts.push({
      hostname: s.hostname,
      os: s.os_name,
      scan:
        s.scan_id === null
          ? null
          : {
              id: s.scan_id,
              finished_at: s.finished_at?.toISOString() ?? null,
              profile_id: s.profile_id,
              score: postureScore({ pass: s.pass ?? 0, fail: s.fail ?? 0 }),
              counts: {
                pass: s.pass ?? 0,
                fail: s.fail ?? 0,
                error: s.error ?? 0,
                not_applicable: s.not_applicable ?? 0,
                not_assessable: s.not_assessable ?? 0,
              },
            },
      results: results.map((r) => ({
        rule_id: r.rule_id,
        title: r.title,
        severity: r.severity,
        status: r.status,
        reason: r.reason,
        evidence: r.evidence,
        remediation: r.remediation,
      })),
    });
  }
  return { hosts };
}

async function changeReport(q: Queryable, scope: Scope, from: Date, to: Date) {
  const changes = await changesInPeriod(q, scope, from, to, MAX_CHANGES + 1);
  return {
    posture_at_start: await posture(q, scope, from),
    posture_at_end: await posture(q, scope, to),
    truncated: changes.length > MAX_CHANGES,
    changes: changes.slice(0, MAX_CHANGES).map((c) => ({
      at: c.occurred_at.toISOString(),
      hostname: c.hostname,
      rule_id: c.rule_id,
      title: c.title,
      severity: c.severity,
      from: c.previous_status,
      to: c.status,
    })),
  };
}

export class ReportTooLarge extends Error {
  constructor(readonly hosts: number) {
    super(`an attestation covers at most ${MAX_ATTESTED_HOSTS} hosts; this scope has ${hosts}`);
    this.name = 'ReportTooLarge';
  }
}

/** The period a report covers: as requested, else the 30 days up to `now` (executive and change reports). */
export function reportPeriod(r: ReportRequest, now: Date): { from: Date; to: Date } | null {
  if (r.kind !== 'executive' && r.kind !== 'change_report') return null;
  const to = r.to ?? now;
  return { from: r.from ?? new Date(to.getTime() - 30 * DAY_MS), to };
}

/** What a report says, as JSON: the snapshot's data, which the HTML renders. */
export async function reportData(q: Queryable, r: ReportRequest, now: Date) {
  const scope = scopeOf(r);
  const period = reportPeriod(r, now);
  const head = {
    scope: { type: r.scope, id: r.scopeId, name: r.scopeName },
    period: period ? { from: period.from.toISOString(), to: period.to.toISOString() } : null,
    generated_at: now.toISOString(),
  };
  switch (r.kind) {
    case 'executive':
      return {
        kind: 'executive' as const,
        ...head,
        executive: await executive(q, scope, period?.from ?? now, period?.to ?? now),
      };
    case 'attestation':
      return { kind: 'attestation' as const, ...head, attestation: await attestation(q, scope) };
    case 'exception_register':
      return {
        kind: 'exception_register' as const,
        ...head,
        exceptions: (await exceptionRegister(q, scope)).map((x) => ({
          ...x,
          requested_at: x.requested_at.toISOString(),
          decided_at: x.decided_at?.toISOString() ?? null,
          expires_at: x.expires_at?.toISOString() ?? null,
        })),
      };
    case 'change_report':
      return {
        kind: 'change_report' as const,
        ...head,
        change_report: await changeReport(q, scope, period?.from ?? now, period?.to ?? now),
      };
  }
}

export type ReportData = Awaited<ReturnType<typeof reportData>>;
