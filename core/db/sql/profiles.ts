import type { Queryable } from '../types.ts';
import { rebuildPostureSummary } from './posture-summary.ts';

/** A profile as the catalog sync stores it (from rules/profiles/*.yml). */
export interface ProfileEntry {
  id: string;
  title: string;
  benchmark: string;
  description: string;
  default_for: { family: string; min_version?: string; max_version?: string }[];
  variables: Record<string, unknown>;
  rules: string[];
}

export interface ProfileSummary {
  id: string;
  title: string;
  benchmark: string;
  rule_count: number;
}

export type ProfileRow = ProfileEntry & { rule_count: number; corpus_version: string; updated_at: Date };

export type ProfileSource = 'host' | 'group' | 'os_default';

export interface EffectiveProfile {
  profile_id: string | null;
  source: ProfileSource | null;
}

/** The key of the OS-default setting in system_settings (read by the host_effective_profiles view). */
export const OS_DEFAULTS_KEY = 'profiles.os_defaults';

export async function profileVersions(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ v: string }>(
    'select distinct corpus_version as v from profiles order by 1',
  );
  return rows.map((r) => r.v);
}

/** Makes `profiles` hold exactly `entries` (one statement each for upsert and delete). */
export async function replaceProfiles(
  tx: Queryable,
  entries: readonly ProfileEntry[],
  corpusVersion: string,
): Promise<void> {
  await tx.query(
    `insert into profiles as p (id, title, benchmark, description, default_for, variables, rules, corpus_version)
     select e.id, e.title, e.benchmark, e.description, e.default_for, e.variables,
            array(select jsonb_array_elements_text(e.rules)), $2
       from jsonb_to_recordset($1::jsonb)
         as e(id text, title text, benchmark text, description text, default_for jsonb, variables jsonb,
              rules jsonb)
     on conflict (id) do update
        set title = excluded.title, benchmark = excluded.benchmark, description = excluded.description,
            default_for = excluded.default_for, variables = excluded.variables, rules = excluded.rules,
            corpus_version = excluded.corpus_version, updated_at = now()`,
    [JSON.stringify(entries), corpusVersion],
  );
  await tx.query('delete from profiles where id <> all($1::text[])', [entries.map((e) => e.id)]);
  await rebuildPostureSummary(tx);
}

export async function listProfiles(q: Queryable): Promise<ProfileSummary[]> {
  const { rows } = await q.query<ProfileSummary>(
    `select id, title, benchmark, cardinality(rules)::int as rule_count from profiles order by id`,
  );
  return rows;
}

export async function getProfile(q: Queryable, id: string): Promise<ProfileRow | undefined> {
  const { rows } = await q.query<ProfileRow>(
    `select id, title, benchmark, description, default_for, variables, rules,
            cardinality(rules)::int as rule_count, corpus_version, updated_at
       from profiles where id = $1`,
    [id],
  );
  return rows[0];
}

export async function profileExists(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query('select 1 from profiles where id = $1', [id]);
  return rows.length > 0;
}

/** Sets (or replaces) a host's profile; returns the previous one. */
export async function assignHostProfile(
  q: Queryable,
  hostId: string,
  profileId: string,
  by: string | null,
): Promise<string | null> {
  const { rows } = await q.query<{ previous: string | null }>(
    `with old as (select profile_id from host_profiles where host_id = $1 for update)
     insert into host_profiles (host_id, profile_id, assigned_by) values ($1, $2, $3)
     on conflict (host_id) do update
        set profile_id = excluded.profile_id, assigned_by = excluded.assigned_by, assigned_at = now()
     returning (select profile_id from old) as previous`,
    [hostId, profileId, by],
  );
  await rebuildPostureSummary(q);
  return rows[0]?.previous ?? null;
}

/** Removes a host's own profile; returns the one removed, or null when it had none. */
export async function clearHostProfile(q: Queryable, hostId: string): Promise<string | null> {
  const { rows } = await q.query<{ profile_id: string }>(
    'delete from host_profiles where host_id = $1 returning profile_id',
    [hostId],
  );
  if (rows.length > 0) await rebuildPostureSummary(q);
  return rows[0]?.profile_id ?? null;
}

