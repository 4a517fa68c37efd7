import type { Queryable } from '../types.ts';
import { rebuildPostureSummary } from './posture-summary.ts';
import { GROUP_MEMBER } from './hosts.ts';

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  auto_os_family: string | null;
  maintenance: boolean;
  /** Live hosts in the group, manual and automatic. */
  host_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface GroupInput {
  name: string;
  description: string;
  autoOsFamily: string | null;
  maintenance: boolean;
}

const COLUMNS = `g.id, g.name, g.description, g.auto_os_family, g.maintenance,
  (select count(*)::int from hosts h where h.deleted_at is null and ${GROUP_MEMBER}) as host_count,
  g.created_at, g.updated_at`;

export async function listGroups(q: Queryable): Promise<GroupRow[]> {
  const { rows } = await q.query<GroupRow>(
    `select ${COLUMNS} from host_groups g order by lower(g.name), g.id`,
  );
  return rows;
}

export async function groupById(q: Queryable, id: string): Promise<GroupRow | undefined> {
  const { rows } = await q.query<GroupRow>(`select ${COLUMNS} from host_groups g where g.id = $1`, [id]);
  return rows[0];
}

export async function insertGroup(q: Queryable, g: GroupInput): Promise<GroupRow> {
  const { rows } = await q.query<{ id: string }>(
    `insert into host_groups (name, description, auto_os_family, maintenance) values ($1, $2, $3, $4)
     returning id`,
    [g.name, g.description, g.autoOsFamily, g.maintenance],
  );
  const id = rows[0]?.id;
  const group = id === undefined ? undefined : await groupById(q, id);
  if (!group) throw new Error('inserted group not found');
  return group;
}

/** Updates the given fields; `autoOsFamily: null` turns automatic membership off. */
export async function updateGroup(
  q: Queryable,
  id: string,
  g: Partial<GroupInput>,
): Promise<GroupRow | undefined> {
  const { rowCount } = await q.query(
    `update host_groups set name = coalesce($2, name), description = coalesce($3, description),
       auto_os_family = case when $4::boolean then $5 else auto_os_family end,
       maintenance = coalesce($6, maintenance), updated_at = now()
     where id = $1`,
    [
      id,
      g.name ?? null,
      g.description ?? null,
      g.autoOsFamily !== undefined,
      g.autoOsFamily ?? null,
      g.maintenance ?? null,
    ],
  );
  return rowCount === 0 ? undefined : groupById(q, id);
}

/**
 * A group's members changed (or the group went): when the group assigns a profile, which profile applies
 * to those hosts changed too, and the posture summaries, which count each host's profile rules, follow.
 */
async function rescoreIfProfiled(q: Queryable, groupId: string, profiled?: boolean): Promise<void> {
  const has =
    profiled ?? (await q.query('select 1 from group_profiles where group_id = $1', [groupId])).rowCount > 0;
  if (has) await rebuildPostureSummary(q);
}

export async function deleteGroup(q: Queryable, id: string): Promise<boolean> {
  const profiled = (await q.query('select 1 from group_profiles where group_id = $1', [id])).rowCount > 0;
  const { rowCount } = await q.query('delete from host_groups where id = $1', [id]);
  if (rowCount > 0) await rescoreIfProfiled(q, id, profiled);
  return rowCount > 0;
}

export interface GroupHostRow {
  id: string;
  hostname: string;
  environment: string;
  address: string;
  membership: 'manual' | 'auto';
}

/** Live members: the manual list ∪ hosts whose os_family matches the group's automatic family. */
export async function groupHosts(q: Queryable, groupId: string): Promise<GroupHostRow[]> {
  const { rows } = await q.query<GroupHostRow>(
    `select h.id, h.hostname, h.environment, h.address,
       case when exists (select 1 from host_group_members m where m.group_id = g.id and m.host_id = h.id)
            then 'manual' else 'auto' end as membership
     from host_groups g join hosts h on h.deleted_at is null and ${GROUP_MEMBER}
     where g.id = $1
     order by lower(h.hostname), h.id`,
    [groupId],
  );
  return rows;
}

/** Replaces the manual member list; returns the host ids added and removed. */
export async function setGroupMembers(
  q: Queryable,
  groupId: string,
  hostIds: readonly string[],
): Promise<{ added: string[]; removed: string[] }> {
  const removed = await q.query<{ host_id: string }>(
    `delete from host_group_members where group_id = $1 and not (host_id = any($2::uuid[])) returning host_id`,
    [groupId, hostIds],
  );
  const added = await q.query<{ host_id: string }>(
    `insert into host_group_members (group_id, host_id) select $1, unnest($2::uuid[])
     on conflict do nothing returning host_id`,
    [groupId, hostIds],
  );
  if (added.rows.length + removed.rows.length > 0) await rescoreIfProfiled(q, groupId);
  return { added: added.rows.map((r) => r.host_id), removed: removed.rows.map((r) => r.host_id) };
}

export async function addGroupMember(q: Queryable, groupId: string, hostId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'insert into host_group_members (group_id, host_id) values ($1, $2) on conflict do nothing',
    [groupId, hostId],
  );
  if (rowCount > 0) await rescoreIfProfiled(q, groupId);
  return rowCount > 0;
}

export async function removeGroupMember(q: Queryable, groupId: string, hostId: string): Promise<boolean> {
  const { rowCount } = await q.query('delete from host_group_members where group_id = $1 and host_id = $2', [
    groupId,
    hostId,
  ]);
  if (rowCount > 0) await rescoreIfProfiled(q, groupId);
  return rowCount > 0;
}
