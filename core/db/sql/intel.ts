import type { IntelItem } from '../../intel/sections.ts';
import type { Queryable } from '../types.ts';

export interface IntelRow {
  section: string;
  content_hash: string;
  items: IntelItem[];
  collected_at: Date;
  changed_at: Date;
}

/** Serialises collections of one host until the transaction ends; returns its stored sections. */
export async function lockHostIntel(tx: Queryable, hostId: string): Promise<IntelRow[]> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('openwatch.intel:' || $1, 0))`, [hostId]);
  return hostIntel(tx, hostId);
}

export async function hostIntel(q: Queryable, hostId: string, section?: string): Promise<IntelRow[]> {
  const { rows } = await q.query<IntelRow>(
    `select section, content_hash, items, collected_at, changed_at from host_intel
      where host_id = $1 and ($2::text is null or section = $2) order by section`,
    [hostId, section ?? null],
  );
  return rows;
}

export async function upsertIntelSection(
  tx: Queryable,
  hostId: string,
  s: { section: string; hash: string; items: IntelItem[]; at: Date },
): Promise<void> {
  await tx.query(
    `insert into host_intel (host_id, section, content_hash, items, collected_at, changed_at)
     values ($1, $2, $3, $4::jsonb, $5, $5)
     on conflict (host_id, section) do update
        set content_hash = excluded.content_hash, items = excluded.items,
            collected_at = excluded.collected_at, changed_at = excluded.changed_at`,
    [hostId, s.section, s.hash, JSON.stringify(s.items), s.at],
  );
}

/** Marks every stored section of the host as seen now (the unchanged ones are otherwise untouched). */
export async function touchHostIntel(tx: Queryable, hostId: string, at: Date): Promise<void> {
  await tx.query('update host_intel set collected_at = $2 where host_id = $1', [hostId, at]);
}

export async function insertIntelChange(
  tx: Queryable,
  hostId: string,
  c: { section: string; at: Date; added: unknown[]; removed: unknown[]; changed: unknown[] },
): Promise<void> {
  await tx.query(
    `insert into host_intel_changes (host_id, section, collected_at, added, removed, changed)
     values ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)`,
    [hostId, c.section, c.at, JSON.stringify(c.added), JSON.stringify(c.removed), JSON.stringify(c.changed)],
  );
}

export interface IntelChangeRow {
  id: string;
  section: string;
  collected_at: Date;
  added: IntelItem[];
  removed: IntelItem[];
  changed: { key: string; before: IntelItem; after: IntelItem }[];
}

export async function intelChanges(
  q: Queryable,
  hostId: string,
  f: { section?: string | undefined; before?: string | undefined; limit: number },
): Promise<IntelChangeRow[]> {
  const { rows } = await q.query<IntelChangeRow>(
    `select id::text as id, section, collected_at, added, removed, changed from host_intel_changes
      where host_id = $1 and ($2::text is null or section = $2) and ($3::bigint is null or id < $3)
      order by id desc limit $4`,
    [hostId, f.section ?? null, f.before ?? null, f.limit],
  );
  return rows;
}

/** Live hosts with a package of this name installed, with its versions (one row per architecture). */
export async function hostsWithPackage(
  q: Queryable,
  name: string,
): Promise<{ host_id: string; hostname: string; os_family: string | null; version: string; arch: string }[]> {
  const { rows } = await q.query<{
    host_id: string;
    hostname: string;
    os_family: string | null;
    version: string;
    arch: string;
  }>(
    `select h.id::text as host_id, h.hostname, h.os_family, p->>'version' as version, p->>'arch' as arch
       from host_intel i join hosts h on h.id = i.host_id and h.deleted_at is null,
            jsonb_array_elements(i.items) p
      where i.section = 'packages' and i.items @> jsonb_build_array(jsonb_build_object('name', $1::text))
        and p->>'name' = $1
      order by lower(h.hostname), h.id`,
    [name],
  );
  return rows;
}

/** Live hosts listening on a port (any address, tcp or udp unless given). */
export async function hostsListeningOn(
  q: Queryable,
  port: number,
  proto: string | null,
): Promise<{ host_id: string; hostname: string; proto: string; address: string; process: string }[]> {
  const { rows } = await q.query<{
    host_id: string;
    hostname: string;
    proto: string;
    address: string;
    process: string;
  }>(
    `select h.id::text as host_id, h.hostname, p->>'proto' as proto, p->>'address' as address,
            p->>'process' as process
       from host_intel i join hosts h on h.id = i.host_id and h.deleted_at is null,
            jsonb_array_elements(i.items) p
      where i.section = 'ports' and i.items @> jsonb_build_array(jsonb_build_object('port', $1::int))
        and (p->>'port')::int = $1 and ($2::text is null or p->>'proto' = $2)
      order by lower(h.hostname), h.id, p->>'proto', p->>'address'`,
    [port, proto],
  );
  return rows;
}

export async function recordUptime(tx: Queryable, hostId: string, seconds: number | null): Promise<void> {
  if (seconds === null) return;
  await tx.query('update hosts set uptime_seconds = $2 where id = $1', [hostId, seconds]);
}
