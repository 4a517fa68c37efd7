import type { AlertRuleRow, HostScope, Threshold } from '../db/sql/alert-rules.ts';
import type { EventRow } from '../db/sql/events.ts';
import { severityRank } from '../events/kinds.ts';

/** What rule filters look up beyond the event itself. */
export interface MatchContext {
  hosts: ReadonlyMap<string, HostScope>;
  frameworks: ReadonlyMap<string, readonly string[]>;
}

/** Kinds that report a state: a later event of the same kind that no longer meets the rule clears it. */
const STATE_KINDS: ReadonlySet<string> = new Set(['host.liveness_changed', 'score.band_changed']);

/** Kinds whose opposite event clears an alert on the same host and rule. */
const CLEARED_BY: Readonly<Record<string, string>> = { 'rule.regressed': 'rule.recovered' };

export function thresholdHolds(t: Threshold | null, data: Record<string, unknown>): boolean {
  if (t === null) return true;
  const v = data[t.field];
  if (t.eq !== undefined && v !== t.eq) return false;
  if (t.lte !== undefined && !(typeof v === 'number' && v <= t.lte)) return false;
  if (t.gte !== undefined && !(typeof v === 'number' && v >= t.gte)) return false;
  return true;
}

function inScope(rule: AlertRuleRow, e: EventRow, ctx: MatchContext): boolean {
  if (rule.host_tags.length === 0 && rule.group_ids.length === 0) return true;
  const host = e.host_id === null ? undefined : ctx.hosts.get(e.host_id);
  if (!host) return false;
  return (
    (rule.host_tags.length > 0 && rule.host_tags.some((t) => host.tags.includes(t))) ||
    (rule.group_ids.length > 0 && rule.group_ids.some((g) => host.groups.includes(g)))
  );
}

/** Whether an event opens (or repeats) an alert of this rule. */
export function ruleMatches(rule: AlertRuleRow, e: EventRow, ctx: MatchContext): boolean {
  if (rule.event_kind !== e.kind) return false;
  if (rule.min_severity !== null && severityRank(e.severity) < severityRank(rule.min_severity)) return false;
  if (rule.framework !== null) {
    if (e.rule_id === null || !(ctx.frameworks.get(e.rule_id) ?? []).includes(rule.framework)) return false;
  }
  return inScope(rule, e, ctx) && thresholdHolds(rule.threshold, e.data);
}

/** The open alerts this event clears: on its host, for its rule id when the rule is per compliance rule. */
export function clearedBy(
  rule: AlertRuleRow,
  e: EventRow,
): { hostId: string; ruleId: string | null } | undefined {
  if (e.host_id === null) return undefined;
  if (CLEARED_BY[rule.event_kind] === e.kind) return { hostId: e.host_id, ruleId: e.rule_id };
  if (rule.event_kind === e.kind && STATE_KINDS.has(e.kind) && !thresholdHolds(rule.threshold, e.data))
    return { hostId: e.host_id, ruleId: null };
  return undefined;
}

/** Deduplication compares kind + host + rule. */
export function dedupKey(e: EventRow): string {
  return `${e.kind}|${e.host_id ?? '-'}|${e.rule_id ?? '-'}`;
}

export function alertTitle(rule: AlertRuleRow, e: EventRow, ctx: MatchContext): string {
  const host = e.host_id === null ? undefined : (ctx.hosts.get(e.host_id)?.hostname ?? e.host_id);
  return [rule.name, host, e.rule_id].filter((x) => x !== undefined && x !== null).join(' — ');
}
