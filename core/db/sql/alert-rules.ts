import type { Queryable } from '../types.ts';
import { GROUP_MEMBER } from './hosts.ts';

export interface Threshold {
  field: string;
  eq?: string | number | boolean;
  lte?: number;
  gte?: number;
}

export interface AlertRuleRow {
  id: string;
  builtin_key: string | null;
  name: string;
  event_kind: string;
  min_severity: string | null;
  host_tags: string[];
  group_ids: string[];
  framework: string | null;
  threshold: Threshold | null;
  dedup_window_seconds: number;
  channel_ids: string[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface AlertRuleInput {
  name: string;
  eventKind: string;
  minSeverity: string | null;
  hostTags: string[];
  groupIds: string[];
  framework: string | null;
  threshold: Threshold | null;
  dedupWindowSeconds: number;
  channelIds: string[];
  enabled: boolean;
}

const COLUMNS = `id::text as id, builtin_key, name, event_kind, min_severity, host_tags, group_ids::text[] as group_ids,
  framework, threshold, dedup_window_seconds, channel_ids::text[] as channel_ids, enabled, created_at, updated_at`;

export async function listAlertRules(q: Queryable, enabledOnly = false): Promise<AlertRuleRow[]> {
  const { rows } = await q.query<AlertRuleRow>(
    `select ${COLUMNS} from alert_rules where ($1::boolean is false or enabled)
      order by builtin_key is null, name, id`,
    [enabledOnly],
  );
  return rows;
}

export async function alertRuleById(q: Queryable, id: string): Promise<AlertRuleRow | undefined> {
  const { rows } = await q.query<AlertRuleRow>(`select ${COLUMNS} from alert_rules where id = $1`, [id]);
  return rows[0];
}

/** A rule's settings as statement parameters, in column order (name … enabled). */
function ruleParams(r: AlertRuleInput): unknown[] {
  const threshold = r.threshold === null ? null : JSON.stringify(r.threshold);
  const params: unknown[] = [
    r.name,
    r.eventKind,
    r.minSeverity,
    r.hostTags,
    r.groupIds,
    r.framework,
    threshold,
  ];
  return [...params, r.dedupWindowSeconds, r.channelIds, r.enabled];
}

export async function insertAlertRule(q: Queryable, r: AlertRuleInput): Promise<AlertRuleRow> {
  const { rows } = await q.query<AlertRuleRow>(
    `insert into alert_rules (name, event_kind, min_severity, host_tags, group_ids, framework, threshold,
       dedup_window_seconds, channel_ids, enabled)
     values ($1, $2, $3, $4::text[], $5::uuid[], $6, $7::jsonb, $8, $9::uuid[], $10)
     returning ${COLUMNS}`,
    ruleParams(r),
  );
  const row = rows[0];
  if (!row) throw new Error('alert rule insert returned nothing');
  return row;
}

/** Replaces a rule's settings; a built-in rule keeps its kind and threshold (only routing and filters move). */
export async function updateAlertRule(
  q: Queryable,
  id: string,
  r: AlertRuleInput,
): Promise<AlertRuleRow | undefined> {
  const { rows } = await q.query<AlertRuleRow>(
    `update alert_rules set name = $2,
            event_kind = case when builtin_key is null then $3 else event_kind end,
            min_severity = $4, host_tags = $5::text[], group_ids = $6::uuid[], framework = $7,
            threshold = case when builtin_key is null then $8::jsonb else threshold end,
            dedup_window_seconds = $9, channel_ids = $10::uuid[], enabled = $11, updated_at = now()
      where id = $1
     returning ${COLUMNS}`,
    [id, ...ruleParams(r)],
  );
  return rows[0];
}

/** Deletes a custom rule (built-ins can only be disabled); false when there is none. */
export async function deleteAlertRule(q: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await q.query('delete from alert_rules where id = $1 and builtin_key is null', [id]);
  return rowCount === 1;
}

export interface HostScope {
  hostname: string;
  tags: string[];
  groups: string[];
}

/** Name, tags and group ids of the given hosts, for rule filters and alert titles. */
export async function hostScopes(q: Queryable, hostIds: readonly string[]): Promise<Map<string, HostScope>> {
  if (hostIds.length === 0) return new Map();
  const { rows } = await q.query<HostScope & { id: string }>(
    `select h.id::text as id, h.hostname, h.tags,
            array(select g.id::text from host_groups g where ${GROUP_MEMBER}) as groups
       from hosts h where h.id = any($1::uuid[])`,
    [hostIds],
  );
  return new Map(rows.map((r) => [r.id, { hostname: r.hostname, tags: r.tags, groups: r.groups }]));
}

/** The frameworks each rule maps to (keys of its references with a value). */
export async function ruleFrameworks(
  q: Queryable,
  ruleIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (ruleIds.length === 0) return new Map();
  const { rows } = await q.query<{ rule_id: string; frameworks: string[] }>(
    `select rule_id, array(select k from jsonb_each(refs) as r(k, v)
                            where v is not null and v <> 'null'::jsonb and v <> '[]'::jsonb) as frameworks
       from rule_catalog where rule_id = any($1::text[])`,
    [ruleIds],
  );
  return new Map(rows.map((r) => [r.rule_id, r.frameworks]));
}
