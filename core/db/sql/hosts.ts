import type { Queryable } from '../types.ts';

export interface HostRow {
  id: string;
  hostname: string;
  environment: string;
  address: string;
  port: number;
  tags: string[];
  description: string;
  credential_id: string | null;
  use_sudo: boolean;
  host_key_policy: 'pinned' | 'tofu';
  maintenance: boolean;
  /** The host's own flag or that of any group it belongs to. */
  in_maintenance: boolean;
  os_family: string | null;
  os_id: string | null;
  os_version: string | null;
  os_name: string | null;
  kernel: string | null;
  uptime_seconds: string | null;
  package_count: number | null;
  discovered_at: Date | null;
  liveness: string;
  liveness_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** `local`: this machine, scanned without SSH; set only by the server (migration 0009). */
  transport: 'ssh' | 'local';
  /** pass ÷ (pass + fail) of the current verdicts, null before a completed scan (migration 0014). */
  score: number | null;
  last_scan_at: Date | null;
}

export interface HostInput {
  hostname: string;
  environment: string;
  address: string;
  port: number;
  tags: string[];
  description: string;
  credentialId: string | null;
  useSudo: boolean;
  hostKeyPolicy: 'pinned' | 'tofu';
  maintenance: boolean;
}

/**
 * Host `h` is a member of group `g`: listed by hand, or matched by the group's automatic OS family.
 * Automatic membership is computed here, never stored, so discovery changing os_family moves hosts.
 */
export const GROUP_MEMBER = `((g.auto_os_family is not null and g.auto_os_family = h.os_family)
  or exists (select 1 from host_group_members m where m.group_id = g.id and m.host_id = h.id))`;

export const HOST_COLUMNS = `h.id, h.hostname, h.environment, h.address, h.port, h.tags, h.description, h.credential_id,
  h.use_sudo, h.host_key_policy, h.maintenance,
  (h.maintenance or exists (select 1 from host_groups g where g.maintenance and ${GROUP_MEMBER})) as in_maintenance,
  h.os_family, h.os_id, h.os_version, h.os_name, h.kernel, h.uptime_seconds::text as uptime_seconds,
  h.package_count, h.discovered_at, h.liveness, h.liveness_checked_at, h.created_at, h.updated_at,
  h.transport, h.score, h.last_scan_at`;

export async function insertHost(q: Queryable, h: HostInput): Promise<HostRow> {
  const { rows } = await q.query<{ id: string }>(
    `insert into hosts (hostname, environment, address, port, tags, description, credential_id, use_sudo,
       host_key_policy, maintenance)
     values ($1, $2, $3, $4, $5::text[], $6, $7::uuid, $8, $9, $10) returning id`,
    [
      h.hostname,
      h.environment,
      h.address,
      h.port,
      h.tags,
      h.description,
      h.credentialId,
      h.useSudo,
      h.hostKeyPolicy,
      h.maintenance,
    ],
  );
  const id = rows[0]?.id;
  const host = id === undefined ? undefined : await hostById(q, id);
  if (!host) throw new Error('inserted host not found');
  return host;
}

/** A live (not deleted) host. */
export async function hostById(q: Queryable, id: string): Promise<HostRow | undefined> {
  const { rows } = await q.query<HostRow>(
    `select ${HOST_COLUMNS} from hosts h where h.id = $1 and h.deleted_at is null`,
    [id],
  );
  return rows[0];
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type HostPatch = Partial<HostInput>;

/** Updates the given fields of a live host; undefined leaves a field alone. */
export async function updateHost(q: Queryable, id: string, p: HostPatch): Promise<HostRow | undefined> {
  const { rowCount } = await q.query(
    `update hosts set
       hostname = coalesce($2, hostname), environment = coalesce($3, environment),
       address = coalesce($4, address), port = coalesce($5, port), tags = coalesce($6::text[], tags),
       description = coalesce($7, description),
       credential_id = case when $8::boolean then $9::uuid else credential_id end,
       use_sudo = coalesce($10, use_sudo), host_key_policy = coalesce($11, host_key_policy),
       maintenance = coalesce($12, maintenance), updated_at = now()
     where id = $1 and deleted_at is null`,
    [
      id,
      p.hostname ?? null,
      p.environment ?? null,
      p.address ?? null,
      p.port ?? null,
      p.tags ?? null,
      p.description ?? null,
      p.credentialId !== undefined,
      p.credentialId ?? null,
      p.useSudo ?? null,
      p.hostKeyPolicy ?? null,
      p.maintenance ?? null,
    ],
  );
  return rowCount === 0 ? undefined : hostById(q, id);
}

/** Soft delete: the row stays for history (results refer to it); its name is free again. */
export async function softDeleteHost(q: Queryable, id: string): Promise<HostRow | undefined> {
  const host = await hostById(q, id);
  if (!host) return undefined;
  await q.query(
    'update hosts set deleted_at = now(), updated_at = now() where id = $1 and deleted_at is null',
    [id],
  );
  await q.query('delete from host_group_members where host_id = $1', [id]);
  return host;
}

export interface HostGroupRef {
  id: string;
  name: string;
  /** `manual` when listed by hand (also when the OS family matches too), else `auto`. */
  membership: 'manual' | 'auto';
}

export async function groupsOfHost(q: Queryable, hostId: string): Promise<HostGroupRef[]> {
  const { rows } = await q.query<HostGroupRef>(
    `select g.id, g.name,
       case when exists (select 1 from host_group_members m where m.group_id = g.id and m.host_id = h.id)
            then 'manual' else 'auto' end as membership
     from hosts h join host_groups g on ${GROUP_MEMBER}
     where h.id = $1
     order by lower(g.name)`,
    [hostId],
  );
  return rows;
}

/** Which of these ids are live hosts. */
export async function liveHostIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    'select id from hosts where id = any($1::uuid[]) and deleted_at is null',
    [ids],
  );
  return rows.map((r) => r.id);
}

/** Which of these (hostname, environment) pairs a live host already has, as `lower(hostname) environment`. */
export async function takenHostNames(
  q: Queryable,
  pairs: ReadonlyArray<{ hostname: string; environment: string }>,
): Promise<Set<string>> {
  const { rows } = await q.query<{ k: string }>(
    `select lower(h.hostname) || ' ' || h.environment as k
       from hosts h join unnest($1::text[], $2::text[]) as p(name, env)
         on lower(h.hostname) = lower(p.name) and h.environment = p.env
      where h.deleted_at is null`,
    [pairs.map((p) => p.hostname), pairs.map((p) => p.environment)],
  );
  return new Set(rows.map((r) => r.k));
}
