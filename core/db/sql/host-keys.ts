import type { Queryable } from '../types.ts';

export type HostKeyStatus = 'pinned' | 'pending' | 'rejected' | 'retired';

export interface HostKeyRow {
  id: string;
  host_id: string;
  key_type: string;
  fingerprint: string;
  status: HostKeyStatus;
  first_seen_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
}

const COLUMNS = 'id, host_id, key_type, fingerprint, status, first_seen_at, decided_by, decided_at';

export async function listHostKeys(q: Queryable, hostId: string): Promise<HostKeyRow[]> {
  const { rows } = await q.query<HostKeyRow>(
    `select ${COLUMNS} from host_keys where host_id = $1
     order by case status when 'pinned' then 0 when 'pending' then 1 else 2 end, first_seen_at desc, id`,
    [hostId],
  );
  return rows;
}

export async function pinnedHostKey(q: Queryable, hostId: string): Promise<HostKeyRow | undefined> {
  const { rows } = await q.query<HostKeyRow>(
    `select ${COLUMNS} from host_keys where host_id = $1 and status = 'pinned'`,
    [hostId],
  );
  return rows[0];
}

/** Locks one key of a host for a decision. */
export async function lockHostKey(q: Queryable, hostId: string, id: string): Promise<HostKeyRow | undefined> {
  const { rows } = await q.query<HostKeyRow>(
    `select ${COLUMNS} from host_keys where host_id = $1 and id = $2 for update`,
    [hostId, id],
  );
  return rows[0];
}

/**
 * Records a key in a status; a fingerprint the host already has keeps its row (and status) and
 * nothing is returned. A second pinned key for the host is refused the same way (one pinned per host).
 */
export async function insertHostKey(
  q: Queryable,
  k: {
    hostId: string;
    keyType: string;
    fingerprint: string;
    status: HostKeyStatus;
    decidedBy: string | null;
  },
): Promise<HostKeyRow | undefined> {
  const { rows } = await q.query<HostKeyRow>(
    `insert into host_keys (host_id, key_type, fingerprint, status, decided_by, decided_at)
     values ($1, $2, $3, $4, $5, case when $4 = 'pending' then null else now() end)
     on conflict do nothing returning ${COLUMNS}`,
    [k.hostId, k.keyType, k.fingerprint, k.status, k.decidedBy],
  );
  return rows[0];
}

export async function hostKeyByFingerprint(
  q: Queryable,
  hostId: string,
  fingerprint: string,
): Promise<HostKeyRow | undefined> {
  const { rows } = await q.query<HostKeyRow>(
    `select ${COLUMNS} from host_keys where host_id = $1 and fingerprint = $2`,
    [hostId, fingerprint],
  );
  return rows[0];
}

/** Retires the host's pinned key (before another is pinned); returns its fingerprint. */
export async function retirePinnedHostKey(
  q: Queryable,
  hostId: string,
  decidedBy: string | null,
): Promise<string | undefined> {
  const { rows } = await q.query<{ fingerprint: string }>(
    `update host_keys set status = 'retired', decided_by = $2, decided_at = now()
     where host_id = $1 and status = 'pinned' returning fingerprint`,
    [hostId, decidedBy],
  );
  return rows[0]?.fingerprint;
}

export async function setHostKeyStatus(
  q: Queryable,
  id: string,
  status: HostKeyStatus,
  decidedBy: string | null,
): Promise<HostKeyRow> {
  const { rows } = await q.query<HostKeyRow>(
    `update host_keys set status = $2, decided_by = $3, decided_at = now() where id = $1 returning ${COLUMNS}`,
    [id, status, decidedBy],
  );
  const row = rows[0];
  if (!row) throw new Error('host key vanished under its lock');
  return row;
}

/** The host's policy, locking the host row so concurrent first uses pin one key. */
export async function lockHostKeyPolicy(
  q: Queryable,
  hostId: string,
): Promise<'pinned' | 'tofu' | undefined> {
  const { rows } = await q.query<{ host_key_policy: 'pinned' | 'tofu' }>(
    'select host_key_policy from hosts where id = $1 and deleted_at is null for update',
    [hostId],
  );
  return rows[0]?.host_key_policy;
}