export async function assignGroupProfile(
  q: Queryable,
  groupId: string,
  profileId: string,
  by: string | null,
): Promise<string | null> {
  const { rows } = await q.query<{ previous: string | null }>(
    `with old as (select profile_id from group_profiles where group_id = $1 for update)
     insert into group_profiles (group_id, profile_id, assigned_by) values ($1, $2, $3)
     on conflict (group_id) do update
        set profile_id = excluded.profile_id, assigned_by = excluded.assigned_by, assigned_at = now()
     returning (select profile_id from old) as previous`,
    [groupId, profileId, by],
  );
  await rebuildPostureSummary(q);
  return rows[0]?.previous ?? null;
}

export async function clearGroupProfile(q: Queryable, groupId: string): Promise<string | null> {
  const { rows } = await q.query<{ profile_id: string }>(
    'delete from group_profiles where group_id = $1 returning profile_id',
    [groupId],
  );
  if (rows.length > 0) await rebuildPostureSummary(q);
  return rows[0]?.profile_id ?? null;
}

/** The profile a group assigns (whether or not it still exists in the catalog), or null. */
export async function groupProfile(q: Queryable, groupId: string): Promise<string | null> {
  const { rows } = await q.query<{ profile_id: string }>(
    'select profile_id from group_profiles where group_id = $1',
    [groupId],
  );
  return rows[0]?.profile_id ?? null;
}

/** A host's own assignment (whether or not the profile still exists) and its effective profile. */
export async function hostProfiles(
  q: Queryable,
  hostId: string,
): Promise<{ assigned: string | null } & EffectiveProfile> {
  const { rows } = await q.query<{ assigned: string | null } & EffectiveProfile>(
    `select (select profile_id from host_profiles where host_id = $1) as assigned, e.profile_id, e.source
       from host_effective_profiles e where e.host_id = $1`,
    [hostId],
  );
  return rows[0] ?? { assigned: null, profile_id: null, source: null };
}

/** The rules and variables of a host's effective profile, or undefined when it has none (every rule). */
export async function effectiveProfileRules(
  q: Queryable,
  hostId: string,
): Promise<{ profile_id: string; rules: string[]; variables: Record<string, unknown> } | undefined> {
  const { rows } = await q.query<{ profile_id: string; rules: string[]; variables: Record<string, unknown> }>(
    `select p.id as profile_id, p.rules, p.variables
       from host_effective_profiles e join profiles p on p.id = e.profile_id where e.host_id = $1`,
    [hostId],
  );
  return rows[0];
}

/** Records the profile a scan runs against (the runner, when it selects the scan's rules). */
export async function setScanProfile(q: Queryable, scanId: string, profileId: string): Promise<void> {
  await q.query('update scans set profile_id = $2 where id = $1', [scanId, profileId]);
}

/** A profile's rules with their catalog title and severity (null for a rule the catalog lacks). */
export async function profileRuleRows(
  q: Queryable,
  ruleIds: readonly string[],
): Promise<{ rule_id: string; title: string | null; severity: string | null }[]> {
  const { rows } = await q.query<{ rule_id: string; title: string | null; severity: string | null }>(
    `select r.id as rule_id, c.title, c.severity
       from unnest($1::text[]) r(id) left join rule_catalog c on c.rule_id = r.id order by r.id`,
    [ruleIds],
  );
  return rows;
}

/** The OS defaults the profiles themselves declare (single-version `default_for` entries). */
export async function bundledOsDefaults(
  q: Queryable,
): Promise<{ family: string; version: string; profile_id: string }[]> {
  const { rows } = await q.query<{ family: string; version: string; profile_id: string }>(
    `select f->>'family' as family, f->>'min_version' as version, p.id as profile_id
       from profiles p cross join lateral jsonb_array_elements(p.default_for) f
      where f->>'min_version' = f->>'max_version' order by p.id`,
  );
  return rows;
}

/** Live hosts in a scope ($1 host, $2 group) per effective profile and its source: what scores count against. */
export async function effectiveProfileCounts(
  q: Queryable,
  scope: { hostId?: string | undefined; groupId?: string | undefined },
): Promise<(EffectiveProfile & { hosts: number })[]> {
  const { rows } = await q.query<EffectiveProfile & { hosts: number }>(
    `select e.profile_id, e.source, count(*)::int as hosts
       from host_effective_profiles e join hosts h on h.id = e.host_id
      where h.deleted_at is null and ($1::uuid is null or h.id = $1)
        and ($2::uuid is null or exists (select 1 from host_group_members m
                                          where m.group_id = $2 and m.host_id = h.id))
      group by e.profile_id, e.source order by hosts desc, e.profile_id nulls last, e.source`,
    [scope.hostId ?? null, scope.groupId ?? null],
  );
  return rows;
}
